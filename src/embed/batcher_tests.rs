//! Tests for the claim batcher: concurrent callers through the real model
//! each get their own vector, equal to the unbatched one; failures of the
//! model (an error, a panic) reach every caller of the batch.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::*;

/// Long enough that callers started together land in shared batches.
const WIDE_WINDOW: Duration = Duration::from_millis(50);

/// An encoder whose every batch fails: the model has no input that makes
/// it fail on demand, so the error path is driven by this stand-in.
struct Failing;

impl BatchEncode for Failing {
    fn encode_batch(&self, _texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Err(EmbedError::Internal("test failure"))
    }
}

/// An encoder that panics on texts starting with "panic", else returns
/// each text's length as a one-element vector.
struct PanicsOnRequest;

impl BatchEncode for PanicsOnRequest {
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        assert!(
            !texts.iter().any(|t| t.starts_with("panic")),
            "asked to panic"
        );
        Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
    }
}

/// One worker, so that callers started together share its batches.
fn wide(max_batch: usize) -> BatchPolicy {
    BatchPolicy {
        max_batch,
        window: WIDE_WINDOW,
        workers: 1,
    }
}

/// In f32, so that "its own vector" can be checked to rounding (q8 batches
/// differ from single passes by quantisation noise; see
/// `tests::batch_matches_single`).
#[cfg(feature = "embeddings")]
#[test]
fn concurrent_callers_each_get_their_own_vector() {
    let Some(embedder) = tests::f32_embedder() else {
        return;
    };
    let dir = tests::model_dir().expect("model checked above");
    let model = Arc::new(Embedder::load_with(&dir, Precision::F32).expect("load"));
    let batcher = Batcher::start(Arc::clone(&model), wide(8)).expect("start");
    let texts: Vec<String> = (0..24)
        .map(|i| match i % 4 {
            0 => format!("Claim {i}: the city council approved the new budget"),
            1 => format!("{i} percent of voters backed the proposal in the referendum"),
            2 => "Is Alibaba Cloud the largest cloud in China?".to_owned(),
            _ => format!("Breaking: officials say {i} bridges will close for repairs next week"),
        })
        .collect();
    let results: Vec<Vec<f32>> = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .iter()
            .map(|text| s.spawn(|| batcher.embed_blocking(text.clone())))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("caller").expect("vector"))
            .collect()
    });
    for (text, vector) in texts.iter().zip(&results) {
        let alone = embedder.embed(text).expect("unbatched");
        let diff = alone
            .iter()
            .zip(vector)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-4, "{text:?}: max abs diff {diff}");
    }
    let stats = batcher.stats();
    assert_eq!(stats.claims, 24);
    assert!(stats.batches < 24, "no batching happened: {stats:?}");
}

#[cfg(feature = "embeddings")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_callers_each_get_their_own_vector() {
    let Some(embedder) = tests::embedder() else {
        return;
    };
    let dir = tests::model_dir().expect("model checked above");
    let model = Arc::new(Embedder::load(&dir).expect("load"));
    let batcher = Arc::new(Batcher::start(model, wide(16)).expect("start"));
    let texts: Vec<String> = (0..12)
        .map(|i| format!("Statement number {i} about the {} election", 2000 + i * 4))
        .collect();
    let tasks: Vec<_> = texts
        .iter()
        .map(|text| {
            let batcher = Arc::clone(&batcher);
            let text = text.clone();
            tokio::spawn(async move { batcher.embed(text).await })
        })
        .collect();
    let mut vectors = Vec::new();
    for task in tasks {
        vectors.push(task.await.expect("task").expect("vector"));
    }
    // q8: each vector is within quantisation noise of its text's own, and
    // nearer to it than to any other text's.
    let alone: Vec<Vec<f32>> = texts
        .iter()
        .map(|text| embedder.embed(text).expect("unbatched"))
        .collect();
    for (i, vector) in vectors.iter().enumerate() {
        let own = cosine(&alone[i], vector);
        assert!(own >= 0.995, "{:?}: cosine {own}", texts[i]);
        for (j, other) in alone.iter().enumerate().filter(|(j, _)| *j != i) {
            assert!(
                cosine(other, vector) < own,
                "{:?} is nearer {:?}",
                texts[i],
                texts[j]
            );
        }
    }
    assert!(batcher.stats().batches < 12, "{:?}", batcher.stats());
}

#[test]
fn an_error_reaches_every_caller_of_the_batch() {
    let batcher = Batcher::start(Arc::new(Failing), wide(8)).expect("start");
    let outcomes: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let batcher = &batcher;
                s.spawn(move || batcher.embed_blocking(format!("claim {i}")))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("caller"))
            .collect()
    });
    for outcome in outcomes {
        match outcome {
            Err(EmbedError::Batch(cause)) => {
                assert!(matches!(*cause, EmbedError::Internal("test failure")));
            }
            other => panic!("expected the batch's error, got {other:?}"),
        }
    }
    assert_eq!(batcher.stats().claims, 8);
}

#[test]
fn a_panic_fails_its_batch_and_the_worker_carries_on() {
    let batcher = Batcher::start(Arc::new(PanicsOnRequest), wide(4)).expect("start");
    let outcomes: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = ["panic now", "a", "bb", "ccc"]
            .into_iter()
            .map(|text| {
                let batcher = &batcher;
                s.spawn(move || batcher.embed_blocking(text.to_owned()))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("caller"))
            .collect()
    });
    // Callers that shared the panicking batch get its error; any that
    // missed the window were embedded on their own.
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    assert!(failed >= 1, "{outcomes:?}");
    for outcome in &outcomes {
        if let Err(error) = outcome {
            assert!(matches!(error, EmbedError::Batch(_)), "{error:?}");
        }
    }
    let after = batcher
        .embed_blocking("four".to_owned())
        .expect("worker alive");
    assert_eq!(after, vec![4.0]);
}

#[tokio::test]
async fn abandoned_callers_are_not_embedded() {
    let batcher = Batcher::start(
        Arc::new(PanicsOnRequest),
        BatchPolicy {
            max_batch: 8,
            window: Duration::from_millis(200),
            workers: 1,
        },
    )
    .expect("start");
    // The first caller holds the window open; the second gives up at once.
    let kept = batcher.embed("kept".to_owned());
    let gone = tokio::time::timeout(Duration::from_millis(1), batcher.embed("panic".to_owned()));
    let (kept, gone) = tokio::join!(kept, gone);
    assert!(gone.is_err(), "the abandoned call should have timed out");
    assert_eq!(kept.expect("kept caller"), vec![4.0]);
}

#[test]
fn a_lone_claim_is_not_held_for_the_window_when_it_is_zero() {
    let batcher = Batcher::start(
        Arc::new(PanicsOnRequest),
        BatchPolicy {
            max_batch: 8,
            window: Duration::ZERO,
            workers: 1,
        },
    )
    .expect("start");
    let started = std::time::Instant::now();
    assert_eq!(
        batcher.embed_blocking("abc".to_owned()).expect("vector"),
        vec![3.0]
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// An encoder that waits (up to 10 s) until `wanted` passes run at once,
/// and records the most it saw.
struct Overlapping {
    wanted: usize,
    running: Mutex<(usize, usize)>,
    changed: Condvar,
}

impl BatchEncode for Overlapping {
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut running = self.running.lock().unwrap();
        running.0 += 1;
        running.1 = running.1.max(running.0);
        self.changed.notify_all();
        let (mut running, _) = self
            .changed
            .wait_timeout_while(running, Duration::from_secs(10), |running| {
                running.1 < self.wanted
            })
            .unwrap();
        running.0 -= 1;
        Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
    }
}

/// With one worker per core, claims that arrive together are embedded side
/// by side, one forward pass per core, not one after the other.
#[test]
fn each_worker_runs_its_own_pass_at_the_same_time() {
    let encoder = Arc::new(Overlapping {
        wanted: 2,
        running: Mutex::new((0, 0)),
        changed: Condvar::new(),
    });
    let policy = BatchPolicy {
        max_batch: 1,
        window: Duration::ZERO,
        workers: 2,
    };
    let batcher = Arc::new(Batcher::start(Arc::clone(&encoder), policy).expect("start"));
    let callers: Vec<_> = ["one", "three"]
        .into_iter()
        .map(|text| {
            let batcher = Arc::clone(&batcher);
            std::thread::spawn(move || batcher.embed_blocking(text.to_owned()))
        })
        .collect();
    for caller in callers {
        caller.join().unwrap().expect("vector");
    }
    assert_eq!(encoder.running.lock().unwrap().1, 2, "two passes at once");
    assert_eq!(batcher.stats().batches, 2);
}
