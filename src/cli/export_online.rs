//! `factdesk export --server URL`: the online backup. Streams
//! `ExportStatements` from a running server (a snapshot taken as the call
//! starts) and writes the statements as the offline export does, one JSON
//! line each, in id order.

use std::io::Write;

use tokio_stream::StreamExt;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};

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
    let token = token(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let mut endpoint = Endpoint::from_shared(url.to_owned())
            .map_err(|error| CliError::config(format!("--server {url:?} is not a URL"), error))?;
        if let Some(path) = &args.ca_cert {
            let pem = std::fs::read(path).map_err(|error| {
                CliError::config(format!("cannot read {}", path.display()), error)
            })?;
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)))
                .map_err(|error| CliError::config("TLS setup failed", error))?;
        }
        let channel = endpoint
            .connect()
            .await
            .map_err(|error| CliError::config(format!("cannot connect to {url}"), error))?;
        let mut client = StatementServiceClient::new(channel);
        let mut request = tonic::Request::new(pb::ExportStatementsRequest {});
        request.set_timeout(EXPORT_DEADLINE);
        if let Some(token) = &token {
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|error| CliError::config("the token is not printable ASCII", error))?;
            request.metadata_mut().insert("authorization", value);
        }
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

/// The token from `--token-file` or FACTDESK_TOKEN, if any.
fn token(args: &ExportArgs) -> Result<Option<String>, CliError> {
    if let Some(path) = &args.token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|error| CliError::config(format!("cannot read {}", path.display()), error))?;
        return Ok(Some(text.trim().to_owned()));
    }
    Ok(std::env::var("FACTDESK_TOKEN")
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty()))
}

fn server_error(url: &str, status: tonic::Status) -> CliError {
    CliError::config(
        format!("export from {url} failed: {:?}", status.code()),
        std::io::Error::other(status.message().to_owned()),
    )
}
