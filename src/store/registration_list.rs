//! The web desk's registrations table: the campaign's still-registered works in a
//! scope, searched (folded: "nha ve sinh" finds "Nhà vệ sinh", in the work's or the
//! unit's name), filtered, sorted and paged by keyset: a page starts after the last
//! row's (sort key, id), so with the indexes of migration 0026 a page far down costs
//! what the first does (an OFFSET would read and drop every row before it).

use anyhow::Result;
use sqlx::AnyConnection;

use super::get;
use super::registrations::{from_row, SELECT};
use crate::domain::registration::{Registration, WorkKind};
use crate::domain::unit::Scope;

/// What the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Sort {
    Unit,
    Name,
    Value,
    #[default]
    Date,
}

impl Sort {
    /// The column sorted on (`Unit` reads the unit's folded name). Folded names are
    /// never NULL once the service has started (`fill_folded_names`), so a cursor
    /// never meets one.
    fn column(self) -> &'static str {
        match self {
            Sort::Unit => "u.folded_name",
            Sort::Name => "r.folded_name",
            Sort::Value => "r.estimated_value_vnd",
            Sort::Date => "r.submitted_at",
        }
    }

    fn numeric(self) -> bool {
        self == Sort::Value
    }
}

/// Which works the table keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Folded; matched anywhere in the work's or the unit's folded name.
    pub text: Option<String>,
    pub kind: Option<WorkKind>,
    /// Only the works proposed as "công trình tiêu biểu".
    pub featured: bool,
}

/// Where a page starts: after the row with this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub key: String,
    pub id: i64,
}

/// A parameter, in the order of its `$n`.
enum Bind {
    Int(i64),
    Text(String),
}

/// The condition on `r` and `u`, its parameters from `$2` on ($1 is the campaign).
fn condition(within: Scope, f: &Filter, binds: &mut Vec<Bind>) -> String {
    let mut sql = format!(
        "r.campaign_id = $1 AND r.status = 'submitted' AND {}",
        super::scope::condition(within, "r.unit_id")
    );
    if let Some(text) = &f.text {
        // LIKE's own characters in a search are plain characters.
        let plain: String = text
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\'))
            .collect();
        binds.push(Bind::Text(format!("%{plain}%")));
        let n = binds.len() + 1;
        sql.push_str(&format!(
            " AND (r.folded_name LIKE ${n} OR u.folded_name LIKE ${n})"
        ));
    }
    if let Some(kind) = f.kind {
        binds.push(Bind::Text(kind.as_str().to_string()));
        sql.push_str(&format!(" AND r.kind = ${}", binds.len() + 1));
    }
    if f.featured {
        sql.push_str(" AND r.featured = 1");
    }
    sql
}

fn bound<'q>(
    sql: &'q str,
    campaign_id: i64,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql).bind(campaign_id);
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(v),
            Bind::Text(v) => q.bind(v),
        };
    }
    q
}

/// How many works the filter keeps, and their total estimated value (đồng): by kind
/// or all, the figures the database keeps; a text or the proposed ones, counted.
pub async fn count(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
    f: &Filter,
) -> Result<(i64, i64)> {
    if f.text.is_none() && !f.featured {
        let kinds = super::overview::works_by_kind(conn, campaign_id, within).await?;
        let kept = kinds
            .iter()
            .filter(|(kind, _, _)| f.kind.is_none_or(|k| k.as_str() == kind));
        return Ok(kept.fold((0, 0), |(n, t), (_, kn, kt)| (n + kn, t + kt)));
    }
    let mut binds = Vec::new();
    let cond = condition(within, f, &mut binds);
    // PostgreSQL sums a BIGINT as NUMERIC: cast back.
    let sql = format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(r.estimated_value_vnd), 0) AS BIGINT) AS total \
         FROM registrations r JOIN units u ON u.id = r.unit_id WHERE {cond}"
    );
    let row = bound(&sql, campaign_id, binds).fetch_one(conn).await?;
    Ok((get(&row, "n")?, get(&row, "total")?))
}

/// A page of the table: the next `limit` works after `after` in the sort's order, each
/// with its sort key (the next page's `After`).
pub async fn page(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
    f: &Filter,
    (sort, descending): (Sort, bool),
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<(Registration, After)>> {
    let mut binds = Vec::new();
    let mut cond = condition(within, f, &mut binds);
    let col = sort.column();
    let (dir, cmp) = if descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    if let Some(a) = after {
        binds.push(match sort.numeric() {
            true => Bind::Int(a.key.parse().unwrap_or(0)),
            false => Bind::Text(a.key.clone()),
        });
        binds.push(Bind::Int(a.id));
        let n = binds.len();
        // A row value: SQLite and PostgreSQL both walk the sort's index from it.
        cond.push_str(&format!(" AND ({col}, r.id) {cmp} (${n}, ${})", n + 1));
    }
    binds.push(Bind::Int(limit));
    let select = SELECT.replacen("SELECT ", &format!("SELECT {col} AS sort_key, "), 1);
    let sql = format!(
        "{select} WHERE {cond} ORDER BY {col} {dir}, r.id {dir} LIMIT ${}",
        binds.len() + 1
    );
    super::collect(bound(&sql, campaign_id, binds), conn, |r| {
        let key = match sort.numeric() {
            true => get::<i64>(r, "sort_key")?.to_string(),
            false => get::<String>(r, "sort_key")?,
        };
        let w = from_row(r)?.registration;
        let id = w.id;
        Ok((w, After { key, id }))
    })
    .await
}
