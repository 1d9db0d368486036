//! `factdesk bench`: start a real server on a database, optionally stream an
//! import into it, and measure cold start, check latency and throughput at
//! several client counts, peak memory and size on disk.

pub mod grow;
mod load;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::cli::IMPORT_BATCH;
use crate::config::BenchArgs;
use crate::model::Statement;
use crate::pb::statement_service_client::StatementServiceClient;
use crate::pb::ImportStatementsRequest;
use crate::service::statement_to_proto;

pub use load::{run_load, LoadPlan, LoadReport, TABLE_HEADER};

/// Runs the whole benchmark described by `args` and prints its figures.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let claims = Arc::new(read_claims(&args.claims)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()?;
    runtime.block_on(bench(args, claims))
}

async fn bench(args: BenchArgs, claims: Arc<Vec<String>>) -> anyhow::Result<()> {
    println!("machine: {}", machine_description());
    println!("database: {}", args.db.display());
    if !args.import.is_empty() {
        let requests = read_import(&args.import)?;
        let server = ServerProcess::start(&args)?;
        server.wait_serving().await?;
        let (statements, elapsed) = import(&server, requests).await?;
        println!(
            "ImportStatements: {statements} statements in {:.2} s = {:.0} statements/s",
            elapsed.as_secs_f64(),
            statements as f64 / elapsed.as_secs_f64().max(1e-9)
        );
        server.stop()?;
    }
    let server = ServerProcess::start(&args)?;
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
        let report = run_load(&server.endpoint, Arc::clone(&claims), &plan).await?;
        println!("{}", report.row());
        if let Some(error) = &report.first_error {
            println!("  first error: {error}");
        }
    }
    match peak_rss_bytes(server.child.id()) {
        Some(bytes) => println!("server peak RSS: {:.1} MiB", bytes as f64 / 1048576.0),
        None => println!("server peak RSS: unavailable (needs Linux /proc)"),
    }
    server.stop()?;
    let on_disk = directory_bytes(&args.db)?;
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

/// Claims, one per line: a JSON object's `claim` or `text`, else the second
/// column of a TSV line (CheckThat! queries), else the whole line.
pub fn read_claims(files: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let mut claims = Vec::new();
    for file in files {
        let content =
            std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
        for line in content.lines().filter(|line| !line.trim().is_empty()) {
            claims.push(claim_of_line(line));
        }
    }
    anyhow::ensure!(!claims.is_empty(), "the claim files hold no claims");
    Ok(claims)
}

fn claim_of_line(line: &str) -> String {
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(line) {
        for key in ["claim", "text"] {
            if let Some(serde_json::Value::String(text)) = object.get(key) {
                return text.clone();
            }
        }
    }
    match line.split_once('\t') {
        Some((_, rest)) => rest.split('\t').next().unwrap_or(rest).to_owned(),
        None => line.to_owned(),
    }
}

/// Statement files parsed into import stream messages of [`IMPORT_BATCH`].
fn read_import(files: &[PathBuf]) -> anyhow::Result<Vec<ImportStatementsRequest>> {
    let mut requests = Vec::new();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    for file in files {
        let content =
            std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
        for (number, line) in content.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let statement = Statement::from_json_line(line)
                .with_context(|| format!("{}:{}", file.display(), number + 1))?;
            batch.push(statement_to_proto(statement));
            if batch.len() == IMPORT_BATCH {
                requests.push(ImportStatementsRequest {
                    statements: std::mem::take(&mut batch),
                });
            }
        }
    }
    if !batch.is_empty() {
        requests.push(ImportStatementsRequest { statements: batch });
    }
    Ok(requests)
}

/// Stream messages per ImportStatements call: 20,000 statements, well
/// inside the server's default 30 s request timeout.
const MESSAGES_PER_CALL: usize = 20;

/// Streams `requests` through ImportStatements calls of
/// [`MESSAGES_PER_CALL`] messages, one after another; returns the
/// statements created and the total time.
async fn import(
    server: &ServerProcess,
    requests: Vec<ImportStatementsRequest>,
) -> anyhow::Result<(i64, Duration)> {
    let channel = Channel::from_shared(server.endpoint.clone())?
        .connect()
        .await?;
    let authorization: tonic::metadata::MetadataValue<_> =
        format!("Bearer {}", server.write_token).parse()?;
    let mut client = StatementServiceClient::new(channel)
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX);
    let started = Instant::now();
    let mut created = 0;
    let mut requests = requests.into_iter().peekable();
    while requests.peek().is_some() {
        let call: Vec<ImportStatementsRequest> =
            requests.by_ref().take(MESSAGES_PER_CALL).collect();
        let mut request = tonic::Request::new(tokio_stream::iter(call));
        request
            .metadata_mut()
            .insert("authorization", authorization.clone());
        let response = client.import_statements(request).await?.into_inner();
        anyhow::ensure!(
            response.errors.is_empty(),
            "{} statements rejected, first: {:?}",
            response.errors.len(),
            response.errors.first()
        );
        created += response.created_count;
    }
    Ok((created, started.elapsed()))
}

/// A `factdesk serve` child process on a free loopback port.
struct ServerProcess {
    child: Child,
    endpoint: String,
    /// A fresh random write token, given to the server in its environment.
    write_token: String,
    started: Instant,
}

impl ServerProcess {
    fn start(args: &BenchArgs) -> anyhow::Result<ServerProcess> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let listen = format!("127.0.0.1:{port}");
        let write_token: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .env("FACTDESK_WRITE_TOKEN", &write_token)
            .args(["serve", "--listen", &listen, "--db"])
            .arg(&args.db)
            .args(&args.server_args)
            .env("FACTDESK_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let started = Instant::now();
        let child = command.spawn().context("cannot start factdesk serve")?;
        Ok(ServerProcess {
            child,
            endpoint: format!("http://{listen}"),
            write_token,
            started,
        })
    }

    /// Polls the health service until SERVING; returns the time since spawn.
    async fn wait_serving(&self) -> anyhow::Result<Duration> {
        let deadline = self.started + Duration::from_secs(600);
        while Instant::now() < deadline {
            if let Ok(channel) = Channel::from_shared(self.endpoint.clone())?.connect().await {
                let mut health = HealthClient::new(channel);
                let request = HealthCheckRequest {
                    service: String::new(),
                };
                if let Ok(response) = health.check(request).await {
                    if response.into_inner().status == ServingStatus::Serving as i32 {
                        return Ok(self.started.elapsed());
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        anyhow::bail!("the server did not become SERVING within 600 s")
    }

    /// SIGTERM (graceful: the database is flushed), then wait.
    fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status();
        if !matches!(status, Ok(s) if s.success()) {
            self.child.kill()?;
        }
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `VmHWM` of a process: its peak resident set, from /proc (Linux).
fn peak_rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn directory_bytes(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        total += if metadata.is_dir() {
            directory_bytes(&entry.path())?
        } else {
            metadata.len()
        };
    }
    Ok(total)
}

/// Cores and CPU model, for the figures' context.
fn machine_description() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cores} cores, {model}")
}
