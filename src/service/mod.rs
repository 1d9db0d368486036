//! gRPC handlers: validate → convert to the domain → call the library on a
//! blocking thread → convert back. The only layer that names tonic or prost.

mod claim_reviews;
mod claims;
mod convert;
mod convert_review;
mod sentences;
mod statements;
mod transcripts;
pub mod wire;

use std::sync::Arc;
use std::time::Instant;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::Error;
use crate::library::Library;
use crate::model::FieldError;
use crate::store::StoreError;

pub use claims::ClaimApi;
pub use convert::{statement_from_proto, statement_to_proto};
pub use statements::StatementApi;

/// `INVALID_ARGUMENT` with a google.rpc.BadRequest naming the field.
pub fn invalid_argument(error: FieldError) -> Status {
    let details = ErrorDetails::with_bad_request_violation(&error.field, &error.description);
    Status::with_error_details(Code::InvalidArgument, error.to_string(), details)
}

impl From<Error> for Status {
    fn from(error: Error) -> Status {
        match error {
            Error::InvalidArgument(field_error) => invalid_argument(field_error),
            Error::Unavailable { .. } => Status::unavailable(
                "storage failed; the server is stopping to restart. Acknowledged writes are \
                 safe; retry shortly",
            ),
            Error::NotFound { id } => Status::not_found(format!("statement {id:?} not found")),
            Error::AlreadyExists { id } => Status::already_exists(format!(
                "statement {id:?} already exists with different content"
            )),
            Error::Aborted {
                id,
                expected,
                current,
            } => Status::aborted(format!(
                "statement {id:?} has changed since it was read: etag {expected:?} is not the \
                 current {current:?}; get it again, reapply the change and retry"
            )),
            Error::Store(store_error) => {
                tracing::error!(error = %store_error, "storage failure");
                match store_error {
                    StoreError::Damaged { .. } => {
                        Status::data_loss("stored data is damaged; see the server log")
                    }
                    StoreError::Open { .. }
                    | StoreError::Locked { .. }
                    | StoreError::Missing { .. }
                    | StoreError::Foreign { .. }
                    | StoreError::UnsupportedSchema { .. }
                    | StoreError::File { .. }
                    | StoreError::Engine(_) => {
                        Status::internal("internal storage error; see the server log")
                    }
                }
            }
            Error::Embed(embed_error) => {
                tracing::error!(error = %embed_error, "embedding failure");
                Status::internal("internal embedding error; see the server log")
            }
        }
    }
}

/// What the server's guard lends a call, in its request extensions: the
/// call's slots (given back only when every piece of its work has let go,
/// so work left running past a deadline still counts against the limits)
/// and its deadline (work not yet started by then is skipped).
#[derive(Clone)]
pub struct CallToken {
    pub held: Arc<dyn Send + Sync>,
    pub deadline: Instant,
}

impl std::fmt::Debug for CallToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallToken")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl CallToken {
    /// The token of `request`, when it came through the guard.
    pub fn of<T>(request: &tonic::Request<T>) -> Option<CallToken> {
        request.extensions().get::<CallToken>().cloned()
    }

    fn expired(token: Option<&CallToken>) -> bool {
        token.is_some_and(|token| Instant::now() >= token.deadline)
    }
}

/// Runs CPU-bound library work (a check) on the rayon pool, one thread per
/// core: concurrent requests queue there instead of oversubscribing the
/// cores with one blocking thread each (the server's in-flight limit bounds
/// the queue). Work whose caller has gone or whose deadline has passed
/// before it starts is skipped. A panic becomes `INTERNAL`.
async fn compute<T, F>(
    library: &Arc<Library>,
    token: Option<CallToken>,
    work: F,
) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Library) -> Result<T, Error> + Send + 'static,
{
    run_off_thread(library, token, work, rayon::spawn).await
}

/// Runs a blocking library call (storage I/O) off the async threads, on
/// the same terms as [`compute`].
async fn blocking<T, F>(
    library: &Arc<Library>,
    token: Option<CallToken>,
    work: F,
) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Library) -> Result<T, Error> + Send + 'static,
{
    run_off_thread(library, token, work, |job| {
        tokio::task::spawn_blocking(job);
    })
    .await
}

async fn run_off_thread<T, F>(
    library: &Arc<Library>,
    token: Option<CallToken>,
    work: F,
    spawn: impl FnOnce(Box<dyn FnOnce() + Send>),
) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Library) -> Result<T, Error> + Send + 'static,
{
    let library = Arc::clone(library);
    let (done, result) = tokio::sync::oneshot::channel();
    spawn(Box::new(move || {
        // The caller gave up (deadline, cancel) while this waited in the
        // queue: skip the work.
        if done.is_closed() || CallToken::expired(token.as_ref()) {
            return;
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&library)));
        // Let go of the library before answering: once the last answer is
        // out, no job holds the database open (`server::run` relies on it).
        drop(library);
        // The call's slots go back only now, when the work is done.
        drop(token);
        // The receiver is gone when the client cancelled; nothing to do then.
        let _ = done.send(outcome);
    }));
    match result.await {
        Ok(Ok(outcome)) => outcome.map_err(Status::from),
        Ok(Err(_panic)) => {
            tracing::error!("library call panicked");
            Err(Status::internal("internal error; see the server log"))
        }
        Err(_) => Err(Status::deadline_exceeded(
            "the deadline passed before the work started",
        )),
    }
}
