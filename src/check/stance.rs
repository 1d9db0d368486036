//! Stance of one statement towards the claim, decided by rules an editor can
//! read back: the figures (paired and compared), negation, direction words
//! and the entities the claim names. Each row of the table is one function
//! below, tried in order; the first that applies gives the
//! [`StanceReason`].
//!
//! | rule, in order | stance | reason |
//! | --- | --- | --- |
//! | score below the verdict threshold (default 0.5; lowered by [`FIGURE_BONUS`] when a claim figure is paired with the statement's; at the default threshold, a statement that accounts for [`WELL_COVERED`] of the claim's words is judged whatever its score) | RELATED | `BelowThreshold` |
//! | the claim names an entity the statement's text and attribution do not, and the statement names someone the claim does not (a different subject, not a paraphrase) | RELATED | `EntitiesMissing` |
//! | under half of the claim's other content words (not names, figures or negations) are in what the statement says (text, context, source title; a word counts when the statement has it or one that means the same, and each paired figure counts as one more word) | RELATED | `PredicateMissing` |
//! | a claim year differs from the statement's while dating another claim figure (they are about different times) | RELATED | `AnotherTime` |
//! | a claim figure conflicts with the statement's figure for the same thing | CONTRADICTS | `FigureConflict` |
//! | exactly one side is negated ("not", "never", "no", "没有"; not "without" or "whether or not") | CONTRADICTS | `Negation` |
//! | one side says up ("rose", "went up"), the other down ("fell", "cut") | CONTRADICTS | `DirectionConflict` |
//! | the two use words of opposite meaning ("remains" / "stepped down"), each absent from the other side | CONTRADICTS | `OppositeWords` |
//! | a claim figure (percent, money, multiple, count) has nothing to compare with | RELATED | `FigureUnmatched` |
//! | otherwise | SUPPORTS | `FiguresAgree` or `NothingDiffers` |
//!
//! Words mean the same or the opposite by [`crate::text::lexicon`] (WordNet
//! and a short newsroom list). Two figures are compared only when they
//! measure the same thing: comparable units and at least one shared word on
//! the same side of them (before; after, with what they count); among
//! those, the one sharing most, and at equal sharing the one that agrees.

use foldhash::{HashSet, HashSetExt};

use crate::model::{CheckOptions, QuantityComparison, StanceReason, Statement};
use crate::text::lexicon::KeyIndex;
use crate::text::quantity::{Agreement, Unit};
use crate::text::{self, Token};

use super::facts::{directions, entities, missing_entities, negated, same_entity};
pub use super::facts::{mentions, ClaimFacts, Direction};
use super::{AnalysedClaim, Analyses, StatementText, FIGURE_BONUS};
pub use wording::opposable;

/// Share of the claim's content words (other than names, figures and
/// negations) a statement must contain to support or contradict it.
pub const PREDICATE_COVERAGE: f32 = 0.5;
/// Share of all the claim's terms a statement that scores under the
/// threshold must account for (said, said another way, said the opposite
/// way, or a paired figure) to be judged anyway: a paraphrase scores low
/// when its own words are rare in the library.
pub const WELL_COVERED: f32 = 0.75;

/// A statement as the rules see it: the statement and its text analysed
/// (terms, figures, lexicon keys).
#[derive(Clone, Copy, Debug)]
pub struct StatementView<'a> {
    pub statement: &'a Statement,
    /// `statement.text` analysed.
    pub analysed: &'a StatementText,
    /// Where its other fields' analyses are kept.
    pub analyses: &'a Analyses,
}

/// The reason for the stance and the figure comparisons behind it.
#[derive(Clone, Debug)]
pub struct StanceDecision {
    pub reason: StanceReason,
    pub comparisons: Vec<QuantityComparison>,
    /// Claim words the statement says another way (claim, statement), for
    /// the explanation: ("quit", "resigned").
    pub said_another_way: Vec<(String, String)>,
}

/// Everything one rule may look at.
struct Evidence<'a> {
    claim: &'a ClaimFacts,
    /// The claim's analysed terms, in order, and the text they span.
    claim_tokens: &'a [Token],
    claim_text: &'a str,
    /// The lexicon keys of the claim and of the statement's text.
    claim_keys: &'a KeyIndex,
    statement_keys: &'a KeyIndex,
    /// A claim word whose opposite the statement says, if any.
    opposite: Option<wording::Opposite>,
    statement: &'a StatementView<'a>,
    comparisons: &'a [QuantityComparison],
    /// Per comparison, a statement figure of the same kind that measures
    /// something else (when nothing paired).
    unlike: &'a [Option<String>],
    /// Terms of what the statement says: its text, context and source title.
    said: HashSet<String>,
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
    opposite_words,
    figure_unmatched,
];

/// The claim and the statement use words of opposite meaning.
fn opposite_words(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let found = evidence.opposite.as_ref()?;
    Some(StanceReason::OppositeWords {
        claim_word: found.claim_word.clone(),
        statement_word: found.statement_word.clone(),
    })
}

/// Decides how `statement` bears on the claim, given the match `score`.
pub fn decide(
    claim: &AnalysedClaim<'_>,
    statement: &StatementView<'_>,
    score: f32,
    threshold: f32,
) -> StanceDecision {
    let contexts = if claim.facts.quantities.is_empty() {
        Vec::new()
    } else {
        pairing::contexts(statement)
    };
    let (comparisons, unlike): (Vec<QuantityComparison>, Vec<Option<String>>) = claim
        .facts
        .quantities
        .iter()
        .map(|mention| pairing::pair(mention, claim, statement, &contexts))
        .unzip();
    // A caller who sets a threshold of their own gets exactly that: the
    // well-covered exception applies at the default only.
    let default_threshold = threshold == CheckOptions::DEFAULT_VERDICT_THRESHOLD;
    let bonus = if paired_figures(&comparisons) > 0 {
        FIGURE_BONUS
    } else {
        0.0
    };
    let below = score + bonus < threshold;
    if below && !(default_threshold && wording::may_be_well_covered(claim, statement, &comparisons))
    {
        return StanceDecision {
            reason: StanceReason::BelowThreshold { score, threshold },
            comparisons,
            said_another_way: Vec::new(),
        };
    }
    let statement_keys = statement.analysed.keys();
    let opposite = wording::opposite(claim, statement, statement_keys);
    let mut evidence = Evidence {
        claim: &claim.facts,
        claim_tokens: &claim.tokens,
        claim_text: &claim.claim.text,
        claim_keys: &claim.keys,
        statement_keys,
        opposite,
        statement,
        comparisons: &comparisons,
        unlike: &unlike,
        said: HashSet::new(),
        speaker: speaker_or_statement(statement.statement),
    };
    if below && wording::coverage(&evidence) < WELL_COVERED {
        let reason = StanceReason::BelowThreshold { score, threshold };
        return StanceDecision {
            reason,
            comparisons,
            said_another_way: Vec::new(),
        };
    }
    // Analysing a long context is not free: only for matches judged.
    evidence.said = said_terms(statement);
    let reason = RULES
        .iter()
        .find_map(|rule| rule(&evidence))
        .unwrap_or_else(|| supports(&evidence));
    let said_another_way = wording::synonyms_used(&evidence);
    StanceDecision {
        reason,
        comparisons,
        said_another_way,
    }
}

/// The claim names someone or something the statement's text and
/// attribution do not, and the statement names someone the claim does not
/// (other than its own speaker):
/// a different subject, not a paraphrase of the same one ("White House"
/// for "presidency" substitutes no name).
fn entities_missing(evidence: &Evidence<'_>) -> Option<StanceReason> {
    // Names in the statement's text or attribution: a context that merely
    // mentions the claim's subject ("following Daniel Zhang's departure")
    // does not make a statement about someone else one about them.
    let view = evidence.statement;
    let mut named = view.analysed.terms().clone();
    if let Some(speaker) = view.statement.attribution.speaker.as_ref() {
        for field in [&speaker.name, &speaker.title, &speaker.affiliation] {
            named.extend(text::terms(field));
        }
    }
    let names = missing_entities(evidence.claim, &named);
    if names.is_empty() {
        return None;
    }
    let mut theirs = entities(&view.statement.text);
    let speaker = view.statement.speaker_name();
    theirs.extend(entities(speaker));
    let claim_terms: HashSet<&str> = evidence
        .claim_tokens
        .iter()
        .map(|t| t.term.as_str())
        .collect();
    let substituted = theirs.iter().any(|(_, stem)| {
        !claim_terms.iter().any(|term| same_entity(term, stem))
            && !speaker_terms(speaker).contains(stem)
    });
    substituted.then_some(StanceReason::EntitiesMissing { names })
}

/// Stems of the speaker's name: the statement's own speaker is named by the
/// attribution, so a claim that leaves them out substitutes no one.
fn speaker_terms(speaker: &str) -> HashSet<String> {
    text::terms(speaker).into_iter().collect()
}

/// Under [`PREDICATE_COVERAGE`] of the claim's other content words are
/// there, counting a word the statement says another way and counting each
/// paired figure as one more word said.
fn predicate_missing(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let terms = &evidence.claim.predicate_terms;
    let covered = wording::said_another_way(evidence);
    let absent: Vec<String> = terms
        .iter()
        .filter(|term| !evidence.said.contains(*term) && !covered.contains(term.as_str()))
        .cloned()
        .collect();
    let figures = paired_figures(evidence.comparisons);
    let total = terms.len() + figures;
    let covered = (total - absent.len()) as f32;
    (!terms.is_empty() && covered < PREDICATE_COVERAGE * total as f32)
        .then_some(StanceReason::PredicateMissing { absent })
}

/// Claim figures paired with a statement figure about the same thing
/// (agreeing or not), among the decisive ones: evidence that the two are
/// about the same fact.
fn paired_figures(comparisons: &[QuantityComparison]) -> usize {
    paired_figures_of(comparisons).len()
}

/// The paired decisive claim figures themselves.
fn paired_figures_of(comparisons: &[QuantityComparison]) -> Vec<&QuantityComparison> {
    comparisons
        .iter()
        .filter(|c| decisive(&c.claim.quantity.unit))
        .filter(|c| matches!(c.agreement, Agreement::Agree | Agreement::Conflict))
        .collect()
}

/// A claim year conflicts with the statement's while dating another claim
/// figure ("grew 3% in 2021" against 2023): another time. When the year is
/// the claim's only decisive figure ("released in 2021"), it is what the
/// claim says, and the conflict row contradicts it.
fn another_time(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let year = evidence
        .comparisons
        .iter()
        .find(|c| c.agreement == Agreement::Conflict && c.claim.quantity.unit == Unit::Year)?;
    let dates_a_figure = evidence
        .comparisons
        .iter()
        .any(|c| decisive(&c.claim.quantity.unit));
    if !dates_a_figure {
        return None;
    }
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
    let view = evidence.statement;
    let statement_negated = negated(&view.statement.text, &view.analysed.tokens);
    (evidence.claim.negated != statement_negated).then_some(StanceReason::Negation {
        claim_negated: evidence.claim.negated,
    })
}

/// One side says up, the other down.
fn direction_conflict(evidence: &Evidence<'_>) -> Option<StanceReason> {
    let view = evidence.statement;
    let theirs = directions(&view.statement.text, &view.analysed.tokens);
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
    let (unpaired, unlike) = evidence
        .comparisons
        .iter()
        .zip(evidence.unlike)
        .find(|(c, _)| c.statement.is_none() && decisive(&c.claim.quantity.unit))?;
    Some(StanceReason::FigureUnmatched {
        claim_figure: unpaired.claim.text.clone(),
        unlike: unlike.clone(),
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

/// A statement's distinct terms over text, context and source title
/// (matches at or above the verdict threshold only: analysing a long context
/// is not free). Starts from the analysed text's term set.
fn said_terms(view: &StatementView<'_>) -> HashSet<String> {
    let statement = view.statement;
    let mut said = view.analysed.terms().clone();
    for field in [statement.context.as_str(), statement.source_title()] {
        if !field.is_empty() {
            said.extend(view.analyses.get(field).terms().iter().cloned());
        }
    }
    said
}

mod pairing;
#[cfg(test)]
mod tests;
mod wording;
