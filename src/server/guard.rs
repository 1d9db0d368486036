//! The tower layer in front of every factdesk RPC: bearer-token access
//! control, a limit on calls in flight (excess calls get `RESOURCE_EXHAUSTED`
//! at once) with half of it the most one connection may hold and an eighth
//! more kept for write-token holders, and a deadline (the client's
//! `grpc-timeout`, capped by the server's request timeout) that ends with
//! `DEADLINE_EXCEEDED`. Health and reflection pass straight through.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Semaphore;
use tonic::body::Body;
use tonic::codegen::http::{HeaderMap, Request, Response};
use tonic::transport::server::TcpConnectInfo;
use tonic::transport::server::TlsConnectInfo;
use tonic::Status;
use tower_layer::Layer;
use tower_service::Service;

use crate::auth::{Access, AccessPolicy};

/// Shared state of the guard: the policy, the permits, the timeout.
#[derive(Debug)]
struct State {
    policy: AccessPolicy,
    permits: Arc<Semaphore>,
    /// Kept for write-token holders when `permits` are all taken.
    reserve: Arc<Semaphore>,
    max_in_flight: usize,
    /// Most calls in flight on one connection.
    per_connection: usize,
    /// Calls in flight per connection (peer address and port).
    connections: Mutex<HashMap<SocketAddr, usize>>,
    request_timeout: Duration,
}

/// Builds [`Guard`] services; see the module docs.
#[derive(Clone, Debug)]
pub struct GuardLayer {
    state: Arc<State>,
}

impl GuardLayer {
    pub fn new(policy: AccessPolicy, max_in_flight: usize, request_timeout: Duration) -> Self {
        GuardLayer {
            state: Arc::new(State {
                policy,
                permits: Arc::new(Semaphore::new(max_in_flight)),
                reserve: Arc::new(Semaphore::new((max_in_flight / 8).max(1))),
                max_in_flight,
                per_connection: (max_in_flight / 2).max(1),
                connections: Mutex::new(HashMap::new()),
                request_timeout,
            }),
        }
    }
}

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            state: Arc::clone(&self.state),
        }
    }
}

/// The guarded service.
#[derive(Clone, Debug)]
pub struct Guard<S> {
    inner: S,
    state: Arc<State>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, B> Service<Request<B>> for Guard<S>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone may not be ready; the one poll_ready readied is used now.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let access = Access::of_path(request.uri().path());
        if access == Access::Open {
            return Box::pin(inner.call(request));
        }
        let authorization = request
            .headers()
            .get(tonic::codegen::http::header::AUTHORIZATION)
            .map(|value| value.as_bytes());
        if let Err(status) = self.state.policy.authorize(access, authorization) {
            tracing::warn!(
                method = logged_path(request.uri().path()),
                peer = peer(&request),
                code = ?status.code(),
                "call refused"
            );
            return refuse(status);
        }
        let connection = match ConnectionSlot::take(&self.state, remote_addr(&request)) {
            Ok(slot) => slot,
            Err(in_flight) => {
                tracing::debug!(
                    method = logged_path(request.uri().path()),
                    "call shed: connection full"
                );
                return refuse(Status::resource_exhausted(format!(
                    "this connection already has {in_flight} calls in flight; open another \
                     connection or retry with backoff"
                )));
            }
        };
        let permit = Arc::clone(&self.state.permits)
            .try_acquire_owned()
            .or_else(|_| {
                if self.state.policy.is_writer(authorization) {
                    Arc::clone(&self.state.reserve).try_acquire_owned()
                } else {
                    Err(tokio::sync::TryAcquireError::NoPermits)
                }
            });
        let Ok(permit) = permit else {
            tracing::debug!(method = logged_path(request.uri().path()), "call shed");
            return refuse(Status::resource_exhausted(format!(
                "server busy: {} calls already in flight; retry with backoff",
                self.state.max_in_flight
            )));
        };
        let client_deadline = grpc_timeout(request.headers());
        let deadline = client_deadline.map_or(self.state.request_timeout, |client| {
            client.min(self.state.request_timeout)
        });
        Box::pin(async move {
            let _permit = permit;
            let _connection = connection;
            match tokio::time::timeout(deadline, inner.call(request)).await {
                Ok(response) => response.map(decode_errors_are_invalid_arguments),
                Err(_elapsed) => Ok(Status::deadline_exceeded(format!(
                    "deadline of {} ms exceeded ({})",
                    deadline.as_millis(),
                    if client_deadline == Some(deadline) {
                        "the client's grpc-timeout"
                    } else {
                        "the server's request timeout"
                    }
                ))
                .into_http()),
            }
        })
    }
}

/// tonic answers a request it cannot decode (truncated bytes, a string
/// that is not UTF-8) with INTERNAL; the fault is the caller's, so the
/// status becomes INVALID_ARGUMENT, message kept. Such answers carry their
/// status in the headers (no message was ever handled).
fn decode_errors_are_invalid_arguments(mut response: Response<Body>) -> Response<Body> {
    let headers = response.headers_mut();
    let internal = headers
        .get("grpc-status")
        .is_some_and(|status| status.as_bytes() == b"13");
    let undecodable = headers.get("grpc-message").is_some_and(|message| {
        let message = message.as_bytes();
        message.starts_with(b"failed to decode Protobuf message")
            || message.starts_with(b"failed%20to%20decode%20Protobuf%20message")
    });
    if internal && undecodable {
        headers.insert(
            "grpc-status",
            tonic::codegen::http::HeaderValue::from_static("3"),
        );
    }
    response
}

fn refuse<E>(status: Status) -> BoxFuture<Result<Response<Body>, E>>
where
    E: Send + 'static,
{
    Box::pin(std::future::ready(Ok(status.into_http())))
}

/// One call's place in its connection's count, given back when dropped.
struct ConnectionSlot {
    state: Arc<State>,
    address: Option<SocketAddr>,
}

impl ConnectionSlot {
    /// Counts a call on `address`'s connection; the count so far when the
    /// connection already holds its share.
    fn take(state: &Arc<State>, address: Option<SocketAddr>) -> Result<ConnectionSlot, usize> {
        if let Some(address) = address {
            let mut connections = state
                .connections
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let in_flight = connections.entry(address).or_insert(0);
            if *in_flight >= state.per_connection {
                return Err(*in_flight);
            }
            *in_flight += 1;
        }
        Ok(ConnectionSlot {
            state: Arc::clone(state),
            address,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let Some(address) = self.address else {
            return;
        };
        let mut connections = self
            .state
            .connections
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(in_flight) = connections.get_mut(&address) {
            *in_flight -= 1;
            if *in_flight == 0 {
                connections.remove(&address);
            }
        }
    }
}

/// The caller's address and port: one per connection.
fn remote_addr<B>(request: &Request<B>) -> Option<SocketAddr> {
    let extensions = request.extensions();
    let tcp = extensions.get::<TcpConnectInfo>().or_else(|| {
        extensions
            .get::<TlsConnectInfo<TcpConnectInfo>>()
            .map(|tls| tls.get_ref())
    });
    tcp.and_then(TcpConnectInfo::remote_addr)
}

/// The caller's address, for the log.
fn peer<B>(request: &Request<B>) -> Option<String> {
    let extensions = request.extensions();
    let tcp = extensions.get::<TcpConnectInfo>().or_else(|| {
        extensions
            .get::<TlsConnectInfo<TcpConnectInfo>>()
            .map(|tls| tls.get_ref())
    });
    tcp.and_then(TcpConnectInfo::remote_addr)
        .map(|address| address.to_string())
}

/// The client's deadline from `grpc-timeout` (1-8 digits and a unit:
/// H, M, S, m, u, n). A malformed header is ignored, as gRPC servers do.
pub fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().unwrap());
        grpc_timeout(&headers)
    }

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("99999999u"), Some(Duration::from_micros(99_999_999)));
        assert_eq!(parse("7n"), Some(Duration::from_nanos(7)));
    }

    #[test]
    fn malformed_grpc_timeouts_are_ignored() {
        for value in ["", "S", "123456789S", "12x", "-1S", "1.5S", "１S"] {
            if let Ok(header) = value.parse() {
                let mut headers = HeaderMap::new();
                headers.insert("grpc-timeout", header);
                assert_eq!(grpc_timeout(&headers), None, "{value:?}");
            }
        }
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }
}

/// Longest method path written to the log: a refused caller picks the path,
/// and 8 KB paths times thousands of calls would fill the disk.
const LOGGED_PATH_BYTES: usize = 128;

/// The method path as logged: at most [`LOGGED_PATH_BYTES`], cut at a
/// character boundary, marked when cut.
fn logged_path(path: &str) -> String {
    if path.len() <= LOGGED_PATH_BYTES {
        return path.to_owned();
    }
    let mut end = LOGGED_PATH_BYTES;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &path[..end], path.len())
}

#[cfg(test)]
mod logged_path_tests {
    use super::logged_path;

    #[test]
    fn long_paths_are_cut_for_the_log() {
        assert_eq!(
            logged_path("/factdesk.v1.ClaimService/CheckClaim"),
            "/factdesk.v1.ClaimService/CheckClaim"
        );
        let long = format!("/{}", "é".repeat(4000));
        let logged = logged_path(&long);
        assert!(logged.len() < 160, "{logged}");
        assert!(logged.ends_with("(8001 bytes)"), "{logged}");
    }
}
