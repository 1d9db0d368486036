//! The tonic server: factdesk services plus `grpc.health.v1`, reflection
//! (v1 and v1alpha), message-size limits, a per-request timeout, gzip, and
//! graceful shutdown that flushes the database.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;

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
    /// Calls running longer than this end with `CANCELLED`/`DEADLINE_EXCEEDED`.
    pub request_timeout: Duration,
    /// Weights of the claimant and claim-time ranking signals.
    pub ranking: RankingParams,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            max_message_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            ranking: RankingParams::default(),
        }
    }
}

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("gRPC transport failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection setup failed: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("final flush failed: {0}")]
    Flush(#[from] crate::Error),
}

/// Serves on `listener` until `shutdown` completes, then lets in-flight calls
/// finish and flushes the database.
pub async fn run(
    listener: TcpListener,
    library: Arc<Library>,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    let statements = StatementServiceServer::new(StatementApi::new(Arc::clone(&library)))
        .max_decoding_message_size(options.max_message_bytes)
        .max_encoding_message_size(options.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    let claims =
        ClaimServiceServer::new(ClaimApi::new(Arc::clone(&library), options.ranking.clone()))
            .max_decoding_message_size(options.max_message_bytes)
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
        tracing::info!(%address, statements = library.len(), "serving");
    }
    // Health turns NOT_SERVING as soon as shutdown starts, so load balancers
    // stop sending new calls while in-flight ones finish.
    let shutdown = async move {
        shutdown.await;
        health_reporter
            .set_not_serving::<StatementServiceServer<StatementApi>>()
            .await;
        health_reporter
            .set_not_serving::<ClaimServiceServer<ClaimApi>>()
            .await;
        health_reporter
            .set_service_status("", tonic_health::ServingStatus::NotServing)
            .await;
    };
    // Nagle's algorithm would add ~40 ms to small responses.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    Server::builder()
        .timeout(options.request_timeout)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(statements)
        .add_service(claims)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    let flushing = Arc::clone(&library);
    tokio::task::spawn_blocking(move || flushing.flush())
        .await
        .expect("flush task does not panic")?;
    tracing::info!("stopped; database flushed");
    Ok(())
}

fn reflection_builder() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // google.rpc error details, so grpcurl can print BadRequest details.
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "shutting down"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutting down"),
    }
}
