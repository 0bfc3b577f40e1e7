//! The figures the database keeps for the staff desk (migration 0028: `units.hands_in`
//! and `tallies`, kept by triggers) agree with a count from scratch after every kind
//! of change, in any order: units added, moved, deactivated, made the sample or
//! removed; staff and chairs added, moved and removed; submissions handed in,
//! reviewed, handed in again and removed; works registered, changed, withdrawn and
//! removed. Random changes from a printed seed (`THIDUA_TALLY_SEED` replays one), on
//! SQLite and on PostgreSQL.

mod support;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;
use thidua::store;

/// Whether the kept figures are the recounted ones; what differs, if not.
async fn check(conn: &mut AnyConnection, seed: u64, step: usize, what: &str) {
    if let Some(wrong) = support::tallies::drift(conn).await {
        panic!("seed {seed}, step {step} ({what}): {wrong}");
    }
}

async fn ids(conn: &mut AnyConnection, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(conn).await.unwrap()
}

fn pick(rng: &mut StdRng, from: &[i64]) -> Option<i64> {
    (!from.is_empty()).then(|| from[rng.random_range(0..from.len())])
}

/// The campaign, its two deadlines and a chair who registers the works (never removed).
async fn set_up(conn: &mut AnyConnection) {
    for sql in [
        "INSERT INTO campaigns (id, code, title, plan_ref, starts_on, ends_on, timezone, created_at) \
         VALUES (1, 'c', 'C', 'p', '2025-01-01', '2025-12-31', 'Asia/Ho_Chi_Minh', 'x')",
        "INSERT INTO deadlines (id, campaign_id, key, title, due_on, due_time, asks_for, documents, \
         reminder_days, reminder_time) VALUES (1, 1, 'report', 'R', '2025-06-30', '17:00', 'report', '[]', '[]', '08:00'), \
         (2, 1, 'nomination', 'N', '2025-07-15', '17:00', 'nomination', '[]', '[]', '08:00')",
        // A fresh database numbers these 1, 2, 3 and 1 (ids left to the sequences, which
        // PostgreSQL does not move for ids given).
        "INSERT INTO units (name, kind, created_at) VALUES ('Tỉnh', 'agency', 'x')",
        "INSERT INTO units (name, kind, created_at, parent_id) VALUES ('Huyện A', 'agency', 'x', 1)",
        "INSERT INTO units (name, kind, created_at, parent_id) VALUES ('Huyện B', 'agency', 'x', 1)",
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, joined_at) \
         VALUES ('console', 'keeper', 'keeper', 1, 'staff', 'K', 'x')",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
}

/// One random change; what it was.
async fn change(conn: &mut AnyConnection, rng: &mut StdRng, n: usize) -> String {
    let units = ids(conn, "SELECT id FROM units ORDER BY id").await;
    let leaves = ids(
        conn,
        "SELECT id FROM units u WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) ORDER BY id",
    )
    .await;
    let unit = pick(rng, &units).unwrap();
    let hour = format!(
        "2025-06-{:02}T{:02}:15:00Z",
        rng.random_range(1..29),
        rng.random_range(0..24)
    );
    let status = ["submitted", "returned", "approved"][rng.random_range(0..3)];
    let late = rng.random_range(0..2_i64);
    let (what, sql, binds): (&str, String, Vec<i64>) = match rng.random_range(0..21) {
        0 | 1 => (
            "unit added",
            format!(
                "INSERT INTO units (name, kind, created_at, parent_id) VALUES ('Đơn vị {n}', 'agency', 'x', {})",
                pick(rng, &[1, 2, 3, unit]).unwrap()
            ),
            vec![],
        ),
        2 => {
            let Some(leaf) = pick(rng, &leaves) else {
                return "nothing".into();
            };
            let to = pick(rng, &units).unwrap();
            if to == leaf {
                return "nothing".into();
            }
            ("leaf moved", format!("UPDATE units SET parent_id = {to} WHERE id = {leaf}"), vec![])
        }
        3 => ("active flipped", format!("UPDATE units SET active = 1 - active WHERE id = {unit}"), vec![]),
        4 => ("demo flipped", format!("UPDATE units SET demo = 1 - demo WHERE id = {unit}"), vec![]),
        5 => (
            "unit removed",
            format!(
                "DELETE FROM units WHERE id = {unit} AND id > 3 \
                 AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = {unit}) \
                 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.unit_id = {unit}) \
                 AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.unit_id = {unit}) \
                 AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.unit_id = {unit})"
            ),
            vec![],
        ),
        6 => (
            "member added",
            format!(
                "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, joined_at) \
                 VALUES ('console', 'u{n}', 'u{n}', {unit}, '{}', 'M', 'x')",
                ["staff", "chair"][rng.random_range(0..2)]
            ),
            vec![],
        ),
        7 => (
            "member's role or unit changed",
            format!(
                "UPDATE members SET role = CASE role WHEN 'staff' THEN 'chair' ELSE 'staff' END, \
                 unit_id = {unit} WHERE id = (SELECT MAX(id) FROM members WHERE id > 1 AND id % 3 = {})",
                n % 3
            ),
            vec![],
        ),
        8 => (
            "member removed",
            "DELETE FROM members WHERE id = (SELECT MIN(id) FROM members WHERE id > 1)".into(),
            vec![],
        ),
        9 | 10 => (
            "handed in",
            format!(
                "INSERT INTO submissions (deadline_id, unit_id, status, submitted_at, late) \
                 SELECT $1, $2, '{status}', '{hour}', $3 WHERE NOT EXISTS \
                 (SELECT 1 FROM submissions WHERE deadline_id = $1 AND unit_id = $2)"
            ),
            vec![rng.random_range(1..3), unit, late],
        ),
        11 => (
            "reviewed or handed in again",
            format!(
                "UPDATE submissions SET status = '{status}', late = {late}, submitted_at = '{hour}' \
                 WHERE id = (SELECT MIN(id) FROM submissions WHERE unit_id >= {unit})"
            ),
            vec![],
        ),
        12 => (
            "submission removed",
            format!("DELETE FROM submissions WHERE id = (SELECT MAX(id) FROM submissions WHERE unit_id <= {unit})"),
            vec![],
        ),
        13 | 14 => (
            "work registered",
            format!(
                "INSERT INTO registrations (campaign_id, seq, unit_id, kind, end_date, estimated_value_vnd, \
                 status, submitted_by, submitted_at, updated_at) VALUES (1, {n}, {unit}, '{}', '2025-06-30', $1, \
                 'submitted', 1, 'x', 'x')",
                ["model", "project"][rng.random_range(0..2)]
            ),
            vec![rng.random_range(1..1_000) * 1_000_000],
        ),
        15 => (
            "work changed or withdrawn",
            format!(
                "UPDATE registrations SET status = CASE WHEN {late} = 1 THEN 'withdrawn' ELSE 'submitted' END, \
                 kind = CASE kind WHEN 'model' THEN 'project' ELSE 'model' END, estimated_value_vnd = $1, \
                 unit_id = {unit} WHERE id = (SELECT MIN(id) FROM registrations WHERE seq >= {})",
                rng.random_range(0..n + 1)
            ),
            vec![rng.random_range(1..1_000) * 1_000_000],
        ),
        // Whole statements of many rows: PostgreSQL counts them per statement.
        17 => (
            "many units added at once",
            format!(
                "INSERT INTO units (name, kind, created_at, parent_id) VALUES \
                 ('Khối {n}a', 'agency', 'x', {unit}), ('Khối {n}b', 'enterprise', 'x', {unit}), \
                 ('Khối {n}c', 'agency', 'x', 2)"
            ),
            vec![],
        ),
        18 => (
            "many submissions changed at once",
            format!(
                "UPDATE submissions SET late = 1 - late, status = '{status}' WHERE unit_id % 3 = {}",
                n % 3
            ),
            vec![],
        ),
        19 => (
            "many works changed at once",
            format!(
                "UPDATE registrations SET estimated_value_vnd = estimated_value_vnd + 1000000, \
                 status = CASE WHEN seq % 4 = {} THEN 'withdrawn' ELSE status END",
                n % 4
            ),
            vec![],
        ),
        20 => (
            "many units moved or deactivated at once",
            format!(
                "UPDATE units SET active = CASE WHEN id % 5 = {} THEN 1 - active ELSE active END, \
                 parent_id = CASE WHEN id > 3 AND id % 7 = {} AND NOT EXISTS \
                 (SELECT 1 FROM units c WHERE c.parent_id = units.id) THEN 3 ELSE parent_id END \
                 WHERE id > 1",
                n % 5,
                n % 7
            ),
            vec![],
        ),
        _ => (
            "work removed",
            format!("DELETE FROM registrations WHERE id = (SELECT MAX(id) FROM registrations WHERE seq <= {})", rng.random_range(0..n + 1)),
            vec![],
        ),
    };
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    q.execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{what}: {sql}: {e}"));
    what.to_string()
}

async fn rehearse(db: &store::Db, seed: u64, steps: usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    {
        let mut tx = db.write().await.unwrap();
        set_up(&mut tx).await;
        tx.commit().await.unwrap();
    }
    for step in 1..=steps {
        let mut tx = db.write().await.unwrap();
        let what = change(&mut tx, &mut rng, step).await;
        check(&mut tx, seed, step, &what).await;
        tx.commit().await.unwrap();
    }
}

fn seeds() -> Vec<u64> {
    match std::env::var("THIDUA_TALLY_SEED") {
        Ok(s) => vec![s.parse().expect("THIDUA_TALLY_SEED is a number")],
        Err(_) => vec![1, 2, 3, 4],
    }
}

#[tokio::test]
async fn the_kept_figures_follow_every_change_on_sqlite() {
    for seed in seeds() {
        eprintln!("seed {seed} (THIDUA_TALLY_SEED={seed} replays it)");
        let dir = tempfile::tempdir().unwrap();
        let db = store::connect(&dir.path().join("t.db").display().to_string())
            .await
            .unwrap();
        rehearse(&db, seed, 300).await;
    }
}

#[tokio::test]
async fn the_kept_figures_follow_every_change_on_postgres() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    for seed in seeds() {
        eprintln!("seed {seed} (THIDUA_TALLY_SEED={seed} replays it)");
        let name = format!("thidua_tallies_{seed}");
        let url = support::load::fresh_postgres(&server, &name).await;
        let db = store::connect(&url).await.unwrap();
        rehearse(&db, seed, 300).await;
        drop(db);
        support::load::drop_postgres(&server, &name).await;
    }
}
