//! What each unit handed in for each deadline, and who is still missing.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::column::{Flag, Parsed, Stamp};
use super::deadlines::Deadline;
use super::scope;
use super::{get, ts};
use crate::domain::campaign_file::AsksFor;
use crate::domain::unit::{Scope, Unit};
use sqlx::FromRow;

/// Units that must submit: all but the district federation's own (units with staff).
const UNITS: &str = "SELECT u.id, u.name, u.kind FROM units u";

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    Submitted,
    Returned,
    Approved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Submission {
    pub id: i64,
    pub deadline_id: i64,
    pub unit_id: i64,
    #[sqlx(try_from = "Parsed<Status>")]
    pub status: Status,
    #[sqlx(try_from = "Flag")]
    pub late: bool,
    pub note: Option<String>,
    pub review_reason: Option<String>,
    #[sqlx(try_from = "Stamp")]
    pub submitted_at: DateTime<Utc>,
}

impl From<Parsed<Status>> for Status {
    fn from(p: Parsed<Status>) -> Status {
        p.0
    }
}

/// Units that have not handed in what the deadline asks for (a returned submission
/// counts as not handed in).
pub async fn missing_units(conn: &mut AnyConnection, deadline: &Deadline) -> Result<Vec<Unit>> {
    let (missing, bind) = missing_condition(deadline);
    sqlx::query(&format!(
        "{UNITS} WHERE {SUBJECT} AND {missing} ORDER BY u.id"
    ))
    .bind(bind)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(super::units::from_row)
    .collect()
}

/// How many units in the scope must submit (all but the federations): the figure
/// the database keeps (`tallies`), one row or one a federation of the branch.
pub async fn subject_count(conn: &mut AnyConnection, within: Scope) -> Result<i64> {
    let places = scope::places(within, "t.place");
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT) AS n FROM tallies t \
         WHERE t.topic = 'units' AND {places}"
    );
    let row = sqlx::query(&sql).fetch_one(&mut *conn).await?;
    get(&row, "n")
}

/// The first `limit` units in the scope that must submit, in id order.
pub async fn subject_units_page(
    conn: &mut AnyConnection,
    within: Scope,
    limit: i64,
) -> Result<Vec<Unit>> {
    let within = scope::condition(within, "u.id");
    let sql = format!("{UNITS} WHERE {SUBJECT} AND {within} ORDER BY u.id LIMIT $1");
    super::collect(sqlx::query(&sql).bind(limit), conn, super::units::from_row).await
}

/// Which units the web grid shows: a name's folded part, and a deadline's state.
#[derive(Debug, Clone, Default)]
pub struct GridFilter {
    /// Folded ("vinh thuan"); matched anywhere in the unit's folded name.
    pub name: Option<String>,
    pub state: Option<(i64, GridState)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum GridState {
    Missing,
    Submitted,
    Late,
    Returned,
    Approved,
}

/// The grid's condition on `u` (after SCOPE and SUBJECT), with the name's pattern
/// bound at `$name_at`.
fn grid_condition(within: Scope, f: &GridFilter, name_at: usize) -> String {
    let mut sql = format!("{SUBJECT} AND {}", scope::condition(within, "u.id"));
    if f.name.is_some() {
        // Folded names are never NULL once the service has started
        // (`units::fill_folded_names`); the column alone is read from `units_names`.
        sql.push_str(&format!(" AND u.folded_name LIKE ${name_at}"));
    }
    if let Some((deadline, state)) = f.state {
        // The deadline's id is an integer, written into the statement.
        let of = format!(
            "SELECT 1 FROM submissions s WHERE s.unit_id = u.id AND s.deadline_id = {deadline}"
        );
        sql.push_str(&match state {
            GridState::Missing => format!(" AND NOT EXISTS ({of})"),
            GridState::Late => format!(" AND EXISTS ({of} AND s.late = 1)"),
            other => {
                let status: &str = match other {
                    GridState::Approved => "approved",
                    GridState::Returned => "returned",
                    _ => "submitted",
                };
                format!(" AND EXISTS ({of} AND s.status = '{status}')")
            }
        });
    }
    sql
}

fn pattern(f: &GridFilter) -> String {
    let name = f.name.as_deref().unwrap_or_default();
    // LIKE's own characters in a search are plain characters.
    let escaped: String = name
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect();
    format!("%{escaped}%")
}

/// A page of the grid: the next `limit` units after id `after`.
pub async fn grid_page(
    conn: &mut AnyConnection,
    within: Scope,
    f: &GridFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<Unit>> {
    let cond = grid_condition(within, f, 3);
    let sql = format!("{UNITS} WHERE {cond} AND u.id > $2 ORDER BY u.id LIMIT $1");
    let mut query = sqlx::query(&sql).bind(limit).bind(after);
    if f.name.is_some() {
        query = query.bind(pattern(f));
    }
    super::collect(query, conn, super::units::from_row).await
}

/// How many units the grid's filter keeps: without a name, from the figures the
/// database keeps; a name is looked for in every unit's.
pub async fn grid_count(conn: &mut AnyConnection, within: Scope, f: &GridFilter) -> Result<i64> {
    if f.name.is_none() {
        let units = subject_count(conn, within).await?;
        let Some((deadline, state)) = f.state else {
            return Ok(units);
        };
        let counts = super::overview::submission_counts(conn, within, &[deadline]).await?;
        let n = |keep: &dyn Fn(&super::overview::StatusCount) -> bool| -> i64 {
            counts.iter().filter(|c| keep(c)).map(|c| c.n).sum()
        };
        return Ok(match state {
            GridState::Missing => units - n(&|_| true),
            GridState::Late => n(&|c| c.late),
            GridState::Submitted => n(&|c| c.status == "submitted"),
            GridState::Returned => n(&|c| c.status == "returned"),
            GridState::Approved => n(&|c| c.status == "approved"),
        });
    }
    let cond = grid_condition(within, f, 1);
    let sql = format!("SELECT COUNT(*) AS n FROM units u WHERE {cond}");
    let mut query = sqlx::query(&sql);
    if f.name.is_some() {
        query = query.bind(pattern(f));
    }
    let row = query.fetch_one(conn).await?;
    get(&row, "n")
}

/// How many units miss what the deadline asks for, and the first `limit` of them: a
/// chat message names a few, never a province's thousands.
pub async fn missing_page(
    conn: &mut AnyConnection,
    deadline: &Deadline,
    within: Scope,
    limit: i64,
) -> Result<(i64, Vec<Unit>)> {
    let (missing, bind) = missing_condition(deadline);
    let within = scope::condition(within, "u.id");
    let count = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM units u WHERE {SUBJECT} AND {within} AND {missing}"
    ))
    .bind(bind)
    .fetch_one(&mut *conn)
    .await?;
    let first = sqlx::query(&format!(
        "{UNITS} WHERE {SUBJECT} AND {within} AND {missing} ORDER BY u.id LIMIT $2"
    ))
    .bind(bind)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(super::units::from_row)
    .collect::<Result<_>>()?;
    Ok((get(&count, "n")?, first))
}

/// A federation directly below a staff member's unit, with what its units did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub unit: Unit,
    pub subjects: i64,
    pub missing: i64,
}

/// The federations directly below unit `top` (a province's districts), each with how
/// many units below it must hand in what the deadline asks for and how many have not.
///
/// Counted per parent in one pass over the units in scope, then climbed up to `top`'s
/// children through the few federations: a recursive walk down instead probed the
/// index once per unit, leaves included (360 ms at 100 000 units on PostgreSQL).
pub async fn by_branch(
    conn: &mut AnyConnection,
    deadline: &Deadline,
    top: i64,
    within: Scope,
) -> Result<Vec<Branch>> {
    use std::collections::HashMap;
    let (missing, bind) = missing_condition(deadline);
    let sql = per_parent_sql(missing, within);
    let per_parent: Vec<(i64, i64, i64)> =
        super::collect(sqlx::query(&sql).bind(bind), conn, |r| {
            Ok((get(r, "parent")?, get(r, "subjects")?, get(r, "missing")?))
        })
        .await?;
    let parents: Vec<i64> = per_parent.iter().map(|(p, _, _)| *p).collect();
    let branch_of = branches(conn, top, parents).await?;
    let mut totals: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut units: HashMap<i64, Unit> = HashMap::new();
    for (parent, subjects, missing) in per_parent {
        if let Some(b) = branch_of.get(&parent) {
            units.insert(b.id, b.clone());
            let t = totals.entry(b.id).or_default();
            t.0 += subjects;
            t.1 += missing;
        }
    }
    let mut branches: Vec<Branch> = totals
        .into_iter()
        .filter_map(|(id, (subjects, missing))| {
            let unit = units.get(&id)?.clone();
            Some(Branch {
                unit,
                subjects,
                missing,
            })
        })
        .collect();
    branches.sort_by_key(|b| b.unit.id);
    Ok(branches)
}

/// The federation directly below unit `top` that each of `parents` is in (itself, or
/// its ancestor whose parent is `top`); a parent outside `top`'s tree, or `top`
/// itself, is not in the map. Climbed through the few federations, a level per query.
pub(super) async fn branches(
    conn: &mut AnyConnection,
    top: i64,
    parents: Vec<i64>,
) -> Result<std::collections::HashMap<i64, Unit>> {
    use std::collections::HashMap;
    // Every federation met on the way up, with its parent.
    let mut known: HashMap<i64, (Unit, Option<i64>)> = HashMap::new();
    let mut wanted = parents.clone();
    for _ in 0..scope::MAX_DEPTH {
        wanted.retain(|id| *id != top && !known.contains_key(id));
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for chunk in wanted.chunks(500) {
            let sql = format!(
                "SELECT id, name, kind, parent_id FROM units WHERE id IN ({})",
                super::id_list(chunk)
            );
            let units = super::collect(sqlx::query(&sql), conn, |r| {
                Ok((
                    super::units::from_row(r)?,
                    get::<Option<i64>>(r, "parent_id")?,
                ))
            })
            .await?;
            for (unit, parent) in units {
                next.extend(parent);
                known.insert(unit.id, (unit, parent));
            }
        }
        wanted = next;
    }
    // The branch of a parent: its ancestor whose parent is `top`, if it has one.
    let branch_of = |mut id: i64| -> Option<i64> {
        for _ in 0..scope::MAX_DEPTH {
            let (_, parent) = known.get(&id)?;
            match parent {
                Some(p) if *p == top => return Some(id),
                Some(p) => id = *p,
                None => return None,
            }
        }
        None
    };
    Ok(parents
        .into_iter()
        .filter_map(|p| Some((p, known.get(&branch_of(p)?)?.0.clone())))
        .collect())
}

/// `by_branch`'s one pass: the units in scope that hand things in, counted per parent.
pub(super) fn per_parent_sql(missing: &str, within: Scope) -> String {
    let within = scope::condition(within, "u.id");
    format!(
        "SELECT u.parent_id AS parent, COUNT(*) AS subjects, \
         SUM(CASE WHEN {missing} THEN 1 ELSE 0 END) AS missing FROM units u \
         WHERE u.parent_id IS NOT NULL AND {SUBJECT} AND {within} GROUP BY u.parent_id"
    )
}

/// Every unit in the scope that must hand things in, in id order, with its
/// submissions for these deadlines: one streamed query, a unit at a time.
pub async fn each_unit_status(
    conn: &mut AnyConnection,
    within: Scope,
    deadline_ids: &[i64],
    mut each: impl FnMut(Unit, Vec<Submission>) -> Result<()>,
) -> Result<usize> {
    use futures::TryStreamExt;
    let sql = status_sql(within, deadline_ids);
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    let mut current: Option<(Unit, Vec<Submission>)> = None;
    let mut n = 0;
    while let Some(r) = rows.try_next().await? {
        let unit_id: i64 = get(&r, "unit_id")?;
        if let Some((u, subs)) = current.take_if(|(u, _)| u.id != unit_id) {
            each(u, subs)?;
            n += 1;
        }
        if current.is_none() {
            let kind = get::<String>(&r, "kind")?.parse();
            let unit = Unit {
                id: unit_id,
                name: get(&r, "name")?,
                kind: kind.map_err(anyhow::Error::msg)?,
            };
            current = Some((unit, Vec::new()));
        }
        if let (Some((_, subs)), Some(_)) = (&mut current, get::<Option<i64>>(&r, "id")?) {
            subs.push(from_row(&r)?);
        }
    }
    if let Some((u, subs)) = current {
        each(u, subs)?;
        n += 1;
    }
    Ok(n)
}

/// `each_unit_status`'s statement.
pub(super) fn status_sql(within: Scope, deadline_ids: &[i64]) -> String {
    let within = scope::condition(within, "u.id");
    // Deadline ids are integers from the database, written into the statement.
    let ids = if deadline_ids.is_empty() {
        "NULL".to_string()
    } else {
        super::id_list(deadline_ids)
    };
    format!(
        "SELECT u.id AS unit_id, u.name, u.kind, s.id, s.deadline_id, s.status, s.late, s.note, \
         s.review_reason, s.submitted_at FROM units u LEFT JOIN submissions s \
         ON s.unit_id = u.id AND s.deadline_id IN ({ids}) \
         WHERE {SUBJECT} AND {within} ORDER BY u.id"
    )
}

/// The submissions of these units for these deadlines, in one query.
pub async fn of_units(
    conn: &mut AnyConnection,
    deadline_ids: &[i64],
    unit_ids: &[i64],
) -> Result<Vec<Submission>> {
    if deadline_ids.is_empty() || unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = |from: usize, n: usize| {
        (from..from + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "{SELECT} WHERE deadline_id IN ({}) AND unit_id IN ({})",
        list(1, deadline_ids.len()),
        list(deadline_ids.len() + 1, unit_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in deadline_ids.iter().chain(unit_ids) {
        query = query.bind(*id);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The SQL condition "unit `u` has not handed in what the deadline asks for" (with
/// its one parameter, `$1`), for queries that select units, and whether the unit
/// must submit at all (`SUBJECT`).
pub(crate) fn missing_condition(deadline: &Deadline) -> (&'static str, i64) {
    match deadline.spec.asks_for {
        AsksFor::Registration => (
            "NOT EXISTS (SELECT 1 FROM registrations r WHERE r.unit_id = u.id \
             AND r.campaign_id = $1 AND r.status = 'submitted')",
            deadline.campaign_id,
        ),
        AsksFor::Report | AsksFor::Nomination => (
            "NOT EXISTS (SELECT 1 FROM submissions s WHERE s.unit_id = u.id \
             AND s.deadline_id = $1 AND s.status IN ('submitted', 'approved'))",
            deadline.id,
        ),
    }
}

/// Whether the unit of `member_id` has, by now, handed in every one of `deadlines`
/// (each by its own rule, as the reminders count it): a reminder about them has
/// nothing left to say.
pub async fn handed_in_all(
    conn: &mut sqlx::AnyConnection,
    member_id: i64,
    deadlines: &[i64],
) -> Result<bool> {
    for id in deadlines {
        let Some(d) = super::deadlines::get_one(&mut *conn, *id).await? else {
            continue;
        };
        let (missing, bind) = missing_condition(&d);
        let sql = format!(
            "SELECT COUNT(*) AS n FROM members m JOIN units u ON u.id = m.unit_id \
             WHERE m.id = $2 AND {missing}"
        );
        let row = sqlx::query(&sql)
            .bind(bind)
            .bind(member_id)
            .fetch_one(&mut *conn)
            .await?;
        if super::get::<i64>(&row, "n")? > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Units that must submit (not a federation), as a condition on `u`: the column the
/// database keeps to the rule (see `scope::subject!`).
pub(crate) const SUBJECT: &str = "u.hands_in = 1";

const SELECT: &str =
    "SELECT id, deadline_id, unit_id, status, late, note, review_reason, submitted_at \
     FROM submissions";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Submission> {
    Ok(Submission::from_row(r)?)
}

pub async fn for_unit(
    conn: &mut AnyConnection,
    deadline_id: i64,
    unit_id: i64,
) -> Result<Option<Submission>> {
    let row = sqlx::query(&format!("{SELECT} WHERE deadline_id = $1 AND unit_id = $2"))
        .bind(deadline_id)
        .bind(unit_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Submission>> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Submissions of a campaign from the units in scope waiting for review, oldest first.
pub async fn awaiting_review(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
    limit: i64,
) -> Result<Vec<Submission>> {
    let within = scope::condition(within, "unit_id");
    sqlx::query(&format!(
        "{SELECT} WHERE status = 'submitted' AND {within} AND deadline_id IN \
         (SELECT id FROM deadlines WHERE campaign_id = $1) ORDER BY submitted_at, id LIMIT $2"
    ))
    .bind(campaign_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The stored files of a submission: (document key, file name, path).
pub async fn files(
    conn: &mut AnyConnection,
    submission_id: i64,
) -> Result<Vec<(String, String, String)>> {
    sqlx::query(
        "SELECT document_key, file_name, stored_path FROM submission_files \
         WHERE submission_id = $1 ORDER BY id",
    )
    .bind(submission_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            get(r, "document_key")?,
            get(r, "file_name")?,
            get(r, "stored_path")?,
        ))
    })
    .collect()
}

/// Hands in (or hands in again after a return); returns the submission id.
pub async fn submit(
    conn: &mut AnyConnection,
    deadline: &Deadline,
    unit_id: i64,
    member_id: Option<i64>,
    note: Option<&str>,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO submissions (deadline_id, unit_id, status, note, submitted_by, submitted_at, late) \
         VALUES ($1, $2, 'submitted', $3, $4, $5, $6) ON CONFLICT (deadline_id, unit_id) DO UPDATE SET \
         status = 'submitted', note = excluded.note, submitted_by = excluded.submitted_by, \
         submitted_at = excluded.submitted_at, late = excluded.late, review_reason = NULL, \
         reviewed_at = NULL RETURNING id",
    )
    .bind(deadline.id)
    .bind(unit_id)
    .bind(note)
    .bind(member_id)
    .bind(ts(now))
    .bind(i64::from(now > due_at))
    .fetch_one(conn)
    .await?;
    get(&row, "id")
}

/// What a review found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewed {
    Done,
    /// Someone had already approved or returned it (two staff pressing at once).
    Already(Status),
    Missing,
}

/// Staff review: approve, or return with a reason; only a submission still waiting
/// for review changes, checked in the same statement, so of two staff pressing at once
/// one approves and the other is told it was done.
pub async fn review(
    conn: &mut AnyConnection,
    submission_id: i64,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Reviewed> {
    let done = sqlx::query(
        "UPDATE submissions SET status = $2, review_reason = $3, reviewed_at = $4 \
         WHERE id = $1 AND status = 'submitted'",
    )
    .bind(submission_id)
    .bind(status.as_str())
    .bind(reason)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Reviewed::Done);
    }
    Ok(match by_id(conn, submission_id).await? {
        Some(s) => Reviewed::Already(s.status),
        None => Reviewed::Missing,
    })
}

/// The files of a (re)submission replace the previous ones.
pub async fn replace_files(
    conn: &mut AnyConnection,
    submission_id: i64,
    deadline: &Deadline,
    files: &[crate::conversation::StoredFile],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM submission_files WHERE submission_id = $1")
        .bind(submission_id)
        .execute(&mut *conn)
        .await?;
    for (doc, f) in deadline.spec.documents.iter().zip(files) {
        sqlx::query(
            "INSERT INTO submission_files (submission_id, document_key, channel, file_id, file_name, \
             size_bytes, sha256, stored_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(submission_id)
        .bind(&doc.key)
        .bind(&f.channel)
        .bind(&f.file_id)
        .bind(&f.name)
        .bind(i64::try_from(f.size)?)
        .bind(&f.sha256)
        .bind(&f.path)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One row of the submissions index: a file of a unit's submission.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndexRow {
    pub unit_id: i64,
    pub unit: String,
    pub deadline_key: String,
    pub deadline_title: String,
    pub status: String,
    #[sqlx(try_from = "Flag")]
    pub late: bool,
    pub submitted_at: String,
    pub document_key: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub stored_path: String,
}

pub async fn index(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<IndexRow>> {
    sqlx::query(
        "SELECT u.id AS unit_id, u.name AS unit, d.key AS deadline_key, d.title AS deadline_title, s.status, s.late, \
         s.submitted_at, f.document_key, f.file_name, f.size_bytes, f.sha256, f.stored_path \
         FROM submission_files f JOIN submissions s ON s.id = f.submission_id \
         JOIN deadlines d ON d.id = s.deadline_id JOIN units u ON u.id = s.unit_id \
         WHERE d.campaign_id = $1 ORDER BY u.name, d.due_on, f.id",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok(IndexRow::from_row(r)?))
    .collect()
}

/// Submissions handed in (or handed in again) by the units of `within` since `since`,
/// for the campaign's deadlines: the weekly summary's second figure.
pub async fn count_since(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
    since: DateTime<Utc>,
) -> Result<i64> {
    let within = scope::condition(within, "s.unit_id");
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM submissions s JOIN deadlines d ON d.id = s.deadline_id \
         WHERE d.campaign_id = $1 AND s.submitted_at >= $2 AND {within}"
    ))
    .bind(campaign_id)
    .bind(ts(since))
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "n")
}
