//! `factdesk bench`: start a real server on a database, optionally stream an
//! import into it, and measure cold start, check latency and throughput at
//! several client counts, peak memory and size on disk.

use std::sync::Arc;
use std::time::Duration;

use super::args::{BenchArgs, BenchTranscriptArgs};
use super::CliError;
use crate::bench::{self, BenchError, LoadPlan, ServerProcess, TABLE_HEADER};

/// Runs the whole benchmark described by `args` and prints its figures.
pub fn run(args: BenchArgs) -> Result<(), CliError> {
    let claims = Arc::new(bench::read_claims(&args.claims)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(runtime.block_on(measure(args, claims))?)
}

async fn measure(args: BenchArgs, claims: Arc<Vec<String>>) -> Result<(), BenchError> {
    println!("machine: {}", bench::machine_description());
    println!("database: {}", args.db.display());
    if !args.import.is_empty() {
        let requests = bench::read_import(&args.import)?;
        let server = ServerProcess::start(&args.db, &args.server_args)?;
        server.wait_serving().await?;
        let (statements, elapsed) = bench::import(&server, requests).await?;
        println!(
            "ImportStatements: {statements} statements in {:.2} s = {:.0} statements/s",
            elapsed.as_secs_f64(),
            statements as f64 / elapsed.as_secs_f64().max(1e-9)
        );
        server.stop()?;
    }
    let server = ServerProcess::start(&args.db, &args.server_args)?;
    let cold_start = server.wait_serving().await?;
    println!("cold start to SERVING: {:.3} s", cold_start.as_secs_f64());
    println!(
        "claims: {} distinct, max_matches {}",
        claims.len(),
        args.max_matches
    );
    println!("{TABLE_HEADER}");
    for &concurrency in &args.concurrency {
        let plan = LoadPlan {
            concurrency,
            requests: args.requests,
            duration: Duration::from_secs(args.duration_secs),
            warmup: args.warmup,
            max_matches: args.max_matches,
        };
        let cpu_before = bench::cpu_seconds(server.child.id());
        let report = bench::run_load(&server.endpoint, Arc::clone(&claims), &plan).await?;
        println!("{}", report.row());
        if let (Some(before), Some(after)) = (cpu_before, bench::cpu_seconds(server.child.id())) {
            // Warm-up checks included: the server cannot tell them apart.
            let checks = (report.completed + report.shed + report.errors + plan.warmup).max(1);
            println!(
                "  server CPU: {:.2} ms per check (warm-up included)",
                (after - before) * 1e3 / checks as f64
            );
        }
        if let Some(error) = &report.first_error {
            println!("  first error: {error}");
        }
    }
    match bench::peak_rss_bytes(server.child.id()) {
        Some(bytes) => println!("server peak RSS: {:.1} MiB", bytes as f64 / 1048576.0),
        None => println!("server peak RSS: unavailable (needs Linux /proc)"),
    }
    server.stop()?;
    print_disk_use(&args)
}

/// "database on disk: N MiB = R × the JSONL (M MiB)".
fn print_disk_use(args: &BenchArgs) -> Result<(), BenchError> {
    let on_disk = bench::directory_bytes(&args.db)?;
    print!("database on disk: {:.1} MiB", on_disk as f64 / 1048576.0);
    let jsonl: u64 = args
        .import
        .iter()
        .map(|file| std::fs::metadata(file).map(|m| m.len()).unwrap_or(0))
        .sum();
    if jsonl > 0 {
        print!(
            " = {:.2} × the JSONL ({:.1} MiB)",
            on_disk as f64 / jsonl as f64,
            jsonl as f64 / 1048576.0
        );
    }
    println!();
    Ok(())
}

/// `factdesk bench-transcript`: see [`crate::bench::run_transcripts`].
pub fn run_transcript(args: BenchTranscriptArgs) -> Result<(), CliError> {
    let rows = crate::checkworthy::read_tsv(&args.sentences)?;
    if rows.is_empty() {
        return Err(BenchError::NoClaims.into());
    }
    let sentences: Vec<String> = rows
        .iter()
        .cycle()
        .take(args.count)
        .map(|row| row.text.clone())
        .collect();
    let sentences = Arc::new(sentences);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(runtime.block_on(async {
        println!("machine: {}", bench::machine_description());
        println!("database: {}", args.db.display());
        let server = ServerProcess::start(&args.db, &args.server_args)?;
        let cold_start = server.wait_serving().await?;
        println!("cold start to SERVING: {:.3} s", cold_start.as_secs_f64());
        println!(
            "transcripts of {} sentences from {}, one sentence per chunk, {} ms apart",
            sentences.len(),
            args.sentences.display(),
            args.pace_ms
        );
        println!("{}", bench::TRANSCRIPT_HEADER);
        for &streams in &args.streams {
            let pace = Duration::from_millis(args.pace_ms);
            let mut report =
                bench::run_transcripts(&server.endpoint, Arc::clone(&sentences), streams, pace)
                    .await?;
            println!("{}", report.row());
        }
        let mut whole =
            bench::run_transcripts(&server.endpoint, Arc::clone(&sentences), 1, Duration::ZERO)
                .await?;
        println!(
            "one transcript sent at once: {} sentences in {:.2} s; {}",
            sentences.len(),
            whole.wall.as_secs_f64(),
            whole.row()
        );
        server.stop()?;
        Ok::<(), BenchError>(())
    })?)
}
