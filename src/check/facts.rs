//! What the claim says, analysed once per check: its figures, named
//! entities, direction words, negation and the rest of its content words.

use foldhash::HashSet;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::QuantityMention;
use crate::text::quantity;
use crate::text::{self, CharSpans, Token};

/// Stems sharing this many leading characters name the same entity
/// ("chines"/"china", "american"/"america").
const ENTITY_PREFIX: usize = 4;

const UP_WORDS: &[&str] = &[
    "rise", "rose", "risen", "increas", "grow", "grew", "grown", "gain", "climb", "jump", "surg",
    "soar", "boost", "rais", "higher",
];
const DOWN_WORDS: &[&str] = &[
    "fall", "fell", "fallen", "decreas", "declin", "drop", "cut", "slash", "reduc", "shrink",
    "shrank", "plung", "lower", "lose", "lost", "slump", "tumbl",
];

/// Which way a direction word points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// What the claim says, analysed once per check.
#[derive(Clone, Debug)]
pub struct ClaimFacts {
    pub quantities: Vec<QuantityMention>,
    /// Surface words of named entities and the stems compared.
    pub entities: Vec<(String, String)>,
    /// Surface direction words with their direction.
    pub directions: Vec<(String, Direction)>,
    pub negated: bool,
    /// Stems of what the claim says about its entities: every term that is
    /// not an entity name, inside a figure, or a negation.
    pub predicate_terms: Vec<String>,
}

/// Most figures of a claim compared with a statement's: a real claim has a
/// handful; a 4,096-character claim of figures would otherwise be paired
/// with every figure of every judged statement (hardening II, finding 7).
pub const MAX_CLAIM_FIGURES: usize = 32;
/// Most figures read from one text (a statement's first ones are kept).
pub const MAX_FIGURES: usize = 256;

impl ClaimFacts {
    pub fn new(text: &str, tokens: &[Token]) -> ClaimFacts {
        let mut quantities = mentions(text);
        quantities.truncate(MAX_CLAIM_FIGURES);
        let entities = entities(text);
        let mut predicate_terms: Vec<String> = tokens
            .iter()
            .filter(|token| !token.negation)
            .filter(|token| {
                !quantities
                    .iter()
                    .any(|mention| token.span.overlaps(mention.quantity.span))
            })
            .filter(|token| !entities.iter().any(|(_, stem)| *stem == token.term))
            .map(|token| token.term.clone())
            .collect();
        predicate_terms.dedup();
        ClaimFacts {
            quantities,
            directions: directions(text, tokens),
            negated: negated(text, tokens),
            entities,
            predicate_terms,
        }
    }
}

/// The quantities in `text` (the first [`MAX_FIGURES`]) with their span
/// text and code point offsets.
pub fn mentions(text: &str) -> Vec<QuantityMention> {
    let mut spans = CharSpans::new(text);
    quantity::extract(text)
        .into_iter()
        .take(MAX_FIGURES)
        .filter_map(|quantity| {
            let span_text = quantity.span.slice(text)?.to_owned();
            let span = spans.of(quantity.span);
            Some(QuantityMention {
                quantity,
                text: span_text,
                span,
            })
        })
        .collect()
}

/// Names of days: capitalised, but they say when, not who (as do the
/// months, [`quantity::MONTHS`]).
const DAY_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// True when a negation governs what the text says: a negation word other
/// than "without" (which negates a circumstance: "planted trees without
/// saying why") and other than the "not" of "whether or not" / "or not",
/// which offers both.
pub fn negated(text: &str, tokens: &[Token]) -> bool {
    tokens.iter().filter(|token| token.negation).any(|token| {
        let word = token.span.slice(text).unwrap_or_default().to_lowercase();
        let before = text[..token.span.start.0].trim_end();
        let after_or = before
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|previous| previous.eq_ignore_ascii_case("or"));
        word != "without" && !(after_or && word == "not")
    })
}

/// Capitalised words that name someone or something: mid-sentence, or at a
/// sentence start when the next word is capitalised too ("Tencent Cloud").
/// Short all-caps acronyms (US, AI) and month and day names are left out.
pub fn entities(text: &str) -> Vec<(String, String)> {
    let (words, sentence_starts) = words_and_starts(text);
    let mut found = Vec::new();
    for (position, word) in words.iter().enumerate() {
        if !starts_upper(word) || is_acronym(word) || is_calendar_name(&word.to_lowercase()) {
            continue;
        }
        let at_start = sentence_starts[position];
        let next_upper = words
            .get(position + 1)
            .is_some_and(|next| starts_upper(next));
        if at_start && !next_upper {
            continue;
        }
        if let Some(token) = text::analyze(word).into_iter().next() {
            if !found.iter().any(|(_, stem)| *stem == token.term) {
                found.push(((*word).to_owned(), token.term));
            }
        }
    }
    found
}

/// The words of `text` (its `unicode_words()`: the UAX #29 segments that
/// hold an alphanumeric character), each with whether it starts a
/// sentence, from one pass over the segments.
fn words_and_starts(text: &str) -> (Vec<&str>, Vec<bool>) {
    let (mut words, mut starts) = (Vec::new(), Vec::new());
    let mut at_start = true;
    for segment in text.split_word_bounds() {
        if segment.chars().any(char::is_alphanumeric) {
            words.push(segment);
            starts.push(at_start);
            at_start = false;
        } else if segment.contains(['.', '!', '?', ':', '—']) {
            at_start = true;
        }
    }
    (words, starts)
}

fn is_calendar_name(word: &str) -> bool {
    quantity::MONTHS.contains(&word) || DAY_NAMES.contains(&word)
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() <= 3 && letters.iter().all(|c| c.is_uppercase())
}

/// Claim entities absent from the statement's terms.
pub fn missing_entities(claim: &ClaimFacts, known: &HashSet<String>) -> Vec<String> {
    claim
        .entities
        .iter()
        .filter(|(_, stem)| !known.iter().any(|term| same_entity(term, stem)))
        .map(|(word, _)| word.clone())
        .collect()
}

pub fn same_entity(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let prefix = |s: &str| s.chars().take(ENTITY_PREFIX).collect::<String>();
    a.chars().count() >= ENTITY_PREFIX
        && b.chars().count() >= ENTITY_PREFIX
        && prefix(a) == prefix(b)
}

/// Direction words with their surface text: single words ("rose", "cut")
/// and "go up" / "went down" and the like.
pub fn directions(text: &str, tokens: &[Token]) -> Vec<(String, Direction)> {
    let mut found = Vec::new();
    for (position, token) in tokens.iter().enumerate() {
        let phrasal = position
            .checked_sub(1)
            .map(|before| &tokens[before])
            .filter(|before| GO_FORMS.contains(&before.term.as_str()))
            .and_then(|before| {
                let way = match token.term.as_str() {
                    "up" => Direction::Up,
                    "down" => Direction::Down,
                    _ => return None,
                };
                let span = text::ByteSpan::new(before.span.start.0, token.span.end.0);
                Some((span.slice(text)?.to_owned(), way))
            });
        let single = direction_of(&token.term)
            .and_then(|way| Some((token.span.slice(text)?.to_owned(), way)));
        found.extend(phrasal.or(single));
    }
    found
}

/// Stems of "go" that make "up"/"down" after them a direction.
const GO_FORMS: &[&str] = &["go", "goe", "went", "gone"];

fn direction_of(term: &str) -> Option<Direction> {
    if UP_WORDS.contains(&term) {
        Some(Direction::Up)
    } else if DOWN_WORDS.contains(&term) {
        Some(Direction::Down)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use unicode_segmentation::UnicodeSegmentation;

    use super::{entities, words_and_starts};

    /// One pass gives exactly `unicode_words()`, and sentence starts after
    /// a full stop, question mark, colon or dash.
    #[test]
    fn one_pass_finds_the_unicode_words_and_sentence_starts() {
        for text in [
            "Daniel Zhang stepped down. Eddie Wu takes over: CEO — again?",
            "It's 4.5% of U.S. GDP, up from 3,200 in '19 (Reuters) 🙂 naïve café",
            "",
            "   ...  ",
        ] {
            let (words, starts) = words_and_starts(text);
            assert_eq!(words, text.unicode_words().collect::<Vec<_>>(), "{text}");
            assert_eq!(words.len(), starts.len());
        }
        let (words, starts) = words_and_starts("He left. She stayed: Now — Then");
        let started: Vec<&str> = words
            .iter()
            .zip(starts)
            .filter_map(|(word, start)| start.then_some(*word))
            .collect();
        assert_eq!(started, ["He", "She", "Now", "Then"]);
        let names: Vec<String> =
            entities("Shares fell as Daniel Zhang met Alibaba. Yesterday it rose")
                .into_iter()
                .map(|(word, _)| word)
                .collect();
        assert_eq!(names, ["Daniel", "Zhang", "Alibaba"]);
    }
}
