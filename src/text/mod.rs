//! Text analysis: Unicode word segmentation, NFKC + case folding, English
//! Snowball stems, a short stop list, and CJK character bigrams.
//!
//! The same analyser runs over statements at ingest and over claims at check
//! time, so their terms meet in the index. Every token keeps its byte span in
//! the original text, for highlights.

pub mod lexicon;
pub mod post;
pub mod quantity;
mod script;
pub mod sentences;
mod span;
mod stopwords;

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

pub use script::is_cjk;
pub use span::{ByteOffset, ByteSpan, CharOffset, CharSpan, CharSpans};
pub use stopwords::{demonym_place, is_negation, is_stop_word};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Most pieces remembered per thread by [`normalise_piece`]'s cache.
const PIECE_CACHE_LIMIT: usize = 100_000;

thread_local! {
    /// Folded piece → term. A corpus repeats a small vocabulary, so most
    /// pieces are stemmed once per thread; the cache is cleared when full.
    static PIECE_CACHE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// One search term and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The normalised term: case-folded, NFKC, stemmed (or a CJK bigram).
    pub term: String,
    /// Where the word (or bigram) is in the original text.
    pub span: ByteSpan,
    /// True when the word is a negation ("not", "never", "no", "没有"...).
    pub negation: bool,
}

/// Splits `text` into search terms, dropping stop words.
pub fn analyze(text: &str) -> Vec<Token> {
    analyze_field(text).0
}

/// [`analyze`], plus the field's length for ranking: its terms and the stop
/// words dropped, so a text whose words were swapped for stop words does
/// not read as shorter (and so as denser in the terms it kept).
pub fn analyze_field(text: &str) -> (Vec<Token>, u32) {
    let mut stops = 0u32;
    let mut tokens = Vec::new();
    let mut cjk_run: Vec<(usize, char)> = Vec::new();
    for (start, word) in text.split_word_bound_indices() {
        if word.chars().all(is_cjk) {
            cjk_run.extend(word.char_indices().map(|(at, ch)| (start + at, ch)));
            continue;
        }
        push_cjk_bigrams(&cjk_run, &mut tokens);
        cjk_run.clear();
        if word.chars().any(char::is_alphanumeric) {
            push_word(word, start, &mut tokens, &mut stops);
        }
    }
    push_cjk_bigrams(&cjk_run, &mut tokens);
    join_compounds(text, &mut tokens);
    let length = (tokens.len() as u32).saturating_add(stops);
    (tokens, length)
}

/// Reads a hyphenated pair of terms that spells a compound as the closed
/// form's one term ("spin-off" → "spinoff", "start-ups" → "startup"), so
/// the spellings meet in search. Open forms ("spin off") meet the closed
/// one in the stance rules, through the lexicon: joining them here too was
/// measured to cost CheckThat! devtest 0.006 MAP@5 ("set up", "check out"
/// in tweets are seldom the nouns).
fn join_compounds(text: &str, tokens: &mut Vec<Token>) {
    let mut at = 0;
    while at + 1 < tokens.len() {
        let (first, second) = (&tokens[at], &tokens[at + 1]);
        let between = text
            .get(first.span.end.0..second.span.start.0)
            .unwrap_or("x");
        let adjacent = between == "-";
        let joined = adjacent
            .then(|| lexicon::compound(&first.term, &second.term))
            .flatten();
        if let Some(term) = joined {
            let span = ByteSpan::new(first.span.start.0, second.span.end.0);
            tokens[at] = Token {
                term: term.to_owned(),
                span,
                negation: false,
            };
            tokens.remove(at + 1);
        }
        at += 1;
    }
}

/// The distinct terms of `text`, in first-seen order.
pub fn terms(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    analyze(text)
        .into_iter()
        .filter(|token| seen.insert(token.term.clone()))
        .map(|token| token.term)
        .collect()
}

/// Adds the terms of one non-CJK word (NFKC may split it into several).
fn push_word(word: &str, start: usize, tokens: &mut Vec<Token>, stops: &mut u32) {
    // NFKC leaves ASCII as it is.
    let folded: String = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.nfkc()
            .flat_map(char::to_lowercase)
            .map(|ch| if ch == '\u{2019}' { '\'' } else { ch })
            .collect()
    };
    for piece in folded.split(|ch: char| !(ch.is_alphanumeric() || "'.,_".contains(ch))) {
        let piece = piece.trim_matches(|ch: char| !ch.is_alphanumeric());
        if piece.is_empty() {
            continue;
        }
        if is_stop_word(piece) {
            *stops += 1;
            continue;
        }
        tokens.push(Token {
            term: cached_normalise_piece(piece),
            span: ByteSpan::new(start, start + word.len()),
            negation: is_negation(piece),
        });
    }
}

/// [`normalise_piece`] through the per-thread cache.
fn cached_normalise_piece(piece: &str) -> String {
    PIECE_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(term) = cache.get(piece) {
            return term.clone();
        }
        if cache.len() >= PIECE_CACHE_LIMIT {
            cache.clear();
        }
        let term = normalise_piece(piece);
        cache.insert(piece.to_owned(), term.clone());
        term
    })
}

/// Numbers lose thousands separators ("1,000" → "1000"); words are stemmed.
fn normalise_piece(piece: &str) -> String {
    if piece.starts_with(|ch: char| ch.is_ascii_digit()) {
        let digits: String = piece.chars().filter(|ch| *ch != ',').collect();
        return digits;
    }
    if let Some(place) = demonym_place(piece) {
        return ENGLISH.stem(place).into_owned();
    }
    if let Some(full) = stopwords::abbreviation(piece) {
        return ENGLISH.stem(full).into_owned();
    }
    let bare = piece.strip_suffix("'s").unwrap_or(piece);
    // Apostrophes go, and so do the dots of acronyms ("u.s" → "us").
    let bare: String = bare
        .chars()
        .filter(|ch| *ch != '\'' && *ch != '.')
        .collect();
    ENGLISH.stem(&bare).into_owned()
}

/// Indexes a run of CJK characters as overlapping bigrams (a lone character
/// as itself), the usual segmenter-free approach for Chinese search.
fn push_cjk_bigrams(run: &[(usize, char)], tokens: &mut Vec<Token>) {
    let folded: Vec<(usize, usize, char)> = run
        .iter()
        .map(|&(at, ch)| (at, at + ch.len_utf8(), fold_cjk(ch)))
        .collect();
    if folded.len() == 1 {
        let (start, end, ch) = folded[0];
        tokens.push(Token {
            term: ch.to_string(),
            span: ByteSpan::new(start, end),
            negation: is_negation(&ch.to_string()),
        });
        return;
    }
    for pair in folded.windows(2) {
        let term: String = [pair[0].2, pair[1].2].iter().collect();
        tokens.push(Token {
            negation: is_negation(&term),
            term,
            span: ByteSpan::new(pair[0].0, pair[1].1),
        });
    }
}

/// NFKC for one CJK character (compatibility ideographs map to unified ones).
fn fold_cjk(ch: char) -> char {
    let mut normalised = std::iter::once(ch).nfkc();
    match (normalised.next(), normalised.next()) {
        (Some(single), None) => single,
        _ => ch,
    }
}

#[cfg(test)]
mod tests;
