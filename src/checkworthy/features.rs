//! The features of one sentence: binary, named, sorted. Built from the
//! repository's own text analysis (stems from [`text::analyze`], figures,
//! entities, direction words and negation from [`ClaimFacts`]), with the
//! cues ClaimBuster-style systems found to mark check-worthy debate
//! sentences: figures and their kinds, comparisons, past tense, who speaks
//! to whom, questions, length.
//!
//! Names are prefixed by kind (`u:` unigram, `b:` bigram, `q:` figures,
//! `d:` directions, `e:` entities, `c:` comparison, `t:` tense, `p:`
//! person, `x:` punctuation and shape, `len:` length, `j:` pairs of cues
//! seen together, `sw:` share of stop words) and never hold a tab or a line
//! break, so the model file can list them one a line.

use unicode_segmentation::UnicodeSegmentation;

use crate::check::stance::{ClaimFacts, Direction};
use crate::text::quantity::{Bound, Unit};
use crate::text::{self, Token};

/// One word of the sentence as the n-grams see it.
#[derive(Debug)]
struct Word {
    /// Case-folded surface form (’ folded to ').
    lower: String,
    /// The stem [`text::analyze`] gives it; a stop word as itself; a
    /// number as its shape (`#year`, `#num`).
    term: String,
    /// The analyser dropped it as a stop word.
    stop: bool,
}

/// The sorted, distinct feature names of `sentence`.
pub fn features(sentence: &str) -> Vec<String> {
    let tokens = text::analyze(sentence);
    let words = words(sentence, &tokens);
    let facts = ClaimFacts::new(sentence, &tokens);
    let mut out = Vec::with_capacity(4 * words.len() + 24);
    ngrams(&words, &mut out);
    figures(&facts, &mut out);
    let mut cues = wording(&words, &mut out);
    cues.figure = !facts.quantities.is_empty() || words.iter().any(|w| w.term == "#num");
    cues.entity = !facts.entities.is_empty();
    cues.direction = !facts.directions.is_empty();
    cues.negated = facts.negated;
    conjunctions(&cues, &mut out);
    stop_share(&words, &mut out);
    shape(sentence, words.len(), &mut out);
    for (_, way) in &facts.directions {
        out.push(match way {
            Direction::Up => "d:up".to_owned(),
            Direction::Down => "d:down".to_owned(),
        });
    }
    if facts.negated {
        out.push("neg".to_owned());
    }
    out.push(format!("e:{}", bucket(facts.entities.len(), &[0, 1, 2, 3])));
    out.sort_unstable();
    out.dedup();
    out
}

/// The words of `sentence`, each with its term from `tokens` (the analysis
/// of the same text) or, for stop words, its folded self.
fn words(sentence: &str, tokens: &[Token]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut next = 0;
    for (start, word) in sentence.unicode_word_indices() {
        while tokens.get(next).is_some_and(|t| t.span.end.0 <= start) {
            next += 1;
        }
        let lower: String = word
            .chars()
            .flat_map(char::to_lowercase)
            .map(|ch| if ch == '\u{2019}' { '\'' } else { ch })
            .collect();
        let (term, stop) = match tokens.get(next) {
            Some(token) if token.span.start.0 == start => (number_shape(&token.term), false),
            // The second word of a compound the analyser joined ("spin-off").
            Some(token) if token.span.start.0 < start => continue,
            _ => (lower.clone(), true),
        };
        words.push(Word { lower, term, stop });
    }
    words
}

/// Numbers by shape: a specific number says little, that there is one says
/// much (and the figure features say which kind).
fn number_shape(term: &str) -> String {
    if !term.starts_with(|c: char| c.is_ascii_digit()) {
        return term.to_owned();
    }
    let year = term.len() == 4
        && term
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2099).contains(&y));
    if year { "#year" } else { "#num" }.to_owned()
}

/// Unigrams and bigrams of terms, with sentence start and end marks.
fn ngrams(words: &[Word], out: &mut Vec<String>) {
    let mut previous = "<s>";
    for word in words {
        out.push(format!("u:{}", word.term));
        out.push(format!("b:{previous} {}", word.term));
        previous = &word.term;
    }
    if !words.is_empty() {
        out.push(format!("b:{previous} </s>"));
    }
}

/// Whether there are figures, how many, of which kinds and bounds.
fn figures(facts: &ClaimFacts, out: &mut Vec<String>) {
    let count = facts.quantities.len();
    out.push(format!("q:{}", bucket(count, &[0, 1, 2, 3])));
    for mention in &facts.quantities {
        let quantity = &mention.quantity;
        let unit = match quantity.unit {
            Unit::Percent => "percent",
            Unit::Money(_) => "money",
            Unit::Multiple => "multiple",
            Unit::Duration => "duration",
            Unit::Year => "year",
            Unit::Count => "count",
        };
        out.push(format!("q:{unit}"));
        let bound = match quantity.bound {
            Bound::Exact => None,
            Bound::Approximate => Some("q:about"),
            Bound::MoreThan | Bound::AtLeast => Some("q:over"),
            Bound::LessThan | Bound::AtMost => Some("q:under"),
        };
        out.extend(bound.map(str::to_owned));
        if quantity.value.abs() >= 1e6 && !matches!(quantity.unit, Unit::Year) {
            out.push("q:large".to_owned());
        }
    }
}

/// Comparatives, superlatives.
const COMPARATIVES: &[&str] = &[
    "more", "less", "fewer", "better", "worse", "higher", "lower", "bigger", "smaller", "larger",
    "greater", "faster", "slower", "cheaper", "richer", "poorer", "stronger", "weaker", "longer",
    "shorter", "safer", "harder", "easier", "than",
];
const SUPERLATIVES: &[&str] = &[
    "most", "least", "best", "worst", "fewest", "first", "last", "only", "record", "ever",
];
/// Words of more than five letters ending in -est that are no
/// superlatives ("latest" says when, not how much).
const NOT_SUPERLATIVES: &[&str] = &[
    "interest",
    "honest",
    "request",
    "protest",
    "suggest",
    "forest",
    "modest",
    "contest",
    "arrest",
    "invest",
    "harvest",
    "digest",
    "manifest",
    "earnest",
    "conquest",
    "midwest",
    "southwest",
    "northwest",
    "priest",
    "unrest",
    "attest",
    "detest",
    "infest",
    "latest",
];
const PAST: &[&str] = &[
    "was", "were", "had", "did", "wasn't", "weren't", "didn't", "hadn't",
];
const PERFECT: &[&str] = &[
    "have", "has", "had", "i've", "we've", "you've", "they've", "'ve",
];
const FUTURE: &[&str] = &[
    "will", "won't", "gonna", "i'll", "we'll", "you'll", "they'll",
];
const MODAL: &[&str] = &["would", "could", "should", "might", "must", "can", "may"];
/// Words that end in -ed and are no past forms.
const NOT_PAST: &[&str] = &[
    "need", "indeed", "speed", "seed", "feed", "proceed", "succeed", "exceed", "bed", "red",
    "shed", "weed", "greed", "breed", "deed", "hundred", "united", "naked", "sacred", "wicked",
];

/// Which cues a sentence has, for [`conjunctions`].
#[derive(Debug, Default)]
struct Cues {
    figure: bool,
    past: bool,
    more: bool,
    most: bool,
    entity: bool,
    direction: bool,
    first_plural: bool,
    third: bool,
    negated: bool,
}

/// Comparison, tense and person cues of the words.
fn wording(words: &[Word], out: &mut Vec<String>) -> Cues {
    let mut cues = Cues::default();
    for word in words {
        let lower = word.lower.as_str();
        if COMPARATIVES.contains(&lower) {
            out.push("c:more".to_owned());
            cues.more = true;
        }
        let est = lower.len() > 5 && lower.ends_with("est") && !NOT_SUPERLATIVES.contains(&lower);
        if est || SUPERLATIVES.contains(&lower) {
            out.push("c:most".to_owned());
            cues.most = true;
        }
        let ed = lower.len() > 4 && lower.ends_with("ed") && !NOT_PAST.contains(&lower);
        if ed || PAST.contains(&lower) {
            out.push("t:past".to_owned());
            cues.past = true;
        }
        if PERFECT.contains(&lower) {
            out.push("t:perfect".to_owned());
        }
        if FUTURE.contains(&lower) || lower.ends_with("'ll") {
            out.push("t:future".to_owned());
        }
        if MODAL.contains(&lower) {
            out.push("t:modal".to_owned());
        }
        let person = person(lower);
        cues.first_plural |= person == Some("1p");
        cues.third |= person == Some("3");
        out.extend(person.map(|p| format!("p:{p}")));
    }
    cues
}

/// Pairs of cues seen together: a figure, or the past tense, with each
/// other cue ("we cut taxes by 20%" has figure and past and first person).
/// A linear model cannot learn that two cues mean more together.
fn conjunctions(cues: &Cues, out: &mut Vec<String>) {
    let others = [
        ("past", cues.past),
        ("more", cues.more),
        ("most", cues.most),
        ("ent", cues.entity),
        ("dir", cues.direction),
        ("1p", cues.first_plural),
        ("3", cues.third),
        ("neg", cues.negated),
    ];
    for (name, _) in others.iter().filter(|(_, on)| *on) {
        if cues.figure {
            out.push(format!("j:fig&{name}"));
        }
        if cues.past && *name != "past" {
            out.push(format!("j:past&{name}"));
        }
    }
}

/// The share of stop words (kept as themselves) among the words, in fifths:
/// talk about talk is mostly function words.
fn stop_share(words: &[Word], out: &mut Vec<String>) {
    if words.is_empty() {
        return;
    }
    let stops = words.iter().filter(|word| word.stop).count();
    out.push(format!("sw:{}", stops * 5 / words.len()));
}

/// Who a pronoun names: `1s`, `1p`, `2`, `3`.
fn person(lower: &str) -> Option<&'static str> {
    let stem = lower.split('\'').next().unwrap_or(lower);
    match stem {
        "i" | "me" | "my" | "mine" | "myself" => Some("1s"),
        "we" | "us" | "our" | "ours" | "ourselves" => Some("1p"),
        "you" | "your" | "yours" | "yourself" => Some("2"),
        "he" | "she" | "they" | "him" | "her" | "them" | "his" | "their" => Some("3"),
        _ => None,
    }
}

/// Punctuation, digits and length.
fn shape(sentence: &str, word_count: usize, out: &mut Vec<String>) {
    let marks: [(&str, bool); 7] = [
        ("x:question", sentence.contains('?')),
        ("x:exclaim", sentence.contains('!')),
        ("x:dash", sentence.contains("--") || sentence.contains('—')),
        ("x:quote", sentence.contains(['"', '“', '”'])),
        (
            "x:ellipsis",
            sentence.contains("...") || sentence.contains('…'),
        ),
        ("x:paren", sentence.contains('(')),
        ("x:digit", sentence.contains(|c: char| c.is_ascii_digit())),
    ];
    out.extend(
        marks
            .iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| (*name).to_owned()),
    );
    let length = bucket(word_count, &[0, 4, 7, 11, 16, 26, 41]);
    out.push(format!("len:{length}"));
}

/// The bucket of `value` among ascending lower `bounds`: `"4-6"` when 4
/// and 7 are bounds, `"41+"` past the last.
fn bucket(value: usize, bounds: &[usize]) -> String {
    let at = bounds.iter().rposition(|low| value >= *low).unwrap_or(0);
    match bounds.get(at + 1) {
        Some(next) if *next == bounds[at] + 1 => bounds[at].to_string(),
        Some(next) => format!("{}-{}", bounds[at], next - 1),
        None => format!("{}+", bounds[at]),
    }
}
