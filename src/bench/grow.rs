//! Seeded, deterministic growth of a statement corpus (JSONL) to N statements, for benchmarks.
//!
//! [`grow`] writes the originals first (re-serialised, otherwise unchanged), then variants
//! until `count` lines are written. Each variant:
//!
//! - copies a template original chosen uniformly at random;
//! - gets the id `{template id}~g{n}`, `n` = 1, 2, … the running variant number; the template
//!   part is cut so that the id stays within 128 bytes, so ids stay unique and valid
//!   (`[A-Za-z0-9._~-]`, 1–128 bytes) when the originals' ids are;
//! - has each word (a maximal run of alphabetic chars) of `text`, `context` and
//!   `attribution.source.title` replaced, with probability `mutation`, by a word drawn uniformly
//!   from the word stream: every word of every original's `text`, in order, repeats included.
//!   Sampling the stream reproduces the corpus' unigram (Zipf) distribution, so document
//!   frequencies grow in proportion to N: df/N, idf and relative posting-list lengths stay close
//!   to the originals'. Punctuation, digits and spacing are kept; a replacement is capitalised
//!   when the replaced word started with an uppercase letter (upper-cased whole when the
//!   replaced word was all caps);
//! - keeps every other field (language, publisher, author, speaker, rating, topics, times).
//!
//! The same seed and input give byte-identical output (for given fastrand 2 and serde_json
//! versions). Caveats: the vocabulary never grows beyond the originals' `text` words (no new
//! words are coined, unlike a real growing corpus, so the rare-word tail thins out); variants
//! are word salad, not meaningful claims; an original id ending in `~g<digits>` could collide
//! with a variant's; keys come out in serde_json's map order (sorted unless its
//! `preserve_order` feature is on).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use fastrand::Rng;
use serde_json::Value;

use crate::model::limits::MAX_ID_BYTES;

/// Fields whose words are mutated, as paths of object keys.
const TEXT_FIELDS: [&[&str]; 3] = [&["text"], &["context"], &["attribution", "source", "title"]];

/// How to grow.
#[derive(Clone, Debug)]
pub struct GrowOptions {
    /// Statements to write in total (the originals first, then variants).
    pub count: usize,
    /// Seed of the pseudo-random generator: the same seed and input give byte-identical output.
    pub seed: u64,
    /// Probability that each word of a variant is replaced (e.g. 0.3).
    pub mutation: f64,
}

/// Writes `options.count` statements as JSONL to `out`: first the originals (all of them, or
/// the first `count` when fewer are wanted), then variants. Returns the number written.
///
/// Variants need at least one original, and every original must be an object with a string
/// `id`; otherwise an [`io::ErrorKind::InvalidInput`] error is returned (after the originals).
pub fn grow(originals: &[Value], options: &GrowOptions, out: &mut impl Write) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut written = 0u64;
    for original in originals.iter().take(options.count) {
        write_line(&mut out, original)?;
        written += 1;
    }
    let variants = options.count.saturating_sub(originals.len());
    if variants > 0 {
        let has_id = |o: &Value| o.get("id").is_some_and(Value::is_string);
        if originals.is_empty() || !originals.iter().all(has_id) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "variants need originals that are objects with a string id",
            ));
        }
        let words = WordStream::new(originals);
        let mut templates = originals.to_vec();
        let mut rng = Rng::with_seed(options.seed);
        let (mut id, mut suffix) = (String::new(), String::new());
        let mut texts: [String; 3] = Default::default();
        for n in 1..=variants {
            let template = &mut templates[rng.usize(..originals.len())];
            suffix.clear();
            write!(suffix, "~g{n}").expect("writing to a String cannot fail");
            let template_id = template["id"].as_str().unwrap_or_default();
            let mut cut = template_id.len().min(MAX_ID_BYTES - suffix.len());
            while !template_id.is_char_boundary(cut) {
                cut -= 1;
            }
            id.clear();
            id.push_str(&template_id[..cut]);
            id.push_str(&suffix);
            for (path, buf) in TEXT_FIELDS.iter().zip(texts.iter_mut()) {
                if let Some(src) = string_at(template, path) {
                    mutate(src, buf, &words, options.mutation, &mut rng);
                }
            }
            // Swap the new strings in, write, and swap the template's own strings back:
            // no per-variant clone of the template.
            swap_fields(template, &mut id, &mut texts);
            write_line(&mut out, template)?;
            swap_fields(template, &mut id, &mut texts);
            written += 1;
        }
    }
    out.flush()?;
    Ok(written)
}

fn write_line(out: &mut impl Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The string at `path` inside `value`, if there is one.
fn string_at<'a>(value: &'a mut Value, path: &[&str]) -> Option<&'a mut String> {
    let mut current = value;
    for key in path {
        current = current.get_mut(*key)?;
    }
    match current {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Exchanges the template's id and text fields with the buffers (present fields only).
fn swap_fields(template: &mut Value, id: &mut String, texts: &mut [String; 3]) {
    if let Some(s) = string_at(template, &["id"]) {
        std::mem::swap(s, id);
    }
    for (path, buf) in TEXT_FIELDS.iter().zip(texts.iter_mut()) {
        if let Some(s) = string_at(template, path) {
            std::mem::swap(s, buf);
        }
    }
}

/// Splits `text` into words (maximal runs of alphabetic chars, flagged `true`) and the gaps
/// between them (flagged `false`).
fn segments(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let is_word = rest.chars().next()?.is_alphabetic();
        let end = rest
            .find(|c: char| c.is_alphabetic() != is_word)
            .unwrap_or(rest.len());
        let (segment, tail) = rest.split_at(end);
        rest = tail;
        Some((is_word, segment))
    })
}

/// The word stream (every word of every original's `text`, in order, repeats included), kept
/// compact for cache-friendly sampling: distinct words in one arena, the stream as their indices.
struct WordStream {
    arena: String,
    spans: Vec<(u32, u32)>,
    stream: Vec<u32>,
}

impl WordStream {
    fn new(originals: &[Value]) -> Self {
        let (mut arena, mut spans, mut stream) = (String::new(), Vec::new(), Vec::new());
        let mut known: HashMap<&str, u32> = HashMap::new();
        let texts = originals.iter().filter_map(|o| o.get("text")?.as_str());
        for (_, word) in texts.flat_map(segments).filter(|(is_word, _)| *is_word) {
            let index = *known.entry(word).or_insert_with(|| {
                let start = arena.len() as u32;
                arena.push_str(word);
                spans.push((start, arena.len() as u32));
                spans.len() as u32 - 1
            });
            stream.push(index);
        }
        WordStream {
            arena,
            spans,
            stream,
        }
    }

    /// A word drawn uniformly from the stream, or `None` when it is empty.
    fn sample(&self, rng: &mut Rng) -> Option<&str> {
        let index = *self.stream.get(rng.usize(..self.stream.len().max(1)))?;
        let (start, end) = self.spans[index as usize];
        Some(&self.arena[start as usize..end as usize])
    }
}

/// Writes `src` into `dst` with each word replaced with probability `p` by one from `words`.
fn mutate(src: &str, dst: &mut String, words: &WordStream, p: f64, rng: &mut Rng) {
    dst.clear();
    for (is_word, segment) in segments(src) {
        match (is_word && p > 0.0 && rng.f64() < p).then(|| words.sample(rng)) {
            Some(Some(replacement)) => push_cased(dst, segment, replacement),
            _ => dst.push_str(segment),
        }
    }
}

/// Pushes `replacement`, capitalised if `original` is, upper-cased if `original` is all caps.
fn push_cased(dst: &mut String, original: &str, replacement: &str) {
    let mut chars = original.chars();
    let capital = chars.next().is_some_and(char::is_uppercase);
    let rest = chars.as_str();
    if !capital {
        dst.push_str(replacement);
    } else if !rest.is_empty() && rest.chars().all(char::is_uppercase) {
        dst.extend(replacement.chars().flat_map(char::to_uppercase));
    } else {
        let mut rest = replacement.chars();
        dst.extend(rest.next().into_iter().flat_map(char::to_uppercase));
        dst.push_str(rest.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn corpus() -> Vec<Value> {
        vec![
            json!({"id": "sno-1-fries", "language": "en",
                "text": "McDonald’s offers $1 Any Size Fries until May 31.",
                "context": "Rumor: FRIES are cheap.",
                "attribution": {"source": {"publisher": "Snopes", "title": "$1 McDonald's Fries",
                    "author": "David Mikkelson", "publishTime": "2015-05-26T00:00:00Z"}}}),
            json!({"id": "politifact-2635", "language": "en", "context": null, "topics": ["abortion"],
                "text": "Says the group supports third-trimester abortions.",
                "attribution": {"source": {"publisher": "PolitiFact"},
                    "speaker": {"name": "Dwayne Bohac", "affiliation": "republican"}},
                "rating": {"textualRating": "false", "reviewer": "PolitiFact"}}),
            json!({"id": "x".repeat(126), "language": "de",
                "text": "Über 10-meter anacondas swim in Brazil, a video shows.",
                "attribution": {"source": {"publisher": "Snopes"}}}),
        ]
    }

    fn bytes(originals: &[Value], count: usize, seed: u64, mutation: f64) -> io::Result<Vec<u8>> {
        let options = GrowOptions {
            count,
            seed,
            mutation,
        };
        let mut out = Vec::new();
        assert_eq!(grow(originals, &options, &mut out)?, count as u64);
        Ok(out)
    }

    fn run(count: usize, seed: u64, mutation: f64) -> Vec<Value> {
        let out = String::from_utf8(bytes(&corpus(), count, seed, mutation).unwrap()).unwrap();
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The original a variant was made from (no test id is a prefix of another).
    fn template_of(variant: &Value) -> Value {
        let (prefix, n) = variant["id"].as_str().unwrap().rsplit_once("~g").unwrap();
        assert!(n.parse::<u64>().is_ok());
        let is_template = |o: &Value| o["id"].as_str().unwrap().starts_with(prefix);
        corpus().into_iter().find(is_template).unwrap()
    }

    fn field<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
        path.iter().try_fold(value, |v, key| v.get(key))?.as_str()
    }

    fn skeleton(text: &str) -> String {
        segments(text).filter(|(w, _)| !w).map(|(_, s)| s).collect()
    }

    #[test]
    fn the_seed_determines_the_bytes() {
        let grown = |seed| bytes(&corpus(), 200, seed, 0.3).unwrap();
        assert_eq!(grown(7), grown(7));
        assert_ne!(grown(7), grown(8));
    }

    #[test]
    fn fewer_than_originals_is_a_prefix() {
        assert_eq!(run(2, 1, 0.3), corpus()[..2]);
        assert!(run(0, 1, 0.3).is_empty());
        assert!(bytes(&[], 3, 0, 0.3).is_err(), "variants need originals");
    }

    #[test]
    fn ids_are_unique_and_valid() {
        let out = run(1000, 3, 0.3);
        let ids: HashSet<&str> = out.iter().map(|v| v["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
        let valid = |b: u8| b.is_ascii_alphanumeric() || b"._~-".contains(&b);
        for id in &ids {
            assert!(id.len() <= MAX_ID_BYTES && id.bytes().all(valid), "{id}");
        }
        assert!(
            ids.iter().any(|id| id.len() == MAX_ID_BYTES),
            "not truncated"
        );
    }

    #[test]
    fn variants_keep_fields_punctuation_and_shape() {
        let out = run(500, 5, 0.5);
        assert_eq!(out[..3], corpus()[..]);
        let mut changed = 0;
        for variant in &out[3..] {
            let mut template = template_of(variant);
            for path in TEXT_FIELDS {
                let (new, old) = (field(variant, path), field(&template, path));
                assert_eq!(new.is_some(), old.is_some());
                if let (Some(new), Some(old)) = (new, old) {
                    assert_eq!(skeleton(new), skeleton(old), "{new} / {old}");
                    changed += usize::from(new != old);
                    *string_at(&mut template, path).unwrap() = new.to_string();
                }
            }
            template["id"] = variant["id"].clone();
            assert_eq!(variant, &template);
        }
        assert!(changed > 400, "only {changed} fields changed");
    }

    #[test]
    fn mutation_zero_keeps_the_template_text() {
        for variant in &run(100, 9, 0.0)[3..] {
            let mut template = template_of(variant);
            template["id"] = variant["id"].clone();
            assert_eq!(variant, &template);
        }
    }

    #[test]
    fn replacements_come_from_the_stream_and_keep_capitals() {
        let (mut rng, mut dst) = (Rng::with_seed(1), String::new());
        let stream = WordStream::new(&[json!({"text": "apple, pie"})]);
        mutate("The CAT, 9 ü; über-dog", &mut dst, &stream, 1.0, &mut rng);
        let got: Vec<&str> = segments(&dst).filter(|s| s.0).map(|s| s.1).collect();
        assert_eq!(skeleton(&dst), " , 9 ; -");
        assert!(["Apple", "Pie"].contains(&got[0]), "{dst}");
        assert!(["APPLE", "PIE"].contains(&got[1]), "{dst}");
        assert!(
            got[2..].iter().all(|w| ["apple", "pie"].contains(w)),
            "{dst}"
        );
    }
}
