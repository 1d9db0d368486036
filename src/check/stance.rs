//! Stance of one statement towards the claim, decided by rules an editor can
//! read back: the figures (paired and compared), negation, direction words
//! and the entities the claim names. Each row of the table is one function
//! below, tried in order; the first that applies gives the
//! [`StanceReason`].
//!
//! | rule, in order | stance | reason |
//! | --- | --- | --- |
//! | score below the verdict threshold (default 0.5) | RELATED | `BelowThreshold` |
//! | the claim names an entity the statement (text, context, source title, speaker) does not | RELATED | `EntitiesMissing` |
//! | under half of the claim's other content words (not names, figures or negations) are in the statement | RELATED | `PredicateMissing` |
//! | a claim year differs from the statement's (they are about different times) | RELATED | `AnotherTime` |
//! | a claim figure conflicts with the statement's figure for the same thing | CONTRADICTS | `FigureConflict` |
//! | exactly one side is negated ("not", "never", "no", "没有") | CONTRADICTS | `Negation` |
//! | one side says up ("rose", "increase"), the other down ("fell", "cut") | CONTRADICTS | `DirectionConflict` |
//! | a claim figure (percent, money, multiple, count) has nothing to compare with | RELATED | `FigureUnmatched` |
//! | otherwise | SUPPORTS | `FiguresAgree` or `NothingDiffers` |

use std::collections::HashSet;

use crate::model::{QuantityComparison, QuantityMention, StanceReason, Statement};
use crate::text::quantity::{self, Agreement, Quantity, Unit};
use crate::text::{self, Token};

use super::facts::{directions, missing_entities};
pub use super::facts::{mentions, ClaimFacts, Direction};
use super::AnalysedClaim;

/// Tokens on each side of a figure that say what it is about.
const CONTEXT_TOKENS: usize = 4;
/// Share of the claim's content words (other than names, figures and
/// negations) a statement must contain to support or contradict it.
pub const PREDICATE_COVERAGE: f32 = 0.5;

/// A statement as the rules see it: analysed text and its figures.
#[derive(Clone, Copy, Debug)]
pub struct StatementView<'a> {
    pub statement: &'a Statement,
    /// Search terms of the statement text.
    pub tokens: &'a [Token],
    /// Figures in the statement text.
    pub mentions: &'a [QuantityMention],
}

/// The reason for the stance and the figure comparisons behind it.
#[derive(Clone, Debug)]
pub struct StanceDecision {
    pub reason: StanceReason,
    pub comparisons: Vec<QuantityComparison>,
}

/// Everything one rule may look at.
struct Evidence<'a> {
    claim: &'a ClaimFacts,
    statement: &'a StatementView<'a>,
    comparisons: &'a [QuantityComparison],
    /// Terms of the statement's text, context, source title and speaker.
    known: HashSet<String>,
    /// Who the statement is attributed to, for reasons that quote it.
    speaker: String,
}

/// The rows of the table before the default, in order.
const RULES: &[fn(&Evidence<'_>) -> Option<StanceReason>] = &[
    entities_missing,
    predicate_missing,
    another_time,
    figure_conflict,
    negation,
    direction_conflict,
    figure_unmatched,
];

/// Decides how `statement` bears on the claim, given the match `score`.
pub fn decide(
    claim: &AnalysedClaim<'_>,
    statement: &StatementView<'_>,
    score: f32,
    threshold: f32,
) -> StanceDecision {
    let comparisons: Vec<QuantityComparison> = claim
        .facts
        .quantities
        .iter()
        .map(|mention| pair(mention, claim, statement))
        .collect();
    if score < threshold {
        let reason = StanceReason::BelowThreshold { score, threshold };
        return StanceDecision {
            reason,
            comparisons,
        };
    }
    let evidence = Evidence {
        claim: &claim.facts,
        statement,
        comparisons: &comparisons,
        known: known_terms(statement),
        speaker: speaker_or_statement(statement.statement),
    };
    let reason = RULES
        .iter()
        .find_map(|rule| rule(&evidence))
        .unwrap_or_else(|| supports(&evidence));
    StanceDecision {
        reason,
        comparisons,
    }
}

/// The claim names someone or something the statement does not.
fn entities_missing(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let names = missing_entities(evidence.claim, &evidence.known);
    (!names.is_empty()).then_some(StanceReason::EntitiesMissing { names })
}

/// Under [`PREDICATE_COVERAGE`] of the claim's other content words are there.
fn predicate_missing(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let terms = &evidence.claim.predicate_terms;
    let absent: Vec<String> = terms
        .iter()
        .filter(|term| !evidence.known.contains(*term))
        .cloned()
        .collect();
    let total = terms.len();
    let covered = (total - absent.len()) as f32;
    (total > 0 && covered < PREDICATE_COVERAGE * total as f32)
        .then_some(StanceReason::PredicateMissing { absent })
}

/// A claim year conflicts with the statement's: another time.
fn another_time(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let year = evidence
        .comparisons
        .iter()
        .find(|c| c.agreement == Agreement::Conflict && c.claim.quantity.unit == Unit::Year)?;
    Some(StanceReason::AnotherTime {
        comparison: year.clone(),
        speaker: evidence.speaker.clone(),
    })
}

/// A claim figure conflicts with the statement's figure for the same thing.
fn figure_conflict(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let conflict = evidence
        .comparisons
        .iter()
        .find(|c| c.agreement == Agreement::Conflict)?;
    Some(StanceReason::FigureConflict {
        comparison: conflict.clone(),
        speaker: evidence.speaker.clone(),
    })
}

/// Exactly one side is negated.
fn negation(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let statement_negated = evidence.statement.tokens.iter().any(|t| t.negation);
    (evidence.claim.negated != statement_negated).then_some(StanceReason::Negation {
        claim_negated: evidence.claim.negated,
    })
}

/// One side says up, the other down.
fn direction_conflict(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let view = evidence.statement;
    let theirs = directions(&view.statement.text, view.tokens);
    let ours = &evidence.claim.directions;
    let only = |list: &[(String, Direction)], way: Direction| {
        !list.is_empty() && list.iter().all(|(_, d)| *d == way)
    };
    let opposed = (only(ours, Direction::Up) && only(&theirs, Direction::Down))
        || (only(ours, Direction::Down) && only(&theirs, Direction::Up));
    opposed.then(|| StanceReason::DirectionConflict {
        claim_word: ours[0].0.clone(),
        statement_word: theirs[0].0.clone(),
    })
}

/// A decisive claim figure has nothing on record to compare with.
fn figure_unmatched(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let unpaired = evidence
        .comparisons
        .iter()
        .find(|c| c.statement.is_none() && decisive(&c.claim.quantity.unit))?;
    Some(StanceReason::FigureUnmatched {
        claim_figure: unpaired.claim.text.clone(),
    })
}

/// The default row: a strong match, with the figures that agree.
fn supports(evidence: &Evidence<'_>) -> StanceReason {
    let agreeing: Vec<QuantityComparison> = evidence
        .comparisons
        .iter()
        .filter(|c| c.agreement == Agreement::Agree)
        .cloned()
        .collect();
    if agreeing.is_empty() {
        StanceReason::NothingDiffers
    } else {
        StanceReason::FiguresAgree {
            agreeing,
            speaker: evidence.speaker.clone(),
        }
    }
}

/// Figures that must be on record for a claim to be supported.
fn decisive(unit: &Unit) -> bool {
    !matches!(unit, Unit::Year | Unit::Duration)
}

fn speaker_or_statement(statement: &Statement) -> String {
    match statement.speaker_name() {
        "" => "the statement".to_owned(),
        name => name.to_owned(),
    }
}

/// Pairs a claim figure with the statement figure about the same thing:
/// comparable unit, most shared context words; among equally good ones an
/// agreeing figure wins (the statement does state the claim's number).
fn pair(
    mention: &QuantityMention,
    claim: &AnalysedClaim<'_>,
    statement: &StatementView<'_>,
) -> QuantityComparison {
    let claim_context = context_terms(&mention.quantity, &claim.claim.text, &claim.tokens);
    let mut best: Option<(usize, Agreement, &QuantityMention)> = None;
    for candidate in statement.mentions {
        let agreement = quantity::compare(&mention.quantity, &candidate.quantity);
        if agreement == Agreement::NotComparable {
            continue;
        }
        let context = context_terms(
            &candidate.quantity,
            &statement.statement.text,
            statement.tokens,
        );
        let overlap = claim_context.intersection(&context).count();
        let better = match best {
            None => true,
            Some((best_overlap, best_agreement, _)) => {
                overlap > best_overlap
                    || (overlap == best_overlap
                        && agreement == Agreement::Agree
                        && best_agreement != Agreement::Agree)
            }
        };
        if better {
            best = Some((overlap, agreement, candidate));
        }
    }
    QuantityComparison {
        claim: mention.clone(),
        agreement: best.map_or(Agreement::NotComparable, |(_, agreement, _)| agreement),
        statement: best.map(|(_, _, found)| found.clone()),
    }
}

/// Stems of the words around a figure and of what it counts.
fn context_terms(quantity: &Quantity, text: &str, tokens: &[Token]) -> HashSet<String> {
    let before = tokens
        .iter()
        .filter(|t| t.span.end <= quantity.span.start)
        .rev()
        .take(CONTEXT_TOKENS);
    let after = tokens
        .iter()
        .filter(|t| t.span.start >= quantity.span.end)
        .take(CONTEXT_TOKENS);
    let mut terms: HashSet<String> = before.chain(after).map(|t| t.term.clone()).collect();
    terms.extend(quantity.counts.iter().flat_map(|word| text::terms(word)));
    debug_assert!(quantity.span.end.0 <= text.len());
    terms
}

/// A statement's distinct terms over text, context, source title, speaker
/// name and affiliation (matches at or above the verdict threshold only:
/// analysing a long context is not free). Reuses the analysed text tokens.
fn known_terms(view: &StatementView<'_>) -> HashSet<String> {
    let statement = view.statement;
    let mut known: HashSet<String> = view.tokens.iter().map(|t| t.term.clone()).collect();
    let speaker = statement.attribution.speaker.as_ref();
    let fields = [
        statement.context.as_str(),
        statement.source_title(),
        speaker.map_or("", |s| s.name.as_str()),
        speaker.map_or("", |s| s.affiliation.as_str()),
    ];
    for field in fields {
        known.extend(text::analyze(field).into_iter().map(|t| t.term));
    }
    known
}

#[cfg(test)]
mod tests;
