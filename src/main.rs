//! The `factdesk` binary: parse the command line, set up logging, run.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use factdesk::config::{
    Cli, Command, ContextMode, EvalArgs, EvalStanceArgs, GrowArgs, ModelArgs, SecurityArgs,
    ServeArgs, DEFAULT_DB_DIR,
};
use factdesk::embed::Embedder;
use factdesk::model::{CheckOptions, RankingParams};
use factdesk::server::{self, ServerOptions};
use factdesk::store::{Store, StoreError};
use factdesk::{cli, demo, Library};

/// Exit code when a flag, token or certificate is unusable (clap uses 2
/// for malformed command lines too).
const EXIT_CONFIG: u8 = 2;
/// Exit code when the database directory cannot be used: corrupt, foreign,
/// from a newer factdesk, or locked by another process.
const EXIT_DATABASE: u8 = 3;

/// Marks an error as a configuration problem (exit code 2).
#[derive(Debug)]
struct ConfigError;

impl std::fmt::Display for ConfigError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("configuration error")
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            let database = |cause: &(dyn std::error::Error + 'static)| {
                cause.is::<StoreError>()
                    || matches!(
                        cause.downcast_ref::<factdesk::Error>(),
                        Some(factdesk::Error::Store(_))
                    )
            };
            if error.chain().any(database) {
                ExitCode::from(EXIT_DATABASE)
            } else if error.downcast_ref::<ConfigError>().is_some() {
                ExitCode::from(EXIT_CONFIG)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // A panic is a bug: log it as one line. Request handlers and database
    // opening catch panics and answer with an error instead of exiting.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(%info, "internal error (a bug; please report it)");
    }));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // A closed stderr (a log collector gone) must not stop the server:
        // tracing's own error report would panic writing to it.
        .log_internal_errors(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FACTDESK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Import(args) => {
            let library = open(Some(&args.db.db), &args.model)?;
            let mut stderr = std::io::stderr();
            let mut total = cli::ImportSummary::default();
            for file in &args.files {
                let summary = cli::import_file(&library, file, &mut stderr)?;
                eprintln!(
                    "{}: {} created, {} unchanged, {} rejected",
                    file.display(),
                    summary.created,
                    summary.unchanged,
                    summary.rejected
                );
                total.created += summary.created;
                total.unchanged += summary.unchanged;
                total.rejected += summary.rejected;
            }
            eprintln!(
                "imported {} statements ({} unchanged, {} rejected); library now holds {}",
                total.created,
                total.unchanged,
                total.rejected,
                library.len()
            );
            Ok(())
        }
        Command::Eval(args) => eval(args),
        Command::EvalStance(args) => eval_stance(args),
        Command::Bench(args) => factdesk::bench::run(args),
        Command::Grow(args) => grow(args),
        Command::Export(args) => {
            let store = Store::open(&args.db)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let count = cli::export(&store, &mut out)?;
            out.flush()?;
            eprintln!("exported {count} statements");
            Ok(())
        }
    }
}

/// Writes the grown corpus of `args` to stdout.
fn grow(args: GrowArgs) -> anyhow::Result<()> {
    let mut originals = Vec::new();
    for file in &args.files {
        let content = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for (number, line) in content.lines().enumerate() {
            if !line.trim().is_empty() {
                originals.push(
                    serde_json::from_str(line)
                        .with_context(|| format!("{}:{}", file.display(), number + 1))?,
                );
            }
        }
    }
    let options = factdesk::bench::grow::GrowOptions {
        count: args.count,
        seed: args.seed,
        mutation: args.mutation,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = factdesk::bench::grow::grow(&originals, &options, &mut out)?;
    out.flush()?;
    eprintln!("wrote {written} statements");
    Ok(())
}

/// Opens the database (a temporary one for `None`) with the embedding model,
/// if one is named.
fn open(db: Option<&std::path::Path>, model: &ModelArgs) -> anyhow::Result<Library> {
    let store = match db {
        Some(path) => Store::open(path)?,
        None => Store::temporary().context("cannot create a temporary database")?,
    };
    let embedder = match &model.embedding_model {
        Some(dir) => {
            let embedder = Embedder::load(dir)?;
            tracing::info!(model = embedder.model_id(), "embedding model loaded");
            Some(Arc::new(embedder))
        }
        None => None,
    };
    Ok(Library::with_embedder(store, embedder)?)
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Settings first: a bad token or certificate fails before the database opens.
    let access = args
        .security
        .access_policy(args.demo)
        .map_err(|error| anyhow::Error::new(error).context(ConfigError))?;
    let tls = tls_identity(&args.security)?;
    // Without --db: the default directory, or a throwaway one for --demo.
    let db = args
        .db
        .clone()
        .or_else(|| (!args.demo).then(|| DEFAULT_DB_DIR.into()));
    let library = open(db.as_deref(), &args.model)?;
    if args.demo {
        let report = demo::import(&library)?;
        anyhow::ensure!(
            report.rejected.is_empty(),
            "demo library conflicts with statements in the database: {:?}",
            report.rejected
        );
        tracing::info!(created = report.created, "demo library loaded");
    }
    let options = ServerOptions {
        max_message_bytes: args.max_message_bytes,
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        max_in_flight: args.max_concurrent_requests as usize,
        access,
        tls,
        ranking: args.ranking.params(),
        ..ServerOptions::default()
    };
    if !options.access.writes_protected() {
        tracing::warn!("writes are open: anyone who can connect may change the library");
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        match server::run(listener, library, options, server::shutdown_signal()).await {
            Err(error @ server::ServerError::Tls(_)) => Err(anyhow::Error::new(error)
                .context("check --tls-cert and --tls-key")
                .context(ConfigError)),
            other => Ok(other?),
        }
    })
}

/// The TLS identity from `--tls-cert` and `--tls-key`, if given.
fn tls_identity(args: &SecurityArgs) -> anyhow::Result<Option<server::TlsIdentity>> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    let read = |path: &std::path::Path| {
        std::fs::read(path)
            .with_context(|| format!("cannot read {}", path.display()))
            .context(ConfigError)
    };
    Ok(Some(server::TlsIdentity::from_pem(read(cert)?, read(key)?)))
}

/// A temporary library holding the statements of `files`.
fn load_temporary(files: &[std::path::PathBuf], model: &ModelArgs) -> anyhow::Result<Library> {
    let library = open(None, model)?;
    let mut stderr = std::io::stderr();
    for file in files {
        let summary = cli::import_file(&library, file, &mut stderr)?;
        eprintln!("{}: {} statements loaded", file.display(), summary.created);
    }
    Ok(library)
}

fn default_options(ranking: RankingParams) -> CheckOptions {
    CheckOptions {
        ranking,
        ..CheckOptions::default()
    }
}

fn eval_stance(args: EvalStanceArgs) -> anyhow::Result<()> {
    let library = load_temporary(&args.statements, &args.model)?;
    let cases = factdesk::eval::stance::read_cases(&args.file)?;
    let options = default_options(RankingParams::default());
    let report = factdesk::eval::stance::evaluate(&library, &cases, &options)?;
    println!("{}", factdesk::eval::stance::render(&report));
    Ok(())
}

fn eval(args: EvalArgs) -> anyhow::Result<()> {
    let library = match &args.db {
        Some(db) => open(Some(db), &args.model)?,
        None => load_temporary(&args.statements, &args.model)?,
    };
    let options = default_options(args.ranking.params());
    let contexts: &[(bool, &str)] = match args.context {
        ContextMode::Off => &[(false, "text only")],
        ContextMode::On => &[(true, "with claimant and time")],
        ContextMode::Both => &[(false, "text only"), (true, "with claimant and time")],
    };
    let matchers: &[(bool, &str)] = if library.has_embeddings() {
        &[(false, "lexical"), (true, "embeddings")]
    } else {
        &[(false, "lexical")]
    };
    println!("{}", factdesk::eval::TABLE_HEADER);
    for queries_path in &args.queries {
        let name = queries_path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let split = name.trim_end_matches(".queries.tsv").to_owned();
        let qrels_path = queries_path.with_file_name(format!("{split}.qrels.tsv"));
        let queries =
            factdesk::eval::read_queries(queries_path, &qrels_path).with_context(|| {
                format!(
                    "reading {} and {}",
                    queries_path.display(),
                    qrels_path.display()
                )
            })?;
        for (use_embeddings, matcher) in matchers {
            let options = CheckOptions {
                use_embeddings: *use_embeddings,
                ..options.clone()
            };
            for (with_context, context) in contexts {
                let metrics =
                    factdesk::eval::evaluate(&library, &queries, &options, *with_context)?;
                let mode = format!("{matcher}, {context}");
                println!("{}", factdesk::eval::table_row(&split, &mode, &metrics));
            }
        }
    }
    Ok(())
}
