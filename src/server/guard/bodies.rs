//! The guard's hold on a call's bodies. [`Incoming`] counts request bytes
//! against the method's limit and notices a request that stops arriving;
//! [`Outgoing`] keeps the call's slots until the response has been sent, and
//! drops the response (and the slots) at the deadline when the client does
//! not read it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::oneshot;
use tokio::time::{Instant, Sleep};
use tonic::body::Body;
use tonic::Status;

/// Why the guard ended a call while its request was arriving.
#[derive(Debug)]
pub(super) enum Fault {
    /// More request bytes than the method can need.
    TooLarge { limit: usize },
    /// No request bytes for this long.
    Stalled { idle: Duration },
}

/// How much of a request the guard waits for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Intake {
    /// Most request bytes (gRPC framing included); `None`: tonic's message
    /// limit only.
    pub max_bytes: Option<usize>,
    /// Longest wait for the next request bytes; `None` for streams, whose
    /// pace is the client's.
    pub idle: Option<Duration>,
}

/// A request body under an [`Intake`]; on a fault it tells the guard and
/// yields nothing more (the guard ends the call).
pub(super) struct Incoming<B> {
    inner: B,
    intake: Intake,
    received: usize,
    timer: Option<Pin<Box<Sleep>>>,
    fault: Option<oneshot::Sender<Fault>>,
    finished: bool,
}

impl<B> Incoming<B> {
    pub(super) fn new(inner: B, intake: Intake, fault: oneshot::Sender<Fault>) -> Self {
        Incoming {
            inner,
            intake,
            received: 0,
            timer: intake.idle.map(|idle| Box::pin(tokio::time::sleep(idle))),
            fault: Some(fault),
            finished: false,
        }
    }
}

impl<B> HttpBody for Incoming<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<tonic::codegen::StdError>,
{
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        if this.fault.is_none() {
            // Faulted: the guard is ending the call, or the handler has
            // been told.
            return if this.finished {
                Poll::Ready(None)
            } else {
                Poll::Pending
            };
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len();
                    if let Some(limit) = this.intake.max_bytes {
                        if this.received > limit {
                            return this.fail(Fault::TooLarge { limit });
                        }
                    }
                    if let (Some(timer), Some(idle)) = (this.timer.as_mut(), this.intake.idle) {
                        timer.as_mut().reset(Instant::now() + idle);
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                this.finished = true;
                this.timer = None;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(error))) => {
                Poll::Ready(Some(Err(Status::from_error(error.into()))))
            }
            Poll::Pending => {
                if let (Some(timer), Some(idle)) = (this.timer.as_mut(), this.intake.idle) {
                    if timer.as_mut().poll(cx).is_ready() {
                        return this.fail(Fault::Stalled { idle });
                    }
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Incoming<B> {
    /// Tells the guard, which ends the call while it waits for the handler.
    /// A streaming call's handler has already answered and reads on: it
    /// gets the fault as its request stream's error instead.
    fn fail(&mut self, fault: Fault) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let Some(sender) = self.fault.take() else {
            return Poll::Pending;
        };
        let status = fault.status();
        if sender.send(fault).is_ok() {
            return Poll::Pending;
        }
        self.finished = true;
        Poll::Ready(Some(Err(status)))
    }
}

impl Fault {
    /// The status the call ends with.
    pub(super) fn status(&self) -> Status {
        match self {
            Fault::TooLarge { limit } => Status::out_of_range(format!(
                "request larger than {limit} bytes, more than this method can need"
            )),
            Fault::Stalled { idle } => Status::deadline_exceeded(format!(
                "no request bytes for {} s: the request stalled",
                idle.as_secs_f32()
            )),
        }
    }
}

/// What a call holds until its response is sent: its permits and slots.
pub(super) type Held = Arc<dyn Send + Sync>;

/// Largest piece of a response handed to hyper at once. hyper keeps the
/// piece it took until the client's window lets it through, so against a
/// client that never reads, this (not the whole response) is what stays
/// after the deadline drops the rest.
const PIECE_BYTES: usize = 16 * 1024;

/// What a response still owes its client, and the slots it holds meanwhile.
struct Pending {
    body: Body,
    /// Data taken from `body` not yet handed to hyper.
    rest: Bytes,
    _held: Held,
    /// Written when the response is done (this is dropped).
    log: Arc<super::access::AccessLog>,
}

/// A response body that releases the call's slots when it has been sent or
/// dropped, hands hyper its data in pieces of at most [`PIECE_BYTES`], and
/// is itself dropped at `deadline` if the client has not read it by then (a
/// client with a zero HTTP/2 window is never polled for data, so the timer
/// cannot wait for a poll).
pub(super) struct Outgoing {
    pending: Arc<Mutex<Option<Pending>>>,
    timer: tokio::task::AbortHandle,
    /// The stream has ended: sent whole, or cut at the deadline.
    done: bool,
}

impl Outgoing {
    pub(super) fn new(
        body: Body,
        held: Held,
        log: Arc<super::access::AccessLog>,
        deadline: Instant,
        on_expiry: impl FnOnce() + Send + 'static,
    ) -> Self {
        let pending = Arc::new(Mutex::new(Some(Pending {
            body,
            rest: Bytes::new(),
            _held: held,
            log,
        })));
        let weak = Arc::downgrade(&pending);
        let timer = tokio::spawn(async move {
            tokio::time::sleep_until(deadline).await;
            if let Some(pending) = weak.upgrade() {
                let unsent = pending
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take();
                if unsent.is_some() {
                    on_expiry();
                }
            }
        })
        .abort_handle();
        Outgoing {
            pending,
            timer,
            done: false,
        }
    }
}

/// The next piece of `rest`, copied: a slice would keep the whole response
/// buffer alive for as long as hyper holds the piece.
fn next_piece(rest: &mut Bytes) -> Bytes {
    let piece = Bytes::copy_from_slice(&rest[..rest.len().min(PIECE_BYTES)]);
    bytes::Buf::advance(rest, piece.len());
    piece
}

impl Drop for Outgoing {
    fn drop(&mut self) {
        self.timer.abort();
    }
}

impl HttpBody for Outgoing {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(owed) = pending.as_mut() else {
            drop(pending);
            if std::mem::replace(&mut self.done, true) {
                return Poll::Ready(None);
            }
            // Resets the stream: the client gets no half message.
            return Poll::Ready(Some(Err(Status::deadline_exceeded(
                "the response was not read before the deadline",
            ))));
        };
        if !owed.rest.is_empty() {
            return Poll::Ready(Some(Ok(Frame::data(next_piece(&mut owed.rest)))));
        }
        let polled = Pin::new(&mut owed.body).poll_frame(cx);
        match polled {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) if data.len() <= PIECE_BYTES => Poll::Ready(Some(Ok(Frame::data(data)))),
                Ok(data) => {
                    owed.rest = data;
                    Poll::Ready(Some(Ok(Frame::data(next_piece(&mut owed.rest)))))
                }
                Err(frame) => {
                    if let Some(trailers) = frame.trailers_ref() {
                        owed.log.status_from(trailers);
                    }
                    Poll::Ready(Some(Ok(frame)))
                }
            },
            Poll::Ready(None) => {
                // Sent: the slots go back now, not when hyper drops the body.
                pending.take();
                drop(pending);
                self.done = true;
                Poll::Ready(None)
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
            || self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .as_ref()
                .is_some_and(|owed| owed.rest.is_empty() && owed.body.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.as_ref().map_or_else(SizeHint::default, |owed| {
            let mut hint = owed.body.size_hint();
            let rest = owed.rest.len() as u64;
            hint.set_lower(hint.lower() + rest);
            if let Some(upper) = hint.upper() {
                hint.set_upper(upper + rest);
            }
            hint
        })
    }
}
