//! The tower layer in front of every factdesk RPC: bearer-token access
//! control; a limit on calls in flight (excess calls get `RESOURCE_EXHAUSTED`
//! at once), with half of it the most one connection may hold and an eighth
//! more kept for write-token holders; per-method request byte limits and a
//! request-body idle timeout, so a stalled or oversized request gives its
//! slot back; and a deadline (the client's `grpc-timeout`, capped by the
//! server's request timeout) that ends the call with `DEADLINE_EXCEEDED` and
//! drops a response the client has not read by then. A call's slots are
//! held until its response has been sent. Health and reflection pass
//! straight through. Live transcript streams take their own slots (at most
//! half of them on one connection), with idle and total limits of their
//! own.

mod access;
mod bodies;
mod slots;
mod timeout;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{oneshot, watch, Semaphore};
use tonic::body::Body;
use tonic::codegen::http::{Request, Response};
use tonic::Status;
use tower_layer::Layer;
use tower_service::Service;

use super::lifecycle::UntilShutdown;
use crate::auth::{Access, AccessPolicy};
use crate::model::limits::{
    MAX_ARTICLE_REQUEST_BYTES, MAX_CHECK_REQUEST_BYTES, MAX_READ_REQUEST_BYTES,
};
use access::AccessLog;
use bodies::{Fault, Incoming, Intake, Outgoing};
use slots::{remote_addr, ConnectionSlot, Connections, Shed, ShedReport};
use timeout::logged_path;
use tracing::Instrument;

pub use timeout::grpc_timeout;

/// gRPC framing before each message: a compression flag and a length.
const FRAME_HEADER_BYTES: usize = 5;

/// Shared state of the guard: the policy, the permits, the timeout.
#[derive(Debug)]
struct State {
    policy: AccessPolicy,
    permits: Arc<Semaphore>,
    /// Kept for write-token holders when `permits` are all taken.
    reserve: Arc<Semaphore>,
    /// Slots of live transcript streams, apart from `permits`; at most
    /// half of them on one connection.
    streams: Arc<Semaphore>,
    stream_connections: Arc<Connections>,
    transcripts: super::TranscriptLimits,
    max_in_flight: usize,
    /// Most calls in flight on one connection.
    per_connection: usize,
    connections: Arc<Connections>,
    request_timeout: Duration,
    /// Longest wait for the next bytes of a unary request.
    request_body_timeout: Duration,
    shed: ShedReport,
    /// Turns true when shutdown begins; open-ended streams then end.
    stopping: watch::Receiver<bool>,
    /// Health and reflection responses still being sent.
    open_streams: Arc<std::sync::atomic::AtomicUsize>,
}

/// Builds [`Guard`] services; see the module docs.
#[derive(Clone, Debug)]
pub struct GuardLayer {
    state: Arc<State>,
}

impl GuardLayer {
    pub fn new(options: &super::ServerOptions, stopping: watch::Receiver<bool>) -> Self {
        let max_in_flight = options.max_in_flight;
        GuardLayer {
            state: Arc::new(State {
                policy: options.access.clone(),
                permits: Arc::new(Semaphore::new(max_in_flight)),
                reserve: Arc::new(Semaphore::new((max_in_flight / 8).max(1))),
                streams: Arc::new(Semaphore::new(options.transcripts.max_streams)),
                stream_connections: Arc::default(),
                transcripts: options.transcripts.clone(),
                max_in_flight,
                per_connection: (max_in_flight / 2).max(1),
                connections: Arc::default(),
                request_timeout: options.request_timeout,
                request_body_timeout: options.request_body_timeout,
                shed: ShedReport::default(),
                stopping,
                open_streams: Arc::default(),
            }),
        }
    }
}

impl GuardLayer {
    /// Completes when no factdesk call holds a slot and every health or
    /// reflection stream has ended (checked every 20 ms), and 50 ms more
    /// for their last frames to reach the socket: during shutdown, the
    /// moment idle connections can be closed.
    pub fn calls_done(&self) -> impl Future<Output = ()> + Send + 'static {
        let state = Arc::clone(&self.state);
        let reserve = state.reserve.available_permits();
        let streams = state.transcripts.max_streams;
        async move {
            while state.permits.available_permits() < state.max_in_flight
                || state.reserve.available_permits() < reserve
                || state.streams.available_permits() < streams
                || state.open_streams.load(std::sync::atomic::Ordering::SeqCst) > 0
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
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
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<tonic::codegen::StdError>,
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
        let path = request.uri().path();
        let access = Access::of_path(path);
        if access == Access::Open {
            // Health Watch and reflection streams end when shutdown begins.
            let stopping = self.state.stopping.clone();
            let open = Arc::clone(&self.state.open_streams);
            let call = inner.call(request.map(Body::new));
            return Box::pin(async move {
                let response = call.await?;
                Ok(response.map(|body| Body::new(UntilShutdown::new(body, stopping, &open))))
            });
        }
        let state = &self.state;
        let method = logged_path(path);
        let peer = remote_addr(&request);
        let request_id = access::request_id(request.headers());
        let authorization = request
            .headers()
            .get(tonic::codegen::http::header::AUTHORIZATION)
            .map(|value| value.as_bytes());
        if let Err(status) = state.policy.authorize(access, authorization) {
            tracing::warn!(
                method,
                peer = peer.map(|peer| peer.to_string()),
                request_id,
                code = ?status.code(),
                "call refused"
            );
            return refuse(status, &request_id);
        }
        let connection = match ConnectionSlot::take(&state.connections, peer, state.per_connection)
        {
            Ok(slot) => slot,
            Err(in_flight) => {
                state.shed.record(Shed::ConnectionFull, &method, peer);
                return refuse(
                    Status::resource_exhausted(format!(
                        "this connection already has {in_flight} calls in flight; open another \
                         connection or retry with backoff"
                    )),
                    &request_id,
                );
            }
        };
        let transcript = path == TRANSCRIPT_PATH;
        // One connection may hold at most half of the transcript slots.
        let stream_slot = if transcript {
            let most = (state.transcripts.max_streams / 2).max(1);
            match ConnectionSlot::take(&state.stream_connections, peer, most) {
                Ok(slot) => Some(slot),
                Err(open) => {
                    state.shed.record(Shed::ConnectionFull, &method, peer);
                    return refuse(
                        Status::resource_exhausted(format!(
                            "this connection already has {open} transcript streams open; open \
                             another connection or retry later"
                        )),
                        &request_id,
                    );
                }
            }
        } else {
            None
        };
        let permit = if transcript {
            Arc::clone(&state.streams).try_acquire_owned()
        } else {
            Arc::clone(&state.permits).try_acquire_owned().or_else(|_| {
                if state.policy.is_writer(authorization) {
                    Arc::clone(&state.reserve).try_acquire_owned()
                } else {
                    Err(tokio::sync::TryAcquireError::NoPermits)
                }
            })
        };
        let Ok(permit) = permit else {
            if transcript {
                state.shed.record(Shed::ServerBusy, &method, peer);
                return refuse(
                    Status::resource_exhausted(format!(
                        "server busy: {} transcript streams already open; retry later",
                        state.transcripts.max_streams
                    )),
                    &request_id,
                );
            }
            state.shed.record(Shed::ServerBusy, &method, peer);
            return refuse(
                Status::resource_exhausted(format!(
                    "server busy: {} calls already in flight; retry with backoff",
                    state.max_in_flight
                )),
                &request_id,
            );
        };
        let client_deadline = grpc_timeout(request.headers());
        // A live transcript lasts as long as the event, up to its own cap.
        let server_cap = if transcript {
            state.transcripts.max_duration
        } else {
            state.request_timeout
        };
        let deadline = client_deadline.map_or(server_cap, |client| client.min(server_cap));
        let expires = tokio::time::Instant::now() + deadline;
        let (fault_sender, fault) = oneshot::channel();
        let intake = intake_of(path, state.request_body_timeout, state.transcripts.idle);
        let mut request = request.map(|body| Body::new(Incoming::new(body, intake, fault_sender)));
        let held: bodies::Held = Arc::new((permit, connection, stream_slot, InFlight::new()));
        // Work the handler hands to other threads keeps the slots too.
        request.extensions_mut().insert(crate::service::CallToken {
            held: Arc::clone(&held),
            deadline: expires.into_std(),
        });
        let state = Arc::clone(state);
        let span = tracing::info_span!("call", request_id = %request_id, method = %method);
        let log = Arc::new(AccessLog::new(method.clone(), peer, request_id.clone()));
        let call = async move {
            let fault = async {
                match fault.await {
                    Ok(fault) => fault,
                    // The request arrived whole: no fault can come.
                    Err(_) => std::future::pending().await,
                }
            };
            let call = tokio::time::timeout_at(expires, inner.call(request));
            let response = tokio::select! {
                fault = fault => {
                    let shed = match fault {
                        Fault::TooLarge { .. } => Shed::BodyTooLarge,
                        Fault::Stalled { .. } => Shed::BodyStalled,
                    };
                    let status = fault.status();
                    state.shed.record(shed, &method, peer);
                    return Ok(answered(status, &request_id, &log));
                }
                response = call => response,
            };
            let Ok(response) = response else {
                return Ok(answered(
                    Status::deadline_exceeded(format!(
                        "deadline of {} ms exceeded ({})",
                        deadline.as_millis(),
                        if client_deadline == Some(deadline) {
                            "the client's grpc-timeout"
                        } else {
                            "the server's request timeout"
                        }
                    )),
                    &request_id,
                    &log,
                ));
            };
            let mut response = response?;
            access::echo(response.headers_mut(), &request_id);
            log.status_from(response.headers());
            Ok(response.map(|body| {
                Body::new(Outgoing::new(body, held, log, expires, move || {
                    state.shed.record(Shed::ResponseUnread, &method, peer);
                }))
            }))
        };
        Box::pin(call.instrument(span))
    }
}

/// The one method whose calls last as long as a live event.
const TRANSCRIPT_PATH: &str = "/factdesk.v1.ClaimService/CheckTranscript";

/// What the guard waits for of a request to `path`: reads are small and
/// unary; CheckClaim may carry three full filter lists, CheckArticle a
/// document; writes are bounded by the message limit; an import streams at
/// the client's pace, and a transcript at the speakers' (with pauses up to
/// `transcript_idle`).
fn intake_of(path: &str, idle: Duration, transcript_idle: Duration) -> Intake {
    let method = path.rsplit('/').next().unwrap_or_default();
    let max_bytes = match method {
        "CheckClaim" => Some(MAX_CHECK_REQUEST_BYTES + FRAME_HEADER_BYTES),
        "CheckArticle" => Some(MAX_ARTICLE_REQUEST_BYTES + FRAME_HEADER_BYTES),
        "GetStatement" | "ListStatements" => Some(MAX_READ_REQUEST_BYTES + FRAME_HEADER_BYTES),
        _ => None,
    };
    let idle = match method {
        "ImportStatements" => None,
        "CheckTranscript" => Some(transcript_idle),
        _ => Some(idle),
    };
    Intake { max_bytes, idle }
}

/// Counts a call in the in-flight gauge while it holds its slot.
struct InFlight;

impl InFlight {
    fn new() -> InFlight {
        crate::metrics::in_flight(1.0);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        crate::metrics::in_flight(-1.0);
    }
}

/// The guard's own answer to an admitted call, logged and with its id.
fn answered(status: Status, request_id: &str, log: &AccessLog) -> Response<Body> {
    let mut response = status.into_http();
    access::echo(response.headers_mut(), request_id);
    log.status_from(response.headers());
    response
}

fn refuse<E>(status: Status, request_id: &str) -> BoxFuture<Result<Response<Body>, E>>
where
    E: Send + 'static,
{
    let mut response = status.into_http();
    access::echo(response.headers_mut(), request_id);
    Box::pin(std::future::ready(Ok(response)))
}
