//! The hot queries' plans on a real SQLite file: each may walk the one set it exists
//! to list (units, or the members it returns), but every look-up inside it must use an
//! index. A full scan of members, submissions, registrations, outbox or reminders
//! under another loop is what made 100 000 units take minutes.

use super::submissions::{missing_condition, per_parent_sql, status_sql, SUBJECT};
use super::{audience, connect, members, scope, Db};
use crate::domain::audience::Audience;
use crate::domain::campaign_file::AsksFor;
use crate::domain::unit::Scope;
use sqlx::Row;

async fn plan(db: &Db, sql: &str, binds: usize) -> Vec<String> {
    let mut query = sqlx::query(Box::leak(
        format!("EXPLAIN QUERY PLAN {sql}").into_boxed_str(),
    ));
    for i in 0..binds {
        query = query.bind(i as i64 + 1);
    }
    let mut conn = db.read().await.unwrap();
    query
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get::<String, _>("detail").unwrap())
        .collect()
}

/// The walks of the federation tree read their own work queue (`below b`, `up`,
/// `tree t`): scanning that is the walk, not a table.
const WALKS: [&str; 4] = ["SCAN b", "SCAN below", "SCAN up", "SCAN t"];

/// A district's query starts from the walk down its tree and looks each unit up: its
/// cost is the district's size, not the nation's.
fn assert_walks(what: &str, plan: &[String]) {
    assert!(
        plan.first().is_some_and(|l| l.starts_with("SEARCH ")),
        "{what} does not start from the district's units: {plan:#?}"
    );
}

/// The first step may scan the set the query lists; any later full scan is a defect,
/// and so is an index SQLite has to build for the query itself ("AUTOMATIC"): that
/// is a full scan too, repeated at every run.
fn assert_indexed(what: &str, plan: &[String]) {
    let scans: Vec<&String> = plan
        .iter()
        .filter(|l| l.starts_with("SCAN ") && !WALKS.contains(&l.as_str()))
        .skip(1)
        .chain(plan.iter().filter(|l| l.contains("AUTOMATIC")))
        .collect();
    assert!(scans.is_empty(), "{what} scans inside a loop: {plan:#?}");
}

fn deadline(asks_for: AsksFor) -> super::deadlines::Deadline {
    let file = crate::domain::campaign_file::parse(super::campaigns::SEED_FILE).unwrap();
    let mut spec = file.deadlines[0].clone();
    spec.asks_for = asks_for;
    super::deadlines::Deadline {
        id: 1,
        campaign_id: 1,
        spec,
    }
}

/// A database with the migrations applied, to plan queries on.
async fn planned() -> (tempfile::TempDir, super::Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = connect(&format!("sqlite://{}", dir.path().join("p.db").display()))
        .await
        .unwrap();
    (dir, db)
}

#[tokio::test]
async fn audiences_look_things_up_by_index() {
    let (_dir, db) = planned().await;
    let mut checked = 0;
    for (a, within) in
        Audience::every().flat_map(|a| [(a, Scope::Everything), (a, Scope::Below(7))])
    {
        let a = (a, within);
        let (condition, binds) = audience::condition(a.0, a.1);
        let list = format!("{} WHERE {condition}", members::SELECT_WITH_LANG);
        assert_indexed(
            &format!("audience {a:?}"),
            &plan(&db, &list, binds as usize).await,
        );
        if within != Scope::Everything {
            assert_walks(
                "a district's audience",
                &plan(&db, &list, binds as usize).await,
            );
        }
        let count = format!("SELECT COUNT(*) FROM members m WHERE {condition}");
        assert_indexed(
            &format!("count {a:?}"),
            &plan(&db, &count, binds as usize).await,
        );
        checked += 2;
    }
    assert!(checked >= 16, "{checked}");
}

#[tokio::test]
async fn missing_units_and_the_status_table_look_things_up_by_index() {
    let (_dir, db) = planned().await;
    let mut checked = 0;
    for asks_for in [AsksFor::Registration, AsksFor::Report] {
        let (missing, _) = missing_condition(&deadline(asks_for));
        let sweep = format!("SELECT u.id FROM units u WHERE {SUBJECT} AND {missing}");
        assert_indexed("missing units", &plan(&db, &sweep, 1).await);
        let below = scope::condition(Scope::Below(7), "u.id");
        let district =
            format!("SELECT u.id FROM units u WHERE {SUBJECT} AND {below} AND {missing}");
        let p = plan(&db, &district, 1).await;
        assert_indexed("a district's missing units", &p);
        assert_walks("a district's missing units", &p);
        for within in [Scope::Everything, Scope::Below(7)] {
            let per_parent = plan(&db, &per_parent_sql(missing, within), 1).await;
            assert_indexed("a province's districts", &per_parent);
        }
        checked += 2;
        let chairs = format!(
            "{} WHERE m.role = 'chair' AND m.active = 1 AND {SUBJECT} AND {missing}",
            members::SELECT_WITH_LANG
        );
        assert_indexed("chairs of missing units", &plan(&db, &chairs, 1).await);
        checked += 2;
    }
    for within in [Scope::Everything, Scope::Below(7)] {
        let table = plan(&db, &status_sql(within, &[1, 2]), 0).await;
        assert_indexed("the status table", &table);
        if within != Scope::Everything {
            assert_walks("a district's status table", &table);
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

#[tokio::test]
async fn lookups_by_member_outbox_and_unit_use_an_index() {
    let (_dir, db) = planned().await;
    let mut checked = 0;
    let over = format!(
        "{} WHERE m.role = 'staff' AND m.active = 1 AND {}",
        members::SELECT_WITH_LANG,
        scope::over(9, "u.id")
    );
    assert_indexed("the staff over a unit", &plan(&db, &over, 0).await);
    for (what, sql, binds) in [
        (
            "a member by channel and user",
            format!("{} WHERE m.channel = $1 AND m.user_id = $2", members::SELECT),
            2,
        ),
        (
            "a unit's chairs",
            format!(
                "{} WHERE m.unit_id = $1 AND m.role = 'chair' AND m.active = 1",
                members::SELECT
            ),
            1,
        ),
        (
            "the staff",
            format!("{} WHERE m.role = 'staff' AND m.active = 1", members::SELECT),
            0,
        ),
        (
            "the next message due",
            "SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $1 ORDER BY id LIMIT 1"
                .to_string(),
            1,
        ),
        (
            "a recipient's Đã nhận",
            "SELECT 1 FROM outbox WHERE broadcast_id = $1 AND member_id = $2".to_string(),
            2,
        ),
        (
            "claimed units of a slot",
            "SELECT unit_id FROM reminders_sent WHERE deadline_id = $1 AND unit_id IS NOT NULL"
                .to_string(),
            1,
        ),
        (
            "a unit's works",
            "SELECT id FROM registrations WHERE campaign_id = $1 AND unit_id = $2".to_string(),
            2,
        ),
    ] {
        let plan = plan(&db, &sql, binds).await;
        assert!(
            plan.iter()
                .all(|l| !l.starts_with("SCAN ") && !l.contains("AUTOMATIC")),
            "{what} scans a table: {plan:#?}"
        );
        checked += 1;
    }
    assert!(checked >= 7, "{checked}");
}
