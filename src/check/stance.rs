//! Stance of one statement towards the claim, decided by rules an editor can
//! read back: the figures (paired and compared), negation, direction words
//! and the entities the claim names.
//!
//! | rule, in order | stance |
//! | --- | --- |
//! | score below the verdict threshold (default [`STRONG_MATCH`]) | RELATED |
//! | the claim names an entity the statement (text, context, source title, speaker) does not | RELATED |
//! | under half of the claim's other content words (not names, figures or negations) are in the statement | RELATED |
//! | a claim year differs from the statement's (they are about different times) | RELATED |
//! | a claim figure conflicts with the statement's figure for the same thing | CONTRADICTS |
//! | exactly one side is negated ("not", "never", "no", "没有") | CONTRADICTS |
//! | one side says up ("rose", "increase"), the other down ("fell", "cut") | CONTRADICTS |
//! | a claim figure (percent, money, multiple, count) has nothing to compare with | RELATED |
//! | otherwise | SUPPORTS |

use std::collections::HashSet;

use crate::model::{QuantityComparison, QuantityMention, Stance, Statement};
use crate::text::quantity::{self, Agreement, Quantity, Unit};
use crate::text::{self, Token};

use super::facts::{directions, missing_entities};
pub use super::facts::{mentions, ClaimFacts, Direction};

/// Default score from which a match can support or contradict.
pub const STRONG_MATCH: f32 = 0.5;
/// Tokens on each side of a figure that say what it is about.
const CONTEXT_TOKENS: usize = 4;
/// Share of the claim's content words (other than names, figures and
/// negations) a statement must contain to support or contradict it.
pub const PREDICATE_COVERAGE: f32 = 0.5;
/// The stance with its reason and the figure comparisons behind it.
#[derive(Clone, Debug)]
pub struct StanceDecision {
    pub stance: Stance,
    pub reason: String,
    pub comparisons: Vec<QuantityComparison>,
}

/// Decides how `statement` (with its text tokens) bears on the claim.
pub fn decide(
    claim: &ClaimFacts,
    claim_text: &str,
    claim_tokens: &[Token],
    statement: &Statement,
    statement_tokens: &[Token],
    score: f32,
    threshold: f32,
) -> StanceDecision {
    let statement_quantities = mentions(&statement.text);
    let comparisons: Vec<QuantityComparison> = claim
        .quantities
        .iter()
        .map(|mention| {
            pair(
                mention,
                claim_text,
                claim_tokens,
                &statement_quantities,
                &statement.text,
                statement_tokens,
            )
        })
        .collect();
    let (stance, reason) = rule(
        claim,
        statement,
        statement_tokens,
        &comparisons,
        score,
        threshold,
    );
    StanceDecision {
        stance,
        reason,
        comparisons,
    }
}

fn rule(
    claim: &ClaimFacts,
    statement: &Statement,
    statement_tokens: &[Token],
    comparisons: &[QuantityComparison],
    score: f32,
    threshold: f32,
) -> (Stance, String) {
    if score < threshold {
        return (
            Stance::Related,
            format!("RELATED: score {score:.2} is below {threshold}"),
        );
    }
    let known = &StatementTerms::new(statement, statement_tokens).known;
    let missing = missing_entities(claim, known);
    if !missing.is_empty() {
        let names = missing.join(", ");
        return (
            Stance::Related,
            format!("RELATED: the claim names {names}; the statement does not"),
        );
    }
    let absent: Vec<&str> = claim
        .predicate_terms
        .iter()
        .filter(|term| !known.contains(*term))
        .map(String::as_str)
        .collect();
    let total = claim.predicate_terms.len();
    if total > 0 && ((total - absent.len()) as f32) < PREDICATE_COVERAGE * total as f32 {
        return (
            Stance::Related,
            format!(
                "RELATED: the statement does not say what the claim says ({})",
                absent.join(", ")
            ),
        );
    }
    let who = speaker_or_statement(statement);
    let other_year = comparisons
        .iter()
        .find(|c| c.agreement == Agreement::Conflict && c.claim.quantity.unit == Unit::Year);
    if let Some(year) = other_year {
        return (
            Stance::Related,
            format!("RELATED: about another time: {}", describe(year, &who)),
        );
    }
    if let Some(conflict) = comparisons
        .iter()
        .find(|c| c.agreement == Agreement::Conflict)
    {
        return (
            Stance::Contradicts,
            format!("CONTRADICTS: {}", describe(conflict, &who)),
        );
    }
    let statement_negated = statement_tokens.iter().any(|token| token.negation);
    if claim.negated != statement_negated {
        let side = if claim.negated {
            "the claim is negated, the statement is not"
        } else {
            "the statement is negated, the claim is not"
        };
        return (Stance::Contradicts, format!("CONTRADICTS: {side}"));
    }
    if let Some(reason) = direction_conflict(claim, &statement.text, statement_tokens) {
        return (Stance::Contradicts, format!("CONTRADICTS: {reason}"));
    }
    if let Some(unpaired) = comparisons
        .iter()
        .find(|c| c.statement.is_none() && decisive(&c.claim.quantity.unit))
    {
        return (
            Stance::Related,
            format!(
                "RELATED: the statement gives no figure to compare with {}",
                unpaired.claim.text
            ),
        );
    }
    let agreeing: Vec<String> = comparisons
        .iter()
        .filter(|c| c.agreement == Agreement::Agree)
        .map(|c| describe(c, &who))
        .collect();
    if agreeing.is_empty() {
        (
            Stance::Supports,
            "SUPPORTS: strong match; no figure, negation or direction differs".to_owned(),
        )
    } else {
        (
            Stance::Supports,
            format!("SUPPORTS: {}", agreeing.join("; ")),
        )
    }
}

/// Figures that must be on record for a claim to be supported.
fn decisive(unit: &Unit) -> bool {
    !matches!(unit, Unit::Year | Unit::Duration)
}

/// "claim says 80% of china generative ai; Joseph Tsai said half (50%)".
fn describe(comparison: &QuantityComparison, who: &str) -> String {
    let claim = &comparison.claim;
    let mut line = format!("claim says {}", shown(claim));
    if !claim.quantity.counts.is_empty() {
        line.push_str(&format!(" of {}", claim.quantity.counts.join(" ")));
    }
    if let Some(statement) = &comparison.statement {
        line.push_str(&format!("; {who} said {}", shown(statement)));
    }
    line
}

/// The span text, with the normalised value when it reads differently.
fn shown(mention: &QuantityMention) -> String {
    let display = quantity::format(&mention.quantity);
    if display.eq_ignore_ascii_case(&mention.text) {
        mention.text.clone()
    } else {
        format!("{} ({display})", mention.text)
    }
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
    claim: &QuantityMention,
    claim_text: &str,
    claim_tokens: &[Token],
    statement_quantities: &[QuantityMention],
    statement_text: &str,
    statement_tokens: &[Token],
) -> QuantityComparison {
    let claim_context = context_terms(&claim.quantity, claim_text, claim_tokens);
    let mut best: Option<(usize, Agreement, &QuantityMention)> = None;
    for candidate in statement_quantities {
        let agreement = quantity::compare(&claim.quantity, &candidate.quantity);
        if agreement == Agreement::NotComparable {
            continue;
        }
        let context = context_terms(&candidate.quantity, statement_text, statement_tokens);
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
        claim: claim.clone(),
        agreement: best.map_or(Agreement::NotComparable, |(_, agreement, _)| agreement),
        statement: best.map(|(_, _, mention)| mention.clone()),
    }
}

/// Stems of the words around a figure and of what it counts.
fn context_terms(quantity: &Quantity, text: &str, tokens: &[Token]) -> HashSet<String> {
    let before = tokens
        .iter()
        .filter(|t| t.end <= quantity.start)
        .rev()
        .take(CONTEXT_TOKENS);
    let after = tokens
        .iter()
        .filter(|t| t.start >= quantity.end)
        .take(CONTEXT_TOKENS);
    let mut terms: HashSet<String> = before.chain(after).map(|t| t.term.clone()).collect();
    terms.extend(quantity.counts.iter().flat_map(|word| text::terms(word)));
    debug_assert!(quantity.end <= text.len());
    terms
}

/// A statement's distinct terms, for the rules that need them (matches at or
/// above the verdict threshold only: analysing a long context is not free).
struct StatementTerms {
    /// Terms of text, context, source title, speaker name and affiliation.
    known: HashSet<String>,
}

impl StatementTerms {
    /// Reuses the already analysed `text_tokens` of the statement's text.
    fn new(statement: &Statement, text_tokens: &[Token]) -> StatementTerms {
        let mut known: HashSet<String> = text_tokens.iter().map(|t| t.term.clone()).collect();
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
        StatementTerms { known }
    }
}

/// "the claim says rose, the statement says fell" when they point apart.
fn direction_conflict(
    claim: &ClaimFacts,
    statement_text: &str,
    statement_tokens: &[Token],
) -> Option<String> {
    let theirs = directions(statement_text, statement_tokens);
    let only = |list: &[(String, Direction)], way: Direction| {
        !list.is_empty() && list.iter().all(|(_, d)| *d == way)
    };
    for way in [Direction::Up, Direction::Down] {
        let opposite = if way == Direction::Up {
            Direction::Down
        } else {
            Direction::Up
        };
        if only(&claim.directions, way) && only(&theirs, opposite) {
            return Some(format!(
                "the claim says \"{}\", the statement says \"{}\"",
                claim.directions[0].0, theirs[0].0
            ));
        }
    }
    None
}
