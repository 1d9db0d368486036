//! The graph against the exact scan on seeded synthetic corpora: recall,
//! removal and replacement, filters, the index file. Deterministic data;
//! the graph is built on several threads, so its exact links may vary from
//! run to run, which the recall bound leaves room for.

use super::{overfetch, ANN_MIN_VECTORS, OVERFETCH, TAIL_MAX};
use crate::index::{Index, Stamp};
use crate::model::{CheckFilter, Statement};

/// Statements in a corpus: enough for a graph.
const CORPUS: usize = ANN_MIN_VECTORS + 4_000;
/// One in this many statements has the publisher "rare" (a selective
/// filter); the rest cycle through ten publishers.
const RARE_EVERY: usize = 400;

fn statement(number: usize) -> Statement {
    let publisher = if number.is_multiple_of(RARE_EVERY) {
        "rare".to_owned()
    } else {
        format!("paper{}", number % 10)
    };
    Statement::from_json_line(&format!(
        r#"{{"id":"s{number}","text":"statement {number}","attribution":{{"source":{{"publisher":"{publisher}"}}}}}}"#
    ))
    .unwrap()
}

/// Unit vectors in `clusters` clusters of seeded noise around random
/// centres, like sentence embeddings of statements on shared topics.
fn vectors(seed: u64, count: usize, dimensions: usize, clusters: usize) -> Vec<Vec<f32>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut gaussian = || {
        // Sum of uniforms: close enough to normal for spreading points.
        (0..4).map(|_| rng.f32() - 0.5).sum::<f32>()
    };
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| unit((0..dimensions).map(|_| gaussian()).collect()))
        .collect();
    (0..count)
        .map(|i| {
            let centre = &centres[i % clusters];
            unit(centre.iter().map(|x| x + 0.08 * gaussian()).collect())
        })
        .collect()
}

/// Queries near the corpus: a seeded choice of its vectors, each moved by
/// noise about as far as a claim is from a statement it restates.
fn queries(corpus: &[Vec<f32>], seed: u64, count: usize) -> Vec<Vec<f32>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let base = &corpus[rng.usize(..corpus.len())];
            let scale = 1.0 / (base.len() as f32).sqrt();
            unit(
                base.iter()
                    .map(|x| x + scale * (rng.f32() - 0.5) * 2.0)
                    .collect(),
            )
        })
        .collect()
}

fn unit(mut vector: Vec<f32>) -> Vec<f32> {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    vector.iter_mut().for_each(|x| *x /= norm);
    vector
}

fn corpus(dimensions: usize) -> (Index, Vec<Vec<f32>>) {
    let vectors = vectors(17, CORPUS, dimensions, 300);
    let mut index = Index::default();
    for (number, vector) in vectors.iter().enumerate() {
        index.insert(&statement(number));
        index.set_vector(&format!("s{number}"), vector.clone());
    }
    (index, vectors)
}

/// Mean share of the exact top `k` that `nearest` finds, over `queries`.
fn recall(index: &Index, queries: &[Vec<f32>], filter: &CheckFilter, k: usize) -> f64 {
    let mut found = 0usize;
    let mut wanted = 0usize;
    for query in queries {
        let exact = index.nearest_exact(query, filter, k);
        let approximate = index.nearest(query, filter, k);
        wanted += exact.len();
        found += exact
            .iter()
            .filter(|(id, _)| approximate.iter().any(|(found, _)| found == id))
            .count();
    }
    found as f64 / wanted.max(1) as f64
}

fn publisher(name: &str) -> CheckFilter {
    CheckFilter {
        publishers: vec![name.to_owned()],
        ..CheckFilter::default()
    }
}

#[test]
fn the_graph_finds_at_least_95_percent_of_the_exact_top_50() {
    let (index, vectors) = corpus(384);
    let stats = index.ann_stats();
    assert!(stats.in_graph >= CORPUS - TAIL_MAX, "{stats:?}");
    let queries = queries(&vectors, 99, 100);
    let recall = recall(&index, &queries, &CheckFilter::default(), 50);
    assert!(recall >= 0.95, "recall@50 {recall:.3}");
    // Cosines are exact: the same as the scan's for the same statement.
    for query in &queries[..10] {
        for (id, cosine) in index.nearest(query, &CheckFilter::default(), 50) {
            assert_eq!(index.cosine(&id, query), Some(cosine), "{id}");
        }
    }
}

#[test]
fn removed_and_replaced_statements_never_come_back() {
    let (mut index, vectors) = corpus(32);
    // Remove a tenth, replace the vector of another tenth, re-insert a
    // tenth under the same id (a new document number) with a new vector.
    let replacements = self::vectors(5, CORPUS, 32, 300);
    for number in (0..CORPUS).step_by(10) {
        index.remove(&format!("s{number}"));
        let moved = number + 1;
        index.set_vector(&format!("s{moved}"), replacements[moved].clone());
        let reinserted = number + 2;
        index.insert(&statement(reinserted));
        index.set_vector(&format!("s{reinserted}"), replacements[reinserted].clone());
    }
    for number in (0..CORPUS).step_by(97) {
        let query = &vectors[number];
        for (id, cosine) in index.nearest(query, &CheckFilter::default(), 50) {
            let stored: usize = id[1..].parse().unwrap();
            assert_ne!(stored % 10, 0, "removed {id} returned");
            // The cosine is the one of the statement's current vector.
            assert_eq!(index.cosine(&id, query), Some(cosine), "{id}");
        }
    }
    // A replaced vector is found by its new value, first.
    for number in (1..CORPUS).step_by(1_000) {
        let nearest = index.nearest(&replacements[number], &CheckFilter::default(), 1);
        assert_eq!(nearest[0].0, format!("s{number}"));
    }
    let queries = queries(&vectors, 99, 50);
    let recall = recall(&index, &queries, &CheckFilter::default(), 50);
    assert!(recall >= 0.95, "recall@50 {recall:.3}");
}

#[test]
fn a_vector_is_found_as_soon_as_it_is_set_and_after_it_joins_the_graph() {
    let (mut index, _) = corpus(32);
    let fresh = vectors(123, TAIL_MAX + 1, 32, 7);
    for (number, vector) in fresh.iter().enumerate() {
        let id = format!("fresh{number}");
        index.insert(&Statement {
            id: id.clone(),
            text: "a fresh statement".into(),
            ..Statement::default()
        });
        index.set_vector(&id, vector.clone());
        let nearest = index.nearest(vector, &CheckFilter::default(), 1);
        assert_eq!(nearest[0].0, id, "just set");
    }
    let before = index.ann_stats();
    assert!(before.tail < TAIL_MAX, "the tail was moved into the graph");
    let nearest = index.nearest(&fresh[0], &CheckFilter::default(), 1);
    assert_eq!(nearest[0].0, "fresh0", "after joining the graph");
}

#[test]
fn filtered_results_all_pass_the_filter() {
    let (index, vectors) = corpus(32);
    let queries = queries(&vectors, 99, 40);
    // Nine publishers in ten pass enough statements for the graph; one in
    // ten or the rare one are few enough to be scanned.
    let most = CheckFilter {
        publishers: (0..9).map(|n| format!("paper{n}")).collect(),
        ..CheckFilter::default()
    };
    for filter in [most.clone(), publisher("paper3"), publisher("rare")] {
        for query in &queries {
            let found = index.nearest(query, &filter, 50);
            assert!(!found.is_empty());
            for (id, _) in &found {
                assert!(index.doc_meta(id).unwrap().passes(&filter), "{id}");
            }
        }
    }
    // Selective filters are answered by the exact scan: all of it.
    assert_eq!(recall(&index, &queries, &publisher("rare"), 50), 1.0);
    assert_eq!(recall(&index, &queries, &publisher("paper3"), 50), 1.0);
    let recall = recall(&index, &queries, &most, 50);
    assert!(recall >= 0.95, "filtered recall@50 {recall:.3}");
    assert!(index
        .nearest(&queries[0], &publisher("nobody"), 50)
        .is_empty());
}

#[test]
fn an_index_read_from_its_file_has_its_graph() {
    let (index, vectors) = corpus(32);
    let bytes = index.to_snapshot(&Stamp::default());
    let (read, _) = Index::from_snapshot(&bytes).unwrap();
    let (read_stats, stats) = (read.ann_stats(), index.ann_stats());
    assert_eq!(
        (read_stats.in_graph, read_stats.tail),
        (stats.in_graph, stats.tail),
        "loaded, not rebuilt"
    );
    let queries = queries(&vectors, 99, 50);
    for query in &queries {
        let filter = CheckFilter::default();
        assert_eq!(
            read.nearest(query, &filter, 50),
            index.nearest(query, &filter, 50)
        );
    }
}

#[test]
fn a_small_library_is_scanned_exactly() {
    let mut index = Index::default();
    let vectors = vectors(3, 500, 16, 20);
    for (number, vector) in vectors.iter().enumerate() {
        index.insert(&statement(number));
        index.set_vector(&format!("s{number}"), vector.clone());
    }
    assert_eq!(index.ann_stats().in_graph, 0);
    for query in &vectors[..20] {
        let filter = CheckFilter::default();
        assert_eq!(
            index.nearest(query, &filter, 50),
            index.nearest_exact(query, &filter, 50)
        );
    }
}

#[test]
fn proposals_grow_by_one_per_doubling_past_500k() {
    assert_eq!(overfetch(0), OVERFETCH);
    assert_eq!(overfetch(500_000), OVERFETCH);
    assert_eq!(overfetch(500_001), OVERFETCH + 1);
    assert_eq!(overfetch(1_000_000), OVERFETCH + 1);
    assert_eq!(overfetch(2_000_000), OVERFETCH + 2);
    assert_eq!(overfetch(10_000_000), OVERFETCH + 5);
    assert!(overfetch(usize::MAX) < 64, "ends, and stays bounded");
}
