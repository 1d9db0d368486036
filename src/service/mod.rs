//! gRPC handlers: validate → convert to the domain → call the library on a
//! blocking thread → convert back. The only layer that names tonic or prost.

mod claim_reviews;
mod claims;
mod convert;
mod convert_review;
mod statements;
pub mod wire;

use std::sync::Arc;

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
            Error::NotFound { id } => Status::not_found(format!("statement {id:?} not found")),
            Error::AlreadyExists { id } => Status::already_exists(format!(
                "statement {id:?} already exists with different content"
            )),
            Error::Store(store_error) => {
                tracing::error!(error = %store_error, "storage failure");
                match store_error {
                    StoreError::Damaged { .. } => {
                        Status::data_loss("stored data is damaged; see the server log")
                    }
                    StoreError::Open { .. }
                    | StoreError::Foreign { .. }
                    | StoreError::UnsupportedSchema { .. }
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

/// Runs CPU-bound library work (a check) on the rayon pool, one thread per
/// core: concurrent requests queue there instead of oversubscribing the
/// cores with one blocking thread each (the server's in-flight limit bounds
/// the queue). A panic becomes `INTERNAL`.
async fn compute<T, F>(library: &Arc<Library>, work: F) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Library) -> Result<T, Error> + Send + 'static,
{
    let library = Arc::clone(library);
    let (done, result) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        // The caller gave up (deadline, cancel) while this waited in the
        // queue: skip the work.
        if done.is_closed() {
            return;
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&library)));
        // Let go of the library before answering: once the last answer is
        // out, no job holds the database open (`server::run` relies on it).
        drop(library);
        // The receiver is gone when the client cancelled; nothing to do then.
        let _ = done.send(outcome);
    });
    match result.await {
        Ok(Ok(outcome)) => outcome.map_err(Status::from),
        Ok(Err(_panic)) => {
            tracing::error!("check panicked");
            Err(Status::internal("internal error; see the server log"))
        }
        Err(_) => Err(Status::internal("internal error; see the server log")),
    }
}

/// Runs a blocking library call (storage I/O) off the async threads.
async fn blocking<T, F>(library: &Arc<Library>, work: F) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Library) -> Result<T, Error> + Send + 'static,
{
    let library = Arc::clone(library);
    tokio::task::spawn_blocking(move || work(&library))
        .await
        .map_err(|join_error| {
            tracing::error!(error = %join_error, "blocking task failed");
            Status::internal("internal error; see the server log")
        })?
        .map_err(Status::from)
}
