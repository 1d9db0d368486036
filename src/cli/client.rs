//! What the commands that call a running server share: connecting (plain
//! or TLS with a given CA), the bearer token from a file or
//! `FACTDESK_TOKEN`, and a server's refusal as a command error.

use std::path::Path;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use super::CliError;

/// A channel to the server at `url`; `ca_cert` for an https:// server.
pub async fn connect(url: &str, ca_cert: Option<&Path>) -> Result<Channel, CliError> {
    let mut endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|error| CliError::config(format!("--server {url:?} is not a URL"), error))?;
    if let Some(path) = ca_cert {
        let pem = std::fs::read(path)
            .map_err(|error| CliError::config(format!("cannot read {}", path.display()), error))?;
        endpoint = endpoint
            .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)))
            .map_err(|error| CliError::config("TLS setup failed", error))?;
    }
    endpoint
        .connect()
        .await
        .map_err(|error| CliError::config(format!("cannot connect to {url}"), error))
}

/// The token from `token_file`, else FACTDESK_TOKEN, if any.
pub fn token(token_file: Option<&Path>) -> Result<Option<String>, CliError> {
    if let Some(path) = token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|error| CliError::config(format!("cannot read {}", path.display()), error))?;
        return Ok(Some(text.trim().to_owned()));
    }
    Ok(std::env::var("FACTDESK_TOKEN")
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty()))
}

/// `request` with `authorization: Bearer <token>` when there is a token.
pub fn authorized<T>(
    mut request: tonic::Request<T>,
    token: Option<&str>,
) -> Result<tonic::Request<T>, CliError> {
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|error| CliError::config("the token is not printable ASCII", error))?;
        request.metadata_mut().insert("authorization", value);
    }
    Ok(request)
}

/// A call to `url` that failed with `status`.
pub fn server_error(what: &str, url: &str, status: tonic::Status) -> CliError {
    CliError::config(
        format!("{what} from {url} failed: {:?}", status.code()),
        std::io::Error::other(status.message().to_owned()),
    )
}
