//! The stance rules' use of the lexicon: claim words the statement says
//! another way, words of opposite meaning, and how much of the claim a
//! statement accounts for.

use std::collections::HashSet;
use std::ops::Range;

use super::{paired_figures_of, Evidence};
use crate::text::lexicon::{self, lexicon};
use crate::text::{self, Token};

/// A claim word and the statement word of opposite meaning.
pub(super) struct Opposite {
    pub claim_word: String,
    pub statement_word: String,
    /// The claim tokens the claim word spans.
    pub claim_tokens: Range<usize>,
}

/// Claim terms inside a compound whose closed form the statement has: a
/// claim that writes "spin-off" has "spin", "off" and "spinoff", and a
/// statement's "spinoff" accounts for all three.
pub(super) fn inside_compounds<'a>(
    claim_tokens: &'a [Token],
    said: &HashSet<String>,
) -> HashSet<&'a str> {
    let mut covered = HashSet::new();
    for outer in claim_tokens.iter().filter(|t| said.contains(&t.term)) {
        for inner in claim_tokens {
            let within = outer.span.start <= inner.span.start && inner.span.end <= outer.span.end;
            if within && inner.span != outer.span {
                covered.insert(inner.term.as_str());
            }
        }
    }
    covered
}

/// The share of the claim's distinct terms (negations aside) the statement
/// accounts for: its text or speaker has them, it says them another way or
/// the opposite way, or it states a figure paired with theirs.
pub(super) fn coverage(evidence: &Evidence<'_>) -> f32 {
    let tokens = evidence.claim_tokens;
    let another_way = said_another_way(tokens, evidence.statement.tokens);
    let opposite = opposite(evidence).map(|found| found.claim_tokens);
    let paired = paired_figures_of(evidence.comparisons);
    // The statement's own words and who said them: a fact-check's title or
    // context may name a claim the statement itself does not make.
    let view = evidence.statement;
    let mut own: HashSet<String> = view.tokens.iter().map(|t| t.term.clone()).collect();
    own.extend(text::terms(view.statement.speaker_name()));
    let in_compounds = inside_compounds(tokens, &own);
    let mut all = HashSet::new();
    let mut covered = HashSet::new();
    for (position, token) in tokens.iter().enumerate().filter(|(_, t)| !t.negation) {
        let term = token.term.as_str();
        all.insert(term);
        let accounted = own.contains(term)
            || another_way.contains(term)
            || in_compounds.contains(term)
            || opposite
                .as_ref()
                .is_some_and(|range| range.contains(&position))
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

/// Claim terms the statement says in other words: each claim word or
/// phrase that shares a lexicon group with one of the statement's.
pub(super) fn said_another_way<'a>(
    claim_tokens: &'a [Token],
    statement_tokens: &[Token],
) -> HashSet<&'a str> {
    let lexicon = lexicon();
    // The statement's own words only: its title or context may use a word
    // in another sense ("set ablaze" is not "located").
    let mut groups: HashSet<u32> = HashSet::new();
    for (_, _, key) in lexicon::keys(statement_tokens) {
        groups.extend(lexicon.groups(&key));
    }
    let tokens = claim_tokens;
    let mut covered = HashSet::new();
    for (start, len, key) in lexicon::keys(tokens) {
        if lexicon
            .groups(&key)
            .iter()
            .any(|group| groups.contains(group))
        {
            covered.extend(tokens[start..start + len].iter().map(|t| t.term.as_str()));
        }
    }
    covered
}

/// The claim's words the statement says another way, as (claim words,
/// statement words) in the texts' own spelling: ("quit", "resigned").
/// Words both sides spell alike are left out.
pub(super) fn synonyms_used(evidence: &Evidence<'_>) -> Vec<(String, String)> {
    let lexicon = lexicon();
    let view = evidence.statement;
    let ours = lexicon::keys(evidence.claim_tokens);
    let theirs = lexicon::keys(view.tokens);
    let mut found: Vec<(String, String)> = Vec::new();
    for (start, len, key) in &ours {
        if lexicon.groups(key).is_empty() || theirs.iter().any(|(_, _, other)| other == key) {
            continue;
        }
        let mut words: Vec<String> = Vec::new();
        for (their_start, their_len, _) in theirs
            .iter()
            .filter(|(_, _, other)| lexicon.same(key, other))
        {
            let word = surface(view.tokens, &view.statement.text, *their_start, *their_len);
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

/// The text that tokens `start..start + len` span.
fn surface(tokens: &[Token], text: &str, start: usize, len: usize) -> String {
    let span = text::ByteSpan::new(
        tokens[start].span.start.0,
        tokens[start + len - 1].span.end.0,
    );
    span.slice(text).unwrap_or_default().to_owned()
}

/// A claim word or phrase means the opposite of a statement's, and neither
/// side also says the other's word (or one meaning the same).
pub(super) fn opposite(evidence: &Evidence<'_>) -> Option<Opposite> {
    let lexicon = lexicon();
    let view = evidence.statement;
    let ours = lexicon::keys(evidence.claim_tokens);
    let theirs = lexicon::keys(view.tokens);
    let says = |keys: &[(usize, usize, String)], key: &str| {
        keys.iter().any(|(_, _, other)| lexicon.same(other, key))
    };
    for (claim_start, claim_len, claim_key) in &ours {
        for (start, len, key) in &theirs {
            let comparative = COMPARATIVES.contains(&claim_key.as_str());
            if lexicon.opposite(claim_key, key)
                && !comparative
                && !says(&theirs, claim_key)
                && !says(&ours, key)
            {
                return Some(Opposite {
                    claim_word: surface(
                        evidence.claim_tokens,
                        evidence.claim_text,
                        *claim_start,
                        *claim_len,
                    ),
                    statement_word: surface(view.tokens, &view.statement.text, *start, *len),
                    claim_tokens: *claim_start..*claim_start + *claim_len,
                });
            }
        }
    }
    None
}

/// Comparatives: "A pays less than B" says what "B pays more than A" says,
/// so their opposites contradict only with the two sides known, which the
/// rules do not parse.
const COMPARATIVES: &[&str] = &[
    "more", "less", "fewer", "higher", "lower", "greater", "smaller", "bigger", "larger", "better",
    "wors", "older", "younger", "earlier", "later",
];
