//! `factdesk import`: statements from JSONL files (or reviewed claims from
//! ClaimReview JSON-LD files) into the database, with the server stopped.
//! Each rejected line is reported as `FILE:LINE: reason`, each rejected
//! ClaimReview record as `FILE: record N: FIELD: reason`; neither writes
//! anything.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::args::{Format, ImportArgs};
use super::CliError;
use crate::claimreview;
use crate::error::FileError;
use crate::library::Library;
use crate::model::Statement;
use crate::store;

/// Statements written per store transaction (and per flush) on import:
/// large, since each flush is an fsync and each batch's analysis runs
/// beside its store write (see `Library::import_batch`).
pub const IMPORT_BATCH: usize = 10_000;

/// Totals of one import run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Review ratings the normaliser did not know (stored as OTHER).
    pub unrecognised_ratings: u64,
}

impl std::ops::AddAssign for ImportSummary {
    fn add_assign(&mut self, other: ImportSummary) {
        self.created += other.created;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        self.unrecognised_ratings += other.unrecognised_ratings;
    }
}

/// Imports every file of `args`, printing a line per file and the totals.
pub fn run(args: ImportArgs) -> Result<(), CliError> {
    if !args.create && !args.db.db.exists() {
        return Err(CliError::NoDatabase {
            path: args.db.db.clone(),
        });
    }
    let library = super::open_library(Some(&args.db.db), &args.model)?;
    let held_before = library.len();
    let mut stderr = std::io::stderr();
    let mut total = ImportSummary::default();
    for file in &args.files {
        let summary = match args.format {
            Format::Jsonl => import_file(&library, file, &mut stderr)?,
            Format::Claimreview => import_claim_review_file(&library, file, &mut stderr)?,
        };
        eprintln!(
            "{}: {} created, {} unchanged, {} rejected",
            file.display(),
            summary.created,
            summary.unchanged,
            summary.rejected
        );
        if summary.unrecognised_ratings > 0 {
            eprintln!(
                "{}: {} review ratings not recognised (kept as published, normalised to OTHER)",
                file.display(),
                summary.unrecognised_ratings
            );
        }
        total += summary;
    }
    eprintln!(
        "imported {} statements ({} unchanged, {} rejected); library now holds {}",
        total.created,
        total.unchanged,
        total.rejected,
        library.len()
    );
    // A bulk load leaves sled's log with many superseded pages.
    drop(library);
    if total.created > 0 && total.created >= held_before as u64 && !args.no_compact {
        // The import itself is complete and durable: a compaction that
        // cannot run (no room for the copy) is reported, not an error.
        if let Err(error) = run_compact(&args.db.db) {
            eprintln!(
                "not compacted ({error}); the database is complete: run `factdesk compact` \
                 when there is room for a copy of it"
            );
        }
    }
    if total.rejected > 0 && !args.allow_rejects {
        return Err(CliError::Rejected {
            rejected: total.rejected,
        });
    }
    Ok(())
}

/// `factdesk compact`, also run by `import` after a bulk load: rewrites
/// the database and prints the sizes before and after.
pub fn run_compact(db: &Path) -> Result<(), CliError> {
    let done = store::compact(db)?;
    if done.replaced {
        eprintln!(
            "compacted {}: {:.1} MB -> {:.1} MB in {:.1} s",
            db.display(),
            done.bytes_before as f64 / 1e6,
            done.bytes_after as f64 / 1e6,
            done.seconds
        );
    } else {
        eprintln!(
            "not compacted {}: a fresh copy ({:.1} MB) is no smaller than it ({:.1} MB); kept as is",
            db.display(),
            done.bytes_copy as f64 / 1e6,
            done.bytes_before as f64 / 1e6
        );
    }
    Ok(())
}

/// Imports every line of `path`; each rejected line is reported to `errors`
/// as `FILE:LINE: reason`. A rejected line writes nothing.
pub fn import_file(
    library: &Library,
    path: &Path,
    errors: &mut dyn Write,
) -> Result<ImportSummary, CliError> {
    let file = File::open(path).map_err(|error| FileError::read(path, error))?;
    let size = file
        .metadata()
        .map_err(|error| FileError::read(path, error))?
        .len();
    let progress = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} {eta}")
            .expect("the progress template is valid")
            .progress_chars("=> "),
    );
    progress.set_message(path.display().to_string());
    let mut summary = ImportSummary::default();
    let mut lines: Vec<(u64, String)> = Vec::with_capacity(IMPORT_BATCH);
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|error| FileError::read(path, error))?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        lines.push((number as u64 + 1, line));
        if lines.len() == IMPORT_BATCH {
            import_lines(library, &mut lines, path, &mut summary, errors)?;
        }
    }
    import_lines(library, &mut lines, path, &mut summary, errors)?;
    progress.finish_and_clear();
    Ok(summary)
}

/// Imports the ClaimReview records of the JSON-LD document at `path`
/// (reviews of one claim land on one statement); each rejected record is
/// reported to `errors` as `FILE: record N: FIELD: reason`, numbered from 1
/// in document order. A file that is not JSON is one rejection.
pub fn import_claim_review_file(
    library: &Library,
    path: &Path,
    errors: &mut dyn Write,
) -> Result<ImportSummary, CliError> {
    let text = std::fs::read_to_string(path).map_err(|error| FileError::read(path, error))?;
    let mut summary = ImportSummary::default();
    let document: serde_json::Value = match serde_json::from_str(&text) {
        Ok(document) => document,
        Err(error) => {
            summary.rejected += 1;
            writeln!(errors, "{}: not JSON: {error}", path.display()).map_err(CliError::Output)?;
            return Ok(summary);
        }
    };
    let found = claimreview::read(&document);
    summary.rejected += found.errors.len() as u64;
    for bad in &found.errors {
        let number = bad.index + 1;
        writeln!(errors, "{}: record {number}: {}", path.display(), bad.error)
            .map_err(CliError::Output)?;
    }
    let mut statements: Vec<(u64, Statement)> = found
        .statements
        .into_iter()
        .map(|(index, statement)| (index as u64 + 1, statement))
        .collect();
    while !statements.is_empty() {
        let rest = statements.split_off(statements.len().min(IMPORT_BATCH));
        let report = library.import_batch(std::mem::replace(&mut statements, rest))?;
        summary.created += report.created;
        summary.unchanged += report.unchanged;
        summary.unrecognised_ratings += report.unrecognised_ratings;
        summary.rejected += report.rejected.len() as u64;
        for rejection in report.rejected {
            let (number, error) = (rejection.index, rejection.error);
            writeln!(errors, "{}: record {number}: {error}", path.display())
                .map_err(CliError::Output)?;
        }
    }
    Ok(summary)
}

/// Parses `lines` (numbered from 1) on every core and imports the
/// statements among them as one batch; reports every rejected line, bad
/// JSON or refused statement, in line order.
fn import_lines(
    library: &Library,
    lines: &mut Vec<(u64, String)>,
    path: &Path,
    summary: &mut ImportSummary,
    errors: &mut dyn Write,
) -> Result<(), CliError> {
    if lines.is_empty() {
        return Ok(());
    }
    let parsed: Vec<(u64, Result<Statement, serde_json::Error>)> = lines
        .par_drain(..)
        .map(|(number, line)| (number, Statement::from_json_line(&line)))
        .collect();
    let mut batch = Vec::with_capacity(parsed.len());
    let mut reports = Vec::new();
    for (number, statement) in parsed {
        match statement {
            Ok(statement) => batch.push((number, statement)),
            Err(error) => reports.push((number, format!("bad JSON: {error}"))),
        }
    }
    summary.rejected += reports.len() as u64;
    if !batch.is_empty() {
        let report = library.import_batch(batch)?;
        summary.created += report.created;
        summary.unchanged += report.unchanged;
        summary.unrecognised_ratings += report.unrecognised_ratings;
        summary.rejected += report.rejected.len() as u64;
        reports.extend(
            report
                .rejected
                .into_iter()
                .map(|rejection| (rejection.index, rejection.error.to_string())),
        );
    }
    reports.sort_by_key(|(number, _)| *number);
    for (number, reason) in reports {
        writeln!(errors, "{}:{number}: {reason}", path.display()).map_err(CliError::Output)?;
    }
    Ok(())
}
