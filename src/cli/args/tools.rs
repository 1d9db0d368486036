//! The flags of the commands that measure or train rather than serve:
//! `bench`, `bench-embed`, `bench-transcript`, `grow`, `check-transcript` and the
//! check-worthiness model's `train-…` and `eval-…`.

use std::path::PathBuf;

use clap::Args;

use crate::embed::Precision;

/// Where the CheckThat! 2024 task 1 English files are when no `--data` is
/// given.
pub const DEFAULT_CHECKWORTHY_DATA: &str = "../shared/data/checkworthy2024";

#[derive(Debug, Args)]
pub struct TrainCheckworthinessArgs {
    /// Folder holding train.tsv, dev.tsv and dev-test.tsv.
    #[arg(long, env = "FACTDESK_CHECKWORTHY_DATA", default_value = DEFAULT_CHECKWORTHY_DATA)]
    pub data: PathBuf,
    /// Model file to write [default: the shipped src/checkworthy/model.tsv
    /// of this source tree].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalCheckworthinessArgs {
    /// Folder holding dev.tsv and dev-test.tsv (and test.tsv, scored when
    /// present).
    #[arg(long, env = "FACTDESK_CHECKWORTHY_DATA", default_value = DEFAULT_CHECKWORTHY_DATA)]
    pub data: PathBuf,
    /// More labelled TSV files (Sentence_id, Text, class_label) to score.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Database the server runs on (with --import: a new or empty one).
    #[arg(long)]
    pub db: PathBuf,
    /// Claim files: JSONL with "claim" or "text", or TSV (id, text).
    #[arg(long = "claims", required = true)]
    pub claims: Vec<PathBuf>,
    /// Statement JSONL files streamed through ImportStatements first.
    #[arg(long = "import")]
    pub import: Vec<PathBuf>,
    /// Client counts to measure, one level each (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,32")]
    pub concurrency: Vec<usize>,
    /// Measured requests per level.
    #[arg(long, default_value_t = 20_000)]
    pub requests: u64,
    /// Unmeasured warm-up requests per level.
    #[arg(long, default_value_t = 1_000)]
    pub warmup: u64,
    /// Time cap per level, in seconds.
    #[arg(long, default_value_t = 60)]
    pub duration_secs: u64,
    /// `max_matches` of each check.
    #[arg(long, default_value_t = 5)]
    pub max_matches: i32,
    /// Threads of the load generator's runtime.
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
    /// Extra arguments for `factdesk serve` (e.g. --server-arg=--embedding-model=DIR).
    #[arg(long = "server-arg", allow_hyphen_values = true)]
    pub server_args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BenchEmbedArgs {
    /// sentence-transformers folder, e.g. all-MiniLM-L6-v2.
    #[arg(long, env = "FACTDESK_EMBEDDING_MODEL")]
    pub embedding_model: PathBuf,
    /// Number format of the model's projections (q8 or f32).
    #[arg(long, env = "FACTDESK_EMBEDDING_PRECISION", default_value_t = Precision::default())]
    pub embedding_precision: Precision,
    /// Timed calls per claim.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Statement JSONL files whose texts are embedded in bulk, as at import.
    #[arg(long = "statements")]
    pub statements: Vec<PathBuf>,
    /// Most statements embedded in bulk.
    #[arg(long, default_value_t = 2_000)]
    pub count: usize,
}

#[derive(Debug, Args)]
pub struct BenchTranscriptArgs {
    /// Database the server runs on (e.g. the 27k shared statements).
    #[arg(long)]
    pub db: PathBuf,
    /// Sentences: a CheckThat! check-worthiness TSV (`Sentence_id`, `Text`,
    /// `class_label`), read in order.
    #[arg(long)]
    pub sentences: PathBuf,
    /// Sentences per transcript (the file is repeated when shorter).
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Concurrent streams to measure, one level each (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    pub streams: Vec<usize>,
    /// Milliseconds between one sentence's chunk and the next in the
    /// delay runs (speech is thousands; the wall-time run sends at once).
    #[arg(long, default_value_t = 20)]
    pub pace_ms: u64,
    /// Extra arguments for `factdesk serve`.
    #[arg(long = "server-arg", allow_hyphen_values = true)]
    pub server_args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GrowArgs {
    /// Statement JSONL files to grow from.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Statements to write in total (originals first).
    #[arg(long)]
    pub count: usize,
    /// Seed: the same seed and files give the same output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Probability that each word of a variant is replaced.
    #[arg(long, default_value_t = 0.3)]
    pub mutation: f64,
}

#[derive(Debug, Args)]
pub struct CheckTranscriptArgs {
    /// A text file: a transcript (lines may start with a `NAME:` speaker
    /// label) or, with --article, a document.
    pub file: PathBuf,
    /// The server, e.g. http://127.0.0.1:50051.
    #[arg(long, env = "FACTDESK_SERVER")]
    pub server: String,
    /// Send the file as one document (CheckArticle) instead of streaming
    /// it as a transcript (CheckTranscript).
    #[arg(long)]
    pub article: bool,
    /// One JSON object per sentence on stdout, no progress bar.
    #[arg(long)]
    pub json: bool,
    /// Check sentences scoring at least this (0..1); default: the model's
    /// tuned threshold.
    #[arg(long, value_parser = parse_unit)]
    pub threshold: Option<f32>,
    /// Also print sentences under the threshold, with their score.
    #[arg(long)]
    pub all: bool,
    /// Speaker (transcript lines without a label) or author (article).
    #[arg(long)]
    pub speaker: Option<String>,
    /// File holding the token the server wants for reads; or set the token
    /// itself in FACTDESK_TOKEN.
    #[arg(long, env = "FACTDESK_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// PEM certificate of the CA that signed the server's certificate, for
    /// an https:// server.
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
}

/// A number in 0..=1.
fn parse_unit(value: &str) -> Result<f32, String> {
    let number: f32 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number"))?;
    if (0.0..=1.0).contains(&number) {
        Ok(number)
    } else {
        Err(format!("{value} is not between 0 and 1"))
    }
}

#[derive(Debug, Args)]
pub struct BenchRetrievalArgs {
    /// Database to measure (opened read-only in practice; its index file is
    /// used when current).
    #[arg(long)]
    pub db: PathBuf,
    /// Query files (`id<TAB>tweet`), each NAME.queries.tsv with
    /// NAME.qrels.tsv beside it.
    #[arg(long = "queries", required = true)]
    pub queries: Vec<PathBuf>,
    /// Whether to send the claimant and claim time.
    #[arg(long, value_enum, default_value = "both")]
    pub context: super::ContextMode,
    /// `max_matches` of each check, and the depth of each retrieval.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Runs per query; the fastest counts (the machine is shared).
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Time the exhaustive retrieval (and compare it) on every Nth query.
    #[arg(long, default_value_t = 10)]
    pub exhaustive_every: usize,
}
