//! Serves each chat's messages in order and different chats side by side, as
//! teloxide's dispatcher does for Telegram: one chat that writes a lot (or waits for
//! its one-message-a-second Zalo pace) never delays anyone else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use super::turns::Turns;
use crate::conversation::Incoming;

/// Messages one chat may have waiting; beyond that it is flooding, and the excess is
/// dropped with a warning rather than held in memory.
const QUEUE: usize = 256;

/// A message, and who waits to hear that its turn is done (a webhook call that answers
/// only then, so an update is acknowledged once its turn has been committed).
type Queued = (Incoming, Option<oneshot::Sender<()>>);
type Queues = Arc<Mutex<HashMap<String, mpsc::Sender<Queued>>>>;

pub struct PerChat {
    turns: Turns,
    queues: Queues,
    tasks: Mutex<JoinSet<()>>,
}

impl PerChat {
    pub fn new(turns: Turns) -> PerChat {
        PerChat {
            turns,
            queues: Queues::default(),
            tasks: Mutex::new(JoinSet::new()),
        }
    }

    /// Queues the message behind the same chat's earlier ones; a chat with nothing
    /// waiting gets a task of its own, which ends when its queue is empty.
    pub fn submit(&self, inc: Incoming) {
        self.queue((inc, None));
    }

    /// As `submit`; the answer comes once the message's turn is done (its changes
    /// committed, its replies handed over). Dropped unanswered if the message was.
    pub fn submit_and_wait(&self, inc: Incoming) -> oneshot::Receiver<()> {
        let (done, wait) = oneshot::channel();
        self.queue((inc, Some(done)));
        wait
    }

    fn queue(&self, item: Queued) {
        let queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(queue) = queues.get(&item.0.chat_id) {
            match queue.try_send(item) {
                Ok(()) => return,
                Err(mpsc::error::TrySendError::Full((inc, _))) => {
                    tracing::warn!(channel = %inc.channel, "a chat is flooding; message dropped");
                    return;
                }
                // Its task has just finished: start another below.
                Err(mpsc::error::TrySendError::Closed(item)) => return self.start(queues, item),
            }
        }
        self.start(queues, item)
    }

    fn start(
        &self,
        mut queues: std::sync::MutexGuard<'_, HashMap<String, mpsc::Sender<Queued>>>,
        item: Queued,
    ) {
        let chat = item.0.chat_id.clone();
        let (queue, mut waiting) = mpsc::channel(QUEUE);
        let _ = queue.try_send(item);
        queues.insert(chat.clone(), queue);
        drop(queues);
        let (turns, queues) = (self.turns.clone(), self.queues.clone());
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move {
            loop {
                while let Ok((inc, done)) = waiting.try_recv() {
                    turns.serve(inc).await;
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                }
                // Under the lock no message can slip in between the check and the
                // removal: a later one finds no queue and starts a new task.
                let mut queues = queues.lock().unwrap_or_else(|p| p.into_inner());
                if waiting.is_empty() {
                    queues.remove(&chat);
                    return;
                }
            }
        });
    }

    /// Waits until every message accepted so far has been served.
    pub async fn finish(&self) {
        let mut tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        while tasks.join_next().await.is_some() {}
    }
}
