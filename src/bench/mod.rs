//! The parts of `factdesk bench` (the command itself is `cli::bench`): the
//! load generator, a `factdesk serve` child process, the gRPC import, and
//! the machine, memory and disk readings that go with the figures.

pub mod grow;
mod load;
mod process;
mod transcript;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tonic::transport::Channel;

use crate::error::FileError;
use crate::model::limits::MAX_IMPORT_BATCH;
use crate::model::Statement;
use crate::pb::statement_service_client::StatementServiceClient;
use crate::pb::ImportStatementsRequest;
use crate::service::statement_to_proto;

pub use load::{run_load, LoadPlan, LoadReport, TABLE_HEADER};
pub use process::ServerProcess;
pub use transcript::{run_transcripts, TranscriptReport, TRANSCRIPT_HEADER};

/// What can stop a benchmark.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("the claim files hold no claims")]
    NoClaims,
    #[error("concurrency must be at least 1")]
    NoClients,
    #[error("cannot start factdesk serve: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("{0} is not a valid endpoint")]
    BadEndpoint(String),
    #[error("cannot connect to {endpoint}: {source}")]
    Connect {
        endpoint: String,
        #[source]
        source: tonic::transport::Error,
    },
    #[error("the server did not become SERVING within {} s", .0.as_secs())]
    NotServing(Duration),
    #[error("ImportStatements failed: {0}")]
    Import(#[source] tonic::Status),
    #[error("{count} statements rejected, first: {first}")]
    Rejected { count: usize, first: String },
    #[error("load client task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("cannot set up a latency histogram: {0}")]
    Histogram(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A connected channel to `endpoint` (`http://host:port`), Nagle off.
async fn connect(endpoint: &str) -> Result<Channel, BenchError> {
    Channel::from_shared(endpoint.to_owned())
        .map_err(|_| BenchError::BadEndpoint(endpoint.to_owned()))?
        .tcp_nodelay(true)
        .connect()
        .await
        .map_err(|source| BenchError::Connect {
            endpoint: endpoint.to_owned(),
            source,
        })
}

/// Claims, one per line: a JSON object's `claim` or `text`, else the second
/// column of a TSV line (CheckThat! queries), else the whole line.
pub fn read_claims(files: &[PathBuf]) -> Result<Vec<String>, BenchError> {
    let mut claims = Vec::new();
    for file in files {
        let content = std::fs::read_to_string(file).map_err(|e| FileError::read(file, e))?;
        for line in content.lines().filter(|line| !line.trim().is_empty()) {
            claims.push(claim_of_line(line));
        }
    }
    if claims.is_empty() {
        return Err(BenchError::NoClaims);
    }
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

/// Statement files parsed into import stream messages of
/// [`MAX_IMPORT_BATCH`] statements.
pub fn read_import(files: &[PathBuf]) -> Result<Vec<ImportStatementsRequest>, BenchError> {
    let mut requests = Vec::new();
    let mut batch = Vec::with_capacity(MAX_IMPORT_BATCH);
    for file in files {
        let content = std::fs::read_to_string(file).map_err(|e| FileError::read(file, e))?;
        for (number, line) in content.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let statement = Statement::from_json_line(line)
                .map_err(|error| FileError::line(file, number + 1, error))?;
            batch.push(statement_to_proto(statement));
            if batch.len() == MAX_IMPORT_BATCH {
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
/// `MESSAGES_PER_CALL` (20) messages, one after another; returns the
/// statements created and the total time.
pub async fn import(
    server: &ServerProcess,
    requests: Vec<ImportStatementsRequest>,
) -> Result<(i64, Duration), BenchError> {
    let channel = connect(&server.endpoint).await?;
    let authorization: tonic::metadata::MetadataValue<_> = format!("Bearer {}", server.write_token)
        .parse()
        .expect("an alphanumeric token is a valid header value");
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
        let response = client
            .import_statements(request)
            .await
            .map_err(BenchError::Import)?
            .into_inner();
        if let Some(first) = response.errors.first() {
            return Err(BenchError::Rejected {
                count: response.errors.len(),
                first: format!("{first:?}"),
            });
        }
        created += response.created_count;
    }
    Ok((created, started.elapsed()))
}

/// CPU seconds (user + system) a process has used so far, from
/// /proc/PID/stat (Linux, at the usual 100 ticks per second).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    const TICKS_PER_SECOND: f64 = 100.0;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / TICKS_PER_SECOND)
}

/// `VmHWM` of a process: its peak resident set, from /proc (Linux).
pub fn peak_rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes of every file under `dir`.
pub fn directory_bytes(dir: &Path) -> Result<u64, BenchError> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| FileError::read(dir, e))? {
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
pub fn machine_description() -> String {
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
