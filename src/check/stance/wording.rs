//! The stance rules' use of the lexicon: claim words the statement says
//! another way, words of opposite meaning, and how much of the claim a
//! statement accounts for. Every lookup goes through the two texts'
//! [`KeyIndex`]es, so the work grows with the length of each text, not
//! with their product.

use foldhash::{HashSet, HashSetExt};
use std::ops::Range;

use super::{paired_figures_of, Evidence, WELL_COVERED};
use crate::text::lexicon::{lexicon, KeyIndex};
use crate::text::{self, Token};

/// Comparatives: "A pays less than B" says what "B pays more than A" says,
/// so their opposites contradict only with the two sides known, which the
/// rules do not parse.
const COMPARATIVES: &[&str] = &[
    "more", "less", "fewer", "higher", "lower", "greater", "smaller", "bigger", "larger", "better",
    "wors", "older", "younger", "earlier", "later",
];

/// Converses and orderings: "Tencent bought the stake from Prosus" is
/// "Prosus sold the stake to Tencent"; "the first quarter" and "the second
/// quarter" are other times, not opposites.
const CONVERSES: &[&str] = &[
    "buy", "bought", "sell", "sold", "borrow", "lend", "lent", "import", "export", "give", "take",
    "receiv", "send", "sent", "input", "output", "first", "second", "third", "last", "earli",
    "late", "middl", "begin", "end", "parent", "child",
];

/// A claim word and the statement word of opposite meaning.
pub(super) struct Opposite {
    pub claim_word: String,
    pub statement_word: String,
    /// The claim tokens the claim word spans.
    pub claim_tokens: Range<usize>,
}

/// The share of the claim's distinct terms (negations aside) the statement
/// accounts for: its text or speaker has them, it says them another way or
/// the opposite way, or it states a figure paired with theirs.
pub(super) fn coverage(evidence: &Evidence<'_>) -> f32 {
    let tokens = evidence.claim_tokens;
    let another_way = said_another_way(evidence);
    let opposite = evidence.opposite.as_ref().map(|found| &found.claim_tokens);
    let paired = paired_figures_of(evidence.comparisons);
    // The statement's own words and who said them: a fact-check's title or
    // context may name a claim the statement itself does not make.
    let view = evidence.statement;
    let speaker = text::terms(view.statement.speaker_name());
    let own = |term: &str| view.analysed.has_term(term) || speaker.iter().any(|s| s == term);
    let mut all = HashSet::new();
    let mut covered = HashSet::new();
    for (position, token) in tokens.iter().enumerate().filter(|(_, t)| !t.negation) {
        let term = token.term.as_str();
        all.insert(term);
        let accounted = own(term)
            || another_way.contains(term)
            || opposite.is_some_and(|range| range.contains(&position))
            || paired
                .iter()
                .any(|c| token.span.overlaps(c.claim.quantity.span));
        if accounted {
            covered.insert(term);
        }
    }
    if all.is_empty() {
        return 0.0;
    }
    covered.len() as f32 / all.len() as f32
}

/// Whether [`coverage`] could reach [`WELL_COVERED`]: counting every claim
/// term the lexicon relates to other words as covered. A cheap bound that
/// spares most weak matches the statement's key index.
pub(super) fn may_be_well_covered(
    claim: &super::AnalysedClaim<'_>,
    view: &super::StatementView<'_>,
    comparisons: &[crate::model::QuantityComparison],
) -> bool {
    let paired = paired_figures_of(comparisons);
    let speaker = text::terms(view.statement.speaker_name());
    let own = |term: &str| view.analysed.has_term(term) || speaker.iter().any(|s| s == term);
    let mut all = HashSet::new();
    let mut possible = HashSet::new();
    for (position, token) in claim.tokens.iter().enumerate().filter(|(_, t)| !t.negation) {
        let term = token.term.as_str();
        all.insert(term);
        let could = own(term)
            || claim.relatable.get(position).copied().unwrap_or(false)
            || paired
                .iter()
                .any(|c| token.span.overlaps(c.claim.quantity.span));
        if could {
            possible.insert(term);
        }
    }
    !all.is_empty() && possible.len() as f32 / all.len() as f32 >= WELL_COVERED
}

/// Claim terms the statement says in other words: each claim word or
/// phrase that shares a lexicon group with one of the statement's own words
/// (not its title or context, which may use a word in another sense: "set
/// ablaze" is not "located").
pub(super) fn said_another_way<'a>(evidence: &Evidence<'a>) -> HashSet<&'a str> {
    let tokens = evidence.claim_tokens;
    let theirs = &evidence.statement_keys;
    let mut covered = HashSet::new();
    for (start, len, key) in &evidence.claim_keys.ordered {
        if !theirs.same_as(key).is_empty() {
            covered.extend(tokens[*start..start + len].iter().map(|t| t.term.as_str()));
        }
    }
    covered
}

/// The claim's words the statement says another way, as (claim words,
/// statement words) in the texts' own spelling: ("quit", "giving up /
/// resigned"). Words both sides spell alike are left out.
pub(super) fn synonyms_used(evidence: &Evidence<'_>) -> Vec<(String, String)> {
    let view = evidence.statement;
    let theirs = &evidence.statement_keys;
    let mut found: Vec<(String, String)> = Vec::new();
    for (start, len, key) in &evidence.claim_keys.ordered {
        if theirs.position(key).is_some() {
            continue;
        }
        let mut words: Vec<String> = Vec::new();
        for (their_start, their_len) in theirs.same_as(key) {
            let word = surface(
                &view.analysed.tokens,
                &view.statement.text,
                their_start,
                their_len,
            );
            if !words.contains(&word) {
                words.push(word);
            }
        }
        if words.is_empty() {
            continue;
        }
        let pair = (
            surface(evidence.claim_tokens, evidence.claim_text, *start, *len),
            words.join(" / "),
        );
        if !found.contains(&pair) {
            found.push(pair);
        }
    }
    found
}

/// The claim's words and phrases (by place in its key index, in claim
/// order) that have opposites a statement could say: each with those
/// opposites, less the ones the claim itself says or means (comparatives
/// and converses aside). Worked out once per claim.
pub fn opposable(ours: &KeyIndex) -> Vec<(usize, Vec<&'static str>)> {
    let lexicon = lexicon();
    let mut found = Vec::new();
    for (at, (_, _, claim_key)) in ours.ordered.iter().enumerate() {
        if COMPARATIVES.contains(&claim_key.as_str()) || CONVERSES.contains(&claim_key.as_str()) {
            continue;
        }
        let opposites: Vec<&'static str> = lexicon
            .opposites_of(claim_key)
            .filter(|key| !CONVERSES.contains(key) && !ours.says(key))
            .collect();
        if !opposites.is_empty() {
            found.push((at, opposites));
        }
    }
    found
}

/// The first claim word or phrase (in claim order) whose opposite the
/// statement says, when neither side also says the other's word or one
/// meaning the same; comparatives and converses aside.
pub(super) fn opposite(
    claim: &super::AnalysedClaim<'_>,
    view: &super::StatementView<'_>,
    theirs: &KeyIndex,
) -> Option<Opposite> {
    for (at, opposites) in &claim.opposable {
        let (claim_start, claim_len, claim_key) = &claim.keys.ordered[*at];
        if theirs.says(claim_key) {
            continue;
        }
        let nearest = opposites
            .iter()
            .filter_map(|key| theirs.position(key))
            .min();
        if let Some((start, len)) = nearest {
            return Some(Opposite {
                claim_word: surface(&claim.tokens, &claim.claim.text, *claim_start, *claim_len),
                statement_word: surface(&view.analysed.tokens, &view.statement.text, start, len),
                claim_tokens: *claim_start..*claim_start + *claim_len,
            });
        }
    }
    None
}

/// The text that tokens `start..start + len` span.
fn surface(tokens: &[Token], text: &str, start: usize, len: usize) -> String {
    let span = text::ByteSpan::new(
        tokens[start].span.start.0,
        tokens[start + len - 1].span.end.0,
    );
    span.slice(text).unwrap_or_default().to_owned()
}
