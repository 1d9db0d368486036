//! Command line: every flag can also be set from a `FACTDESK_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Where the database lives when no `--db` is given.
pub const DEFAULT_DB_DIR: &str = "factdesk-data";

/// factdesk: check claims against a library of sourced statements.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server.
    Serve(ServeArgs),
    /// Load statements from JSONL files into the database (server stopped).
    Import(ImportArgs),
    /// Write every statement as JSONL to stdout.
    Export(DbArgs),
}

/// Where the database lives.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database directory (created if absent).
    #[arg(long, env = "FACTDESK_DB", default_value = DEFAULT_DB_DIR)]
    pub db: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database directory [default: factdesk-data; with --demo, a temporary
    /// database deleted on exit].
    #[arg(long, env = "FACTDESK_DB")]
    pub db: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "FACTDESK_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Load the built-in demo library (Alibaba cloud restructuring).
    #[arg(long, env = "FACTDESK_DEMO")]
    pub demo: bool,
    /// Per-request timeout, in seconds.
    #[arg(long, env = "FACTDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Largest gRPC message accepted or sent, in bytes.
    #[arg(long, env = "FACTDESK_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSONL files: one statement per line (proto3 JSON form).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
