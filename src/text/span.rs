//! Positions in text, typed by what they count, so that the two kinds never
//! mix: [`ByteOffset`]/[`ByteSpan`] count UTF-8 bytes — how Rust slices a
//! `&str`, and what the analyser and the quantity lexer produce — while
//! [`CharOffset`]/[`CharSpan`] count Unicode code points, what clients are
//! sent (the proto's highlight and quantity offsets).
//!
//! [`CharSpan::of`] is the only way from bytes to code points: a
//! `CharOffset` has no other constructor. Both kinds live in this leaf so
//! that the conversion sits beside the two types it joins, and `model`
//! (which clients' spans belong to) can name them without `text` ever
//! naming `model`.

use std::ops::Range;

/// A byte offset into UTF-8 text.
///
/// Built freely by whoever walks the bytes (`char_indices`, the lexer); only
/// meaningful with the text it was taken from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteOffset(pub usize);

/// A half-open byte range `start..end` of UTF-8 text, normally on char
/// boundaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByteSpan {
    /// Offset of the first byte.
    pub start: ByteOffset,
    /// Offset one past the last byte.
    pub end: ByteOffset,
}

impl ByteSpan {
    /// The span `start..end` (in bytes).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "byte span {start}..{end} runs backwards");
        ByteSpan {
            start: ByteOffset(start),
            end: ByteOffset(end),
        }
    }

    /// The span as a range for `str::get` and friends.
    pub fn range(self) -> Range<usize> {
        self.start.0..self.end.0
    }

    /// The text the span covers, or None when it is out of bounds or not on
    /// char boundaries.
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.range())
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(self, other: ByteSpan) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A Unicode code point offset into a text: what clients are sent.
///
/// Only [`CharSpan::of`] makes one, from a [`ByteSpan`] and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CharOffset(usize);

impl CharOffset {
    /// The number of code points before this offset.
    pub fn get(self) -> usize {
        self.0
    }
}

/// A half-open range of Unicode code points, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CharSpan {
    /// Code points before the first one in the span.
    pub start: CharOffset,
    /// Code points before the one just past the span.
    pub end: CharOffset,
}

impl CharSpan {
    /// The code point span of `bytes` in `text`: the one conversion from
    /// bytes to code points.
    ///
    /// An offset past the end of `text` or inside a character counts every
    /// code point of `text` (spans from the analyser and the lexer are
    /// always in bounds and on boundaries).
    pub fn of(text: &str, bytes: ByteSpan) -> CharSpan {
        CharSpan {
            start: code_points_before(text, bytes.start),
            end: code_points_before(text, bytes.end),
        }
    }
}

/// Converts many byte spans of one text, in (mostly) increasing order, in
/// time linear in the text: each conversion counts on from the last one
/// instead of from the start ([`CharSpan::of`] for one span).
#[derive(Debug)]
pub struct CharSpans<'a> {
    text: &'a str,
    /// A byte offset on a character boundary, and the code points before it.
    at: (usize, usize),
}

impl<'a> CharSpans<'a> {
    pub fn new(text: &'a str) -> CharSpans<'a> {
        CharSpans { text, at: (0, 0) }
    }

    /// The code point span of `bytes`, as [`CharSpan::of`] gives it.
    pub fn of(&mut self, bytes: ByteSpan) -> CharSpan {
        CharSpan {
            start: self.offset(bytes.start),
            end: self.offset(bytes.end),
        }
    }

    fn offset(&mut self, offset: ByteOffset) -> CharOffset {
        let (byte, chars) = self.at;
        match self.text.get(byte..offset.0) {
            Some(step) if offset.0 >= byte => {
                self.at = (offset.0, chars + step.chars().count());
                CharOffset(self.at.1)
            }
            // Backwards, past the end or inside a character: from the start.
            _ => code_points_before(self.text, offset),
        }
    }
}

/// The number of code points in `text` before byte `offset`.
fn code_points_before(text: &str, offset: ByteOffset) -> CharOffset {
    let count = text
        .get(..offset.0)
        .map_or_else(|| text.chars().count(), |prefix| prefix.chars().count());
    CharOffset(count)
}

#[cfg(test)]
mod char_spans_tests {
    use super::*;

    #[test]
    fn char_spans_agree_with_one_at_a_time() {
        let text = "a阿里😀 cloud e\u{301}! tail";
        let spans: Vec<ByteSpan> = [(0, 1), (1, 7), (7, 11), (12, 17), (5, 7), (0, 99), (18, 20)]
            .into_iter()
            .map(|(start, end)| ByteSpan::new(start, end))
            .collect();
        let mut converter = CharSpans::new(text);
        for span in spans {
            assert_eq!(converter.of(span), CharSpan::of(text, span), "{span:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (start, end) of `span` as plain numbers, for comparing with literals.
    fn code_points(span: CharSpan) -> (usize, usize) {
        (span.start.get(), span.end.get())
    }

    #[test]
    fn mixed_ascii_cjk_and_emoji_count_code_points() {
        // a: 1 byte, 阿 里: 3 bytes each, 😀: 4 bytes (one code point,
        // two UTF-16 units), é written as e + U+0301: two code points.
        let text = "a阿里😀 cloud e\u{301}!";
        let at = |piece: &str| {
            let start = text.find(piece).expect("piece is in the text");
            ByteSpan::new(start, start + piece.len())
        };
        assert_eq!(code_points(CharSpan::of(text, at("a"))), (0, 1));
        assert_eq!(code_points(CharSpan::of(text, at("阿里"))), (1, 3));
        assert_eq!(at("😀").range(), 7..11);
        assert_eq!(code_points(CharSpan::of(text, at("😀"))), (3, 4));
        assert_eq!(code_points(CharSpan::of(text, at("cloud"))), (5, 10));
        assert_eq!(code_points(CharSpan::of(text, at("e\u{301}"))), (11, 13));
        assert_eq!(code_points(CharSpan::of(text, at("!"))), (13, 14));
        let whole = ByteSpan::new(0, text.len());
        assert_eq!(code_points(CharSpan::of(text, whole)), (0, 14));
        assert_eq!(code_points(CharSpan::of("", ByteSpan::default())), (0, 0));
    }

    #[test]
    fn offsets_off_the_text_count_every_code_point() {
        let text = "阿里 ok";
        // Inside 阿, and past the end: both fall back to the full count (5).
        assert_eq!(
            code_points(CharSpan::of(text, ByteSpan::new(1, 99))),
            (5, 5)
        );
        assert_eq!(code_points(CharSpan::of(text, ByteSpan::new(0, 3))), (0, 1));
    }

    #[test]
    fn slice_follows_str_get() {
        let text = "阿里 cloud";
        assert_eq!(ByteSpan::new(0, 6).slice(text), Some("阿里"));
        assert_eq!(ByteSpan::new(7, 12).slice(text), Some("cloud"));
        assert_eq!(ByteSpan::new(1, 6).slice(text), None);
        assert_eq!(ByteSpan::new(7, 13).slice(text), None);
    }

    #[test]
    fn overlap_needs_a_shared_byte() {
        let span = ByteSpan::new(3, 6);
        assert!(span.overlaps(ByteSpan::new(5, 9)) && span.overlaps(ByteSpan::new(0, 4)));
        assert!(span.overlaps(ByteSpan::new(4, 5)) && span.overlaps(span));
        assert!(!span.overlaps(ByteSpan::new(6, 9)) && !span.overlaps(ByteSpan::new(0, 3)));
    }
}
