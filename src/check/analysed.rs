//! Statement texts as the stance rules read them (terms, figures, lexicon
//! keys), analysed once per distinct text and kept in a cache bounded by
//! bytes that every check shares.
//!
//! A newsroom checks the same story many times while it runs, and the same
//! few statements answer it: re-analysing them was most of a check's work
//! after retrieval. The cache is keyed by the text itself, and the analysis
//! is a function of the text alone, so an entry can never be stale: a
//! statement replaced with new text is looked up under its new text.

use std::sync::{Arc, OnceLock};

use foldhash::HashSet;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

use super::facts;
use crate::model::QuantityMention;
use crate::text::lexicon::{KeyIndex, MAX_KEY_TERMS};
use crate::text::{self, Token};

/// Default bound on the cache, in (estimated) bytes.
const DEFAULT_CACHE_BYTES: u64 = 64 << 20;
/// Estimated bytes per entry, for sizing the cache's tables.
const TYPICAL_ENTRY_BYTES: u64 = 8 << 10;

/// One statement text (or context, or source title), analysed.
#[derive(Debug)]
pub struct StatementText {
    /// Search terms of the text, negations included.
    pub tokens: Vec<Token>,
    /// Figures in the text (the first [`facts::MAX_FIGURES`]).
    pub mentions: Vec<QuantityMention>,
    /// The text's lexicon keys, built on first use: weak matches are
    /// judged without them.
    keys: OnceLock<KeyIndex>,
    /// The distinct terms of `tokens`, built on first use.
    terms: OnceLock<HashSet<String>>,
    /// Estimated bytes held, keys included (fixed when analysed).
    bytes: u64,
}

impl StatementText {
    /// Analyses `text`.
    pub fn of(text: &str) -> StatementText {
        let tokens = text::analyze(text);
        let mentions = facts::mentions(text);
        // Each token starts up to MAX_KEY_TERMS keys; a key, a token (and
        // its term in the set) or a figure is a few dozen bytes with its
        // string.
        let keys = tokens.len() * MAX_KEY_TERMS;
        let bytes = 2 * text.len() + 112 * tokens.len() + 80 * keys + 256 * mentions.len() + 256;
        StatementText {
            tokens,
            mentions,
            keys: OnceLock::new(),
            terms: OnceLock::new(),
            bytes: bytes as u64,
        }
    }

    /// The text's lexicon keys.
    pub fn keys(&self) -> &KeyIndex {
        self.keys.get_or_init(|| KeyIndex::of(&self.tokens))
    }

    /// The text's distinct terms.
    pub fn terms(&self) -> &HashSet<String> {
        self.terms
            .get_or_init(|| self.tokens.iter().map(|t| t.term.clone()).collect())
    }

    /// True when the text has the term `term`.
    pub fn has_term(&self, term: &str) -> bool {
        self.terms().contains(term)
    }
}

/// Weighs an entry by its estimated bytes (the key is the text).
#[derive(Clone, Copy, Debug, Default)]
struct ByBytes;

impl Weighter<String, Arc<StatementText>> for ByBytes {
    fn weight(&self, _: &String, analysed: &Arc<StatementText>) -> u64 {
        analysed.bytes.max(1)
    }
}

/// The shared cache of analysed statement texts.
pub struct Analyses {
    cache: Cache<String, Arc<StatementText>, ByBytes, foldhash::fast::RandomState>,
}

impl Analyses {
    /// A cache holding at most about `bytes` of analyses (0: none kept).
    pub fn new(bytes: u64) -> Analyses {
        Analyses {
            cache: Cache::with(
                (bytes / TYPICAL_ENTRY_BYTES).max(1) as usize,
                bytes.max(1),
                ByBytes,
                foldhash::fast::RandomState::default(),
                Default::default(),
            ),
        }
    }

    /// `text` analysed, from the cache or now (concurrent callers for the
    /// same text wait for one analysis).
    pub fn get(&self, text: &str) -> Arc<StatementText> {
        let analysed = self.cache.get_or_insert_with(text, || {
            Ok::<_, std::convert::Infallible>(Arc::new(StatementText::of(text)))
        });
        match analysed {
            Ok(analysed) => analysed,
            Err(never) => match never {},
        }
    }

    /// Entries held and their estimated bytes.
    pub fn usage(&self) -> (usize, u64) {
        (self.cache.len(), self.cache.weight())
    }
}

impl Default for Analyses {
    fn default() -> Analyses {
        Analyses::new(DEFAULT_CACHE_BYTES)
    }
}

impl std::fmt::Debug for Analyses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (entries, bytes) = self.usage();
        f.debug_struct("Analyses")
            .field("entries", &entries)
            .field("bytes", &bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Analyses, StatementText};

    const TEXT: &str = "Unemployment fell to 3.5% in 2019, the lowest in 50 years";

    #[test]
    fn a_text_is_analysed_once_and_as_if_fresh() {
        let analyses = Analyses::default();
        let first = analyses.get(TEXT);
        let again = analyses.get(TEXT);
        assert!(Arc::ptr_eq(&first, &again));
        let fresh = StatementText::of(TEXT);
        assert_eq!(first.tokens, fresh.tokens);
        assert_eq!(first.mentions, fresh.mentions);
        assert_eq!(first.keys().ordered, fresh.keys().ordered);
        assert!(first.has_term("unemploy") && !first.has_term("employ"));
        assert!(!first.mentions.is_empty());
        // Another text is another entry, never the first one's analysis.
        let other = analyses.get("Unemployment rose to 4% in 2020");
        assert!(!Arc::ptr_eq(&first, &other));
        assert_ne!(first.tokens, other.tokens);
        assert_eq!(analyses.usage().0, 2);
    }

    #[test]
    fn the_cache_stays_within_its_bytes() {
        let bound = 64 << 10;
        let analyses = Analyses::new(bound);
        for n in 0..2_000 {
            let text = format!("{TEXT}, statement {n} of many, said minister number {n}");
            let analysed = analyses.get(&text);
            assert_eq!(analysed.tokens, StatementText::of(&text).tokens);
        }
        let (entries, bytes) = analyses.usage();
        assert!(bytes <= bound, "{bytes} bytes held, bound {bound}");
        assert!(entries > 0 && entries < 2_000, "{entries} entries");
        // A cache of nothing still analyses.
        let none = Analyses::new(0);
        assert_eq!(none.get(TEXT).tokens, StatementText::of(TEXT).tokens);
    }
}
