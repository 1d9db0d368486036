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

/// Loads the model, then prints single-claim latency and the bulk rate.
pub fn run(args: BenchEmbedArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let embedder = Embedder::load(&args.embedding_model)?;
    println!(
        "model: {} ({:.2} s to load)",
        embedder.model_id(),
        started.elapsed().as_secs_f64()
    );
    println!("| claim | tokens | runs | p50 ms | p90 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, text) in [("short", SHORT_CLAIM), ("tweet", TWEET_CLAIM)] {
        let times = single_latencies(&embedder, text, args.runs)?;
        println!(
            "| {name} | {} | {} | {:.2} | {:.2} | {:.2} |",
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
    let started = Instant::now();
    let vectors = crate::library::semantic::embed_all(&embedder, &borrowed)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "bulk: {} statements in {elapsed:.2} s = {:.1} statements/s",
        vectors.len(),
        vectors.len() as f64 / elapsed.max(1e-9)
    );
    Ok(())
}

/// Milliseconds per call of `embed(text)`, sorted, after a few warm-up calls.
fn single_latencies(embedder: &Embedder, text: &str, runs: usize) -> Result<Vec<f64>, EmbedError> {
    for _ in 0..5 {
        embedder.embed(text)?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        embedder.embed(text)?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// The `q` quantile of sorted `times` (nearest rank).
fn percentile(times: &[f64], q: f64) -> f64 {
    if times.is_empty() {
        return f64::NAN;
    }
    let rank = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len());
    times[rank - 1]
}
