//! Dynamic batching of claim embeddings, as model servers do: concurrent
//! callers hand their text to a worker thread (one per core by default,
//! each gathering its own batch from the shared queue), which embeds whatever has
//! queued up (up to [`BatchPolicy::max_batch`], waiting at most
//! [`BatchPolicy::window`] for more) in one forward pass and hands each
//! caller its own vector. A caller never holds a check thread while it
//! waits, and when a worker is idle a lone claim starts at once, so light
//! load pays no batching delay. With the q8 encoder on a CPU a joint pass
//! costs as much as its claims' own passes (more, with padding), so the
//! default batch is one claim and the workers give the parallelism; joint
//! passes stay for encoders that reuse weights across rows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{EmbedError, Embedder};

/// Something that embeds a batch of texts: the [`Embedder`]; the trait lets
/// the batcher's tests drive failures the real model never produces.
pub trait BatchEncode: Send + Sync + 'static {
    /// One vector per text, in order.
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

impl BatchEncode for Embedder {
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_batch(texts)
    }
}

/// How the worker forms batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Most claims in one forward pass.
    pub max_batch: usize,
    /// How long the worker waits for more claims after the first of a batch
    /// when no more are queued; zero runs whatever has queued at once.
    pub window: Duration,
    /// Worker threads, each running one forward pass at a time (a pass
    /// runs on one core).
    pub workers: usize,
}

impl Default for BatchPolicy {
    fn default() -> Self {
        BatchPolicy {
            // Measured: candle's q8 kernels read the weights once per input
            // row, so a joint pass saves nothing, and mixed lengths pad.
            max_batch: 1,
            window: Duration::from_micros(500),
            workers: default_workers(),
        }
    }
}

/// One worker per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What the worker has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Forward passes run.
    pub batches: u64,
    /// Claims embedded in them.
    pub claims: u64,
}

#[derive(Debug, Default)]
struct Counters {
    batches: AtomicU64,
    claims: AtomicU64,
}

type Outcome = Result<Vec<f32>, EmbedError>;

/// Where a caller waits for its vector.
enum Reply {
    Async(oneshot::Sender<Outcome>),
    Blocking(mpsc::SyncSender<Outcome>),
}

impl Reply {
    fn send(self, outcome: Outcome) {
        // A caller that has gone (cancelled, deadline) no longer wants it.
        match self {
            Reply::Async(sender) => drop(sender.send(outcome)),
            Reply::Blocking(sender) => drop(sender.send(outcome)),
        }
    }

    fn is_abandoned(&self) -> bool {
        match self {
            Reply::Async(sender) => sender.is_closed(),
            Reply::Blocking(_) => false,
        }
    }
}

struct Job {
    text: String,
    reply: Reply,
}

/// The front of the batching worker; cheap to share, safe to call from
/// any thread. The worker stops when the batcher is dropped.
pub struct Batcher {
    jobs: mpsc::Sender<Job>,
    policy: BatchPolicy,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Batcher {
    /// Starts the worker thread over `encoder`.
    pub fn start<E: BatchEncode>(encoder: Arc<E>, policy: BatchPolicy) -> Result<Self, EmbedError> {
        let policy = BatchPolicy {
            max_batch: policy.max_batch.max(1),
            workers: policy.workers.max(1),
            ..policy
        };
        let (jobs, queue) = mpsc::channel();
        let queue = Arc::new(Mutex::new(queue));
        let counters = Arc::new(Counters::default());
        for number in 0..policy.workers {
            let (encoder, queue) = (Arc::clone(&encoder), Arc::clone(&queue));
            let worker_counters = Arc::clone(&counters);
            std::thread::Builder::new()
                .name(format!("factdesk-embed-{number}"))
                .spawn(move || work(&*encoder, &queue, policy, &worker_counters))
                .map_err(EmbedError::Worker)?;
        }
        Ok(Batcher {
            jobs,
            policy,
            counters,
        })
    }

    /// Batches and claims embedded so far.
    pub fn stats(&self) -> BatchStats {
        BatchStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            claims: self.counters.claims.load(Ordering::Relaxed),
        }
    }

    /// The policy the worker batches by.
    pub fn policy(&self) -> BatchPolicy {
        self.policy
    }

    /// `text`'s vector, awaited without holding a thread.
    pub async fn embed(&self, text: String) -> Outcome {
        let (sender, receiver) = oneshot::channel();
        self.submit(text, Reply::Async(sender))?;
        receiver.await.map_err(|_| worker_gone())?
    }

    /// `text`'s vector; blocks the calling thread until its batch is done.
    pub fn embed_blocking(&self, text: String) -> Outcome {
        let (sender, receiver) = mpsc::sync_channel(1);
        self.submit(text, Reply::Blocking(sender))?;
        receiver.recv().map_err(|_| worker_gone())?
    }

    fn submit(&self, text: String, reply: Reply) -> Result<(), EmbedError> {
        self.jobs
            .send(Job { text, reply })
            .map_err(|_| worker_gone())
    }
}

fn worker_gone() -> EmbedError {
    EmbedError::Internal("the embedding worker has stopped")
}

/// A worker: one batch at a time until every [`Batcher`] handle is gone.
/// It holds the queue only while it gathers a batch, so another worker
/// gathers the next one while this one embeds.
fn work(
    encoder: &dyn BatchEncode,
    queue: &Mutex<mpsc::Receiver<Job>>,
    policy: BatchPolicy,
    counters: &Counters,
) {
    loop {
        let batch = {
            let queue = queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            next_batch(&queue, policy)
        };
        let Some(batch) = batch else { return };
        run_batch(encoder, batch, counters);
    }
}

/// Blocks for the first job, then takes what is queued, waiting until the
/// window closes for more while the batch is not full. `None` when every
/// sender is gone.
fn next_batch(queue: &mpsc::Receiver<Job>, policy: BatchPolicy) -> Option<Vec<Job>> {
    let first = queue.recv().ok()?;
    let deadline = Instant::now() + policy.window;
    let mut batch = vec![first];
    while batch.len() < policy.max_batch {
        if let Ok(job) = queue.try_recv() {
            batch.push(job);
            continue;
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        match queue.recv_timeout(deadline - now) {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Embeds the texts of `batch` in one pass and answers every job: its own
/// vector, or the batch's error (a panic in the model included). The pass
/// is counted before any job is answered, so a caller that has its answer
/// sees it in [`Batcher::stats`]; callers that had gone are skipped.
fn run_batch(encoder: &dyn BatchEncode, mut batch: Vec<Job>, counters: &Counters) {
    batch.retain(|job| !job.reply.is_abandoned());
    let claims = batch.len();
    if claims == 0 {
        return;
    }
    let texts: Vec<&str> = batch.iter().map(|job| job.text.as_str()).collect();
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        encoder.encode_batch(&texts)
    }))
    .unwrap_or(Err(EmbedError::Internal("the embedding model panicked")));
    tracing::debug!(
        claims = batch.len(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "claim batch embedded"
    );
    crate::metrics::claim_batch(claims);
    counters.batches.fetch_add(1, Ordering::Relaxed);
    counters.claims.fetch_add(claims as u64, Ordering::Relaxed);
    match outcome {
        Ok(vectors) if vectors.len() == batch.len() => {
            for (job, vector) in batch.into_iter().zip(vectors) {
                job.reply.send(Ok(vector));
            }
        }
        Ok(_) => fail_all(
            batch,
            EmbedError::Internal("model returned the wrong vector count"),
        ),
        Err(error) => {
            tracing::error!(%error, claims = batch.len(), "claim batch failed");
            fail_all(batch, error);
        }
    }
}

fn fail_all(batch: Vec<Job>, error: EmbedError) {
    let shared = Arc::new(error);
    for job in batch {
        job.reply.send(Err(EmbedError::Batch(Arc::clone(&shared))));
    }
}
