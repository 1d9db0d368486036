//! `factdesk serve`: settings first (a bad token or certificate fails before
//! the database opens), then the library, the demo statements if asked,
//! and the gRPC server until SIGINT or SIGTERM.

use std::time::Duration;

use super::args::{SecurityArgs, ServeArgs, DEFAULT_DB_DIR};
use super::CliError;
use crate::server::{self, ServerOptions, TlsIdentity, TranscriptLimits};

/// How long an idle blocking thread (storage calls) waits for more work
/// before it exits and its memory goes back (tokio's default is 10 s).
const BLOCKING_KEEP_ALIVE: Duration = Duration::from_secs(2);

/// Runs the server described by `args` until a shutdown signal.
pub fn run(args: ServeArgs) -> Result<(), CliError> {
    super::allocator::tune(args.model.embedding_model.is_some());
    let access = args.security.access_policy(args.demo)?;
    let tls = tls_identity(&args.security)?;
    // The port first: a taken port fails in milliseconds, before the
    // database is opened and the index built.
    let listener = std::net::TcpListener::bind(args.listen)
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|source| CliError::Listen {
            address: args.listen,
            source,
        })?;
    // Blocking work (storage calls) holds its call's slot until it ends, so
    // no more than the in-flight limit and the writers' reserve ever run at
    // once; the pool is sized to that (tokio's default is 512 threads).
    let max_in_flight = args.max_concurrent_requests as usize;
    let blocking_threads = max_in_flight + max_in_flight / 8 + 8;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(io_threads(args.io_threads))
        .max_blocking_threads(blocking_threads)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .build()
        .map_err(CliError::Runtime)?;
    // Metrics before the library, so its index build time is recorded.
    if let Some(address) = args.metrics_listen {
        runtime
            .block_on(async { crate::metrics::install(address) })
            .map_err(|reason| CliError::Listen {
                address,
                source: std::io::Error::other(reason),
            })?;
        tracing::info!(%address, "metrics at http://{address}/metrics");
    }
    // Without --db: the default directory, or a throwaway one for --demo.
    let db = args
        .db
        .clone()
        .or_else(|| (!args.demo).then(|| DEFAULT_DB_DIR.into()));
    let library = super::open_library(db.as_deref(), &args.model)?;
    if args.demo {
        let report = crate::demo::import(&library)?;
        if !report.rejected.is_empty() {
            return Err(CliError::DemoConflict(format!("{:?}", report.rejected)));
        }
        tracing::info!(created = report.created, "demo library loaded");
    }
    let options = ServerOptions {
        max_message_bytes: args.max_message_bytes,
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        max_in_flight: args.max_concurrent_requests as usize,
        request_body_timeout: Duration::from_secs(args.request_body_timeout_secs),
        max_connections: args.max_connections as usize,
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        transcripts: TranscriptLimits {
            max_streams: args.max_transcript_streams as usize,
            idle: Duration::from_secs(args.transcript_idle_secs),
            max_duration: Duration::from_secs(args.transcript_max_secs),
        },
        access,
        tls,
        ranking: args.ranking.params(),
        ..ServerOptions::default()
    };
    if !options.access.writes_protected() {
        tracing::warn!("writes are open: anyone who can connect may change the library");
    }
    let served = runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|source| CliError::Listen {
                address: args.listen,
                source,
            })?;
        let (shutdown, force) = server::signals();
        match server::run(listener, library, options, shutdown, force).await {
            Err(error @ server::ServerError::Tls(_)) => Err(CliError::config(
                "TLS setup failed; check --tls-cert and --tls-key",
                error,
            )),
            other => Ok(other?),
        }
    });
    // Calls cut off at the end of the grace period may still run on worker
    // threads; the database is flushed, so they are not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
}

/// The TLS identity from `--tls-cert` and `--tls-key`, if given.
fn tls_identity(args: &SecurityArgs) -> Result<Option<TlsIdentity>, CliError> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    let read = |path: &std::path::Path| {
        std::fs::read(path)
            .map_err(|error| CliError::config(format!("cannot read {}", path.display()), error))
    };
    Ok(Some(TlsIdentity::from_pem(read(cert)?, read(key)?)))
}

/// Threads for the async runtime: `asked`, or half the cores (at least
/// one). Checks run on their own pool, one thread per core, so a runtime
/// thread per core as well only adds hand-offs between threads. On 2
/// cores, 27k statements, 32 clients, twelve alternating rounds: one
/// runtime thread served a median 4,096 checks/s, two 3,871/s.
fn io_threads(asked: Option<u32>) -> usize {
    asked.map_or_else(
        || {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            (cores / 2).max(1)
        },
        |threads| threads as usize,
    )
}
