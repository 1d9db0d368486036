//! Which words mean the same and which the opposite: tables derived from
//! Princeton WordNet 3.0 by `scripts/derive-lexicon.py` (synonym sets,
//! antonym pairs, derivational relatives, compounds), plus a short hand list of
//! newsroom verbs WordNet lacks (`newsroom.tsv`). The README beside this
//! file gives the formats, the derivation and WordNet's licence.
//!
//! Words are compared as keys: the analysed terms of a lemma joined by a
//! space ("stepped down" → "step down"), the same stems the index and the
//! stance rules use, so a claim's "resigned" meets a statement's "step
//! down". The tables are parsed once, on first use.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::LazyLock;

use hashbrown::hash_table::{Entry, HashTable};

use super::Token;

const SYNONYMS: &str = include_str!("synonyms.tsv");
const ANTONYMS: &str = include_str!("antonyms.tsv");
const DERIVED: &str = include_str!("derived.tsv");
const NEWSROOM: &str = include_str!("newsroom.tsv");
const COMPOUNDS: &str = include_str!("compounds.tsv");

/// Longest lemma, in terms, that [`keys`] looks for in a text.
pub const MAX_KEY_TERMS: usize = 3;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

/// First part's term → second part's term → the closed compound's term.
static COMPOUND_TERMS: LazyLock<HashMap<String, HashMap<String, String>>> = LazyLock::new(|| {
    let mut table: HashMap<String, HashMap<String, String>> = HashMap::new();
    for line in COMPOUNDS.lines() {
        if let Some((first, second)) = line.split_once('\t') {
            let joined = super::normalise_piece(&format!("{first}{second}"));
            table
                .entry(super::normalise_piece(first))
                .or_default()
                .insert(super::normalise_piece(second), joined);
        }
    }
    table
});

/// The term of the closed compound two adjacent terms spell ("spin" +
/// "off" → "spinoff", "start" + "up" → "startup"), when WordNet lists the
/// compound in two of its spellings (closed, hyphenated, open).
pub fn compound(first: &str, second: &str) -> Option<&'static str> {
    COMPOUND_TERMS
        .get(first)
        .and_then(|seconds| seconds.get(second))
        .map(String::as_str)
}

/// The word relations, keyed by analysed lemma.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Key → the groups (synonym sets, relatives, newsroom lists) it is in.
    groups: HashMap<String, Vec<u32>>,
    /// Key → the keys that mean its opposite (both directions stored).
    opposites: HashMap<String, HashSet<String>>,
}

/// The shared tables.
pub fn lexicon() -> &'static Lexicon {
    &LEXICON
}

/// The key of a lemma or phrase: its analysed terms joined by a space
/// (compounds joined: "spin off" → "spinoff"); `None` when a word of it is
/// a stop word ("give in" would become "give").
pub fn key(lemma: &str) -> Option<String> {
    if lemma
        .split_whitespace()
        .any(|word| super::analyze(word).is_empty())
    {
        return None;
    }
    let terms: Vec<String> = super::analyze(lemma).into_iter().map(|t| t.term).collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Every key a run of tokens holds: each term, and each run of up to
/// [`MAX_KEY_TERMS`] consecutive terms, with the index of its first token
/// and its length.
pub fn keys(tokens: &[Token]) -> Vec<(usize, usize, String)> {
    let mut found = Vec::with_capacity(tokens.len() * MAX_KEY_TERMS);
    for start in 0..tokens.len() {
        // Each longer key is the shorter one and the next term.
        let mut key = String::new();
        let end = tokens.len().min(start + MAX_KEY_TERMS);
        for (len, token) in (1..).zip(&tokens[start..end]) {
            if len > 1 {
                key.push(' ');
            }
            key.push_str(&token.term);
            found.push((start, len, key.clone()));
        }
    }
    found
}

impl Lexicon {
    fn load() -> Lexicon {
        let mut lexicon = Lexicon::default();
        let mut next_group = 0u32;
        let mut add_group = |lexicon: &mut Lexicon, lemmas: &[&str]| {
            let keys: HashSet<String> = lemmas.iter().filter_map(|lemma| key(lemma)).collect();
            if keys.len() < 2 {
                return;
            }
            for key in keys {
                lexicon.groups.entry(key).or_default().push(next_group);
            }
            next_group += 1;
        };
        for line in SYNONYMS.lines() {
            if let Some((_, lemmas)) = line.split_once('\t') {
                add_group(&mut lexicon, &lemmas.split('|').collect::<Vec<_>>());
            }
        }
        // Open and closed spellings of a compound mean the same ("spin
        // off", "spinoff"); the hyphenated one is joined by the analyser.
        for line in COMPOUNDS.lines() {
            if let Some((first, second)) = line.split_once('\t') {
                let open = format!("{first} {second}");
                let closed = format!("{first}{second}");
                add_group(&mut lexicon, &[open.as_str(), closed.as_str()]);
            }
        }
        for line in DERIVED.lines() {
            if let Some((a, b)) = line.split_once('\t') {
                add_group(&mut lexicon, &[a, b]);
            }
        }
        for line in ANTONYMS.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            // Noun and adverb antonyms ("beginning"/"end") name different
            // things more often than they contradict.
            if let [pos, a, b] = fields[..] {
                if pos == "v" || pos == "a" {
                    lexicon.add_opposites(&[a], &[b]);
                }
            }
        }
        for line in NEWSROOM.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[..] {
                ["same", group, ..] => {
                    add_group(&mut lexicon, &group.split('|').collect::<Vec<_>>());
                }
                ["opposite", a, b] => {
                    let a: Vec<&str> = a.split('|').collect();
                    let b: Vec<&str> = b.split('|').collect();
                    lexicon.add_opposites(&a, &b);
                }
                _ => {}
            }
        }
        for groups in lexicon.groups.values_mut() {
            groups.sort_unstable();
            groups.dedup();
        }
        lexicon
    }

    fn add_opposites(&mut self, a: &[&str], b: &[&str]) {
        for x in a.iter().filter_map(|lemma| key(lemma)) {
            for y in b.iter().filter_map(|lemma| key(lemma)) {
                if x != y {
                    self.opposites
                        .entry(x.clone())
                        .or_default()
                        .insert(y.clone());
                    self.opposites.entry(y).or_default().insert(x.clone());
                }
            }
        }
    }

    /// The groups `key` is in (empty when the tables do not know it).
    pub fn groups(&self, key: &str) -> &[u32] {
        self.groups.get(key).map_or(&[], Vec::as_slice)
    }

    /// True when the two keys share a group (or are equal).
    pub fn same(&self, a: &str, b: &str) -> bool {
        a == b || {
            let theirs = self.groups(b);
            self.groups(a).iter().any(|group| theirs.contains(group))
        }
    }

    /// True when the two keys mean the opposite.
    pub fn opposite(&self, a: &str, b: &str) -> bool {
        self.opposites
            .get(a)
            .is_some_and(|theirs| theirs.contains(b))
    }

    /// The keys that mean the opposite of `key`.
    pub fn opposites_of<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.opposites
            .get(key)
            .into_iter()
            .flat_map(|theirs| theirs.iter().map(String::as_str))
    }
}

/// The keys of one text, indexed for lookups against another text's in
/// time linear in both: each key with its first position, and the keys of
/// each lexicon group.
#[derive(Clone, Debug)]
pub struct KeyIndex {
    /// (first token, token count, key), in text order.
    pub ordered: Vec<(usize, usize, String)>,
    /// Positions in `ordered` of each distinct key's first occurrence,
    /// hashed by key (the keys are not copied).
    first: HashTable<usize>,
    by_group: HashMap<u32, Vec<usize>>,
}

/// The hash of a key in [`KeyIndex::first`] (fixed: nothing outside one
/// process's memory depends on it).
fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6b65_7973).hash_one(key)
}

impl KeyIndex {
    /// The keys of `tokens` (see [`keys`]).
    pub fn of(tokens: &[Token]) -> KeyIndex {
        let lexicon = lexicon();
        let ordered = keys(tokens);
        let mut first = HashTable::with_capacity(ordered.len());
        let mut by_group: HashMap<u32, Vec<usize>> = HashMap::new();
        for (at, (_, _, key)) in ordered.iter().enumerate() {
            let hash = key_hash(key);
            if let Entry::Vacant(vacant) = first.entry(
                hash,
                |&other: &usize| ordered[other].2 == *key,
                |&other: &usize| key_hash(&ordered[other].2),
            ) {
                vacant.insert(at);
            }
            for group in lexicon.groups(key) {
                by_group.entry(*group).or_default().push(at);
            }
        }
        KeyIndex {
            ordered,
            first,
            by_group,
        }
    }

    /// Where in `ordered` `key` first occurs.
    fn first_at(&self, key: &str) -> Option<usize> {
        self.first
            .find(key_hash(key), |&at| self.ordered[at].2 == key)
            .copied()
    }

    /// For each token of the text this index was built from, whether a key
    /// covering it has lexicon relations (a group or an opposite), so that
    /// another text could say it another way.
    pub fn relatable(&self, token_count: usize) -> Vec<bool> {
        let lexicon = lexicon();
        let mut relatable = vec![false; token_count];
        for (start, len, key) in &self.ordered {
            if !lexicon.groups(key).is_empty() || lexicon.opposites_of(key).next().is_some() {
                for flag in relatable.iter_mut().skip(*start).take(*len) {
                    *flag = true;
                }
            }
        }
        relatable
    }

    /// Where `key` first occurs: (first token, token count).
    pub fn position(&self, key: &str) -> Option<(usize, usize)> {
        let (start, len, _) = &self.ordered[self.first_at(key)?];
        Some((*start, *len))
    }

    /// True when the text has `key` or a key meaning the same.
    pub fn says(&self, key: &str) -> bool {
        self.first_at(key).is_some()
            || lexicon()
                .groups(key)
                .iter()
                .any(|group| self.by_group.contains_key(group))
    }

    /// The text's keys that share a lexicon group with `key`, in text order
    /// (first token, token count), each position once.
    pub fn same_as(&self, key: &str) -> Vec<(usize, usize)> {
        let mut found: Vec<usize> = lexicon()
            .groups(key)
            .iter()
            .filter_map(|group| self.by_group.get(group))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|at| (self.ordered[at].0, self.ordered[at].1))
            .collect()
    }
}

#[cfg(test)]
mod tests;
