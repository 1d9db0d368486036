//! What a command can fail with, and the exit code each failure gives:
//! 2 for an unusable flag, token or certificate, 3 for a database that
//! cannot be used, 1 for anything else.

use std::net::SocketAddr;

use crate::bench::BenchError;
use crate::embed::EmbedError;
use crate::error::{Error, FileError};
use crate::server::ServerError;
use crate::store::StoreError;

/// Exit code of any failure not listed below.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code when a flag, token or certificate is unusable (clap uses 2
/// for malformed command lines too).
pub const EXIT_CONFIG: u8 = 2;
/// Exit code when the database directory cannot be used: damaged, foreign,
/// from a newer factdesk, or locked by another process.
pub const EXIT_DATABASE: u8 = 3;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag, token or certificate is unusable.
    #[error("{message}")]
    Config {
        message: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Library(#[from] Error),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error(transparent)]
    Bench(#[from] BenchError),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{rejected} records were rejected (reported above; the others are stored); pass --allow-rejects to exit 0 anyway")]
    Rejected { rejected: u64 },
    #[error(
        "no database at {}: check --db, or pass --create to make a new one (nothing was created)",
        path.display()
    )]
    NoDatabase { path: std::path::PathBuf },
    #[error("the demo library conflicts with statements in the database: {0}")]
    DemoConflict(String),
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl CliError {
    /// A configuration problem described by `message`, caused by `source`.
    pub fn config(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> CliError {
        CliError::Config {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config { .. } => EXIT_CONFIG,
            CliError::Store(_) | CliError::NoDatabase { .. } => EXIT_DATABASE,
            CliError::Library(error) => library_exit_code(error),
            CliError::Server(ServerError::Tls(_)) => EXIT_CONFIG,
            CliError::Server(ServerError::Flush(error)) => library_exit_code(error),
            CliError::Server(ServerError::StorageFailed(_)) => EXIT_DATABASE,
            CliError::Server(ServerError::Transport(_) | ServerError::Reflection(_))
            | CliError::File(_)
            | CliError::Embed(_)
            | CliError::Bench(_)
            | CliError::Listen { .. }
            | CliError::DemoConflict(_)
            | CliError::Rejected { .. }
            | CliError::Output(_)
            | CliError::Runtime(_) => EXIT_FAILURE,
        }
    }

    /// The message and every cause not already quoted in it, joined by ": ".
    pub fn report(&self) -> String {
        let mut message = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            let text = error.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            cause = error.source();
        }
        message
    }
}

fn library_exit_code(error: &Error) -> u8 {
    match error {
        Error::Store(_) | Error::Unavailable { .. } => EXIT_DATABASE,
        Error::InvalidArgument(_)
        | Error::NotFound { .. }
        | Error::AlreadyExists { .. }
        | Error::Aborted { .. }
        | Error::Embed(_) => EXIT_FAILURE,
    }
}

impl From<crate::auth::TokenError> for CliError {
    fn from(error: crate::auth::TokenError) -> CliError {
        CliError::Config {
            message: error.to_string(),
            source: None,
        }
    }
}
