//! `factdesk eval-verdict`: runs a verdict file (`{"claim", "claimant",
//! "statement_id", "rating", "kind", "polarity"}` per line, as
//! `../shared/data/verdict-dev.jsonl`) through the check path and reports
//! how often the verdict has the polarity the fact-checker's rating implies,
//! listing every miss.
//!
//! Polarity: `+` needs SUPPORTED; `-` needs REFUTED or CONTRADICTED; `±`
//! needs MIXED; `not-` takes anything but REFUTED or CONTRADICTED.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::stance::verdict_name;
use crate::error::{Error, FileError};
use crate::library::Library;
use crate::model::{CheckOptions, Claim, Verdict};

/// One line of a verdict file.
#[derive(Clone, Debug, Deserialize)]
pub struct VerdictCase {
    pub claim: String,
    #[serde(default)]
    pub claimant: String,
    /// The rated statement the claim is about.
    #[serde(default)]
    pub statement_id: String,
    /// The rating as published (for the report).
    #[serde(default)]
    pub rating: String,
    /// How the claim was written: paraphrase, figure_changed, negated.
    #[serde(default)]
    pub kind: String,
    /// `+`, `-`, `±` or `not-`.
    pub polarity: String,
}

/// Accuracy per polarity and kind, and the misses.
#[derive(Clone, Debug, Default)]
pub struct VerdictReport {
    /// "polarity kind" → (correct, total).
    pub groups: BTreeMap<String, (usize, usize)>,
    pub correct: usize,
    pub total: usize,
    pub misses: Vec<String>,
}

/// Reads a verdict file, one JSON object per line.
pub fn read_cases(path: &Path) -> Result<Vec<VerdictCase>, FileError> {
    super::read_jsonl(path)
}

/// Whether `verdict` has the polarity `polarity` asks for; `None` for an
/// unknown polarity.
pub fn agrees(polarity: &str, verdict: Verdict) -> Option<bool> {
    let negative = matches!(verdict, Verdict::Refuted | Verdict::Contradicted);
    Some(match polarity {
        "+" => verdict == Verdict::Supported,
        "-" => negative,
        "±" => verdict == Verdict::Mixed,
        "not-" => !negative,
        _ => return None,
    })
}

/// Checks every case (with its claimant) and tallies the outcomes; a case
/// with an unknown polarity counts as a miss.
pub fn evaluate(
    library: &Library,
    cases: &[VerdictCase],
    options: &CheckOptions,
) -> Result<VerdictReport, Error> {
    let mut report = VerdictReport::default();
    for case in cases {
        let claim = Claim {
            text: case.claim.clone(),
            claimant: case.claimant.clone(),
            ..Claim::default()
        };
        let result = library.check(&claim, options)?;
        let correct = agrees(&case.polarity, result.verdict).unwrap_or(false);
        let group = format!("{} {}", case.polarity, case.kind);
        let entry = report.groups.entry(group).or_default();
        entry.0 += usize::from(correct);
        entry.1 += 1;
        report.correct += usize::from(correct);
        report.total += 1;
        if !correct {
            let top = result.matches.first();
            report.misses.push(format!(
                "verdict {}, expected {} ({} {}, rated {}): {} [top {}: {}] [{}]",
                verdict_name(result.verdict),
                case.polarity,
                case.kind,
                case.statement_id,
                case.rating,
                case.claim,
                top.map_or("(none)", |m| m.statement.id.as_str()),
                top.map_or("", |m| m.explanation.as_str()),
                result.verdict_explanation
            ));
        }
    }
    Ok(report)
}

/// The report as printable lines.
pub fn render(report: &VerdictReport) -> String {
    let share = |(correct, total): (usize, usize)| {
        format!(
            "{correct}/{total} ({:.3})",
            correct as f64 / total.max(1) as f64
        )
    };
    let mut lines = vec![format!(
        "verdict polarity: {}",
        share((report.correct, report.total))
    )];
    for (group, counts) in &report.groups {
        lines.push(format!("  {group}: {}", share(*counts)));
    }
    lines.push(format!("misses: {}", report.misses.len()));
    lines.extend(report.misses.iter().map(|miss| format!("  {miss}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::agrees;
    use crate::model::Verdict;

    #[test]
    fn polarity_rules() {
        assert_eq!(agrees("+", Verdict::Supported), Some(true));
        assert_eq!(agrees("+", Verdict::Attributed), Some(false));
        assert_eq!(agrees("-", Verdict::Contradicted), Some(true));
        assert_eq!(agrees("-", Verdict::Unverified), Some(false));
        assert_eq!(agrees("±", Verdict::Mixed), Some(true));
        assert_eq!(agrees("not-", Verdict::Unverified), Some(true));
        assert_eq!(agrees("not-", Verdict::Refuted), Some(false));
        assert_eq!(agrees("?", Verdict::Refuted), None);
    }
}
