//! The offline `import` and `export` commands.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::library::Library;
use crate::model::Statement;
use crate::store::Store;

/// Statements written per store transaction (and per flush) on import.
pub const IMPORT_BATCH: usize = 1000;

/// Totals of one import run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// Imports every line of `path`; each rejected line is reported to `errors`
/// as `FILE:LINE: reason`. A rejected line writes nothing.
pub fn import_file(
    library: &Library,
    path: &Path,
    errors: &mut dyn Write,
) -> anyhow::Result<ImportSummary> {
    let file = File::open(path).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let progress = ProgressBar::new(file.metadata()?.len()).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} {eta}")?
            .progress_chars("=> "),
    );
    progress.set_message(path.display().to_string());
    let mut summary = ImportSummary::default();
    let mut batch: Vec<(u64, Statement)> = Vec::with_capacity(IMPORT_BATCH);
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line_number = number as u64 + 1;
        let line =
            line.map_err(|error| anyhow::anyhow!("{}:{line_number}: {error}", path.display()))?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        match Statement::from_json_line(&line) {
            Ok(statement) => batch.push((line_number, statement)),
            Err(error) => {
                summary.rejected += 1;
                writeln!(
                    errors,
                    "{}:{line_number}: bad JSON: {error}",
                    path.display()
                )?;
            }
        }
        if batch.len() == IMPORT_BATCH {
            flush_batch(library, &mut batch, path, &mut summary, errors)?;
        }
    }
    flush_batch(library, &mut batch, path, &mut summary, errors)?;
    progress.finish_and_clear();
    Ok(summary)
}

fn flush_batch(
    library: &Library,
    batch: &mut Vec<(u64, Statement)>,
    path: &Path,
    summary: &mut ImportSummary,
    errors: &mut dyn Write,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let report = library.import_batch(std::mem::take(batch))?;
    summary.created += report.created;
    summary.unchanged += report.unchanged;
    summary.rejected += report.rejected.len() as u64;
    for rejection in report.rejected {
        writeln!(
            errors,
            "{}:{}: {}",
            path.display(),
            rejection.index,
            rejection.error
        )?;
    }
    Ok(())
}

/// Writes every statement as one JSON line, in id order; returns how many.
/// Reads the store directly: no index is needed.
pub fn export(store: &Store, out: &mut dyn Write) -> anyhow::Result<u64> {
    let mut count = 0;
    for statement in store.scan_after(None) {
        writeln!(out, "{}", statement?.to_json_line())?;
        count += 1;
    }
    out.flush()?;
    Ok(count)
}
