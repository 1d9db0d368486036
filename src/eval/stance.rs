//! `factdesk eval-stance`: runs a stance file (`{"claim", "statement_id",
//! "stance"}` or `{"claim", "verdict"}` per line) through the check path and
//! reports top-match, stance and verdict accuracy, listing every miss.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::check::verdict::implied;
use crate::error::{Error, FileError};
use crate::library::Library;
use crate::model::{CheckOptions, Claim, Stance, Verdict};

/// One line of a stance file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceCase {
    pub claim: String,
    /// The statement the claim should match first.
    #[serde(default)]
    pub statement_id: Option<String>,
    /// Expected stance of that statement: SUPPORTS, CONTRADICTS or RELATED.
    #[serde(default)]
    pub stance: Option<String>,
    /// Expected claim verdict (e.g. UNVERIFIED); when absent it follows from
    /// the stance (SUPPORTS → SUPPORTED, CONTRADICTS → CONTRADICTED).
    #[serde(default)]
    pub verdict: Option<String>,
}

/// Accuracy per expected label, and the misses.
#[derive(Clone, Debug, Default)]
pub struct StanceReport {
    pub top_match: (usize, usize),
    /// Expected stance → (correct, total).
    pub stance: BTreeMap<String, (usize, usize)>,
    /// Expected verdict → (correct, total).
    pub verdict: BTreeMap<String, (usize, usize)>,
    pub misses: Vec<String>,
}

/// Reads a stance file, one JSON object per line.
pub fn read_cases(path: &Path) -> Result<Vec<StanceCase>, FileError> {
    super::read_jsonl(path)
}

/// Checks every case and tallies the outcomes.
pub fn evaluate(
    library: &Library,
    cases: &[StanceCase],
    options: &CheckOptions,
) -> Result<StanceReport, Error> {
    let mut report = StanceReport::default();
    for case in cases {
        let claim = Claim {
            text: case.claim.clone(),
            ..Claim::default()
        };
        let result = library.check(&claim, options)?;
        let top = result.matches.first();
        if let Some(expected_id) = &case.statement_id {
            let top_id = top.map_or("(none)", |m| m.statement.id.as_str());
            tally(&mut report.top_match, top_id == expected_id);
            if top_id != expected_id {
                report.misses.push(format!(
                    "top match {top_id}, expected {expected_id}: {}",
                    case.claim
                ));
            }
        }
        if let Some(expected) = &case.stance {
            let got = top
                .filter(|m| Some(&m.statement.id) == case.statement_id.as_ref())
                .map_or("(not top)".to_owned(), |m| stance_name(m.stance).to_owned());
            let entry = report.stance.entry(expected.clone()).or_default();
            tally(entry, &got == expected);
            if &got != expected {
                let why = top.map_or(String::new(), |m| m.explanation.clone());
                report.misses.push(format!(
                    "stance {got}, expected {expected}: {} [{why}]",
                    case.claim
                ));
            }
        }
        if let Some(expected) = expected_verdict(library, case)? {
            let got = verdict_name(result.verdict);
            tally(
                report.verdict.entry(expected.clone()).or_default(),
                got == expected,
            );
            if got != expected {
                report.misses.push(format!(
                    "verdict {got}, expected {expected}: {} [{}]",
                    case.claim, result.verdict_explanation
                ));
            }
        }
    }
    Ok(report)
}

/// The case's verdict, or the one its expected stance implies for the
/// expected statement with that statement's reviews (see `check::verdict`):
/// SUPPORTS a statement on record → ATTRIBUTED, SUPPORTS one rated false →
/// REFUTED, and so on.
fn expected_verdict(library: &Library, case: &StanceCase) -> Result<Option<String>, Error> {
    if let Some(verdict) = &case.verdict {
        return Ok(Some(verdict.clone()));
    }
    let stance = match case.stance.as_deref() {
        Some("SUPPORTS") => Stance::Supports,
        Some("CONTRADICTS") => Stance::Contradicts,
        _ => return Ok(None),
    };
    let reviews = match &case.statement_id {
        Some(id) => library.get(id)?.reviews,
        None => Vec::new(),
    };
    Ok(implied(stance, &reviews).map(|finding| verdict_name(finding.verdict()).to_owned()))
}

fn tally(counts: &mut (usize, usize), correct: bool) {
    counts.0 += usize::from(correct);
    counts.1 += 1;
}

pub fn stance_name(stance: Stance) -> &'static str {
    match stance {
        Stance::Supports => "SUPPORTS",
        Stance::Contradicts => "CONTRADICTS",
        Stance::Related => "RELATED",
    }
}

pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Supported => "SUPPORTED",
        Verdict::Contradicted => "CONTRADICTED",
        Verdict::Disputed => "DISPUTED",
        Verdict::Unverified => "UNVERIFIED",
        Verdict::Refuted => "REFUTED",
        Verdict::Attributed => "ATTRIBUTED",
        Verdict::Mixed => "MIXED",
    }
}

/// The report as printable lines.
pub fn render(report: &StanceReport) -> String {
    let percent = |(correct, total): (usize, usize)| {
        format!(
            "{correct}/{total} ({:.1}%)",
            100.0 * correct as f64 / total.max(1) as f64
        )
    };
    let mut lines = vec![format!(
        "expected statement is the top match: {}",
        percent(report.top_match)
    )];
    let sum = |map: &BTreeMap<String, (usize, usize)>| {
        map.values()
            .fold((0, 0), |acc, v| (acc.0 + v.0, acc.1 + v.1))
    };
    lines.push(format!("stance: {}", percent(sum(&report.stance))));
    for (label, counts) in &report.stance {
        lines.push(format!("  {label}: {}", percent(*counts)));
    }
    lines.push(format!("verdict: {}", percent(sum(&report.verdict))));
    for (label, counts) in &report.verdict {
        lines.push(format!("  {label}: {}", percent(*counts)));
    }
    lines.push(format!("misses: {}", report.misses.len()));
    lines.extend(report.misses.iter().map(|miss| format!("  {miss}")));
    lines.join("\n")
}
