//! The claim-level verdict: each decisive match (stance SUPPORTS or
//! CONTRADICTS; the stance rules decide which matches clear the verdict
//! threshold) meets the reviews of its
//! statement (see DESIGN.md, "Two kinds of record").
//!
//! | statement | claim SUPPORTS it | claim CONTRADICTS it |
//! | --- | --- | --- |
//! | on record (no review) | ATTRIBUTED: said by its speaker, not verified | CONTRADICTED by that record |
//! | rated true / mostly true | SUPPORTED | REFUTED |
//! | rated mixed | MIXED | UNVERIFIED (the opposite of a half-truth decides nothing) |
//! | rated false / mostly false | REFUTED | UNVERIFIED (never refuted) |
//! | rated unproven, satire, other | UNVERIFIED, naming the rating | UNVERIFIED |
//! | reviews that disagree (true and false) | DISPUTED, naming both | DISPUTED |
//!
//! A fact-checker's review outranks a record: when a reviewed finding is
//! within [`DISPUTE_MARGIN`] of the strongest finding, only reviewed
//! findings decide (a statement on record says someone said it, which
//! neither confirms nor disputes a rating), and the explanation adds the
//! record. Among the findings that decide, the strongest decides (at equal
//! scores a reviewed one), except that:
//! - when the claim says what a fact-checker rated false (at or above the
//!   threshold) and the strongest finding is SUPPORTED or ATTRIBUTED, the
//!   verdict is DISPUTED, naming both: a debunked claim is never reported
//!   as supported or merely on record;
//! - the strongest positive (SUPPORTED, ATTRIBUTED) and negative (REFUTED,
//!   CONTRADICTED) findings within [`DISPUTE_MARGIN`] give DISPUTED.
//!
//! No decisive match: UNVERIFIED.

use crate::model::{Match, NormalizedRating, Review, Stance, Verdict};

/// Two opposing findings closer than this in score give DISPUTED.
pub const DISPUTE_MARGIN: f32 = 0.1;

/// What one decisive match says about the claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    /// On record, not reviewed, and the claim says the same.
    Attributed,
    /// On record, not reviewed, and the claim says the opposite.
    Contradicted,
    /// Reviewed: the claim says what was rated true.
    Supported,
    /// Reviewed: the claim says what was rated false, or the opposite of
    /// what was rated true.
    Refuted,
    /// Reviewed: the claim says what was rated mixed.
    Mixed,
    /// Reviewed, but the review decides nothing for this claim.
    Undecided,
    /// The statement's reviews disagree with each other.
    ReviewsDisagree,
}

impl Finding {
    /// The verdict this finding gives on its own.
    pub fn verdict(self) -> Verdict {
        match self {
            Finding::Attributed => Verdict::Attributed,
            Finding::Contradicted => Verdict::Contradicted,
            Finding::Supported => Verdict::Supported,
            Finding::Refuted => Verdict::Refuted,
            Finding::Mixed => Verdict::Mixed,
            Finding::Undecided => Verdict::Unverified,
            Finding::ReviewsDisagree => Verdict::Disputed,
        }
    }

    fn reviewed(self) -> bool {
        !matches!(self, Finding::Attributed | Finding::Contradicted)
    }
}

/// What a claim with `stance` towards a statement with `reviews` is, by the
/// table in the module doc (`stance` RELATED gives `None`).
pub fn implied(stance: Stance, reviews: &[Review]) -> Option<Finding> {
    let supports = match stance {
        Stance::Supports => true,
        Stance::Contradicts => false,
        Stance::Related => return None,
    };
    if reviews.is_empty() {
        return Some(if supports {
            Finding::Attributed
        } else {
            Finding::Contradicted
        });
    }
    let polarities: Vec<i8> = reviews
        .iter()
        .filter_map(|review| review.rating().polarity())
        .collect();
    if polarities.contains(&1) && polarities.contains(&-1) {
        return Some(Finding::ReviewsDisagree);
    }
    let finding = match (supports, polarities.first()) {
        (true, Some(1)) => Finding::Supported,
        (true, Some(-1)) => Finding::Refuted,
        (true, Some(0)) => Finding::Mixed,
        (false, Some(1)) => Finding::Refuted,
        _ => Finding::Undecided,
    };
    Some(finding)
}

/// The verdict and the line that explains it.
pub fn decide(matches: &[Match], threshold: f32) -> (Verdict, String) {
    let mut findings: Vec<(Finding, &Match)> = matches
        .iter()
        .filter_map(|m| Some((implied(m.stance, &m.statement.reviews)?, m)))
        .collect();
    let best = findings
        .iter()
        .map(|(_, m)| m.score)
        .fold(f32::MIN, f32::max);
    let reviewed_near =
        |(f, m): &(Finding, &Match)| f.reviewed() && m.score > best - DISPUTE_MARGIN;
    let mut on_record = None;
    if findings.iter().any(reviewed_near) {
        on_record = findings
            .iter()
            .filter(|(f, _)| !f.reviewed())
            .max_by(|a, b| a.1.score.total_cmp(&b.1.score))
            .copied();
        findings.retain(|(f, _)| f.reviewed());
    }
    let (verdict, line) = decide_among(&findings, threshold);
    match on_record {
        Some(record) => (verdict, format!("{line}; also {}", explain(record))),
        None => (verdict, line),
    }
}

/// The verdict among findings that may decide it.
fn decide_among(findings: &[(Finding, &Match)], threshold: f32) -> (Verdict, String) {
    let strongest = |wanted: &dyn Fn(Finding, &Match) -> bool| {
        findings
            .iter()
            .filter(|(finding, m)| wanted(*finding, m))
            .copied()
            // Stronger first; at equal scores a reviewed finding first.
            .max_by(|a, b| {
                a.1.score
                    .total_cmp(&b.1.score)
                    .then(a.0.reviewed().cmp(&b.0.reviewed()))
            })
    };
    let Some(top) = strongest(&|_, _| true) else {
        let line = format!(
            "no statement on record matches the claim closely enough (score ≥ {threshold}, or \
             most of its words) with a clear stance"
        );
        return (Verdict::Unverified, line);
    };
    let positive = strongest(&|f, _| matches!(f, Finding::Supported | Finding::Attributed));
    let negative = strongest(&|f, _| matches!(f, Finding::Refuted | Finding::Contradicted));
    // The claim says what a fact-checker rated false.
    let debunk = strongest(&|f, m| f == Finding::Refuted && m.stance == Stance::Supports);
    if let (Some(debunk), Some(positive)) = (debunk, positive) {
        if top.0 == positive.0 && top.1.statement.id == positive.1.statement.id {
            let line = format!("{}; but {}", explain(debunk), explain(positive));
            return (Verdict::Disputed, line);
        }
    }
    if let (Some(positive), Some(negative)) = (positive, negative) {
        if (positive.1.score - negative.1.score).abs() < DISPUTE_MARGIN {
            let line = format!(
                "{}; but {}, with scores {:.2} and {:.2}",
                explain(positive),
                explain(negative),
                positive.1.score,
                negative.1.score
            );
            return (Verdict::Disputed, line);
        }
    }
    (top.0.verdict(), explain(top))
}

/// The line for one finding.
fn explain((finding, found): (Finding, &Match)) -> String {
    match finding {
        Finding::Attributed => attribution(found),
        Finding::Contradicted => contradiction(found),
        Finding::Supported
        | Finding::Refuted
        | Finding::Mixed
        | Finding::Undecided
        | Finding::ReviewsDisagree => rated(finding, found),
    }
}

/// "on record, not verified: Joseph Tsai, Chairman, Alibaba Group — …
/// said this (statement X)".
fn attribution(found: &Match) -> String {
    format!(
        "on record, not verified: {} said this (statement {})",
        found.citation, found.statement.id
    )
}

fn contradiction(found: &Match) -> String {
    format!("{} contradicts the claim", who(found))
}

/// "PolitiFact rated this 'Pants on Fire' on 2011-03-04 (normalised:
/// FALSE); the claim says the same as statement X (…)".
fn rated(finding: Finding, found: &Match) -> String {
    let reviews: Vec<String> = found.statement.reviews.iter().map(describe).collect();
    let relation = match found.stance {
        Stance::Supports => "the claim says the same as",
        Stance::Contradicts | Stance::Related => "the claim contradicts",
    };
    let outcome = match finding {
        Finding::Undecided => "; that decides nothing for this claim",
        _ => "",
    };
    format!(
        "{}; {relation} {}{outcome}",
        reviews.join(", and "),
        who(found)
    )
}

/// "PolitiFact rated this 'false' on 2011-03-04 (normalised: FALSE)".
fn describe(review: &Review) -> String {
    let reviewer = match review.publisher.as_str() {
        "" => "a fact-checker",
        publisher => publisher,
    };
    let date = review
        .review_time
        .map(|time| format!(" on {}", time.format("%Y-%m-%d")))
        .unwrap_or_default();
    let rating: NormalizedRating = review.rating();
    format!(
        "{reviewer} rated this '{}'{date} (normalised: {})",
        review.textual_rating,
        rating.name()
    )
}

/// "statement <id> (<citation>)".
fn who(found: &Match) -> String {
    format!("statement {} ({})", found.statement.id, found.citation)
}

#[cfg(test)]
mod tests;
