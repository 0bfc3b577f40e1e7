//! Every SQL statement of thidua lives below this module, one file per table family.
//! Queries go through sqlx's `Any` driver with portable SQL (`$1` placeholders, text
//! dates, integer money) so the same code serves SQLite and PostgreSQL.

pub mod audience;
pub mod broadcasts;
pub mod budget;
pub mod campaigns;
pub mod chats;
mod column;
pub mod deadlines;
pub mod invites;
pub mod members;
pub mod outbox;
pub mod overview;
pub mod quota;
pub mod registration_list;
pub mod registrations;
pub mod reminders;
pub mod report_drafts;
pub mod scope;
pub mod settings;
pub mod submissions;
pub mod units;
pub mod web;
pub mod web_activity;

#[cfg(test)]
mod plans;

use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a unit of work waits for SQLite's writer before it counts as a timeout.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite has one writer: this process's writers queue here, in order, instead of
    /// spinning in SQLite's busy handler (which is unfair and gives up after
    /// `busy_timeout`). Unused on PostgreSQL, where row locks do the ordering.
    writer: Arc<Mutex<()>>,
    /// Why writes fail, while they do (a full disk): `/healthz` says so, and the next
    /// commit that goes through clears it.
    writes: Arc<WriteState>,
}

/// Whether the database takes writes: the reason of the last failure that a retry
/// cannot mend (out of space, an I/O error), until a commit goes through again.
#[derive(Debug, Default)]
struct WriteState {
    failing: std::sync::Mutex<Option<String>>,
}

impl WriteState {
    fn set(&self, why: Option<String>) {
        *self.failing.lock().unwrap_or_else(|p| p.into_inner()) = why;
    }

    fn get(&self) -> Option<String> {
        self.failing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// A write transaction: the only handle a unit of work (a turn, a claim, a CLI
/// command) uses, so it never needs a second connection. Rolled back if dropped.
pub struct Tx {
    tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
    writes: Arc<WriteState>,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        let writes = self.writes.clone();
        match self.tx.commit().await.context("commit") {
            Ok(()) => {
                writes.set(None);
                Ok(())
            }
            Err(e) => {
                if let Some(why) = write_failure(&e) {
                    writes.set(Some(why));
                }
                Err(e)
            }
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Accepts what people write in `DATABASE_URL`: a full URL, `sqlite:file.db`, or a
/// bare file path. SQLite files are created on first use.
pub fn normalize_url(raw: &str) -> (String, Backend) {
    let raw = raw.trim();
    if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        return (raw.to_string(), Backend::Postgres);
    }
    let path = raw
        .strip_prefix("sqlite://")
        .or_else(|| raw.strip_prefix("sqlite:"))
        .unwrap_or(raw);
    let url = if path.contains("mode=") {
        format!("sqlite://{path}")
    } else if path.contains('?') {
        format!("sqlite://{path}&mode=rwc")
    } else {
        format!("sqlite://{path}?mode=rwc")
    };
    (url, Backend::Sqlite)
}

pub async fn connect(raw_url: &str) -> Result<Db> {
    let db = open(raw_url).await?;
    db.migrate().await?;
    Ok(db)
}

/// Every SQLite connection's settings. WAL lets the exporter read while the bot
/// writes; the timeout makes a second process wait instead of failing. NORMAL sync
/// in WAL mode survives a crash of the process (kill -9) with every commit; only a
/// power cut may take the last moments' commits, and it spares every turn an fsync
/// while the other writers queue.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;";

/// The database as it is, migrations not run (`thidua doctor` reports their state).
pub async fn open(raw_url: &str) -> Result<Db> {
    sqlx::any::install_default_drivers();
    let (url, backend) = normalize_url(raw_url);
    if backend == Backend::Sqlite {
        check_sqlite_file(&url)?;
        first_connection(&url).await?;
    }
    let pool = AnyPoolOptions::new()
        // Writers hold one connection each at most (one at a time on SQLite); the
        // rest serve readers: exports, the outbox's counts, the CLI.
        .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
        // A transaction that failed half-way (a full disk fails the COMMIT, and SQLite
        // then rolls back by itself) can leave the driver believing the connection is
        // still inside it: back in the pool, every later BEGIN on it would fail with
        // "non-zero transaction depth" until a restart. The ping lets the driver
        // finish the rollback it queued; a connection still inside is closed.
        .after_release(|conn, _| {
            Box::pin(async move {
                sqlx::Connection::ping(conn).await?;
                let clean = !sqlx::Connection::is_in_transaction(conn);
                if !clean {
                    tracing::warn!("a connection left inside a failed transaction is closed");
                }
                Ok(clean)
            })
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(SQLITE_PRAGMAS).await?;
                } else {
                    // Short queries whose row estimates are poor (a tree walk) crossed
                    // the JIT's cost threshold and spent 250 ms compiling to run in 1.
                    conn.execute("SET jit = off").await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("cannot open the database ({})", redact(&url)))?;
    Ok(Db {
        pool,
        backend,
        writer: Arc::default(),
        writes: Arc::default(),
    })
}

impl Db {
    /// Begins a unit of work that may write. On SQLite it waits for this process's
    /// writer turn, then takes the file's write lock at once (`BEGIN IMMEDIATE`), so a
    /// transaction that read never fails to upgrade to a writer halfway through.
    pub async fn write(&self) -> Result<Tx> {
        match self.backend {
            Backend::Sqlite => {
                // A writer waiting this long means a unit of work asked for a second
                // write transaction while holding one: fail it (and let it be retried)
                // rather than hang every chat.
                let gate = tokio::time::timeout(WRITER_WAIT, self.writer.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Tx {
                    tx,
                    _writer: Some(gate),
                    writes: self.writes.clone(),
                })
            }
            Backend::Postgres => Ok(Tx {
                tx: self.pool.begin().await?,
                _writer: None,
                writes: self.writes.clone(),
            }),
        }
    }

    /// Remembers a unit of work's failure if it means writes fail for now (the disk
    /// is full): a statement may fail so before the commit does.
    pub fn note_failure(&self, e: &anyhow::Error) {
        if let Some(why) = write_failure(e) {
            self.writes.set(Some(why));
        }
    }

    /// Why writes fail, if the last one did for a reason that lasts. While they do,
    /// each call tries a small write of its own, so the answer turns good as soon as
    /// space is back even when nobody writes.
    pub async fn writes_failing(&self, now: DateTime<Utc>) -> Option<String> {
        self.writes.get()?;
        let probe = async {
            let mut tx = self.write().await?;
            settings::set_value(&mut tx, settings::HEALTH_PROBE, &ts(now)).await?;
            tx.commit().await
        };
        match probe.await {
            Ok(()) => None,
            Err(e) => {
                self.note_failure(&e);
                Some(self.writes.get().unwrap_or_else(|| format!("{e:#}")))
            }
        }
    }

    /// A connection for reading only (exports, reports, the CLI's listings).
    pub async fn read(&self) -> Result<PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// A consistent copy of a SQLite database in a new file (`VACUUM INTO`), taken while
    /// others go on reading and writing.
    pub async fn backup_into(&self, file: &std::path::Path) -> Result<()> {
        let mut conn = self.read().await?;
        sqlx::query("VACUUM INTO $1")
            .bind(file.display().to_string())
            .execute(&mut *conn)
            .await
            .with_context(|| format!("backup into {}", file.display()))?;
        Ok(())
    }

    /// Closes the pool, so SQLite checkpoints its WAL into the main file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        self.migrator()
            .run(&self.pool)
            .await
            .context("database migration failed")
    }

    /// (applied, known to this binary, applied but unknown to it: a newer thidua
    /// has run on this database).
    pub async fn migration_state(&self) -> Result<(usize, usize, usize)> {
        let known: std::collections::BTreeSet<i64> =
            self.migrator().iter().map(|m| m.version).collect();
        let mut conn = self.pool.acquire().await?;
        // A fresh database has no migrations table yet: nothing applied.
        let applied: Vec<i64> =
            sqlx::query_scalar::<_, i64>("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&mut *conn)
                .await
                .unwrap_or_default();
        let unknown = applied.iter().filter(|v| !known.contains(v)).count();
        Ok((applied.len(), known.len(), unknown))
    }
}

/// A file that is there but is no SQLite database is said at once, with its cause:
/// left to the driver it costs a 30-second pool time-out, and a 0-byte file (a copy
/// gone wrong) would silently become a new, empty database.
fn check_sqlite_file(url: &str) -> Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(()); // in memory
    }
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(()); // not there yet: created on first use
    };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(100);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 100), &mut bytes)
        .with_context(|| format!("cannot read {path}"))?;
    if bytes.is_empty() {
        anyhow::bail!(
            "the database file {path} is empty (0 bytes): restore it from a backup, or delete it to start a new database"
        );
    }
    if bytes.len() < 16 || &bytes[..16] != b"SQLite format 3\0" {
        anyhow::bail!("{path} is not a SQLite database (damaged, or another kind of file)");
    }
    // A checkpoint cut by a crash (kill -9) may have written page 1, with the new size,
    // before the pages that extend the file: the write-ahead log still holds them, and
    // SQLite finishes the checkpoint when it opens the file. Only a file with no log
    // to complete it is a copy cut short.
    let wal_frames = std::fs::metadata(format!("{path}-wal")).is_ok_and(|m| m.len() > 32);
    let expected = sqlite_size(&bytes).filter(|size| length < *size && !wal_frames);
    if let Some(expected) = expected {
        anyhow::bail!(
            "the database {path} is cut short ({length} of {expected} bytes, a copy that did not finish?): restore it from a backup (data/backups/ holds the nightly ones)"
        );
    }
    Ok(())
}

/// The size a SQLite file's header says it has, where the header vouches for it
/// (its "version-valid-for" matches its change counter).
fn sqlite_size(header: &[u8]) -> Option<u64> {
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(header.get(at..at + 4)?.try_into().ok()?))
    };
    let page = match u16::from_be_bytes(header.get(16..18)?.try_into().ok()?) {
        1 => 65_536,
        n => u64::from(n),
    };
    let (pages, counter, valid_for) = (be(28)?, be(24)?, be(92)?);
    (pages > 0 && counter == valid_for).then(|| u64::from(pages) * page)
}

/// The reason a failed unit of work gives for writes failing for a while, not just
/// once: the database or its disk is full (SQLite's SQLITE_FULL, PostgreSQL's
/// disk_full, ENOSPC) or the disk cannot be written (SQLITE_IOERR and its kinds).
fn write_failure(e: &anyhow::Error) -> Option<String> {
    let cause = e.chain().find_map(|c| c.downcast_ref::<sqlx::Error>())?;
    match cause {
        sqlx::Error::Database(db) => {
            let code: i64 = match db.code().as_deref() {
                Some("53100") => return Some("disk full".into()),
                Some(c) => c.parse().ok()?,
                None => return None,
            };
            // SQLite's primary code is the low byte of an extended one.
            match code & 0xff {
                13 => Some("database or disk is full".into()),
                10 => Some(format!("disk I/O error: {}", db.message())),
                _ => None,
            }
        }
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
            Some("disk full".into())
        }
        _ => None,
    }
}

/// Whether a unit of work failed because the database or its disk is full: the
/// person is told their answers are kept and to try again shortly.
pub fn is_out_of_space(e: &anyhow::Error) -> bool {
    write_failure(e).is_some_and(|why| why.contains("full"))
}

/// One connection made by hand before the pool's: the pool takes a failing
/// connection's error as a reason to try again, and a read-only or damaged file then
/// cost 30 seconds and "pool timed out" (`thidua run` never gave up). Said at once,
/// with what to do.
async fn first_connection(url: &str) -> Result<()> {
    use sqlx::Connection;
    let path = url.trim_start_matches("sqlite://");
    let path = path.split('?').next().unwrap_or_default();
    let tried = async {
        let mut conn = AnyConnection::connect(url).await?;
        conn.execute(SQLITE_PRAGMAS).await?;
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await
    };
    let Err(e) = tried.await else {
        return Ok(());
    };
    let code = match &e {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i64>().ok()),
        _ => None,
    };
    match code.map(|c| c & 0xff) {
        // SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH
        Some(8 | 14 | 3 | 23) => anyhow::bail!(
            "the database {path} cannot be written ({e}): thidua needs to write the file and, beside it, its -wal and -shm files; check the permissions of the file and of its folder, and the free space"
        ),
        // SQLITE_CORRUPT, SQLITE_NOTADB
        Some(11 | 26) => anyhow::bail!(
            "the database {path} is damaged ({e}): restore it from a backup (data/backups/ holds the nightly ones)"
        ),
        _ => Err(e).with_context(|| format!("cannot open the database {path}")),
    }
}

/// Whether a failed unit of work may simply be run again: the database was busy, a
/// serialisation conflict or deadlock was detected, or no connection came in time.
/// Nothing of the failed attempt was committed, so a rerun is safe.
pub fn is_transient(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let Some(e) = cause.downcast_ref::<sqlx::Error>() else {
            return false;
        };
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(db) => matches!(
                db.code().as_deref(),
                // SQLite: SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
                Some("5" | "6" | "261" | "262" | "517" | "773")
                // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
                | Some("40001" | "40P01" | "55P03")
            ),
            _ => false,
        }
    })
}

/// Runs a unit of work again while it fails for a transient reason (see
/// `is_transient`), a bounded number of times with a short growing pause.
pub async fn retry_transient<T, F, Fut>(mut work: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    const TRIES: u32 = 5;
    let mut pause = std::time::Duration::from_millis(20);
    for attempt in 1.. {
        match work().await {
            Err(e) if attempt < TRIES && is_transient(&e) => {
                tracing::warn!(attempt, error = %format!("{e:#}"), "transient database error; trying again");
                tokio::time::sleep(pause).await;
                pause *= 3;
            }
            other => return other,
        }
    }
    unreachable!("the last attempt returns")
}

/// A URL without its password, for error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

/// Ids for `IN (…)`: integers from the database, written into the statement (no
/// parameter limit to meet, and nothing a person typed).
pub(crate) fn id_list(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    ids.join(", ")
}

/// `rows` tuples of `cols` numbered parameters from `$first` on, each led by the
/// shared expression `lead` (a parameter every row repeats): the VALUES of a
/// multi-row INSERT.
pub(crate) fn placeholders(rows: usize, cols: usize, first: usize, lead: &str) -> String {
    (0..rows)
        .map(|r| {
            let own = (0..cols).map(|c| format!("${}", first + r * cols + c));
            let all: Vec<String> = std::iter::once(lead.to_string())
                .filter(|l| !l.is_empty())
                .chain(own)
                .collect();
            format!("({})", all.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A query's rows mapped one at a time as they arrive: a 100 000-row answer is never
/// held twice over (the driver's rows, then the values made of them).
pub(crate) async fn collect<'q, T>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    conn: &mut AnyConnection,
    map: impl Fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    use futures::TryStreamExt;
    let mut rows = query.fetch(conn);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await? {
        out.push(map(&row)?);
    }
    Ok(out)
}

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp in database: {s}"))?
        .with_timezone(&Utc))
}

pub(crate) fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("bad date in database: {s}"))
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col)
        .with_context(|| format!("reading column {col}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_row_after_the_shared_ones() {
        assert_eq!(
            placeholders(2, 2, 4, "$1, $2"),
            "($1, $2, $4, $5), ($1, $2, $6, $7)"
        );
        assert_eq!(placeholders(2, 1, 1, ""), "($1), ($2)");
    }

    /// After a kill -9 in the middle of a checkpoint the file can be shorter than its
    /// header says while the log beside it holds the rest: that opens (SQLite finishes
    /// the checkpoint); the same file with no log is a copy cut short.
    #[tokio::test]
    async fn a_checkpoint_cut_by_a_crash_is_not_a_file_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = connect(&url).await.unwrap();
        db.close().await;
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        let why = format!("{:#}", check_sqlite_file(&url).unwrap_err());
        assert!(why.contains("cut short"), "{why}");
        std::fs::write(dir.path().join("t.db-wal"), [0u8; 32]).unwrap();
        assert!(
            check_sqlite_file(&url).is_err(),
            "an empty log completes nothing"
        );
        std::fs::write(dir.path().join("t.db-wal"), [0u8; 4096]).unwrap();
        check_sqlite_file(&url).unwrap();
    }

    #[test]
    fn urls_are_normalized() {
        assert_eq!(
            normalize_url("thidua.db"),
            ("sqlite://thidua.db?mode=rwc".into(), Backend::Sqlite)
        );
        assert_eq!(
            normalize_url("sqlite:/tmp/a.db"),
            ("sqlite:///tmp/a.db?mode=rwc".into(), Backend::Sqlite)
        );
        assert_eq!(
            normalize_url("sqlite://x.db?mode=ro"),
            ("sqlite://x.db?mode=ro".into(), Backend::Sqlite)
        );
        assert_eq!(normalize_url("postgres://u:p@h/db").1, Backend::Postgres);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://***@h/db");
    }
}
