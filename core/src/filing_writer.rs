//! Filing under load (issue 13): one writer task stores the queued filings in groups, one
//! transaction and so one flush to disk per group, and answers each filer only after its
//! group has committed.
//!
//! With `synchronous=FULL` every commit waits for the disk (about 3 ms on the project's
//! machine), and SQLite takes one writer at a time; filings committed one by one queued on
//! the write lock and its busy-wait back-off (p99 663 ms at 705 filings a second). The writer
//! takes whatever has queued while the last group was being written, up to
//! [`MAX_GROUP`], so a quiet hour commits each filing alone and a burst shares the flushes.
//! Nothing is held back to wait for company. PostgreSQL gains the same way (one WAL flush a
//! group).
//!
//! The writer announces each stored filing on the event bus itself, after the commit, so a
//! filer who hangs up before the answer still leaves the agents' live list right.

use std::sync::{Arc, Mutex};

use hotline_domain::RequestSummary;
use tokio::sync::{mpsc, oneshot};

use crate::store::NewFiling;
use crate::{Event, EventBus, ServiceError, Store};

/// The most filings one transaction stores.
pub(crate) const MAX_GROUP: usize = 64;
/// Filings waiting beyond this make the next filer wait for room (back-pressure, not loss).
const QUEUE: usize = 4 * MAX_GROUP;

type Answer = Result<RequestSummary, ServiceError>;

struct Job {
    filing: NewFiling,
    answer: oneshot::Sender<Answer>,
}

pub(crate) struct FilingWriter {
    store: Arc<dyn Store>,
    events: EventBus,
    /// Started on the first filing (a task needs the runtime, which `Hotline::new` may not
    /// have); started again if it ever stopped.
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl FilingWriter {
    pub(crate) fn new(store: Arc<dyn Store>, events: EventBus) -> FilingWriter {
        FilingWriter {
            store,
            events,
            queue: Mutex::new(None),
        }
    }

    /// Stores one filing and returns it as stored, once it is durable.
    pub(crate) async fn file(&self, filing: NewFiling) -> Answer {
        let (answer, stored) = oneshot::channel();
        self.queue()
            .send(Job { filing, answer })
            .await
            .map_err(|_| ServiceError::Internal("the filing writer stopped".into()))?;
        stored
            .await
            .map_err(|_| ServiceError::Internal("the filing writer stopped".into()))?
    }

    fn queue(&self) -> mpsc::Sender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        match &*queue {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, jobs) = mpsc::channel(QUEUE);
                tokio::spawn(write(self.store.clone(), self.events.clone(), jobs));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

async fn write(store: Arc<dyn Store>, events: EventBus, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (filings, answers): (Vec<NewFiling>, Vec<oneshot::Sender<Answer>>) =
            group.drain(..).map(|job| (job.filing, job.answer)).unzip();
        match store.insert_requests(&filings).await {
            Ok(results) => {
                let mut stored = Vec::with_capacity(results.len());
                for ((result, answer), filing) in results.into_iter().zip(answers).zip(&filings) {
                    match result {
                        Ok(summary) => {
                            tracing::info!(
                                tracking_number = %summary.tracking_number,
                                channel = filing.channel.as_code(),
                                "request filed"
                            );
                            stored.push(summary.clone());
                            // The filer may have gone; the filing stays stored.
                            let _ = answer.send(Ok(summary));
                        }
                        Err(error) => {
                            tracing::error!(%error, "a filing was not stored");
                            let _ = answer.send(Err(error.into()));
                        }
                    }
                }
                // Announced beside the next group's write (on PostgreSQL each is a NOTIFY).
                let events = events.clone();
                tokio::spawn(async move {
                    for summary in stored {
                        events.publish(Event::request_filed(summary)).await;
                    }
                });
            }
            Err(error) => {
                tracing::error!(%error, filings = filings.len(), "a group of filings was not stored");
                for answer in answers {
                    let _ = answer.send(Err(ServiceError::Internal(format!(
                        "the filing was not stored: {error}"
                    ))));
                }
            }
        }
    }
}
