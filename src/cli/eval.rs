//! `factdesk eval` (CheckThat!-style query sets: MAP@5 and friends) and
//! `factdesk eval-stance` (stance files: top match, stance, verdict).

use super::args::{ContextMode, EvalArgs, EvalStanceArgs};
use super::CliError;
use crate::eval;
use crate::model::CheckOptions;

/// Scores each query file of `args` in every mode the library supports and
/// prints one Markdown table row per split and mode.
pub fn run(args: EvalArgs) -> Result<(), CliError> {
    let library = match &args.db {
        Some(db) => super::open_library(Some(db), &args.model)?,
        None => super::load_temporary(&args.statements, &args.model)?,
    };
    let options = CheckOptions {
        ranking: args.ranking.params(),
        ..CheckOptions::default()
    };
    let contexts: &[(bool, &str)] = match args.context {
        ContextMode::Off => &[(false, "text only")],
        ContextMode::On => &[(true, "with claimant and time")],
        ContextMode::Both => &[(false, "text only"), (true, "with claimant and time")],
    };
    let matchers: &[(bool, &str)] = if library.has_embeddings() {
        &[(false, "lexical"), (true, "embeddings")]
    } else {
        &[(false, "lexical")]
    };
    println!("{}", eval::TABLE_HEADER);
    for queries_path in &args.queries {
        let name = queries_path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let split = name.trim_end_matches(".queries.tsv").to_owned();
        let qrels_path = queries_path.with_file_name(format!("{split}.qrels.tsv"));
        let queries = eval::read_queries(queries_path, &qrels_path)?;
        for (use_embeddings, matcher) in matchers {
            let options = CheckOptions {
                use_embeddings: *use_embeddings,
                ..options.clone()
            };
            for (with_context, context) in contexts {
                let metrics = eval::evaluate(&library, &queries, &options, *with_context)?;
                let mode = format!("{matcher}, {context}");
                println!("{}", eval::table_row(&split, &mode, &metrics));
            }
        }
    }
    Ok(())
}

/// Scores the verdict file of `args` and prints the report with its misses.
pub fn run_verdict(args: EvalStanceArgs) -> Result<(), CliError> {
    let library = case_library(&args)?;
    let cases = eval::verdict::read_cases(&args.file)?;
    let report = eval::verdict::evaluate(&library, &cases, &CheckOptions::default())?;
    println!("{}", eval::verdict::render(&report));
    Ok(())
}

/// Scores the stance file of `args` and prints the report with its misses.
pub fn run_stance(args: EvalStanceArgs) -> Result<(), CliError> {
    let library = case_library(&args)?;
    let cases = eval::stance::read_cases(&args.file)?;
    let report = eval::stance::evaluate(&library, &cases, &CheckOptions::default())?;
    println!("{}", eval::stance::render(&report));
    Ok(())
}

/// The statement files of `args` in a temporary library, with the demo
/// library when `--demo` asks for it.
fn case_library(args: &EvalStanceArgs) -> Result<crate::library::Library, CliError> {
    let library = super::load_temporary(&args.statements, &args.model)?;
    if args.demo {
        let report = crate::demo::import(&library)?;
        eprintln!("demo library: {} statements loaded", report.created);
    }
    Ok(library)
}
