//! Meaning search at scale: `Index::nearest` (the graph, `src/index/ann.rs`)
//! against `Index::nearest_exact` (every vector scored) for k = 50 — p50
//! and p99 latency, recall@50, the time to build the graph as statements
//! arrive, its memory, and the time to read the index file back (a start).
//!
//! ```sh
//! cargo bench --bench ann -- --db /tmp/wtb-27k --sizes 27067,100000,1000000
//! ```
//!
//! `--db` names a database imported with an embedding model, whose stored
//! vectors are the real statement embeddings. Corpora larger than
//! that are grown from them: each added vector is a real one plus seeded
//! Gaussian noise of norm 0.5 (cosine about 0.89 to its original), then
//! normalised. Queries are real vectors plus noise of norm 0.75 (cosine
//! about 0.8, like a claim restating a statement). Without `--db`, a
//! seeded synthetic corpus of clustered vectors stands in. Filters: one
//! publisher in ten, and one in 200 (answered by the exact scan).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use factdesk::index::{AnalysedDoc, DocMeta, Index, Stamp};
use factdesk::model::CheckFilter;

const K: usize = 50;

struct Args {
    db: Option<String>,
    sizes: Vec<usize>,
    queries: usize,
}

fn args() -> Args {
    let mut args = Args {
        db: None,
        sizes: vec![27_067, 100_000],
        queries: 300,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--db" => args.db = words.next(),
            "--sizes" => {
                let list = words.next().unwrap_or_default();
                args.sizes = list
                    .split(',')
                    .map(|n| n.parse().expect("a size"))
                    .collect();
            }
            "--queries" => args.queries = words.next().and_then(|n| n.parse().ok()).unwrap_or(300),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn main() {
    let args = args();
    let mut rng = fastrand::Rng::with_seed(1);
    let real = match &args.db {
        Some(db) => real_vectors(db),
        None => clustered(&mut rng, 27_067, 384, 300),
    };
    println!(
        "{} base vectors ({}), {} queries, k = {K}",
        real.len(),
        if args.db.is_some() {
            "real"
        } else {
            "synthetic"
        },
        args.queries
    );
    let queries: Vec<Vec<f32>> = (0..args.queries)
        .map(|_| {
            let base = rng.usize(..real.len());
            perturbed(&mut rng, &real[base], 0.75)
        })
        .collect();
    for &size in &args.sizes {
        run(size, &real, &queries);
    }
}

/// The statement vectors stored in the database `db`, in id order.
fn real_vectors(db: &str) -> Vec<Vec<f32>> {
    let store = factdesk::store::Store::open_existing(std::path::Path::new(db)).expect("open --db");
    let mut vectors: Vec<(String, Vec<f32>)> = store
        .scan_vectors()
        .map(|entry| entry.expect("read a vector"))
        .collect();
    assert!(
        !vectors.is_empty(),
        "{db} has no vectors: import it with a model"
    );
    vectors.sort_by(|a, b| a.0.cmp(&b.0));
    vectors.into_iter().map(|(_, vector)| vector).collect()
}

fn run(size: usize, real: &[Vec<f32>], queries: &[Vec<f32>]) {
    let mut rng = fastrand::Rng::with_seed(size as u64);
    let rss_before = rss_bytes();
    let started = Instant::now();
    let mut index = Index::default();
    for number in 0..size {
        let vector = match real.get(number) {
            Some(vector) => vector.clone(),
            None => {
                let base = rng.usize(..real.len());
                perturbed(&mut rng, &real[base], 0.5)
            }
        };
        index.insert_analysed(doc(number, vector));
    }
    let build = started.elapsed();
    let stats = index.ann_stats();
    println!(
        "\n## {size} vectors: built as they arrive in {:.1} s; graph {} + tail {}; \
         graph memory {:.1} MiB; index RSS +{:.0} MiB",
        build.as_secs_f64(),
        stats.in_graph,
        stats.tail,
        stats.memory_bytes as f64 / 1048576.0,
        rss_bytes().saturating_sub(rss_before) as f64 / 1048576.0
    );
    println!("| filter | search | p50 ms | p99 ms | recall@50 |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for (name, filter) in [
        ("none", CheckFilter::default()),
        ("1 in 10", publisher("paper3")),
        ("1 in 200", publisher("rare")),
    ] {
        measure(&index, queries, name, &filter);
    }
    let started = Instant::now();
    let bytes = index.to_snapshot(&Stamp::default());
    let written = started.elapsed();
    drop(index);
    let started = Instant::now();
    let (read, _) = Index::from_snapshot(&bytes).expect("read back");
    let loaded = started.elapsed();
    println!(
        "index file {:.0} MiB: written in {:.2} s, read back (graph loaded, not rebuilt) in {:.2} s; \
         graph {} + tail {}",
        bytes.len() as f64 / 1048576.0,
        written.as_secs_f64(),
        loaded.as_secs_f64(),
        read.ann_stats().in_graph,
        read.ann_stats().tail
    );
}

fn measure(index: &Index, queries: &[Vec<f32>], name: &str, filter: &CheckFilter) {
    for query in queries.iter().take(10) {
        std::hint::black_box(index.nearest(query, filter, K));
    }
    let mut graph_times = Vec::new();
    let mut exact_times = Vec::new();
    let (mut found, mut wanted) = (0usize, 0usize);
    let mut exacts = Vec::new();
    for query in queries {
        let started = Instant::now();
        let approximate = index.nearest(query, filter, K);
        graph_times.push(started.elapsed());
        let started = Instant::now();
        let exact = index.nearest_exact(query, filter, K);
        exact_times.push(started.elapsed());
        exacts.push(exact.clone());
        wanted += exact.len();
        let approximate: HashMap<&str, f32> = approximate
            .iter()
            .map(|(id, cosine)| (id.as_str(), *cosine))
            .collect();
        found += exact
            .iter()
            .filter(|(id, _)| approximate.contains_key(id.as_str()))
            .count();
    }
    let recall = found as f64 / wanted.max(1) as f64;
    let (p50, p99) = percentiles(&mut graph_times);
    println!("| {name} | nearest | {p50:.3} | {p99:.3} | {recall:.4} |");
    let (p50, p99) = percentiles(&mut exact_times);
    println!("| {name} | exact scan | {p50:.3} | {p99:.3} | 1 |");
    if *filter == CheckFilter::default() {
        for overfetch in [2, 3, 4, 5, 6, 8] {
            sweep(index, queries, name, overfetch, &exacts);
        }
    }
}

/// Recall and latency of the graph proposing `overfetch` per neighbour.
fn sweep(
    index: &Index,
    queries: &[Vec<f32>],
    name: &str,
    overfetch: usize,
    exacts: &[Vec<(String, f32)>],
) {
    let filter = CheckFilter::default();
    let mut times = Vec::new();
    let (mut found, mut wanted) = (0usize, 0usize);
    for (query, exact) in queries.iter().zip(exacts) {
        let started = Instant::now();
        let approximate = index.nearest_proposing(query, &filter, K, overfetch);
        times.push(started.elapsed());
        wanted += exact.len();
        found += exact
            .iter()
            .filter(|(id, _)| approximate.iter().any(|(other, _)| other == id))
            .count();
    }
    let recall = found as f64 / wanted.max(1) as f64;
    let (p50, p99) = percentiles(&mut times);
    println!(
        "| {name} | nearest, {overfetch} × {K} proposed | {p50:.3} | {p99:.3} | {recall:.4} |"
    );
}

fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort_unstable();
    let at = |share: f64| {
        let rank = ((times.len() as f64 * share).ceil() as usize).clamp(1, times.len());
        times[rank - 1].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.99))
}

/// A statement with no text: only the attributes filters test, and its
/// vector. One in 200 has the publisher "rare", the rest one of ten.
fn doc(number: usize, vector: Vec<f32>) -> AnalysedDoc {
    let publisher = if number.is_multiple_of(200) {
        "rare".to_owned()
    } else {
        format!("paper{}", number % 10)
    };
    AnalysedDoc {
        meta: DocMeta {
            id: format!("s{number:07}"),
            publisher,
            speaker: String::new(),
            language: "en".to_owned(),
            time: None,
        },
        term_frequencies: HashMap::new(),
        lengths: [0; 3],
        vector: Some(vector),
    }
}

fn publisher(name: &str) -> CheckFilter {
    CheckFilter {
        publishers: vec![name.to_owned()],
        ..CheckFilter::default()
    }
}

/// `base` plus Gaussian noise of norm `noise` in a random direction,
/// normalised.
fn perturbed(rng: &mut fastrand::Rng, base: &[f32], noise: f32) -> Vec<f32> {
    let direction = unit((0..base.len()).map(|_| gaussian(rng)).collect());
    unit(
        base.iter()
            .zip(direction)
            .map(|(x, d)| x + noise * d)
            .collect(),
    )
}

/// Unit vectors around `clusters` random centres.
fn clustered(rng: &mut fastrand::Rng, count: usize, dims: usize, clusters: usize) -> Vec<Vec<f32>> {
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| unit((0..dims).map(|_| gaussian(rng)).collect()))
        .collect();
    (0..count)
        .map(|i| perturbed(rng, &centres[i % clusters], 0.8))
        .collect()
}

/// Box–Muller.
fn gaussian(rng: &mut fastrand::Rng) -> f32 {
    let u = rng.f32().max(f32::MIN_POSITIVE);
    (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * rng.f32()).cos()
}

fn unit(mut vector: Vec<f32>) -> Vec<f32> {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    vector.iter_mut().for_each(|x| *x /= norm);
    vector
}

/// Resident memory of this process.
fn rss_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<usize>()
                .ok()
        })
        .map_or(0, |kb| kb * 1024)
}
