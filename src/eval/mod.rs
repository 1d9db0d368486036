//! `factdesk eval`: scores query sets (CheckThat!-style TSVs) against a
//! library through the same check path the server uses, and reports MAP@5,
//! MRR, P@1, candidate-stage Recall@20/@100 and in-process latency.

pub mod stance;
pub mod tweet;
pub mod verdict;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use crate::error::{Error, FileError};
use crate::library::Library;
use crate::model::{CheckOptions, Claim};

/// How deep the final ranking is read for MRR.
pub const RANKING_DEPTH: usize = 50;
/// How deep the candidate stage is read for recall.
pub const CANDIDATE_DEPTH: usize = 100;

/// One query: its id, the claim it makes, and the statements that match.
#[derive(Clone, Debug)]
pub struct EvalQuery {
    pub id: String,
    pub claim: Claim,
    pub relevant: HashSet<String>,
}

/// Figures for one query set in one mode.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub queries: usize,
    pub map_at_5: f64,
    pub mrr: f64,
    pub precision_at_1: f64,
    pub recall_at_20: f64,
    pub recall_at_100: f64,
    pub latency_p50_us: u64,
    pub latency_p99_us: u64,
}

/// Reads a JSONL file of cases, one JSON object per non-empty line; a line
/// that does not parse is reported with its number.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, FileError> {
    let content = std::fs::read_to_string(path).map_err(|e| FileError::read(path, e))?;
    content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line).map_err(|error| FileError::line(path, number + 1, error))
        })
        .collect()
}

/// Reads `queries.tsv` (`id<TAB>tweet`) and `qrels.tsv` (`id 0 statement 1`);
/// queries without a relevant statement are left out. Each tweet is the
/// claim text exactly as written: nothing is cleaned here (the check path
/// reads links, handles and signatures, as it does for the server).
pub fn read_queries(queries: &Path, qrels: &Path) -> Result<Vec<EvalQuery>, FileError> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|e| FileError::read(path, e));
    let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
    for line in read(qrels)?.lines() {
        let columns: Vec<&str> = line.split_whitespace().collect();
        if let [query, _, statement, grade] = columns.as_slice() {
            if *grade != "0" {
                relevant
                    .entry((*query).to_owned())
                    .or_default()
                    .insert((*statement).to_owned());
            }
        }
    }
    let mut out = Vec::new();
    for line in read(queries)?.lines() {
        let Some((id, text)) = line.split_once('\t') else {
            continue;
        };
        if let Some(relevant) = relevant.remove(id) {
            // The tweet as a client receives it: links, handles and the
            // signature are read by the check path, as in the server.
            out.push(EvalQuery {
                id: id.to_owned(),
                claim: Claim {
                    text: text.to_owned(),
                    ..Claim::default()
                },
                relevant,
            });
        }
    }
    Ok(out)
}

/// The claim as sent in a mode: as is `with_context`, else text only, with
/// no claimant or time, from the request or from a signature.
pub fn claim_in_mode(claim: &Claim, with_context: bool) -> Claim {
    let mut claim = claim.clone();
    if !with_context {
        claim.text = crate::text::post::without_signature(&claim.text).to_owned();
        claim.claimant.clear();
        claim.claim_time = None;
    }
    claim
}

/// Runs every query; latency is timed on `options` as given (use the
/// server's defaults), metrics on a ranking [`RANKING_DEPTH`] deep.
/// `with_context` keeps the claimant and claim time (a tweet's signature
/// gives them), otherwise the signature is cut off and both are cleared.
pub fn evaluate(
    library: &Library,
    queries: &[EvalQuery],
    options: &CheckOptions,
    with_context: bool,
) -> Result<Metrics, Error> {
    // Latency is timed on a check as the server runs it by default; the
    // ranking metrics read a deeper list from the same pipeline.
    let timed_options = options.clone();
    let mut options = options.clone();
    options.max_matches = RANKING_DEPTH;
    options.min_score = 0.0;
    // Every query is timed first, in one pass, so that no timed check
    // finds statements the deeper metric checks analysed (the way tantivy's
    // side, scripts/bench-tantivy.sh, times its top-5 pass first).
    let mut latencies = Vec::with_capacity(queries.len());
    for query in queries {
        let claim = claim_in_mode(&query.claim, with_context);
        let started = Instant::now();
        library.check(&claim, &timed_options)?;
        latencies.push(started.elapsed().as_micros() as u64);
    }
    let mut sums = Metrics::default();
    for query in queries {
        let claim = claim_in_mode(&query.claim, with_context);
        let result = library.check(&claim, &options)?;
        let ranked: Vec<&str> = result
            .matches
            .iter()
            .map(|found| found.statement.id.as_str())
            .collect();
        add_ranking(&mut sums, &ranked, &query.relevant);
        let candidates: Vec<String> = library
            .candidates(&claim, &options, CANDIDATE_DEPTH)
            .into_iter()
            .map(|hit| hit.id)
            .collect();
        let found_within = |depth: usize| {
            let hits = candidates
                .iter()
                .take(depth)
                .filter(|id| query.relevant.contains(*id));
            hits.count() as f64 / query.relevant.len() as f64
        };
        sums.recall_at_20 += found_within(20);
        sums.recall_at_100 += found_within(100);
    }
    Ok(average(sums, queries.len(), latencies))
}

/// Adds one query's AP@5, reciprocal rank and P@1.
/// Average precision at 5 of one ranking (its mean over queries is MAP@5).
pub fn average_precision_at_5(ranked: &[&str], relevant: &HashSet<String>) -> f64 {
    let mut hits = 0.0;
    let mut precision_sum = 0.0;
    for (rank, id) in ranked.iter().take(5).enumerate() {
        if relevant.contains(*id) {
            hits += 1.0;
            precision_sum += hits / (rank as f64 + 1.0);
        }
    }
    precision_sum / relevant.len().clamp(1, 5) as f64
}

fn add_ranking(sums: &mut Metrics, ranked: &[&str], relevant: &HashSet<String>) {
    sums.map_at_5 += average_precision_at_5(ranked, relevant);
    if let Some(rank) = ranked.iter().position(|id| relevant.contains(*id)) {
        sums.mrr += 1.0 / (rank as f64 + 1.0);
        if rank == 0 {
            sums.precision_at_1 += 1.0;
        }
    }
}

fn average(sums: Metrics, count: usize, mut latencies: Vec<u64>) -> Metrics {
    let n = count.max(1) as f64;
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let at = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        latencies.get(at).copied().unwrap_or(0)
    };
    Metrics {
        queries: count,
        map_at_5: sums.map_at_5 / n,
        mrr: sums.mrr / n,
        precision_at_1: sums.precision_at_1 / n,
        recall_at_20: sums.recall_at_20 / n,
        recall_at_100: sums.recall_at_100 / n,
        latency_p50_us: percentile(0.50),
        latency_p99_us: percentile(0.99),
    }
}

/// A markdown table row for `metrics`.
pub fn table_row(split: &str, mode: &str, metrics: &Metrics) -> String {
    format!(
        "| {split} | {mode} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {} | {} |",
        metrics.queries,
        metrics.map_at_5,
        metrics.mrr,
        metrics.precision_at_1,
        metrics.recall_at_20,
        metrics.recall_at_100,
        metrics.latency_p50_us,
        metrics.latency_p99_us
    )
}

/// The header matching [`table_row`].
pub const TABLE_HEADER: &str = "| split | mode | queries | MAP@5 | MRR | P@1 | R@20 | R@100 | p50 µs | p99 µs |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_metrics_for_one_relevant() {
        let relevant: HashSet<String> = ["b".to_owned()].into();
        let mut sums = Metrics::default();
        add_ranking(&mut sums, &["a", "b", "c"], &relevant);
        assert_eq!(sums.map_at_5, 0.5);
        assert_eq!(sums.mrr, 0.5);
        assert_eq!(sums.precision_at_1, 0.0);
        add_ranking(&mut sums, &["b"], &relevant);
        let metrics = average(sums, 2, vec![10, 30]);
        assert_eq!(metrics.map_at_5, 0.75);
        assert_eq!(metrics.precision_at_1, 0.5);
        assert_eq!((metrics.latency_p50_us, metrics.latency_p99_us), (10, 30));
    }

    #[test]
    fn beyond_five_counts_for_mrr_not_map() {
        let relevant: HashSet<String> = ["f".to_owned()].into();
        let mut sums = Metrics::default();
        add_ranking(&mut sums, &["a", "b", "c", "d", "e", "f"], &relevant);
        assert_eq!(sums.map_at_5, 0.0);
        assert!((sums.mrr - 1.0 / 6.0).abs() < 1e-12);
    }
}
