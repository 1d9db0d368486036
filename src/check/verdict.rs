//! The claim-level verdict from the judged matches: among matches scoring at
//! least the verdict threshold with a stance other than RELATED, none →
//! UNVERIFIED; only SUPPORTS → SUPPORTED; only CONTRADICTS → CONTRADICTED;
//! both → the side of the higher-scoring match, or DISPUTED when the two
//! best are within [`DISPUTE_MARGIN`].

use crate::model::{Match, Stance, Verdict};

/// A contradicting and a supporting match closer than this in score make
/// the verdict DISPUTED; otherwise the stronger side decides.
pub const DISPUTE_MARGIN: f32 = 0.1;

/// The verdict and the line that explains it.
pub fn decide(matches: &[Match], threshold: f32) -> (Verdict, String) {
    let strongest = |stance: Stance| {
        matches
            .iter()
            .filter(|m| m.score >= threshold && m.stance == stance)
            .max_by(|a, b| a.score.total_cmp(&b.score))
    };
    match (strongest(Stance::Supports), strongest(Stance::Contradicts)) {
        (None, None) => (
            Verdict::Unverified,
            format!(
                "no statement on record matches the claim with score ≥ {threshold} and a \
                 clear stance"
            ),
        ),
        (Some(support), None) => (
            Verdict::Supported,
            format!("{} supports the claim", who(support)),
        ),
        (None, Some(contradiction)) => (
            Verdict::Contradicted,
            format!("{} contradicts the claim", who(contradiction)),
        ),
        (Some(support), Some(contradiction)) => both_sides(support, contradiction),
    }
}

/// A supporting and a contradicting match both decide.
fn both_sides(support: &Match, contradiction: &Match) -> (Verdict, String) {
    if (support.score - contradiction.score).abs() < DISPUTE_MARGIN {
        (
            Verdict::Disputed,
            format!(
                "{} supports and {} contradicts the claim, with scores {:.2} and {:.2}",
                who(support),
                who(contradiction),
                support.score,
                contradiction.score
            ),
        )
    } else if support.score > contradiction.score {
        (
            Verdict::Supported,
            format!(
                "{} supports the claim (a weaker match contradicts it)",
                who(support)
            ),
        )
    } else {
        (
            Verdict::Contradicted,
            format!(
                "{} contradicts the claim (a weaker match supports it)",
                who(contradiction)
            ),
        )
    }
}

/// "statement <id> (<citation>)" for verdict lines.
fn who(found: &Match) -> String {
    format!("statement {} ({})", found.statement.id, found.citation)
}
