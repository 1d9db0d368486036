//! The clap types of the command line: every flag can also be set from a
//! `FACTDESK_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::auth::{AccessPolicy, Token, TokenError};
use crate::model::RankingParams;

mod model;
mod tools;
pub use model::*;
pub use tools::*;

/// Where the database lives when no `--db` is given.
pub const DEFAULT_DB_DIR: &str = "factdesk-data";

/// factdesk: check claims against a library of sourced statements.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log line format on stderr: `text` (for people) or `json` (one object
    /// per line, for log collectors). The level comes from FACTDESK_LOG
    /// (default `info`; e.g. `factdesk=debug`).
    #[arg(long, global = true, env = "FACTDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// See [`Cli::log_format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server.
    Serve(ServeArgs),
    /// Load statements from JSONL or ClaimReview files into the database
    /// (server stopped).
    Import(ImportArgs),
    /// Rewrite the database into a fresh copy that holds no superseded
    /// pages (server stopped); `import` does this itself after a bulk load.
    Compact(CompactArgs),
    /// Write every statement as JSONL (or every review as ClaimReview) to
    /// stdout.
    Export(ExportArgs),
    /// Score query sets (CheckThat!-style TSVs) against statement files.
    Eval(EvalArgs),
    /// Score a stance file (claims with expected top statement, stance,
    /// verdict) against statement files; lists the misses.
    EvalStance(EvalStanceArgs),
    /// Score a verdict file (claims about rated statements with the verdict
    /// polarity the rating implies) against statement files; lists the
    /// misses.
    EvalVerdict(EvalStanceArgs),
    /// Measure a real server on a database: gRPC import rate, cold start,
    /// check latency and throughput per client count, peak RSS, disk size.
    Bench(BenchArgs),
    /// Measure live transcripts on a real server: the delay from a
    /// sentence's last chunk to its event, on 1 and more streams, and the
    /// wall time of a whole transcript.
    BenchTranscript(BenchTranscriptArgs),
    /// Measure in-process check and retrieval latency on a database with
    /// CheckThat!-style query files: pruned retrieval as served against
    /// exhaustive scoring, and whether they agree.
    BenchRetrieval(BenchRetrievalArgs),
    /// Measure the sentence encoder in-process: p50/p99 of one short and one
    /// tweet-length claim, and the bulk embedding rate of statements.
    BenchEmbed(BenchEmbedArgs),
    /// Grow statement files to a larger corpus for benchmarks (seeded,
    /// deterministic), written as JSONL to stdout.
    Grow(GrowArgs),
    /// Train the check-worthiness model on DIR/train.tsv, pick its
    /// hyper-parameters and threshold on DIR/dev.tsv, write the model file;
    /// prints P/R/F1 on dev and dev-test.
    TrainCheckworthiness(TrainCheckworthinessArgs),
    /// Score the built-in check-worthiness model (positive-class P/R/F1) on
    /// DIR/dev.tsv, DIR/dev-test.tsv, DIR/test.tsv when present, and FILES.
    EvalCheckworthiness(EvalCheckworthinessArgs),
    /// Check a transcript (or, with --article, a document) with a running
    /// server: each check-worthy sentence with its verdict and sources.
    CheckTranscript(CheckTranscriptArgs),
}

#[derive(Debug, Args)]
pub struct EvalStanceArgs {
    /// JSONL file: for eval-stance {"claim", "statement_id", "stance"} or
    /// {"claim", "verdict"}; for eval-verdict {"claim", "claimant",
    /// "statement_id", "rating", "kind", "polarity"}.
    pub file: PathBuf,
    /// Statement JSONL files, loaded into a temporary database.
    #[arg(long = "statements", required_unless_present = "demo")]
    pub statements: Vec<PathBuf>,
    /// Load the built-in demo library too (the seed-paraphrase sets are
    /// written against it).
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Weights of the request-context ranking signals (see README "Ranking").
#[derive(Debug, Args, Clone)]
pub struct RankingArgs {
    /// Score added when the statement's speaker is the claimant.
    #[arg(long, env = "FACTDESK_SPEAKER_BONUS", default_value_t = RankingParams::default().speaker_bonus, value_parser = weight)]
    pub speaker_bonus: f32,
    /// Weight of claimant name terms found in a statement (claim term = 1).
    #[arg(long, env = "FACTDESK_CLAIMANT_TERM_WEIGHT", default_value_t = RankingParams::default().claimant_term_weight, value_parser = weight)]
    pub claimant_term_weight: f32,
    /// Most that closeness between claim time and statement time adds.
    #[arg(long, env = "FACTDESK_TIME_WEIGHT", default_value_t = RankingParams::default().time_weight, value_parser = weight)]
    pub time_weight: f32,
    /// Days over which the time bonus falls by a factor e.
    #[arg(long, env = "FACTDESK_TIME_SCALE_DAYS", default_value_t = RankingParams::default().time_scale_days, value_parser = positive_days)]
    pub time_scale_days: f32,
    /// With embeddings: weight of meaning similarity (cosine) against the
    /// lexical score.
    #[arg(long, env = "FACTDESK_SEMANTIC_WEIGHT", default_value_t = RankingParams::default().semantic_weight, value_parser = weight)]
    pub semantic_weight: f32,
}

/// A ranking weight: a finite number from 0 to 10.
fn weight(text: &str) -> Result<f32, String> {
    let value: f32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && (0.0..=10.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{text} is not a finite weight from 0 to 10"))
    }
}

/// A time scale: a finite, positive number of days.
fn positive_days(text: &str) -> Result<f32, String> {
    let value: f32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(format!("{text} is not a positive number of days"))
    }
}

/// A message size: from 4 KiB (room for one statement and its envelope)
/// to 1 GiB.
fn message_bytes(text: &str) -> Result<usize, String> {
    let value: usize = text
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count"))?;
    if (4096..=1 << 30).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not from 4096 to 1073741824 bytes"))
    }
}

impl RankingArgs {
    pub fn params(&self) -> RankingParams {
        RankingParams {
            speaker_bonus: self.speaker_bonus,
            claimant_term_weight: self.claimant_term_weight,
            time_weight: self.time_weight,
            time_scale_days: self.time_scale_days,
            semantic_weight: self.semantic_weight,
        }
    }
}

/// Which request context `eval` sends with each query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContextMode {
    /// Claim text only.
    Off,
    /// Claim text plus the tweet's author (claimant) and date (claim time).
    On,
    /// Both, one after the other.
    Both,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Statement JSONL files, loaded into a temporary database.
    #[arg(long = "statements", required_unless_present = "db")]
    pub statements: Vec<PathBuf>,
    /// Use this database instead (e.g. one imported with embeddings).
    #[arg(long, conflicts_with = "statements")]
    pub db: Option<PathBuf>,
    /// Query files (`id<TAB>tweet`); each NAME.queries.tsv is scored against
    /// NAME.qrels.tsv beside it.
    #[arg(long = "queries", required = true)]
    pub queries: Vec<PathBuf>,
    /// Whether to send the claimant and claim time.
    #[arg(long, value_enum, default_value = "both")]
    pub context: ContextMode,
    #[command(flatten)]
    pub ranking: RankingArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Where the database lives.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database directory.
    #[arg(long, env = "FACTDESK_DB", default_value = DEFAULT_DB_DIR)]
    pub db: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database directory [default: factdesk-data; with --demo, a temporary
    /// database deleted on exit].
    #[arg(long, env = "FACTDESK_DB")]
    pub db: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "FACTDESK_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Load the built-in demo library (Alibaba cloud restructuring).
    #[arg(long, env = "FACTDESK_DEMO", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0, default_missing_value = "true")]
    pub demo: bool,
    /// Per-request timeout, in seconds.
    #[arg(long, env = "FACTDESK_REQUEST_TIMEOUT_SECS", default_value_t = crate::server::DEFAULT_REQUEST_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub request_timeout_secs: u64,
    /// A unary call whose request stops arriving for this many seconds ends
    /// (DEADLINE_EXCEEDED) and frees its slot.
    #[arg(long, env = "FACTDESK_REQUEST_BODY_TIMEOUT_SECS", default_value_t = crate::server::DEFAULT_REQUEST_BODY_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub request_body_timeout_secs: u64,
    /// Largest gRPC message accepted or sent, in bytes.
    #[arg(long, env = "FACTDESK_MAX_MESSAGE_BYTES", default_value_t = crate::server::DEFAULT_MAX_MESSAGE_BYTES, value_parser = message_bytes)]
    pub max_message_bytes: usize,
    /// Most factdesk calls in flight at once; more get RESOURCE_EXHAUSTED.
    #[arg(long, env = "FACTDESK_MAX_CONCURRENT_REQUESTS", default_value_t = crate::server::DEFAULT_MAX_IN_FLIGHT, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_concurrent_requests: u32,
    /// Most client connections open at once (lowered to fit `ulimit -n`);
    /// more are closed as soon as they are accepted.
    #[arg(long, env = "FACTDESK_MAX_CONNECTIONS", default_value_t = crate::server::DEFAULT_MAX_CONNECTIONS as u32, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Threads that run the network side (HTTP/2, TLS, tonic) [default:
    /// half the cores, at least 1]. Checks run apart, one thread per core.
    #[arg(long, env = "FACTDESK_IO_THREADS", value_parser = clap::value_parser!(u32).range(1..=1_024))]
    pub io_threads: Option<u32>,
    /// Serve Prometheus metrics (text format) on this address, e.g.
    /// 127.0.0.1:9464; off when not given.
    #[arg(long, env = "FACTDESK_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Seconds calls in flight may run on after SIGINT or SIGTERM (a second
    /// signal stops at once); then connections close and the database is
    /// flushed.
    #[arg(long, env = "FACTDESK_SHUTDOWN_GRACE_SECS", default_value_t = crate::server::DEFAULT_SHUTDOWN_GRACE_SECS, value_parser = clap::value_parser!(u64).range(0..=3_600))]
    pub shutdown_grace_secs: u64,
    /// Most live transcript streams (CheckTranscript) open at once; they
    /// have their own slots, apart from --max-concurrent-requests.
    #[arg(long, env = "FACTDESK_MAX_TRANSCRIPT_STREAMS", default_value_t = crate::server::DEFAULT_MAX_TRANSCRIPT_STREAMS as u32, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_transcript_streams: u32,
    /// A transcript stream that sends no chunk for this many seconds ends
    /// (DEADLINE_EXCEEDED).
    #[arg(long, env = "FACTDESK_TRANSCRIPT_IDLE_SECS", default_value_t = crate::server::DEFAULT_TRANSCRIPT_IDLE_SECS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub transcript_idle_secs: u64,
    /// Longest a transcript stream may last, in seconds (a client's shorter
    /// deadline applies too).
    #[arg(long, env = "FACTDESK_TRANSCRIPT_MAX_SECS", default_value_t = crate::server::DEFAULT_TRANSCRIPT_MAX_SECS, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub transcript_max_secs: u64,
    #[command(flatten)]
    pub security: SecurityArgs,
    #[command(flatten)]
    pub ranking: RankingArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Tokens and TLS of `serve` (see SECURITY.md).
#[derive(Debug, Args)]
pub struct SecurityArgs {
    /// File holding the bearer token that every write (create, import,
    /// update, delete) needs (or set the token itself in
    /// FACTDESK_WRITE_TOKEN).
    #[arg(long, env = "FACTDESK_WRITE_TOKEN_FILE")]
    pub write_token_file: Option<PathBuf>,
    /// File holding the bearer token that checks and reads need; without it
    /// reads are open (or set the token itself in FACTDESK_READ_TOKEN).
    #[arg(long, env = "FACTDESK_READ_TOKEN_FILE")]
    pub read_token_file: Option<PathBuf>,
    /// Serve without a write token: anyone who can connect may change the
    /// library. `--demo` implies it when no token is set.
    #[arg(long, env = "FACTDESK_INSECURE_OPEN_WRITES", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0, default_missing_value = "true")]
    pub insecure_open_writes: bool,
    /// PEM certificate chain: serve TLS (needs --tls-key).
    #[arg(long, env = "FACTDESK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "FACTDESK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl SecurityArgs {
    /// The access policy from the token files or `FACTDESK_WRITE_TOKEN` /
    /// `FACTDESK_READ_TOKEN`; `demo` opens writes when no token is set.
    pub fn access_policy(&self, demo: bool) -> Result<AccessPolicy, TokenError> {
        let write = Token::from_sources(self.write_token_file.as_deref(), "FACTDESK_WRITE_TOKEN")?;
        let read = Token::from_sources(self.read_token_file.as_deref(), "FACTDESK_READ_TOKEN")?;
        let open_demo = demo && write.is_none() && read.is_none();
        AccessPolicy::new(write, read, self.insecure_open_writes || open_demo)
    }
}

/// A file format for statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One statement per line, in the proto3 JSON form.
    Jsonl,
    /// schema.org ClaimReview JSON-LD as fact-checkers publish it: an
    /// object, an array, a `@graph` or a `DataFeed`. Only reviewed
    /// statements are exported in this form.
    Claimreview,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Export from a running server instead of a database directory (an
    /// online backup, e.g. http://127.0.0.1:50051): a consistent snapshot
    /// taken while the server serves. `--db` is then not read.
    #[arg(long, env = "FACTDESK_SERVER")]
    pub server: Option<String>,
    /// File holding the token the server wants for reads (its read token,
    /// or its write token); or set the token itself in FACTDESK_TOKEN.
    #[arg(long, env = "FACTDESK_TOKEN_FILE", requires = "server")]
    pub token_file: Option<PathBuf>,
    /// PEM certificate of the CA that signed the server's certificate, for
    /// an https:// server.
    #[arg(long, requires = "server")]
    pub ca_cert: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import: JSONL (one statement per line, proto3 JSON form) or,
    /// with `--format claimreview`, ClaimReview JSON-LD documents.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Input format. Bad ClaimReview records are reported as
    /// `FILE: record N: FIELD: reason`, records numbered from 1 in document
    /// order.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Exit 0 even when records were rejected (they are still reported);
    /// without it, rejected records make the exit code 1.
    #[arg(long)]
    pub allow_rejects: bool,
    /// Create the database when `--db` does not exist (a first load, a
    /// restore). Without it a missing `--db` is an error (exit 3), so a
    /// mistyped path cannot start a new, empty library.
    #[arg(long)]
    pub create: bool,
    /// Do not compact the database after a bulk load (an import that at
    /// least doubles the library is followed by `factdesk compact`).
    #[arg(long)]
    pub no_compact: bool,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct CompactArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
