//! Turns' answers (their outbox receipts, see `app::Answer`) claimed before the wire
//! and marked sent after it, many at a time: with a thousand chairs writing at once,
//! one transaction takes the claims of every answer then waiting instead of one each.
//! On SQLite, with one writer, two transactions more per answer halved the updates a
//! second (1 554 → 849, `cargo bench --bench chairs`).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::store::{self, outbox, Db};

/// The most rows one claiming or settling statement names.
const BATCH: usize = 200;

type Claim = (i64, DateTime<Utc>, oneshot::Sender<bool>);

#[derive(Clone)]
pub struct Receipts {
    claims: mpsc::UnboundedSender<Claim>,
    sent: mpsc::UnboundedSender<(i64, DateTime<Utc>)>,
}

impl Receipts {
    /// Starts the two batching tasks on `db`; they end when every `Receipts` is gone.
    pub fn start(db: Db) -> Receipts {
        let (claims, claim_rx) = mpsc::unbounded_channel();
        let (sent, sent_rx) = mpsc::unbounded_channel();
        tokio::spawn(claiming(db.clone(), claim_rx));
        tokio::spawn(settling(db, sent_rx));
        Receipts { claims, sent }
    }

    /// Takes the answer for sending: false when the outbox took it first (its lease ran
    /// out while the answer waited) or the database could not be reached (the outbox
    /// then sends it once the lease is out).
    pub async fn take(&self, id: i64, now: DateTime<Utc>) -> bool {
        let (tx, rx) = oneshot::channel();
        if self.claims.send((id, now, tx)).is_err() {
            return false;
        }
        rx.await.unwrap_or(false)
    }

    /// The answer went. Not waited for: should the process die first, the row stays
    /// "sending" and is never sent again (it is marked uncertain at the next start).
    pub fn sent(&self, id: i64, now: DateTime<Utc>) {
        let _ = self.sent.send((id, now));
    }
}

/// Whatever waits when the last batch ends, up to `BATCH`, after the first.
fn drain<T>(rx: &mut mpsc::UnboundedReceiver<T>, first: T) -> Vec<T> {
    let mut batch = vec![first];
    while batch.len() < BATCH {
        match rx.try_recv() {
            Ok(more) => batch.push(more),
            Err(_) => break,
        }
    }
    batch
}

async fn claiming(db: Db, mut rx: mpsc::UnboundedReceiver<Claim>) {
    while let Some(first) = rx.recv().await {
        let batch = drain(&mut rx, first);
        let ids: Vec<i64> = batch.iter().map(|(id, _, _)| *id).collect();
        let now = batch
            .iter()
            .map(|(_, t, _)| *t)
            .max()
            .unwrap_or_else(Utc::now);
        let taken = store::retry_transient(|| async {
            let mut tx = db.write().await?;
            let taken = outbox::claim_many(&mut tx, &ids, now).await?;
            tx.commit().await?;
            Ok(taken)
        })
        .await;
        let taken: HashSet<i64> = match taken {
            Ok(taken) => taken.into_iter().collect(),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "answers not claimed: the outbox sends them");
                HashSet::new()
            }
        };
        for (id, _, reply) in batch {
            let _ = reply.send(taken.contains(&id));
        }
    }
}

async fn settling(db: Db, mut rx: mpsc::UnboundedReceiver<(i64, DateTime<Utc>)>) {
    while let Some(first) = rx.recv().await {
        let batch = drain(&mut rx, first);
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let now = batch.iter().map(|(_, t)| *t).max().unwrap_or_else(Utc::now);
        let done = store::retry_transient(|| async {
            let mut tx = db.write().await?;
            outbox::mark_sent_many(&mut tx, &ids, now).await?;
            tx.commit().await
        })
        .await;
        if let Err(e) = done {
            tracing::warn!(error = %format!("{e:#}"), n = ids.len(), "answers sent but not marked so");
        }
    }
}
