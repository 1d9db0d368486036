//! What the library does when its store fails a write (the disk is full, a
//! device errors): sled 0.34 cannot take back what the failed write left in
//! its memory, nor write again after an I/O error, so the library stops
//! answering at once — every call then gets `UNAVAILABLE`, and no one can
//! read part of a batch that was never made durable — and tells the server,
//! which reports NOT_SERVING and exits for its supervisor to restart it.
//! sled's recovery at the restart keeps exactly what was acknowledged.

use std::sync::OnceLock;

use tokio::sync::watch;

use super::Library;
use crate::error::Error;

/// The first storage failure, once there is one.
#[derive(Debug)]
pub(super) struct Failure {
    first: OnceLock<String>,
    notice: watch::Sender<bool>,
}

impl Default for Failure {
    fn default() -> Self {
        Failure {
            first: OnceLock::new(),
            notice: watch::Sender::new(false),
        }
    }
}

impl Library {
    /// A receiver that turns `true` when the store has failed a write.
    pub fn failures(&self) -> watch::Receiver<bool> {
        self.failure.notice.subscribe()
    }

    /// Why the library stopped answering, if it has.
    pub fn failed(&self) -> Option<&str> {
        self.failure.first.get().map(String::as_str)
    }

    /// `UNAVAILABLE` once the store has failed a write.
    pub(super) fn usable(&self) -> Result<(), Error> {
        match self.failure.first.get() {
            Some(reason) => Err(Error::Unavailable {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Passes a store write's result through; a storage error stops the
    /// library (see the module docs).
    pub(super) fn written<T>(
        &self,
        result: Result<T, crate::store::StoreError>,
    ) -> Result<T, Error> {
        result.map_err(|error| {
            if self.failure.first.set(error.to_string()).is_ok() {
                tracing::error!(
                    %error,
                    "a write failed in storage: refusing every call and stopping; acknowledged \
                     writes are safe, the failed one was not acknowledged"
                );
                self.failure.notice.send_replace(true);
            }
            Error::Store(error)
        })
    }
}
