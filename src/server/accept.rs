//! The accept loop: at most `max_connections` connections at once (fewer
//! when the process's descriptor limit leaves less room), refused ones
//! closed at once rather than left in the backlog; a connection that sends
//! nothing (no HTTP/2 preface, no TLS hello) within the handshake timeout is
//! closed; accept errors back off instead of spinning; when shutdown
//! begins the listener is closed.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use std::future::Future;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// Descriptors kept free for the database, logs and certificates.
pub const DESCRIPTOR_HEADROOM: usize = 128;

/// The connection cap for `wanted`, given the descriptor limit.
pub fn connection_cap(wanted: usize) -> usize {
    match open_files_limit() {
        Some(limit) => wanted.min(limit.saturating_sub(DESCRIPTOR_HEADROOM).max(1)),
        None => wanted,
    }
}

/// The soft limit on open files, from `/proc/self/limits` (Linux).
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Accepts from `listener` on a task of its own; the stream ends when the
/// receiver is dropped.
pub fn incoming(
    listener: TcpListener,
    max_connections: usize,
    handshake_timeout: Duration,
    keepalive: Duration,
    mut stopping: tokio::sync::watch::Receiver<bool>,
    closing: tokio::sync::watch::Receiver<bool>,
) -> ReceiverStream<io::Result<Admitted>> {
    let (sender, receiver) = mpsc::channel(16);
    let slots = Arc::new(Semaphore::new(max_connections));
    tokio::spawn(async move {
        let mut refused = 0u64;
        let mut last_report: Option<Instant> = None;
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of descriptors or similar: wait, do not spin.
                        tracing::warn!(%error, "accept failed; retrying in 100 ms");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = sender.closed() => return,
                // Shutdown: the listener closes, new connections are refused.
                () = async {
                    let _ = stopping.wait_for(|stopping| *stopping).await;
                } => return,
            };
            let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                refused += 1;
                if last_report.is_none_or(|last| last.elapsed() >= Duration::from_secs(10)) {
                    tracing::warn!(
                        %peer,
                        refused,
                        max_connections,
                        "connection refused: at the connection cap (count since the last report)"
                    );
                    refused = 0;
                    last_report = Some(Instant::now());
                }
                drop(stream);
                continue;
            };
            // Nagle's algorithm would add ~40 ms to small responses; TCP
            // keepalive finds peers that vanished without a FIN.
            let _ = stream.set_nodelay(true);
            let keepalive = socket2::TcpKeepalive::new().with_time(keepalive);
            let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
            let admitted = Admitted {
                stream,
                _slot: slot,
                handshake: Some(Box::pin(tokio::time::sleep(handshake_timeout))),
                closing: closed_when(closing.clone()),
            };
            if sender.send(Ok(admitted)).await.is_err() {
                return;
            }
        }
    });
    ReceiverStream::new(receiver)
}

/// Completes once `closing` turns true.
fn closed_when(
    mut closing: tokio::sync::watch::Receiver<bool>,
) -> Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
    Box::pin(async move {
        let _ = closing.wait_for(|closing| *closing).await;
    })
}

/// An accepted connection: holds its place under the cap, and fails its
/// reads if the client sends nothing within the handshake timeout.
pub struct Admitted {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
    /// Completes when the server closes every connection (shutdown, once
    /// no call is left in flight): reads then see the end of the stream.
    closing: Pin<Box<dyn Future<Output = ()> + Send + Sync>>,
    /// Running until the first bytes arrive.
    handshake: Option<Pin<Box<Sleep>>>,
}

impl std::fmt::Debug for Admitted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admitted")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

impl Connected for Admitted {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.stream.connect_info()
    }
}

impl AsyncRead for Admitted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.closing.as_mut().poll(cx).is_ready() {
            // End of stream: hyper ends the connection.
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        match &polled {
            Poll::Ready(Ok(())) if buf.filled().len() > before => self.handshake = None,
            Poll::Pending => {
                if let Some(timer) = self.handshake.as_mut() {
                    if timer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "the client sent nothing within the handshake timeout",
                        )));
                    }
                }
            }
            _ => {}
        }
        polled
    }
}

impl AsyncWrite for Admitted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
