//! `factdesk bench-retrieval`: in-process latency of a check and of its
//! lexical retrieval, pruned as served and exhaustive, on a database, with
//! the CheckThat!-style query files; and whether the two retrievals agree.

use std::time::{Duration, Instant};

use super::args::{BenchRetrievalArgs, ContextMode};
use super::CliError;
use crate::eval;
use crate::model::{CheckOptions, Claim};

/// Runs every query of `args` in each context mode and prints a table.
pub fn run(args: BenchRetrievalArgs) -> Result<(), CliError> {
    let library = super::open_library(Some(&args.db), &super::args::ModelArgs::lexical())?;
    let options = CheckOptions {
        max_matches: args.limit,
        ..CheckOptions::default()
    };
    let contexts: &[(bool, &str)] = match args.context {
        ContextMode::Off => &[(false, "text only")],
        ContextMode::On => &[(true, "with claimant and time")],
        ContextMode::Both => &[(false, "text only"), (true, "with claimant and time")],
    };
    println!("statements: {}", library.len());
    println!(
        "in-process, one thread, max_matches {}, best of {} runs per query; exhaustive on every {}th query",
        args.limit, args.repeat, args.exhaustive_every
    );
    println!("| split | mode | queries | check p50 µs | check p99 µs | retrieval p50 µs | retrieval p99 µs | exhaustive p50 µs | exhaustive p99 µs | same top-k | MAP@5 check | MAP@5 retrieval |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for path in &args.queries {
        let (split, queries) = read(path)?;
        for &(with_context, mode) in contexts {
            let claims: Vec<Claim> = queries
                .iter()
                .map(|query| eval::claim_in_mode(&query.claim, with_context))
                .collect();
            let best = |run: &dyn Fn() -> Result<(), CliError>| -> Result<Duration, CliError> {
                let mut best = Duration::MAX;
                for _ in 0..args.repeat.max(1) {
                    let started = Instant::now();
                    run()?;
                    best = best.min(started.elapsed());
                }
                Ok(best)
            };
            let (mut checks, mut pruned, mut exhaustive) = (Vec::new(), Vec::new(), Vec::new());
            let (mut same, mut compared) = (0, 0);
            let (mut check_ap, mut retrieval_ap) = (0.0, 0.0);
            for (i, (claim, query)) in claims.iter().zip(&queries).enumerate() {
                let result = library.check(claim, &options)?;
                let ranked: Vec<&str> = result
                    .matches
                    .iter()
                    .map(|found| found.statement.id.as_str())
                    .collect();
                check_ap += eval::average_precision_at_5(&ranked, &query.relevant);
                let hits = library.lexical_candidates(claim, &options, args.limit, false);
                let ranked: Vec<&str> = hits.iter().map(|hit| hit.id.as_str()).collect();
                retrieval_ap += eval::average_precision_at_5(&ranked, &query.relevant);
                checks.push(best(&|| {
                    library.check(claim, &options).map(drop).map_err(Into::into)
                })?);
                pruned.push(best(&|| {
                    library.lexical_candidates(claim, &options, args.limit, false);
                    Ok(())
                })?);
                if i % args.exhaustive_every.max(1) == 0 {
                    let started = Instant::now();
                    let reference = library.lexical_candidates(claim, &options, args.limit, true);
                    exhaustive.push(started.elapsed());
                    compared += 1;
                    if reference == library.lexical_candidates(claim, &options, args.limit, false) {
                        same += 1;
                    }
                }
            }
            println!(
                "| {split} | {mode} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {same}/{compared} | {:.4} | {:.4} |",
                claims.len(),
                quantile(&mut checks, 0.5),
                quantile(&mut checks, 0.99),
                quantile(&mut pruned, 0.5),
                quantile(&mut pruned, 0.99),
                quantile(&mut exhaustive, 0.5),
                quantile(&mut exhaustive, 0.99),
                check_ap / claims.len().max(1) as f64,
                retrieval_ap / claims.len().max(1) as f64,
            );
        }
    }
    Ok(())
}

/// The split name and queries of a `NAME.queries.tsv` with its qrels.
fn read(path: &std::path::Path) -> Result<(String, Vec<eval::EvalQuery>), CliError> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let split = name.trim_end_matches(".queries.tsv").to_owned();
    let qrels = path.with_file_name(format!("{split}.qrels.tsv"));
    Ok((split, eval::read_queries(path, &qrels)?))
}

/// The `q` quantile of `times` in microseconds (nearest rank).
fn quantile(times: &mut [Duration], q: f64) -> f64 {
    if times.is_empty() {
        return f64::NAN;
    }
    times.sort_unstable();
    let rank = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len());
    times[rank - 1].as_secs_f64() * 1e6
}
