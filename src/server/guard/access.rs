//! The access log: one line per admitted call at `info` — method, peer,
//! request id, gRPC status and latency; never tokens, never claim or
//! statement text — written when the response has been sent (or dropped).
//! The request id comes from the client's `x-request-id` (1–128 visible
//! ASCII characters) or is generated, goes back in the response headers,
//! and names the tracing span every log line of the call is written in.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

use tonic::codegen::http::{HeaderMap, HeaderValue};

/// Longest request id taken from a client.
const MAX_REQUEST_ID: usize = 128;
/// No status seen yet.
const UNKNOWN: i32 = -1;

/// The request id of a call: the client's, when usable, or a new UUID.
pub(super) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            !id.is_empty() && id.len() <= MAX_REQUEST_ID && id.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned)
}

/// Puts the request id in response headers.
pub(super) fn echo(headers: &mut HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", value);
    }
}

/// One call's line, written when dropped.
#[derive(Debug)]
pub(super) struct AccessLog {
    method: String,
    peer: Option<SocketAddr>,
    request_id: String,
    started: Instant,
    code: AtomicI32,
}

impl AccessLog {
    pub(super) fn new(method: String, peer: Option<SocketAddr>, request_id: String) -> Self {
        AccessLog {
            method,
            peer,
            request_id,
            started: Instant::now(),
            code: AtomicI32::new(UNKNOWN),
        }
    }

    /// Records the gRPC status found in `headers` (response headers of an
    /// error answer, or the trailers of a streamed one).
    pub(super) fn status_from(&self, headers: &HeaderMap) {
        let code = headers
            .get("grpc-status")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok());
        if let Some(code) = code {
            self.code.store(code, Ordering::Relaxed);
        }
    }
}

impl Drop for AccessLog {
    fn drop(&mut self) {
        let code = self.code.load(Ordering::Relaxed);
        let status = if code == UNKNOWN {
            // The response ended before its status was sent: the client
            // went away or the deadline dropped it.
            "unfinished".to_owned()
        } else {
            format!("{:?}", tonic::Code::from_i32(code))
        };
        crate::metrics::call(&self.method, &status, self.started.elapsed());
        tracing::info!(
            method = %self.method,
            peer = self.peer.map(|peer| peer.to_string()),
            request_id = %self.request_id,
            status,
            latency_us = self.started.elapsed().as_micros() as u64,
            "call"
        );
    }
}
