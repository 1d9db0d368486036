//! The `factdesk` binary: parse the command line, set up logging, run the
//! command, and turn its error into a message and an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use factdesk::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic is a bug: log it as one line. Request handlers and database
    // opening catch panics and answer with an error instead of exiting.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(%info, "internal error (a bug; please report it)");
    }));
    // Log lines go through a bounded queue to a writer thread, so a log sink
    // that stops reading (a full pipe) never blocks a request: when the
    // queue is full, lines are dropped and counted, not waited for. The
    // guard flushes what is queued when `main` returns.
    let (writer, _flush_on_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .thread_name("factdesk-log")
        .finish(std::io::stderr());
    tracing_subscriber::fmt()
        .with_writer(writer)
        // A closed stderr (a log collector gone) must not stop the server:
        // tracing's own error report would panic writing to it.
        .log_internal_errors(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FACTDESK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    match cli::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {}", error.report());
            ExitCode::from(error.exit_code())
        }
    }
}
