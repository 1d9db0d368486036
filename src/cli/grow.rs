//! `factdesk grow`: statement files grown to a larger corpus for benchmarks
//! (seeded, deterministic), written as JSONL to stdout.

use std::io::Write;

use super::args::GrowArgs;
use super::CliError;
use crate::bench::grow::{grow, GrowOptions};
use crate::error::FileError;

/// Writes the grown corpus of `args` to stdout.
pub fn run(args: GrowArgs) -> Result<(), CliError> {
    let mut originals = Vec::new();
    for file in &args.files {
        let content = std::fs::read_to_string(file).map_err(|e| FileError::read(file, e))?;
        for (number, line) in content.lines().enumerate() {
            if !line.trim().is_empty() {
                let value =
                    serde_json::from_str(line).map_err(|e| FileError::line(file, number + 1, e))?;
                originals.push(value);
            }
        }
    }
    let options = GrowOptions {
        count: args.count,
        seed: args.seed,
        mutation: args.mutation,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = grow(&originals, &options, &mut out).map_err(CliError::Output)?;
    out.flush().map_err(CliError::Output)?;
    eprintln!("wrote {written} statements");
    Ok(())
}
