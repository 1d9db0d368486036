//! The `factdesk` binary: parse the command line, set up logging, run the
//! command, and turn its error into a message and an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use factdesk::cli::{self, Cli};

/// Rust's allocations go through mimalloc (see `cli::allocator`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `FACTDESK_LOG` as a filter. A bare word must be a level: tracing would
/// read "verbose" or "debgu" as a target and quietly log nothing; a target
/// takes its level after `=` ("factdesk=debug").
fn log_filter(directives: &str) -> Result<tracing_subscriber::EnvFilter, String> {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    for directive in directives
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let bare = !directive.contains('=') && !directive.contains('[');
        if bare && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return Err(format!("{directive:?} is neither a level nor target=level"));
        }
    }
    tracing_subscriber::EnvFilter::try_new(directives).map_err(|error| error.to_string())
}

fn main() -> ExitCode {
    // Before any thread starts: the embedding model's thread settings are
    // environment variables.
    factdesk::embed::configure_threads();
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
    // A bad FACTDESK_LOG is a mistake to fix, not a reason to log at `info`.
    let filter = match std::env::var("FACTDESK_LOG") {
        Ok(directives) if !directives.trim().is_empty() => match log_filter(&directives) {
            Ok(filter) => filter,
            Err(error) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: FACTDESK_LOG={directives:?} is not a log filter ({error}); \
                         use a level (error, warn, info, debug, trace) or directives such as \
                         \"info,factdesk=debug\""
                );
                return ExitCode::from(cli::EXIT_CONFIG);
            }
        },
        _ => tracing_subscriber::EnvFilter::new("info"),
    };
    // A closed stderr (a log collector gone) must not stop the server:
    // tracing's own error report would panic writing to it.
    let builder = tracing_subscriber::fmt()
        .with_writer(writer)
        .log_internal_errors(false)
        .with_env_filter(filter);
    match cli.log_format {
        cli::LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        cli::LogFormat::Json => builder.json().init(),
    }
    match cli::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {}", error.report());
            ExitCode::from(error.exit_code())
        }
    }
}
