//! Wall-clock housekeeping on tokio-cron-scheduler, in Vietnam's time: the nightly
//! SQLite backup, the weekly summary for staff, and pruning the delivered outbox.
//! Reminders are not here: they stay database-driven (`scheduler`), so a restart or a
//! second instance never loses or doubles one. Off under `run --now` (a rehearsal
//! clock must not write real backups or prune real history).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Days, Utc};
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::App;
use crate::clock::Clock;
use crate::i18n::trf;
use crate::server::config::Config;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{campaigns, deadlines, members, registrations, scope, settings};
use crate::store::{submissions, Backend, Db};

pub const BACKUP_CRON: &str = "0 0 2 * * *";
pub const WEEKLY_SUMMARY_CRON: &str = "0 30 7 * * Mon";
pub const PRUNE_CRON: &str = "0 30 3 * * *";
/// Nightly backups kept; older ones are deleted after a new one is written.
pub const BACKUPS_KEPT: usize = 14;
/// Delivered outbox rows older than this go.
pub const OUTBOX_KEPT_DAYS: u64 = 90;

/// The housekeeping jobs.
#[derive(Debug, Clone, Copy)]
enum Chore {
    Backup,
    WeeklySummary,
    Prune,
}

impl Chore {
    fn name(self) -> &'static str {
        match self {
            Chore::Backup => "backup",
            Chore::WeeklySummary => "weekly summary",
            Chore::Prune => "prune",
        }
    }

    /// Runs it once; how many files, messages or rows it made or removed.
    async fn run(self, db: &Db, data: &Path, clock: &Clock) -> Result<usize> {
        Ok(match self {
            Chore::Backup => backup(db, data, clock).await?.is_some() as usize,
            Chore::WeeklySummary => weekly_summary(db, clock.now()).await?,
            Chore::Prune => prune(db, clock.now()).await? as usize,
        })
    }
}

/// The schedules as configured: each job and its cron expression, or `None` when
/// turned off.
fn schedules(config: &Config) -> [(Chore, Option<String>); 3] {
    let pick = |given: &Option<String>, default: &str| {
        let cron = given.as_deref().unwrap_or(default).trim().to_string();
        (!cron.eq_ignore_ascii_case("off")).then_some(cron)
    };
    [
        (Chore::Backup, pick(&config.backup_cron, BACKUP_CRON)),
        (
            Chore::WeeklySummary,
            pick(&config.weekly_summary_cron, WEEKLY_SUMMARY_CRON),
        ),
        (Chore::Prune, pick(&config.prune_cron, PRUNE_CRON)),
    ]
}

/// Each schedule that is not a cron expression: the job's name and what was given
/// (`thidua doctor`).
pub fn check(config: &Config) -> Vec<(&'static str, String)> {
    schedules(config)
        .into_iter()
        .filter_map(|(chore, cron)| {
            let cron = cron?;
            let tz = chrono_tz::Asia::Ho_Chi_Minh;
            Job::new_async_tz(cron.as_str(), tz, |_, _| Box::pin(async {}))
                .err()
                .map(|_| (chore.name(), cron))
        })
        .collect()
}

fn bad_cron(name: &str, cron: &str) -> String {
    format!(
        "the {name} schedule `{cron}` is not a cron expression (sec min hour day month weekday)"
    )
}

/// Starts the jobs; `None` when they are off (a rehearsal clock, or all turned off).
pub async fn start(app: &App, config: &Config) -> Result<Option<JobScheduler>> {
    if app.clock.is_rehearsal() {
        tracing::info!("housekeeping (backup, weekly summary, pruning) is off under --now");
        return Ok(None);
    }
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let jobs = JobScheduler::new()
        .await
        .context("housekeeping scheduler")?;
    let mut any = false;
    for (chore, cron) in schedules(config) {
        let name = chore.name();
        let Some(cron) = cron else {
            tracing::info!(job = name, "housekeeping job turned off");
            continue;
        };
        let (db, clock, data) = (app.db.clone(), app.clock.clone(), config.data_dir());
        let wake = app.wake.clone();
        let job = Job::new_async_tz(cron.as_str(), tz, move |_, _| {
            let (db, clock, data, wake) = (db.clone(), clock.clone(), data.clone(), wake.clone());
            Box::pin(async move {
                match chore.run(&db, &data, &clock).await {
                    Ok(n) => {
                        tracing::info!(job = name, n, "housekeeping done");
                        // The summary went into the outbox: deliver it now.
                        if let (Chore::WeeklySummary, true, Some(w)) = (chore, n > 0, &wake) {
                            w.notify_one();
                        }
                    }
                    Err(e) => tracing::error!(job = name, error = %format!("{e:#}"), "housekeeping failed"),
                }
            })
        })
        .with_context(|| bad_cron(name, &cron))?;
        jobs.add(job).await?;
        tracing::info!(job = name, cron = %cron, "housekeeping scheduled (Asia/Ho_Chi_Minh)");
        any = true;
    }
    if !any {
        return Ok(None);
    }
    jobs.start().await.context("housekeeping scheduler")?;
    Ok(Some(jobs))
}

/// `VACUUM INTO data/backups/thidua-YYYY-MM-DD.db`, then only the newest
/// `BACKUPS_KEPT` stay. PostgreSQL is backed up with its own tools: skipped, said once.
pub async fn backup(db: &Db, data_dir: &Path, clock: &Clock) -> Result<Option<PathBuf>> {
    if db.backend == Backend::Postgres {
        tracing::info!(
            "nightly backup skipped: PostgreSQL is backed up with pg_dump or its own tools"
        );
        return Ok(None);
    }
    let dir = data_dir.join("backups");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let day = clock
        .now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .date_naive();
    let file = dir.join(format!("thidua-{day}.db"));
    if file.exists() {
        // A second run the same day (a restart at 02:00) keeps the first copy.
        return Ok(Some(file));
    }
    // Written beside, then renamed: a crash or a full disk mid-copy never leaves a
    // half file that looks like a backup.
    crate::files::write_beside(&file, |part| async move { db.backup_into(&part).await }).await?;
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("thidua-") && n.ends_with(".db"))
        })
        .collect();
    kept.sort();
    let extra = kept.len().saturating_sub(BACKUPS_KEPT);
    for old in &kept[..extra] {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::warn!(file = %old.display(), error = %e, "old backup not removed");
        }
    }
    tracing::info!(file = %file.display(), "nightly backup written");
    Ok(Some(file))
}

/// Delivered outbox rows older than `OUTBOX_KEPT_DAYS`.
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let before = now - Days::new(OUTBOX_KEPT_DAYS);
    let mut tx = db.write().await?;
    let n = outbox::prune_delivered(&mut tx, before).await?;
    tx.commit().await?;
    Ok(n)
}

/// Monday's summary for staff, one per federation over its own units: works newly
/// registered and submissions handed in during the past 7 days, and for each deadline
/// still ahead, how many units have not submitted. Claimed per day in the transaction
/// that queues it, so several instances (or a restart) send it once.
pub async fn weekly_summary(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let today = now.with_timezone(&tz).date_naive();
    let mut tx = db.write().await?;
    if !settings::advance(&mut tx, "weekly_summary_on", &today.to_string()).await? {
        return Ok(0);
    }
    let Some(campaign) = campaigns::current(&mut tx).await? else {
        tx.commit().await?;
        return Ok(0);
    };
    let since = now - Days::new(7);
    let from =
        crate::domain::dates::format_dmy((now - Days::new(7)).with_timezone(&tz).date_naive());
    let to = crate::domain::dates::format_dmy(today);
    let ahead: Vec<_> = deadlines::for_campaign(&mut tx, campaign.id)
        .await?
        .into_iter()
        .filter(|d| d.spec.due_on >= today)
        .collect();
    let staff = members::active_staff(&mut tx).await?;
    let mut queued = 0;
    for unit_staff in staff.chunk_by(|(a, _), (b, _)| a.unit_id == b.unit_id) {
        let unit = &unit_staff[0].0;
        let within = scope::of_staff(&mut tx, unit.unit_id).await?;
        let new = registrations::count_since(&mut tx, campaign.id, within, since).await?;
        let handed = submissions::count_since(&mut tx, campaign.id, within, since).await?;
        let total = submissions::subject_count(&mut tx, within).await?;
        let mut missing = Vec::with_capacity(ahead.len());
        for d in &ahead {
            let (n, _) = submissions::missing_page(&mut tx, d, within, 0).await?;
            missing.push((d, n));
        }
        for (s, lang) in unit_staff {
            let mut text = trf(
                *lang,
                "weekly.summary",
                &[
                    ("from", &from),
                    ("to", &to),
                    ("unit", &unit.unit_name),
                    ("new", &new.to_string()),
                    ("handed", &handed.to_string()),
                ],
            );
            for (d, n) in &missing {
                text.push('\n');
                text.push_str(&trf(
                    *lang,
                    "weekly.missing",
                    &[
                        ("title", &d.spec.title),
                        ("due", &crate::domain::dates::format_dmy(d.spec.due_on)),
                        ("missing", &n.to_string()),
                        ("total", &total.to_string()),
                    ],
                ));
            }
            let reply = crate::conversation::Reply::text(text);
            outbox::enqueue(
                &mut tx,
                &NewItem::for_member(s, *lang, &reply, Purpose::Reminder),
                now,
            )
            .await?;
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::{Channel, Role};
    use crate::domain::unit::UnitKind;
    use crate::store::members::{self, NewMember};
    use crate::store::units;

    async fn db(dir: &Path) -> Db {
        let url = format!("sqlite://{}?mode=rwc", dir.join("h.db").display());
        crate::store::connect(&url).await.unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[tokio::test]
    async fn the_nightly_backup_is_one_file_a_day_and_the_last_fourteen_stay() {
        let dir = tempfile::tempdir().unwrap();
        let db = db(dir.path()).await;
        let data = dir.path().join("data");
        for day in 1..=16 {
            let clock = Clock::starting_at(at(&format!("2025-03-{day:02}T02:00:00+07:00")));
            let file = backup(&db, &data, &clock).await.unwrap().unwrap();
            assert!(
                file.ends_with(format!("thidua-2025-03-{day:02}.db")),
                "{file:?}"
            );
            // A restart the same night keeps the first copy.
            assert_eq!(backup(&db, &data, &clock).await.unwrap(), Some(file));
        }
        let mut kept: Vec<String> = std::fs::read_dir(data.join("backups"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        kept.sort();
        assert_eq!(kept.len(), BACKUPS_KEPT, "{kept:?}");
        assert_eq!(kept[0], "thidua-2025-03-03.db");
        // A backup is a database that opens, with the same tables.
        let copy = format!(
            "sqlite://{}",
            data.join("backups/thidua-2025-03-16.db").display()
        );
        let copy = crate::store::connect(&copy).await.unwrap();
        let mut conn = copy.read().await.unwrap();
        assert!(crate::store::campaigns::current(&mut conn).await.is_ok());
    }

    #[tokio::test]
    async fn pruning_takes_only_delivered_messages_older_than_ninety_days() {
        let dir = tempfile::tempdir().unwrap();
        let db = db(dir.path()).await;
        let now = at("2025-06-30T03:30:00+07:00");
        let mut tx = db.write().await.unwrap();
        for (status, sent) in [
            ("sent", "2025-03-01T00:00:00Z"),
            ("blocked", "2025-03-01T00:00:00Z"),
            ("failed", "2025-03-01T00:00:00Z"),
            ("sent", "2025-06-01T00:00:00Z"),
            ("pending", "2025-03-01T00:00:00Z"),
            ("uncertain", "2025-03-01T00:00:00Z"),
        ] {
            sqlx::query(
                "INSERT INTO outbox (channel, chat_id, locale, body, purpose, status, not_before, \
                 created_at, sent_at) VALUES ('telegram', '1', 'vi', '{}', 'reminder', $1, $2, $2, $2)",
            )
            .bind(status)
            .bind(sent)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        assert_eq!(prune(&db, now).await.unwrap(), 3);
        assert_eq!(prune(&db, now).await.unwrap(), 0);
        let mut conn = db.read().await.unwrap();
        let left: Vec<String> = sqlx::query_scalar("SELECT status FROM outbox ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        assert_eq!(left, ["sent", "pending", "uncertain"]);
    }

    #[tokio::test]
    async fn the_weekly_summary_reaches_each_staff_member_once_a_monday() {
        let dir = tempfile::tempdir().unwrap();
        let db = db(dir.path()).await;
        let monday = at("2025-04-28T07:30:00+07:00");
        let mut tx = db.write().await.unwrap();
        campaigns::current_or_seed(&mut tx).await.unwrap();
        let district = units::add(&mut tx, "LĐLĐ huyện Vĩnh Thuận", UnitKind::Agency)
            .await
            .unwrap();
        for name in ["CĐCS A", "CĐCS B", "CĐCS C"] {
            units::add(&mut tx, name, UnitKind::Agency).await.unwrap();
        }
        for (user, role) in [("1", Role::Staff), ("2", Role::Staff)] {
            let m = NewMember {
                channel: Channel::Telegram,
                user_id: user,
                chat_id: user,
                unit_id: district.id,
                role,
                display_name: "Thoa",
            };
            members::upsert(&mut tx, &m, monday).await.unwrap();
        }
        tx.commit().await.unwrap();
        assert_eq!(weekly_summary(&db, monday).await.unwrap(), 2);
        // Another instance, or a restart, the same morning: nothing more.
        assert_eq!(weekly_summary(&db, monday).await.unwrap(), 0);
        let mut conn = db.read().await.unwrap();
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        assert_eq!(bodies.len(), 2);
        assert!(
            bodies[0].contains("0 công trình mới đăng ký"),
            "{}",
            bodies[0]
        );
        assert!(
            bodies[0].contains("còn 3/3 đơn vị chưa nộp"),
            "{}",
            bodies[0]
        );
        drop(conn);
        let next_monday = monday + Days::new(7);
        assert_eq!(weekly_summary(&db, next_monday).await.unwrap(), 2);
    }
}
