//! Who holds what: a call's place in its connection's count, the caller's
//! address, and the shed-call report that keeps refusals visible in the log
//! without one line per refusal.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tonic::codegen::http::Request;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};

/// Calls in flight per connection (peer address and port).
#[derive(Debug, Default)]
pub(super) struct Connections {
    in_flight: Mutex<HashMap<SocketAddr, usize>>,
}

/// One call's place in its connection's count, given back when dropped.
#[derive(Debug)]
pub(super) struct ConnectionSlot {
    connections: Arc<Connections>,
    address: Option<SocketAddr>,
}

impl ConnectionSlot {
    /// Counts a call on `address`'s connection; the count so far when the
    /// connection already holds `most`.
    pub(super) fn take(
        connections: &Arc<Connections>,
        address: Option<SocketAddr>,
        most: usize,
    ) -> Result<ConnectionSlot, usize> {
        if let Some(address) = address {
            let mut in_flight = lock(&connections.in_flight);
            let count = in_flight.entry(address).or_insert(0);
            if *count >= most {
                return Err(*count);
            }
            *count += 1;
        }
        Ok(ConnectionSlot {
            connections: Arc::clone(connections),
            address,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let Some(address) = self.address else {
            return;
        };
        let mut in_flight = lock(&self.connections.in_flight);
        if let Some(count) = in_flight.get_mut(&address) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&address);
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The caller's address and port: one per connection.
pub(super) fn remote_addr<B>(request: &Request<B>) -> Option<SocketAddr> {
    let extensions = request.extensions();
    let tcp = extensions.get::<TcpConnectInfo>().or_else(|| {
        extensions
            .get::<TlsConnectInfo<TcpConnectInfo>>()
            .map(|tls| tls.get_ref())
    });
    tcp.and_then(TcpConnectInfo::remote_addr)
}

/// Why a call was refused or ended early by the guard.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shed {
    ConnectionFull,
    ServerBusy,
    BodyStalled,
    BodyTooLarge,
    ResponseUnread,
}

/// Most often the shed report is written.
const REPORT_EVERY: Duration = Duration::from_secs(10);

/// Counts shed calls; the first after a quiet spell is logged at once, the
/// rest in one line per [`REPORT_EVERY`].
#[derive(Debug)]
pub(super) struct ShedReport {
    counts: Mutex<(Option<Instant>, [u64; 5])>,
}

impl Default for ShedReport {
    fn default() -> Self {
        ShedReport {
            counts: Mutex::new((None, [0; 5])),
        }
    }
}

impl ShedReport {
    pub(super) fn record(&self, shed: Shed, method: &str, peer: Option<SocketAddr>) {
        crate::metrics::shed(match shed {
            Shed::ConnectionFull => "connection_full",
            Shed::ServerBusy => "server_busy",
            Shed::BodyStalled => "request_stalled",
            Shed::BodyTooLarge => "request_too_large",
            Shed::ResponseUnread => "response_unread",
        });
        let mut counts = lock(&self.counts);
        counts.1[shed as usize] += 1;
        let due = counts.0.is_none_or(|last| last.elapsed() >= REPORT_EVERY);
        if !due {
            return;
        }
        let [connection_full, server_busy, body_stalled, body_too_large, response_unread] =
            counts.1;
        *counts = (Some(Instant::now()), [0; 5]);
        drop(counts);
        tracing::warn!(
            last = ?shed,
            method,
            peer = peer.map(|peer| peer.to_string()),
            connection_full,
            server_busy,
            body_stalled,
            body_too_large,
            response_unread,
            "calls shed since the last report (at most one report per 10 s)"
        );
    }
}
