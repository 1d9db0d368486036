//! `factdesk export --server URL`: the online backup. Streams
//! `ExportStatements` from a running server (a snapshot taken as the call
//! starts) and writes the statements as the offline export does, one JSON
//! line each, in id order.

use std::io::Write;

use tokio_stream::StreamExt;

use super::args::ExportArgs;
use super::CliError;
use crate::pb;
use crate::pb::statement_service_client::StatementServiceClient;
use crate::service::statement_from_proto;

/// How long an online export may take at most (the server's own request
/// timeout may end it sooner).
const EXPORT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Writes every statement of the server at `url` to `out`; the count.
pub fn export(url: &str, args: &ExportArgs, out: &mut dyn Write) -> Result<u64, CliError> {
    let token = super::client::token(args.token_file.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let channel = super::client::connect(url, args.ca_cert.as_deref()).await?;
        let mut client = StatementServiceClient::new(channel);
        let mut request = tonic::Request::new(pb::ExportStatementsRequest {});
        request.set_timeout(EXPORT_DEADLINE);
        let request = super::client::authorized(request, token.as_deref())?;
        let mut stream = client
            .export_statements(request)
            .await
            .map_err(|status| server_error(url, status))?
            .into_inner();
        let mut count = 0;
        while let Some(statement) = stream.next().await {
            let statement = statement.map_err(|status| server_error(url, status))?;
            let statement = statement_from_proto(statement)
                .map_err(|error| CliError::config("the server sent a bad statement", error))?;
            writeln!(out, "{}", statement.to_json_line()).map_err(CliError::Output)?;
            count += 1;
        }
        out.flush().map_err(CliError::Output)?;
        Ok(count)
    })
}

fn server_error(url: &str, status: tonic::Status) -> CliError {
    super::client::server_error("export", url, status)
}
