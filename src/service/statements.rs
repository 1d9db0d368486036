//! `factdesk.v1.StatementService`: create, import, get, list, update,
//! delete, and the online export.

use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};
use tracing::instrument;

use super::convert::{statement_from_proto, statement_to_proto};
use super::{blocking, invalid_argument};
use crate::error::Error;
use crate::library::{ImportRejection, Library, ListRequest, Update};
use crate::model::limits::MAX_FIELD_BYTES;
use crate::model::limits::{MAX_IMPORT_BATCH, MAX_IMPORT_ERRORS_LISTED};
use crate::model::{check_len, FieldError, UpdateMask};
use crate::pb;
use crate::pb::statement_service_server::StatementService;

/// Handlers for the statement library.
#[derive(Debug)]
pub struct StatementApi {
    library: Arc<Library>,
}

impl StatementApi {
    pub fn new(library: Arc<Library>) -> Self {
        StatementApi { library }
    }
}

/// Longest etag accepted: the server's are 24 characters; a longer one was
/// not issued here and is not echoed back in an error.
const MAX_ETAG_BYTES: usize = 64;

/// The statements of an online export, as they are decoded.
pub type ExportStream =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::Statement, Status>> + Send>>;

/// Statements an export decodes ahead of a slow reader.
const EXPORT_AHEAD: usize = 64;

#[tonic::async_trait]
impl StatementService for StatementApi {
    type ExportStatementsStream = ExportStream;

    #[instrument(skip_all, fields(statements))]
    async fn export_statements(
        &self,
        request: Request<pb::ExportStatementsRequest>,
    ) -> Result<Response<ExportStream>, Status> {
        let token = super::CallToken::of(&request);
        let snapshot = blocking(&self.library, token.clone(), |library| library.snapshot()).await?;
        tracing::Span::current().record("statements", snapshot.len());
        tracing::info!("export started");
        let (sender, receiver) = tokio::sync::mpsc::channel(EXPORT_AHEAD);
        tokio::task::spawn_blocking(move || {
            // The call keeps its slot while its statements are streamed.
            let _token = token;
            for statement in snapshot.statements() {
                let item = statement.map(statement_to_proto).map_err(Status::from);
                if sender.blocking_send(item).is_err() {
                    break; // The client went away.
                }
            }
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(receiver),
        )))
    }

    #[instrument(skip_all, fields(id))]
    async fn create_statement(
        &self,
        request: Request<pb::CreateStatementRequest>,
    ) -> Result<Response<pb::Statement>, Status> {
        let token = super::CallToken::of(&request);
        let request = request.into_inner();
        let proto = required(request.statement)?;
        let mut statement = statement_from_proto(proto)
            .map_err(|error| invalid_argument(error.within("statement")))?;
        let id_field = if request.statement_id.is_empty() {
            "statement.id"
        } else {
            "statement_id"
        };
        if !request.statement_id.is_empty() {
            statement.id = request.statement_id;
        }
        let (stored, created) = blocking(&self.library, token.clone(), move |library| {
            library
                .create(statement)
                .map_err(|error| qualify(error, id_field))
        })
        .await?;
        tracing::Span::current().record("id", stored.id.as_str());
        tracing::info!(created, "statement stored");
        Ok(Response::new(statement_to_proto(stored)))
    }

    #[instrument(skip_all, fields(created, unchanged, rejected))]
    async fn import_statements(
        &self,
        request: Request<Streaming<pb::ImportStatementsRequest>>,
    ) -> Result<Response<pb::ImportStatementsResponse>, Status> {
        let token = super::CallToken::of(&request);
        let mut stream = request.into_inner();
        let mut response = pb::ImportStatementsResponse::default();
        let mut position = 0u64;
        while let Some(message) = stream.message().await? {
            if message.statements.len() > MAX_IMPORT_BATCH {
                return Err(invalid_argument(FieldError::new(
                    "statements",
                    format!("at most {MAX_IMPORT_BATCH} statements per stream message"),
                )));
            }
            let mut batch = Vec::with_capacity(message.statements.len());
            let mut rejected = Vec::new();
            for proto in message.statements {
                let id = proto.id.clone();
                match statement_from_proto(proto) {
                    Ok(statement) => batch.push((position, statement)),
                    Err(error) => rejected.push(ImportRejection {
                        index: position,
                        id,
                        error,
                    }),
                }
                position += 1;
            }
            let report = blocking(&self.library, token.clone(), move |library| {
                library.import_batch(batch)
            })
            .await?;
            response.created_count += report.created as i64;
            response.unchanged_count += report.unchanged as i64;
            response.unrecognized_rating_count += report.unrecognised_ratings as i64;
            rejected.extend(report.rejected);
            rejected.sort_by_key(|rejection| rejection.index);
            response.rejected_count += rejected.len() as i64;
            let room = MAX_IMPORT_ERRORS_LISTED.saturating_sub(response.errors.len());
            response
                .errors
                .extend(
                    rejected
                        .into_iter()
                        .take(room)
                        .map(|rejection| pb::ImportError {
                            index: rejection.index as i64,
                            id: rejection.id,
                            field: rejection.error.field,
                            message: rejection.error.description,
                        }),
                );
        }
        let span = tracing::Span::current();
        span.record("created", response.created_count);
        span.record("unchanged", response.unchanged_count);
        span.record("rejected", response.rejected_count);
        tracing::info!("import finished");
        Ok(Response::new(response))
    }

    #[instrument(skip_all, fields(documents = request.get_ref().documents.len()))]
    async fn import_claim_reviews(
        &self,
        request: Request<pb::ImportClaimReviewsRequest>,
    ) -> Result<Response<pb::ImportStatementsResponse>, Status> {
        let token = super::CallToken::of(&request);
        let documents = request.into_inner().documents;
        let response = blocking(&self.library, token.clone(), move |library| {
            super::claim_reviews::import(library, documents)
        })
        .await?;
        tracing::info!(
            created = response.created_count,
            unchanged = response.unchanged_count,
            rejected = response.rejected_count,
            "claim reviews imported"
        );
        Ok(Response::new(response))
    }

    #[instrument(skip_all, fields(id = %request.get_ref().id))]
    async fn get_statement(
        &self,
        request: Request<pb::GetStatementRequest>,
    ) -> Result<Response<pb::Statement>, Status> {
        let token = super::CallToken::of(&request);
        let id = request.into_inner().id;
        let statement = blocking(&self.library, token.clone(), move |library| {
            library.get(&id)
        })
        .await?;
        Ok(Response::new(statement_to_proto(statement)))
    }

    #[instrument(skip_all, fields(page_size = request.get_ref().page_size, returned))]
    async fn list_statements(
        &self,
        request: Request<pb::ListStatementsRequest>,
    ) -> Result<Response<pb::ListStatementsResponse>, Status> {
        let token = super::CallToken::of(&request);
        let request = request.into_inner();
        let page_size = usize::try_from(request.page_size)
            .map_err(|_| invalid_argument(FieldError::new("page_size", "must not be negative")))?;
        for (field, value) in [
            ("publisher", &request.publisher),
            ("speaker", &request.speaker),
        ] {
            check_len(field, value, MAX_FIELD_BYTES).map_err(invalid_argument)?;
        }
        let list_request = ListRequest {
            page_size,
            page_token: request.page_token,
            publisher: request.publisher,
            speaker: request.speaker,
        };
        let page = blocking(&self.library, token.clone(), move |library| {
            library.list(&list_request)
        })
        .await?;
        tracing::Span::current().record("returned", page.statements.len());
        Ok(Response::new(pb::ListStatementsResponse {
            statements: page
                .statements
                .into_iter()
                .map(statement_to_proto)
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    #[instrument(skip_all, fields(id))]
    async fn update_statement(
        &self,
        request: Request<pb::UpdateStatementRequest>,
    ) -> Result<Response<pb::Statement>, Status> {
        let token = super::CallToken::of(&request);
        let request = request.into_inner();
        let proto = required(request.statement)?;
        tracing::Span::current().record("id", proto.id.as_str());
        if proto.id.is_empty() {
            return Err(invalid_argument(FieldError::new(
                "statement.id",
                "is required: it names the statement to change",
            )));
        }
        let etag = match proto.etag.as_str() {
            "" => None,
            etag if etag.len() > MAX_ETAG_BYTES => {
                return Err(invalid_argument(FieldError::new(
                    "statement.etag",
                    "is not an etag this server issued (too long)",
                )))
            }
            etag => Some(etag.to_owned()),
        };
        let values = statement_from_proto(proto)
            .map_err(|error| invalid_argument(error.within("statement")))?;
        let mask = match request.update_mask {
            Some(mask) => UpdateMask::parse(&mask.paths),
            None => UpdateMask::implied(&values),
        }
        .map_err(invalid_argument)?;
        let update = Update {
            id: values.id.clone(),
            values,
            mask,
            etag,
        };
        let stored = blocking(&self.library, token.clone(), move |library| {
            library.update(update)
        })
        .await?;
        tracing::info!("statement updated");
        Ok(Response::new(statement_to_proto(stored)))
    }

    #[instrument(skip_all, fields(id = %request.get_ref().id))]
    async fn delete_statement(
        &self,
        request: Request<pb::DeleteStatementRequest>,
    ) -> Result<Response<()>, Status> {
        let token = super::CallToken::of(&request);
        let id = request.into_inner().id;
        blocking(&self.library, token.clone(), move |library| {
            library.delete(&id)
        })
        .await?;
        tracing::info!("statement deleted");
        Ok(Response::new(()))
    }
}

/// The request's `statement`, which create and update need.
fn required(statement: Option<pb::Statement>) -> Result<pb::Statement, Status> {
    statement.ok_or_else(|| invalid_argument(FieldError::new("statement", "is required")))
}

/// Puts a create error's field path in request terms (`statement.text`,
/// `statement_id`).
fn qualify(error: Error, id_field: &str) -> Error {
    match error {
        Error::InvalidArgument(field) if field.field == "id" => {
            FieldError::new(id_field, field.description).into()
        }
        Error::InvalidArgument(field) => field.within("statement").into(),
        other => other,
    }
}
