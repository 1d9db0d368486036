//! `factdesk export`: every statement as one JSON line on stdout, in id
//! order, read straight from the store (no index is built).

use std::io::Write;

use super::args::DbArgs;
use super::CliError;
use crate::store::Store;

/// Writes the database of `args` to stdout.
pub fn run(args: DbArgs) -> Result<(), CliError> {
    let store = Store::open(&args.db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let count = export(&store, &mut out)?;
    eprintln!("exported {count} statements");
    Ok(())
}

/// Writes every statement as one JSON line, in id order; returns how many.
pub fn export(store: &Store, out: &mut dyn Write) -> Result<u64, CliError> {
    let mut count = 0;
    for statement in store.scan_after(None) {
        writeln!(out, "{}", statement?.to_json_line()).map_err(CliError::Output)?;
        count += 1;
    }
    out.flush().map_err(CliError::Output)?;
    Ok(count)
}
