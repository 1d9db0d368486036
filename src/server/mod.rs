//! The tonic server: factdesk services plus `grpc.health.v1`, reflection
//! (v1 and v1alpha), optional TLS, the `guard` layer (tokens, calls in flight,
//! deadlines), message-size limits, HTTP/2 keepalive, gzip, and graceful
//! shutdown that flushes the database.

mod accept;
mod guard;
mod lifecycle;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::transport::server::ServerTlsConfig;
use tonic::transport::{Identity, Server};

pub use guard::grpc_timeout;
pub use lifecycle::{shutdown_signal, signals};
/// A PEM certificate chain and key (`TlsIdentity::from_pem(cert, key)`).
pub use tonic::transport::Identity as TlsIdentity;

use crate::auth::AccessPolicy;
use crate::library::Library;
use crate::model::RankingParams;
use crate::pb::claim_service_server::ClaimServiceServer;
use crate::pb::statement_service_server::StatementServiceServer;
use crate::service::{ClaimApi, StatementApi};

/// Limits the server applies to every call.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Largest request or response message, in bytes.
    pub max_message_bytes: usize,
    /// Calls running longer than this (or than the client's own deadline)
    /// end with `DEADLINE_EXCEEDED`.
    pub request_timeout: Duration,
    /// Most factdesk calls in flight; more get `RESOURCE_EXHAUSTED` at once.
    pub max_in_flight: usize,
    /// A unary call whose request stops arriving for this long ends with
    /// `DEADLINE_EXCEEDED` and gives its slot back.
    pub request_body_timeout: Duration,
    /// Who may read and write.
    pub access: AccessPolicy,
    /// Certificate chain and key: serve TLS instead of plaintext.
    pub tls: Option<Identity>,
    /// HTTP/2 ping interval; a peer that does not answer within
    /// `keepalive_timeout` is disconnected.
    pub keepalive_interval: Duration,
    pub keepalive_timeout: Duration,
    /// Weights of the claimant and claim-time ranking signals.
    pub ranking: RankingParams,
    /// Most connections open at once (lowered to fit the descriptor limit);
    /// more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// A connection that sends nothing (no HTTP/2 preface, no TLS hello)
    /// for this long after it is accepted is closed.
    pub handshake_timeout: Duration,
    /// How long calls in flight may run on after shutdown begins; then the
    /// connections are closed and the database flushed.
    pub shutdown_grace: Duration,
    /// Live transcript streams (`CheckTranscript`): how many may be open at
    /// once (their own slots, so they never starve unary calls), how long
    /// one may go without a chunk, and how long one may last in all.
    pub transcripts: TranscriptLimits,
}

/// Limits of live transcript streams; see [`ServerOptions::transcripts`].
#[derive(Clone, Debug)]
pub struct TranscriptLimits {
    pub max_streams: usize,
    pub idle: Duration,
    pub max_duration: Duration,
}

impl Default for TranscriptLimits {
    fn default() -> Self {
        TranscriptLimits {
            max_streams: DEFAULT_MAX_TRANSCRIPT_STREAMS,
            idle: Duration::from_secs(DEFAULT_TRANSCRIPT_IDLE_SECS),
            max_duration: Duration::from_secs(DEFAULT_TRANSCRIPT_MAX_SECS),
        }
    }
}

/// Default of [`TranscriptLimits::max_streams`] (`--max-transcript-streams`).
pub const DEFAULT_MAX_TRANSCRIPT_STREAMS: usize = 16;
/// Default of [`TranscriptLimits::idle`], in seconds (`--transcript-idle-secs`):
/// a break in a debate.
pub const DEFAULT_TRANSCRIPT_IDLE_SECS: u64 = 300;
/// Default of [`TranscriptLimits::max_duration`], in seconds
/// (`--transcript-max-secs`): the longest live event.
pub const DEFAULT_TRANSCRIPT_MAX_SECS: u64 = 6 * 3600;

/// Default of [`ServerOptions::max_in_flight`] (`--max-concurrent-requests`).
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 64;
/// Default of [`ServerOptions::max_message_bytes`] (`--max-message-bytes`).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// Default of [`ServerOptions::request_timeout`], in seconds
/// (`--request-timeout-secs`).
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
/// Default of [`ServerOptions::shutdown_grace`], in seconds
/// (`--shutdown-grace-secs`).
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 10;
/// Default of [`ServerOptions::max_connections`] (`--max-connections`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default of [`ServerOptions::handshake_timeout`]; TLS handshakes get the
/// same.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
pub use accept::DESCRIPTOR_HEADROOM;
/// Default of [`ServerOptions::request_body_timeout`], in seconds
/// (`--request-body-timeout-secs`).
pub const DEFAULT_REQUEST_BODY_TIMEOUT_SECS: u64 = 10;

impl Default for ServerOptions {
    /// The defaults of `factdesk serve`, with open access (for tests).
    fn default() -> Self {
        ServerOptions {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT as usize,
            request_body_timeout: Duration::from_secs(DEFAULT_REQUEST_BODY_TIMEOUT_SECS),
            access: AccessPolicy::open(),
            tls: None,
            keepalive_interval: Duration::from_secs(60),
            keepalive_timeout: Duration::from_secs(20),
            ranking: RankingParams::default(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            shutdown_grace: Duration::from_secs(DEFAULT_SHUTDOWN_GRACE_SECS),
            transcripts: TranscriptLimits::default(),
        }
    }
}

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("TLS setup failed: {0}")]
    Tls(tonic::transport::Error),
    #[error("gRPC transport failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection setup failed: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("final flush failed: {0}")]
    Flush(#[from] crate::Error),
    /// A write failed in storage (disk full, device error): the server
    /// stopped; restart it once the cause is gone (acknowledged writes are
    /// safe, sled's recovery keeps them).
    #[error("storage failed, server stopped for a restart: {0}")]
    StorageFailed(String),
}

/// Serves on `listener` until `shutdown` completes: health turns
/// NOT_SERVING, health `Watch` and reflection streams end, no connection is
/// accepted any more, and calls in flight get `options.shutdown_grace` to
/// finish (less if `force` completes first); then the database is flushed
/// and closed.
///
/// When `run` returns, the library has been dropped and its database closed,
/// so the directory can be opened again at once (a restart, a test). Work a
/// call left behind (its deadline passed while it ran on a worker thread) is
/// waited for up to `options.request_timeout`; past that `run` logs a warning
/// and returns with the database still open.
pub async fn run(
    listener: TcpListener,
    mut library: Library,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
    force: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    let closed = library.close_notice();
    run_shared(
        listener,
        Arc::new(library),
        closed,
        options,
        shutdown,
        force,
    )
    .await
}

/// [`run`] over a library the caller also holds (a test that audits it
/// while serving); `closed` is its [`Library::close_notice`]. The caller
/// must let go of its handle for the shutdown to close the database.
pub async fn run_shared(
    listener: TcpListener,
    library: Arc<Library>,
    closed: tokio::sync::oneshot::Receiver<()>,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
    force: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    // Turns true when shutdown begins: open-ended streams end, the accept
    // loop stops.
    let (stopping, stopping_seen) = tokio::sync::watch::channel(false);
    // Turns true when every connection is to be closed: shutdown has begun
    // and no call is left in flight (or the grace period is over).
    let (closing, closing_seen) = tokio::sync::watch::channel(false);
    let statements = StatementServiceServer::new(StatementApi::new(Arc::clone(&library)))
        .max_decoding_message_size(options.max_message_bytes)
        .max_encoding_message_size(options.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    let claims =
        ClaimServiceServer::new(ClaimApi::new(Arc::clone(&library), options.ranking.clone()))
            .max_decoding_message_size(
                options
                    .max_message_bytes
                    .min(crate::model::limits::MAX_CHECK_REQUEST_BYTES),
            )
            .max_encoding_message_size(options.max_message_bytes)
            .accept_compressed(CompressionEncoding::Gzip)
            .send_compressed(CompressionEncoding::Gzip);
    health_reporter
        .set_serving::<StatementServiceServer<StatementApi>>()
        .await;
    health_reporter
        .set_serving::<ClaimServiceServer<ClaimApi>>()
        .await;
    // Each reflection version also lists the other, so `grpcurl list`
    // (v1alpha only in grpcurl 1.8) shows both.
    let reflection_v1 = reflection_builder()
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = reflection_builder()
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;
    if let Ok(address) = listener.local_addr() {
        tracing::info!(
            %address,
            statements = library.len(),
            tls = options.tls.is_some(),
            writes_need_token = options.access.writes_protected(),
            reads_need_token = options.access.reads_protected(),
            max_in_flight = options.max_in_flight,
            max_connections = accept::connection_cap(options.max_connections),
            "serving"
        );
    }
    // A write that failed in storage stops the server too (see
    // `library::failure`): the library already refuses every call.
    let mut failures = library.failures();
    let failed = async move {
        let _ = failures.wait_for(|failed| *failed).await;
    };
    // Health turns NOT_SERVING as soon as shutdown starts, so load balancers
    // stop sending new calls while in-flight ones finish.
    let shutdown = async move {
        tokio::select! {
            () = shutdown => {}
            () = failed => tracing::error!("storage failed: stopping for a restart"),
        }
        health_reporter
            .set_not_serving::<StatementServiceServer<StatementApi>>()
            .await;
        health_reporter
            .set_not_serving::<ClaimServiceServer<ClaimApi>>()
            .await;
        health_reporter
            .set_service_status("", tonic_health::ServingStatus::NotServing)
            .await;
        stopping.send_replace(true);
    };
    let max_connections = accept::connection_cap(options.max_connections);
    if max_connections < options.max_connections {
        tracing::warn!(
            max_connections,
            wanted = options.max_connections,
            "connection cap lowered to fit the open-files limit (ulimit -n)"
        );
    }
    let incoming = accept::incoming(
        listener,
        max_connections,
        options.handshake_timeout,
        options.keepalive_interval,
        stopping_seen.clone(),
        closing_seen,
    );
    let mut builder = Server::builder();
    if let Some(identity) = options.tls.clone() {
        let tls = ServerTlsConfig::new()
            .identity(identity)
            .timeout(options.handshake_timeout);
        builder = builder.tls_config(tls).map_err(ServerError::Tls)?;
    }
    let guard = guard::GuardLayer::new(&options, stopping_seen.clone());
    let calls_done = guard.calls_done();
    let serve = builder
        .http2_keepalive_interval(Some(options.keepalive_interval))
        .http2_keepalive_timeout(Some(options.keepalive_timeout))
        .http2_max_header_list_size(MAX_HEADER_LIST_BYTES)
        .max_concurrent_streams(MAX_STREAMS_PER_CONNECTION)
        .layer(guard)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(statements)
        .add_service(claims)
        .serve_with_incoming_shutdown(incoming, shutdown);
    // Once shutdown has begun, calls get the grace period (a second signal,
    // `force`, ends it at once); then every connection is closed, idle ones
    // included (clients keep channels open), and `serve` returns.
    let mut begun = stopping_seen;
    let closing_time = async move {
        let _ = begun.wait_for(|stopping| *stopping).await;
        let cut = tokio::select! {
            () = calls_done => false,
            () = tokio::time::sleep(options.shutdown_grace) => {
                tracing::warn!(
                    grace_ms = options.shutdown_grace.as_millis() as u64,
                    "grace period over: closing connections with calls still in flight"
                );
                true
            }
            () = force => true,
        };
        closing.send_replace(true);
        cut
    };
    tokio::pin!(serve);
    tokio::pin!(closing_time);
    let cut = tokio::select! {
        served = &mut serve => {
            served?;
            false
        }
        cut = &mut closing_time => {
            // Connections now read the end of their stream and finish.
            match tokio::time::timeout(CLOSE_WAIT, &mut serve).await {
                Ok(served) => {
                    served?;
                    cut
                }
                Err(_) => true,
            }
        }
    };
    if let Some(reason) = library.failed() {
        // Nothing to flush: sled refuses writes after an I/O error.
        return Err(ServerError::StorageFailed(reason.to_owned()));
    }
    let flushing = Arc::clone(&library);
    tokio::task::spawn_blocking(move || flushing.flush())
        .await
        .expect("flush task does not panic")?;
    drop(library);
    if cut {
        // The cut-off calls' tasks still hold the library; the process is
        // exiting, and sled has flushed.
        tracing::info!("stopped; database flushed; calls still in flight were cut off");
        return Ok(());
    }
    match tokio::time::timeout(options.request_timeout, closed).await {
        Ok(_) => tracing::info!("stopped; database flushed and closed"),
        Err(_) => tracing::warn!(
            waited_ms = options.request_timeout.as_millis() as u64,
            "stopped; database flushed, but abandoned work still holds it open"
        ),
    }
    Ok(())
}

/// How long closed connections get to finish once shutdown closes them.
const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// Largest header block a client may send (tokens, deadlines, metadata).
const MAX_HEADER_LIST_BYTES: u32 = 16 * 1024;
/// Most concurrent calls on one HTTP/2 connection.
const MAX_STREAMS_PER_CONNECTION: u32 = 256;

fn reflection_builder() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // google.rpc error details, so grpcurl can print BadRequest details.
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
}
