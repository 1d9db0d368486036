//! Tests for the embedding module. Model-backed tests read the folder from
//! `FACTDESK_EMBEDDING_MODEL`; without it they skip, or fail when `CI` is set.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use super::bert::CONFIG_FILE;
use super::*;

const MODEL_ENV: &str = "FACTDESK_EMBEDDING_MODEL";
const ALIBABA_A: &str = "Alibaba Cloud hosts half of China's generative AI firms";
const ALIBABA_B: &str = "Alibaba's cloud arm is home to 50% of Chinese generative-AI start-ups";
const EIFFEL: &str = "The Eiffel Tower is in Paris";

/// The model folder, or `None` (after a notice) when it is not configured
/// locally. Under CI a missing model is a hard failure.
pub(super) fn model_dir() -> Option<PathBuf> {
    let problem = match std::env::var_os(MODEL_ENV) {
        None => format!("{MODEL_ENV} is not set"),
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.join(CONFIG_FILE).is_file() {
                return Some(dir);
            }
            format!("{MODEL_ENV}={} has no {CONFIG_FILE}", dir.display())
        }
    };
    if std::env::var_os("CI").is_some() {
        panic!("embedding model required under CI: {problem}");
    }
    eprintln!("skipping embedding-model test: {problem}");
    None
}

/// One shared embedder (default precision) per test process (tests run on
/// several threads, which also exercises `Sync`).
pub(super) fn embedder() -> Option<&'static Embedder> {
    static SHARED: OnceLock<Embedder> = OnceLock::new();
    let dir = model_dir()?;
    Some(SHARED.get_or_init(|| load(&dir, Precision::default())))
}

/// One shared f32 embedder per test process.
pub(super) fn f32_embedder() -> Option<&'static Embedder> {
    static SHARED: OnceLock<Embedder> = OnceLock::new();
    let dir = model_dir()?;
    Some(SHARED.get_or_init(|| load(&dir, Precision::F32)))
}

fn load(dir: &std::path::Path, precision: Precision) -> Embedder {
    match Embedder::load_with(dir, precision) {
        Ok(e) => e,
        Err(err) => panic!("loading {} at {precision}: {err}", dir.display()),
    }
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn embedder_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Embedder>();
    assert_send_sync::<Arc<Embedder>>();
    assert_send_sync::<EmbedError>();
}

#[test]
fn cosine_of_unit_vectors() {
    assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
    assert!(cosine(&[1.0, 0.0], &[0.0, 1.0]).abs() < 1e-6);
    assert!((cosine(&[0.6, 0.8], &[0.8, 0.6]) - 0.96).abs() < 1e-6);
}

#[test]
fn missing_folder_names_file_and_dir() {
    let dir = PathBuf::from("/nonexistent/factdesk-embed-model");
    let err = Embedder::load(&dir).expect_err("load must fail");
    let msg = err.to_string();
    assert!(matches!(
        err,
        EmbedError::MissingFile {
            file: CONFIG_FILE,
            ..
        }
    ));
    assert!(
        msg.contains(CONFIG_FILE) && msg.contains("factdesk-embed-model"),
        "{msg}"
    );
}

#[test]
fn model_identity() {
    let (Some(e), Some(f32)) = (embedder(), f32_embedder()) else {
        return;
    };
    let dir = model_dir().expect("checked above");
    let again = Embedder::load(&dir).expect("second load");
    assert_eq!(e.dimension(), 384);
    assert_eq!(e.model_id(), again.model_id());
    assert!(
        f32.model_id().starts_with("bert-384x6-"),
        "{}",
        f32.model_id()
    );
    assert_eq!(f32.model_id().len(), "bert-384x6-".len() + 16);
    // q8 vectors differ a little from f32 ones: a database knows which.
    assert_eq!(e.precision(), Precision::Q8);
    assert_eq!(e.model_id(), format!("{}-q8", f32.model_id()));
}

#[test]
fn vectors_are_unit_length_and_deterministic() {
    let Some(e) = embedder() else { return };
    let a = e.embed(ALIBABA_A).expect("embed");
    let b = e.embed(ALIBABA_A).expect("embed");
    assert_eq!(a.len(), e.dimension());
    assert!((norm(&a) - 1.0).abs() < 1e-4, "norm {}", norm(&a));
    assert!((cosine(&a, &b) - 1.0).abs() < 1e-5);
    let empty = e.embed("").expect("empty text");
    assert!((norm(&empty) - 1.0).abs() < 1e-4);
    assert!(e.embed_batch(&[]).expect("empty batch").is_empty());
}

#[test]
fn paraphrase_is_closer_than_unrelated() {
    let Some(e) = embedder() else { return };
    let v = e
        .embed_batch(&[ALIBABA_A, ALIBABA_B, EIFFEL])
        .expect("embed");
    let para = cosine(&v[0], &v[1]);
    let unrelated = cosine(&v[0], &v[2]);
    eprintln!("cosine paraphrase={para:.4} unrelated={unrelated:.4}");
    assert!(para > 0.6, "paraphrase cosine {para}");
    assert!(unrelated < 0.2, "unrelated cosine {unrelated}");
    assert!(para - unrelated > 0.4);
}

/// In f32 a padded batch gives each text its own vector to rounding. With
/// q8 the activations are rounded to 8 bits, so the last-bit differences
/// padding makes can flip a rounding: the vectors then differ by about the
/// quantisation noise (cosine 0.999), not more.
#[test]
fn batch_matches_single() {
    let (Some(f32), Some(q8)) = (f32_embedder(), embedder()) else {
        return;
    };
    let long = "A much longer sentence that forces the short ones to be padded, \
                because batches are padded to their longest member before the pass.";
    let texts = [EIFFEL, long, ALIBABA_B];
    let batch = f32.embed_batch(&texts).expect("batch");
    for (text, from_batch) in texts.iter().zip(&batch) {
        let single = f32.embed(text).expect("single");
        let diff = single
            .iter()
            .zip(from_batch)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-4, "{text:?}: max abs diff {diff}");
    }
    let batch = q8.embed_batch(&texts).expect("q8 batch");
    for (text, from_batch) in texts.iter().zip(&batch) {
        let single = q8.embed(text).expect("q8 single");
        let cos = cosine(&single, from_batch);
        assert!(cos >= 0.995, "{text:?}: q8 cosine {cos}");
    }
}

#[test]
fn long_text_is_truncated_not_rejected() {
    let Some(e) = embedder() else { return };
    let long = "fact checking ".repeat(600);
    let v = e.embed(&long).expect("long text");
    assert!((norm(&v) - 1.0).abs() < 1e-4);
}

#[test]
fn concurrent_callers_agree() {
    let Some(e) = embedder() else { return };
    let expected = e.embed(ALIBABA_B).expect("embed");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| e.embed(ALIBABA_B))).collect();
        for h in handles {
            let got = h.join().expect("thread").expect("embed");
            assert!((cosine(&got, &expected) - 1.0).abs() < 1e-5);
        }
    });
}

/// Throughput and latency figures; run with `cargo test --release -- --ignored
/// --nocapture embed_speed`.
#[test]
#[ignore = "benchmark"]
fn embed_speed() {
    let Some(e) = embedder() else { return };
    let sentences: Vec<String> = (0..32)
        .map(|i| {
            format!(
                "Report number {i} says the regional government approved a new budget \
                 for public transport and schools after a long debate in parliament"
            )
        })
        .collect();
    let batch: Vec<&str> = sentences.iter().map(String::as_str).collect();
    e.embed_batch(&batch).expect("warm-up");
    let rounds = 10;
    let start = Instant::now();
    for _ in 0..rounds {
        e.embed_batch(&batch).expect("batch");
    }
    let per_sec = (rounds * batch.len()) as f64 / start.elapsed().as_secs_f64();
    eprintln!("batch of 32: {per_sec:.1} embeddings/s");
    let short = "Is Alibaba Cloud the largest cloud in China?";
    let tweet = "Sen. Mitch McConnell: \"As recently as October, now-President Biden said you \
                 can't legislate by executive action unless you are a dictator. Well, in one \
                 week, he signed more than 30 unilateral actions.\"";
    for (name, text) in [("short query", short), ("tweet", tweet)] {
        let mut times: Vec<f64> = (0..100)
            .map(|_| {
                let t = Instant::now();
                e.embed(text).expect("one");
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        eprintln!(
            "single {name}: median {:.2} ms, p99 {:.2} ms",
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
    }
}

/// `embed_all` sorts texts by length into batches; each vector must still
/// land at its text's position.
#[test]
fn embed_all_keeps_input_order_across_batches() {
    let Some(e) = f32_embedder() else { return };
    let texts: Vec<String> = (0..40)
        .map(|i| match i % 3 {
            0 => EIFFEL.to_owned(),
            1 => format!("{ALIBABA_A} and {i} more words about markets"),
            _ => format!("{i}"),
        })
        .collect();
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let all = crate::library::semantic::embed_all(e, &borrowed).expect("embed_all");
    assert_eq!(all.len(), texts.len());
    for (text, vector) in texts.iter().zip(&all) {
        let alone = e.embed(text).expect("embed");
        assert!((cosine(&alone, vector) - 1.0).abs() < 1e-4, "{text}");
    }
}
