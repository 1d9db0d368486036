//! `factdesk export`: every statement as one JSON line on stdout, in id
//! order, read straight from the store (no index is built); or, with
//! `--format claimreview`, every review as a ClaimReview JSON-LD object in
//! one JSON array.

use std::io::Write;

use super::args::{ExportArgs, Format};
use super::CliError;
use crate::claimreview;
use crate::store::Store;

/// Writes the database of `args` to stdout.
pub fn run(args: ExportArgs) -> Result<(), CliError> {
    if let Some(server) = &args.server {
        if args.format != Format::Jsonl {
            return Err(CliError::config(
                "--server exports JSONL only",
                std::io::Error::other("--format claimreview needs --db"),
            ));
        }
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let count = super::export_online::export(server, &args, &mut out)?;
        eprintln!("exported {count} statements from {server}");
        return Ok(());
    }
    let store = Store::open_existing(&args.db.db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Jsonl => {
            let count = export(&store, &mut out)?;
            eprintln!("exported {count} statements");
        }
        Format::Claimreview => {
            let totals = export_claim_reviews(&store, &mut out)?;
            eprintln!(
                "exported {} reviews of {} statements as ClaimReview ({} statements without a review left out)",
                totals.reviews, totals.reviewed, totals.unreviewed
            );
            if totals.missing_url > 0 {
                eprintln!(
                    "{} reviews have no url on record; Google's ClaimReview guidelines require one",
                    totals.missing_url
                );
            }
        }
    }
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

/// What [`export_claim_reviews`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ClaimReviewTotals {
    pub reviews: u64,
    pub reviewed: u64,
    pub unreviewed: u64,
    /// Reviews written without the `url` Google requires.
    pub missing_url: u64,
}

/// Writes one JSON array holding a ClaimReview object per review, one
/// object per line, statements in id order.
pub fn export_claim_reviews(
    store: &Store,
    out: &mut dyn Write,
) -> Result<ClaimReviewTotals, CliError> {
    let mut totals = ClaimReviewTotals::default();
    write!(out, "[").map_err(CliError::Output)?;
    for statement in store.scan_after(None) {
        let written = claimreview::write(&statement?);
        if written.objects.is_empty() {
            totals.unreviewed += 1;
            continue;
        }
        totals.reviewed += 1;
        totals.missing_url += written.missing_url as u64;
        for object in written.objects {
            let separator = if totals.reviews == 0 { "\n" } else { ",\n" };
            write!(out, "{separator}{object}").map_err(CliError::Output)?;
            totals.reviews += 1;
        }
    }
    writeln!(out, "\n]").map_err(CliError::Output)?;
    out.flush().map_err(CliError::Output)?;
    Ok(totals)
}
