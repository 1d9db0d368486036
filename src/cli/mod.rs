//! The `factdesk` command line: the clap types ([`args`]), one module per
//! command, each with its own `run`, and the typed error every command
//! returns ([`CliError`], which knows its exit code). `main.rs` only parses,
//! sets up logging and dispatches here.

mod allocator;
pub mod args;
pub mod bench;
mod bench_embed;
mod bench_retrieval;
mod checkworthy;
mod client;
mod error;
pub mod eval;
pub mod export;
mod export_online;
pub mod grow;
pub mod import;
pub mod serve;
mod transcript;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::embed::Embedder;
use crate::library::Library;
use crate::store::Store;
use args::ModelArgs;

pub use args::{Cli, Command, LogFormat};
pub use error::{CliError, EXIT_CONFIG, EXIT_DATABASE, EXIT_FAILURE};
pub use import::{import_file, ImportSummary};

/// Runs `command`.
pub fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::Serve(args) => serve::run(args),
        Command::Import(args) => import::run(args),
        Command::Compact(args) => import::run_compact(&args.db.db),
        Command::Export(args) => export::run(args),
        Command::Eval(args) => eval::run(args),
        Command::EvalStance(args) => eval::run_stance(args),
        Command::EvalVerdict(args) => eval::run_verdict(args),
        Command::Bench(args) => bench::run(args),
        Command::BenchTranscript(args) => bench::run_transcript(args),
        Command::BenchRetrieval(args) => bench_retrieval::run(args),
        Command::BenchEmbed(args) => bench_embed::run(args),
        Command::Grow(args) => grow::run(args),
        Command::CheckTranscript(args) => transcript::run(args),
        Command::TrainCheckworthiness(args) => checkworthy::run_train(args),
        Command::EvalCheckworthiness(args) => checkworthy::run_eval(args),
    }
}

/// Opens the database (a temporary one for `None`) with the embedding model,
/// if one is named.
pub fn open_library(db: Option<&Path>, model: &ModelArgs) -> Result<Library, CliError> {
    let store = match db {
        Some(path) => Store::open(path)?,
        None => Store::temporary()?,
    };
    let embedder = match &model.embedding_model {
        Some(dir) => {
            let embedder = Embedder::load_with(dir, model.embedding_precision)?;
            tracing::info!(
                model = embedder.model_id(),
                precision = %embedder.precision(),
                "embedding model loaded"
            );
            Some(Arc::new(embedder))
        }
        None => None,
    };
    Ok(Library::with_embedder_batching(
        store,
        embedder,
        model.batching(),
    )?)
}

/// A temporary library holding the statements of `files`.
pub fn load_temporary(files: &[PathBuf], model: &ModelArgs) -> Result<Library, CliError> {
    let library = open_library(None, model)?;
    let mut stderr = std::io::stderr();
    for file in files {
        let summary = import_file(&library, file, &mut stderr)?;
        eprintln!("{}: {} statements loaded", file.display(), summary.created);
    }
    Ok(library)
}
