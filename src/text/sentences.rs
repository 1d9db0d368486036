//! Incremental sentence segmentation of English and Chinese text, for live
//! transcripts that arrive in chunks cut anywhere, and for whole articles.
//!
//! The segmenter reads one code point at a time and keeps only the pending
//! sentence and a little state about its end (the terminal run, the
//! whitespace after it, the last word). A boundary is decided only when the
//! character that settles it arrives (or the stream ends), never because a
//! chunk ended, so the sentences do not depend on where chunks were cut:
//! pushing the pieces of a text and finishing gives [`split`] of the text.
//! Every character is looked at once, so `push` costs O(chunk length).
//!
//! Rules:
//! - `.` `!` `?` `…` (runs too: `?!`, `...`), then optional closing quotes
//!   or brackets, then whitespace end a sentence unless the next
//!   non-whitespace character is a lowercase letter or continues the
//!   punctuation (`.` `,` `;` `:` `!` `?` `…`, as in `. . .`). No boundary
//!   after a title or Latin abbreviation (`Mr.`, `Dr.`, `e.g.`, `a.m.`,
//!   `vs.`...), an initial or dotted capitals (`J.`, `U.S.`), nor after
//!   `No.` or a month (`Jan.`) before a digit. `etc.` may end a sentence.
//! - `。` `！` `？` `｡` (and runs of them), then optional closing quotes or
//!   brackets, end a sentence whatever follows.
//! - A blank line (two line breaks with only whitespace between) ends a
//!   sentence; a single line break is whitespace.
//! - Sentences are trimmed; those of only punctuation are dropped, but
//!   their characters still count in later offsets.

/// One sentence of a stream: its text (trimmed of surrounding whitespace)
/// and its span in the whole stream, in Unicode code points (end
/// exclusive) counted from the first character of the first chunk; the
/// span covers exactly `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence, without the whitespace around it.
    pub text: String,
    /// Code-point offset of its first character in the stream.
    pub start: usize,
    /// Code-point offset just past its last character.
    pub end: usize,
}

/// A sentence grew past the limit without ending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a sentence ran past {limit} characters without ending")]
pub struct TooLong {
    /// The segmenter's `max_sentence_chars`.
    pub limit: usize,
}

/// Most ASCII letters and dots remembered of the word before a dot; the
/// longest abbreviation is far shorter, and longer words match none.
const TAIL_CAP: usize = 16;

/// Punctuation that may start right after a terminal and whitespace
/// without starting a sentence (`. . .`, `?, he asked`).
const CONTINUING: [char; 7] = ['.', ',', ';', ':', '!', '?', '…'];

/// What the word before a single `.` says about a boundary after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbrev {
    /// An ordinary word: the usual rule decides.
    None,
    /// Never a boundary (`Mr.`, `e.g.`, `J.`).
    Always,
    /// No boundary before a digit (`No. 5`, `Jan. 3`).
    BeforeDigit,
}

/// The terminal punctuation (and closing marks) the pending text ends in.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Holds a Chinese terminal: ends the sentence whatever follows.
    cjk: bool,
    /// Closing quotes or brackets followed the terminals.
    closed: bool,
    /// The exception of the word before, while the run is its one dot.
    abbrev: Abbrev,
}

/// Splits a stream of text chunks into sentences as they complete.
#[derive(Debug)]
pub struct Segmenter {
    limit: usize,
    /// Code points read from the stream so far.
    offset: usize,
    /// The pending sentence, from its first to its last non-whitespace
    /// character.
    text: String,
    text_chars: usize,
    /// Stream offset of the pending sentence's first character.
    start: usize,
    /// Whitespace after the pending sentence, kept only up to the limit:
    /// a longer gap can never become part of a sentence.
    gap: String,
    gap_chars: usize,
    /// Line breaks in the gap (`\r\n` counts once).
    line_breaks: u8,
    after_cr: bool,
    /// The terminal run the pending sentence ends in, if any.
    run: Option<Run>,
    /// The ASCII letters and dots just before the last character.
    tail: String,
    tail_overflow: bool,
}

impl Segmenter {
    /// `max_sentence_chars`: a pending sentence longer than this (in code
    /// points, whitespace-trimmed) is an error.
    pub fn new(max_sentence_chars: usize) -> Segmenter {
        Segmenter {
            limit: max_sentence_chars,
            offset: 0,
            text: String::new(),
            text_chars: 0,
            start: 0,
            gap: String::new(),
            gap_chars: 0,
            line_breaks: 0,
            after_cr: false,
            run: None,
            tail: String::new(),
            tail_overflow: false,
        }
    }

    /// Appends a chunk; returns the sentences it completed, in order.
    ///
    /// After an error the segmenter is in no useful state: drop it.
    pub fn push(&mut self, chunk: &str) -> Result<Vec<Sentence>, TooLong> {
        let mut done = Vec::new();
        for ch in chunk.chars() {
            self.feed(ch, &mut done)?;
        }
        Ok(done)
    }

    /// Ends the current sentence at once (a speaker change): returns it if
    /// it holds anything but whitespace and punctuation. Later text
    /// continues the stream offsets.
    pub fn flush(&mut self) -> Option<Sentence> {
        self.take()
    }

    /// The stream ended: the rest, if any, is the last sentence (same as
    /// [`Segmenter::flush`]).
    pub fn finish(&mut self) -> Option<Sentence> {
        self.take()
    }

    /// Code points held back, waiting for the sentence to end: the pending
    /// sentence trimmed of whitespace, the length the limit applies to.
    pub fn pending_chars(&self) -> usize {
        self.text_chars
    }

    /// Reads one code point.
    fn feed(&mut self, ch: char, done: &mut Vec<Sentence>) -> Result<(), TooLong> {
        let at = self.offset;
        self.offset += 1;
        if self.ends_before(ch) {
            done.extend(self.take());
        }
        if ch.is_whitespace() {
            self.space(ch, done);
            Ok(())
        } else {
            self.append(ch, at)
        }
    }

    /// Whether the pending sentence ends before `ch`, given its terminal
    /// run and the whitespace since.
    fn ends_before(&self, ch: char) -> bool {
        let Some(run) = self.run else {
            return false;
        };
        if run.cjk {
            // A Chinese run ends with the first character that does not
            // extend it (its gap is always empty: whitespace ends it).
            return !(is_closer(ch) || (!run.closed && is_terminal(ch)));
        }
        if self.gap_chars == 0 || ch.is_whitespace() {
            return false;
        }
        if ch.is_lowercase() || CONTINUING.contains(&ch) {
            return false;
        }
        match run.abbrev {
            Abbrev::None => true,
            Abbrev::Always => false,
            Abbrev::BeforeDigit => !ch.is_ascii_digit(),
        }
    }

    /// Whitespace: skipped before a sentence, held after one, and a blank
    /// line ends the sentence.
    fn space(&mut self, ch: char, done: &mut Vec<Sentence>) {
        if self.text_chars == 0 {
            return;
        }
        self.tail.clear();
        self.tail_overflow = false;
        if self.gap_chars < self.limit {
            self.gap.push(ch);
        }
        self.gap_chars += 1;
        let breaks = match ch {
            '\n' if self.after_cr => 0,
            '\n' | '\r' | '\u{85}' | '\u{2028}' => 1,
            '\u{2029}' => 2,
            _ => 0,
        };
        self.after_cr = ch == '\r';
        self.line_breaks = self.line_breaks.saturating_add(breaks);
        if self.line_breaks >= 2 {
            done.extend(self.take());
        }
    }

    /// A non-whitespace character joins the pending sentence (with the gap
    /// before it).
    fn append(&mut self, ch: char, at: usize) -> Result<(), TooLong> {
        let chars = self
            .text_chars
            .saturating_add(self.gap_chars)
            .saturating_add(1);
        if chars > self.limit {
            return Err(TooLong { limit: self.limit });
        }
        if self.text_chars == 0 {
            self.start = at;
        }
        let after_gap = self.gap_chars > 0;
        self.text.push_str(&self.gap);
        self.text.push(ch);
        self.text_chars = chars;
        self.gap.clear();
        self.gap_chars = 0;
        self.line_breaks = 0;
        self.after_cr = false;
        self.run = self.next_run(ch, after_gap);
        if ch.is_ascii_alphabetic() || ch == '.' {
            if self.tail.len() < TAIL_CAP {
                self.tail.push(ch);
            } else {
                self.tail_overflow = true;
            }
        } else {
            self.tail.clear();
            self.tail_overflow = false;
        }
        Ok(())
    }

    /// The terminal run once `ch` has joined the sentence.
    fn next_run(&self, ch: char, after_gap: bool) -> Option<Run> {
        let previous = if after_gap { None } else { self.run };
        if is_terminal(ch) {
            let run = match previous {
                Some(run) if !run.closed => Run {
                    cjk: run.cjk || is_cjk_terminal(ch),
                    closed: false,
                    abbrev: Abbrev::None,
                },
                _ => Run {
                    cjk: is_cjk_terminal(ch),
                    closed: false,
                    abbrev: if ch == '.' && !self.tail_overflow {
                        abbreviation(&self.tail)
                    } else {
                        Abbrev::None
                    },
                },
            };
            Some(run)
        } else if is_closer(ch) {
            previous.map(|run| Run {
                closed: true,
                abbrev: Abbrev::None,
                ..run
            })
        } else {
            None
        }
    }

    /// Ends the pending sentence: returns it unless it is only
    /// punctuation, and starts the next one empty.
    fn take(&mut self) -> Option<Sentence> {
        let text = std::mem::take(&mut self.text);
        let chars = self.text_chars;
        self.text_chars = 0;
        self.gap.clear();
        self.gap_chars = 0;
        self.line_breaks = 0;
        self.after_cr = false;
        self.run = None;
        self.tail.clear();
        self.tail_overflow = false;
        if text.chars().all(is_punctuation) {
            return None;
        }
        Some(Sentence {
            text,
            start: self.start,
            end: self.start + chars,
        })
    }
}

/// Every sentence of a whole text (for articles): exactly what one push of
/// the whole text plus [`Segmenter::finish`] gives, with no length limit.
pub fn split(text: &str) -> Vec<Sentence> {
    match split_with_limit(text, usize::MAX) {
        Ok(sentences) => sentences,
        Err(_) => unreachable!("no sentence is longer than usize::MAX"),
    }
}

/// Every sentence of a whole text, or [`TooLong`] if one is longer than
/// `max_sentence_chars` code points: one push of the whole text plus
/// [`Segmenter::finish`].
pub fn split_with_limit(text: &str, max_sentence_chars: usize) -> Result<Vec<Sentence>, TooLong> {
    let mut segmenter = Segmenter::new(max_sentence_chars);
    let mut sentences = segmenter.push(text)?;
    sentences.extend(segmenter.finish());
    Ok(sentences)
}

/// Ends an English or Chinese sentence.
fn is_terminal(ch: char) -> bool {
    matches!(ch, '.' | '!' | '?' | '…') || is_cjk_terminal(ch)
}

/// Ends a Chinese sentence whatever follows.
fn is_cjk_terminal(ch: char) -> bool {
    matches!(ch, '。' | '！' | '？' | '｡')
}

/// May close a quotation or aside after a terminal (`."`, `?”`, `。」`).
fn is_closer(ch: char) -> bool {
    "\"')]}”’»›」』）］｝》〉】〕".contains(ch)
}

/// Punctuation (or whitespace): a sentence of nothing else is dropped.
fn is_punctuation(ch: char) -> bool {
    const RANGES: [(char, char); 9] = [
        ('\u{2010}', '\u{2027}'),
        ('\u{2030}', '\u{205E}'),
        ('\u{3001}', '\u{3003}'),
        ('\u{3008}', '\u{3011}'),
        ('\u{3014}', '\u{301F}'),
        ('\u{FF01}', '\u{FF0F}'),
        ('\u{FF1A}', '\u{FF20}'),
        ('\u{FF3B}', '\u{FF40}'),
        ('\u{FF5B}', '\u{FF65}'),
    ];
    ch.is_whitespace()
        || ch.is_ascii_punctuation()
        || "¡§«¶·»¿".contains(ch)
        || RANGES.iter().any(|&(low, high)| (low..=high).contains(&ch))
}

/// The exception for the word (ASCII letters and dots) before a `.`.
fn abbreviation(word: &str) -> Abbrev {
    const ALWAYS: [&str; 22] = [
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Gen", "Gov", "Sen", "Rep", "Rev", "Lt",
        "Col", "Sgt", "Capt", "vs", "e.g", "i.e", "a.m", "p.m",
    ];
    const BEFORE_DIGIT: [&str; 13] = [
        "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    ];
    if ALWAYS.contains(&word) || is_initials(word) {
        Abbrev::Always
    } else if BEFORE_DIGIT.contains(&word) {
        Abbrev::BeforeDigit
    } else {
        Abbrev::None
    }
}

/// Capitals separated by dots (`J`, `U.S`, `J.R.R`), but not the pronoun
/// `I`, which ends sentences far more often than it is an initial.
fn is_initials(word: &str) -> bool {
    let bytes = word.as_bytes();
    word != "I"
        && bytes.len() % 2 == 1
        && bytes.iter().enumerate().all(|(at, byte)| {
            if at % 2 == 0 {
                byte.is_ascii_uppercase()
            } else {
                *byte == b'.'
            }
        })
}

#[cfg(test)]
mod tests;
