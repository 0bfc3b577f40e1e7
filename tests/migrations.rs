//! A database written before each answer was stored once keeps every answer: the
//! database is brought to the schema of the release before (migrations 0001–0016,
//! as they shipped), filled the way that release wrote registrations — answers in
//! columns only (before 0012), and in columns and JSON both — and then opened by
//! this release, whose migration 0017 makes the answers the record and drops the
//! columns. On SQLite always, on PostgreSQL when THIDUA_TEST_POSTGRES names a server.

mod support;

use std::path::Path;

use chrono::{NaiveDate, Utc};
use thidua::domain::answers::{text, Answer};
use thidua::domain::member::{Channel, Role};
use thidua::domain::registration::field::{BENEFIT_ECONOMIC, BENEFIT_SOCIAL, TIME_SAVED};
use thidua::domain::unit::UnitKind;
use thidua::store::{self, campaigns, registrations, Backend, Db};

/// The last migration of the release before this change.
const BEFORE: u32 = 16;

/// The release before's migrations for `dialect`, copied as they are (their checksums
/// must match when this release opens the database).
fn migrations_before(dialect: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let version: u32 = name[..4].parse().unwrap();
        if version <= BEFORE {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    dir
}

/// The two shapes the release before left: a row from before 0012 (columns only)
/// and one it wrote itself (columns and answers).
async fn fill_the_old_way(db: &Db) -> (i64, i64) {
    let campaign = campaigns::ensure_seed(db).await.unwrap();
    let mut tx = db.write().await.unwrap();
    // As that release wrote a unit (this one's knows later columns).
    let unit_id: i64 = sqlx::query_scalar(
        "INSERT INTO units (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind("CĐCS Trường A")
    .bind(UnitKind::Agency.as_str())
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    // As that release wrote a member (this one's upsert knows later columns).
    let member: i64 = sqlx::query_scalar(
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, \
         joined_at) VALUES ($1, '1', '1', $2, $3, 'Lan', 1, $4) RETURNING id",
    )
    .bind(Channel::Telegram.as_str())
    .bind(unit_id)
    .bind(Role::Chair.as_str())
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let insert = |seq: i64, social: Option<&'static str>, answers: Option<&'static str>| {
        sqlx::query(
            "INSERT INTO registrations (campaign_id, seq, unit_id, kind, name, start_date, \
             end_date, content, estimated_value_vnd, benefit_economic, benefit_social, \
             time_saved, status, submitted_by, submitted_at, updated_at, answers) \
             VALUES ($1, $2, $3, 'mo_hinh', 'Mái ấm công đoàn', '2025-01-15', '2025-06-30', \
             'Xây nhà cho đoàn viên', 250000000, NULL, $4, NULL, 'submitted', $5, \
             '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z', $6) RETURNING id",
        )
        .bind(campaign.id)
        .bind(seq)
        .bind(unit_id)
        .bind(social)
        .bind(member)
        .bind(answers)
    };
    let old: i64 = sqlx::Row::get(
        &insert(1, Some("Đoàn viên an cư"), None)
            .fetch_one(&mut *tx)
            .await
            .unwrap(),
        "id",
    );
    let both: i64 = sqlx::Row::get(
        &insert(2, None, Some(WRITTEN_WITH_ANSWERS))
            .fetch_one(&mut *tx)
            .await
            .unwrap(),
        "id",
    );
    tx.commit().await.unwrap();
    (old, both)
}

/// As the release before wrote a work with a campaign's own question (`don_vi`).
const WRITTEN_WITH_ANSWERS: &str = r#"{"benefit_economic":{"t":"text","v":"Tiết kiệm 10 triệu"},"benefit_social":{"t":"skipped"},"content":{"t":"text","v":"Xây nhà cho đoàn viên"},"don_vi":{"t":"text","v":"Công ty B"},"end_date":{"t":"date","v":"2025-06-30"},"estimated_value":{"t":"money","v":250000000},"kind":{"t":"choice","v":"mo_hinh"},"name":{"t":"text","v":"Mái ấm công đoàn"},"start_date":{"t":"date","v":"2025-01-15"},"time_saved":{"t":"skipped"}}"#;

async fn every_answer_survives(url: &str) {
    let dialect = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let before = migrations_before(dialect);
    let db = store::open(url).await.unwrap();
    sqlx::migrate::Migrator::new(before.path())
        .await
        .unwrap()
        .run(&db.pool)
        .await
        .unwrap();
    let (old, both) = fill_the_old_way(&db).await;
    db.close().await;

    let db = store::connect(url).await.unwrap();
    let mut conn = db.read().await.unwrap();
    let old = registrations::get_one(&mut conn, old)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.draft.name, "Mái ấm công đoàn");
    assert_eq!(
        old.draft.start_date,
        NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
    );
    assert_eq!(old.draft.content, "Xây nhà cho đoàn viên");
    assert_eq!(old.draft.estimated_value.dong(), 250_000_000);
    assert_eq!(text(&old.answers, BENEFIT_SOCIAL), Some("Đoàn viên an cư"));
    assert_eq!(old.answers.get(BENEFIT_ECONOMIC), Some(&Answer::Skipped));
    assert_eq!(old.answers.get(TIME_SAVED), Some(&Answer::Skipped));
    let both = registrations::get_one(&mut conn, both)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        text(&both.answers, BENEFIT_ECONOMIC),
        Some("Tiết kiệm 10 triệu")
    );
    assert_eq!(text(&both.answers, "don_vi"), Some("Công ty B"));
    assert_eq!(
        both.draft.end_date,
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
    );
    // The columns went; what SQL uses stayed.
    let gone = sqlx::query("SELECT name FROM registrations")
        .fetch_all(&mut *conn)
        .await;
    assert!(gone.is_err(), "the name column is still there");
    let kept = sqlx::query("SELECT kind, end_date, estimated_value_vnd FROM registrations")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(kept.len(), 2);
    drop(conn);
    db.close().await;
}

#[tokio::test]
async fn sqlite_rows_from_before_keep_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    every_answer_survives(&url).await;
}

#[tokio::test]
async fn postgres_rows_from_before_keep_every_answer() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_migrations_{}", std::process::id());
    let url = support::load::fresh_postgres(&server, &name).await;
    every_answer_survives(&url).await;
    let db = store::open(&url).await.unwrap();
    assert_eq!(db.backend, Backend::Postgres);
    db.close().await;
    support::load::drop_postgres(&server, &name).await;
}
