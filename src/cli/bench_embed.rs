//! `factdesk bench-embed`: the sentence encoder alone, in-process: the
//! latency of one claim (a short question and a tweet-length post), and the
//! bulk rate at which statements embed, as at import.

use std::time::Instant;

use super::args::BenchEmbedArgs;
use super::CliError;
use crate::embed::{EmbedError, Embedder};

/// A short claim, as typed into a search box.
pub const SHORT_CLAIM: &str = "Is Alibaba Cloud the largest cloud in China?";
/// A tweet-length claim (a CheckThat!-style post, about 50 tokens).
pub const TWEET_CLAIM: &str = "Sen. Mitch McConnell: \"As recently as October, now-President \
    Biden said you can't legislate by executive action unless you are a dictator. Well, in one \
    week, he signed more than 30 unilateral actions.\"";

/// Untimed calls before each claim's timed ones.
const WARM_UP_CALLS: usize = 5;

/// Loads the model, then prints single-claim latency and the bulk rate.
pub fn run(args: BenchEmbedArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let embedder = Embedder::load_with(&args.embedding_model, args.embedding_precision)?;
    println!(
        "model: {} ({}, {:.2} s to load)",
        embedder.model_id(),
        embedder.precision(),
        started.elapsed().as_secs_f64()
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }
    println!("| claim | tokens | runs | p50 ms | p90 ms | p99 ms | CPU ms/call |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, text) in [("short", SHORT_CLAIM), ("tweet", TWEET_CLAIM)] {
        for _ in 0..WARM_UP_CALLS {
            embedder.embed(text)?;
        }
        let cpu_before = process_cpu_seconds();
        let times = single_latencies(&embedder, text, args.runs)?;
        let cpu = cpu_time_per_call(cpu_before, times.len());
        println!(
            "| {name} | {} | {} | {:.2} | {:.2} | {:.2} | {cpu} |",
            embedder.token_count(text)?,
            times.len(),
            percentile(&times, 0.50),
            percentile(&times, 0.90),
            percentile(&times, 0.99)
        );
    }
    if args.statements.is_empty() {
        return Ok(());
    }
    let mut texts = crate::bench::read_claims(&args.statements)?;
    texts.truncate(args.count);
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let vectors = crate::library::semantic::embed_all(&embedder, &borrowed)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "bulk: {} statements in {elapsed:.2} s = {:.1} statements/s (CPU ms/statement: {})",
        vectors.len(),
        vectors.len() as f64 / elapsed.max(1e-9),
        cpu_time_per_call(cpu_before, vectors.len())
    );
    Ok(())
}

/// Milliseconds per call of `embed(text)`, sorted.
fn single_latencies(embedder: &Embedder, text: &str, runs: usize) -> Result<Vec<f64>, EmbedError> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        embedder.embed(text)?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// CPU time of every thread of this process so far, in seconds, from
/// /proc/self/task/*/schedstat (Linux); `None` elsewhere.
fn process_cpu_seconds() -> Option<f64> {
    let mut nanos = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        nanos += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(nanos as f64 * 1e-9)
}

/// CPU milliseconds per call since `before`, or "n/a".
fn cpu_time_per_call(before: Option<f64>, calls: usize) -> String {
    match (before, process_cpu_seconds()) {
        (Some(before), Some(after)) if calls > 0 => {
            format!("{:.2}", (after - before) * 1e3 / calls as f64)
        }
        _ => "n/a".to_owned(),
    }
}

/// The `q` quantile of sorted `times` (nearest rank).
fn percentile(times: &[f64], q: f64) -> f64 {
    if times.is_empty() {
        return f64::NAN;
    }
    let rank = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len());
    times[rank - 1]
}
