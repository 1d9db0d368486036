//! Stopping: the signals (the first SIGINT or SIGTERM begins a graceful
//! shutdown, a second one cuts it short), and the body that ends open-ended
//! streams (health `Watch`, reflection) once shutdown begins, after passing
//! on what they already hold (the NOT_SERVING update), so a watcher cannot
//! hold the process open.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::watch;
use tonic::body::Body;
use tonic::Status;

/// Counts SIGINT and SIGTERM from the moment it is called; returns a future
/// for the first signal and one for the second.
pub fn signals() -> (
    impl Future<Output = ()> + Send,
    impl Future<Output = ()> + Send,
) {
    let (count, seen) = watch::channel(0u32);
    tokio::spawn(async move {
        loop {
            let name = next_signal().await;
            let n = *count.borrow() + 1;
            if n == 1 {
                tracing::info!(signal = name, "shutting down");
            } else {
                tracing::warn!(signal = name, "second signal: stopping now");
            }
            if count.send(n).is_err() {
                return;
            }
        }
    });
    let mut first = seen.clone();
    let mut second = seen;
    (
        async move {
            let _ = first.wait_for(|n| *n >= 1).await;
        },
        async move {
            let _ = second.wait_for(|n| *n >= 2).await;
        },
    )
}

/// The next SIGINT or SIGTERM, by name.
async fn next_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            tracing::error!("cannot listen for SIGINT and SIGTERM");
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// Completes on the first SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    signals().0.await;
}

/// A response body that ends (UNAVAILABLE, "server shutting down") once
/// `stopping` turns true and the body has nothing ready to send.
pub(super) struct UntilShutdown {
    inner: Body,
    /// Counted while the stream is open (shutdown waits for it to end).
    _open: OpenStream,
    stopping: watch::Receiver<bool>,
    /// `stopping.changed()`, kept across polls so its waker stays registered.
    changed: Pin<Box<dyn Future<Output = ()> + Send>>,
    ended: bool,
}

impl UntilShutdown {
    pub(super) fn new(
        inner: Body,
        stopping: watch::Receiver<bool>,
        open: &Arc<AtomicUsize>,
    ) -> Self {
        let mut waiter = stopping.clone();
        open.fetch_add(1, Ordering::SeqCst);
        UntilShutdown {
            inner,
            _open: OpenStream(Arc::clone(open)),
            stopping,
            changed: Box::pin(async move {
                let _ = waiter.wait_for(|stopping| *stopping).await;
            }),
            ended: false,
        }
    }
}

/// One open stream in the count, taken off when dropped.
struct OpenStream(Arc<AtomicUsize>);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HttpBody for UntilShutdown {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        // What the stream holds (the NOT_SERVING update) goes out first.
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            if frame.is_none() {
                self.ended = true;
            }
            return Poll::Ready(frame);
        }
        let stopping = *self.stopping.borrow() || self.changed.as_mut().poll(cx).is_ready();
        if !stopping {
            return Poll::Pending;
        }
        self.ended = true;
        let mut trailers = tonic::codegen::http::HeaderMap::new();
        trailers.insert("grpc-status", (tonic::Code::Unavailable as i32).into());
        trailers.insert(
            "grpc-message",
            tonic::codegen::http::HeaderValue::from_static("server%20shutting%20down"),
        );
        Poll::Ready(Some(Ok(Frame::trailers(trailers))))
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
