//! A position in the lexemes of one text, and the small questions every
//! reader asks there: what is here, is it glued to its neighbour, do these
//! words or Han characters follow. Readers pass a [`Cursor`] instead of a
//! `(lexemes, index)` pair, so no reader indexes the slice by hand.

use super::lexer::Lexeme;

/// The lexemes of a text and an index into them (possibly one past the end).
///
/// `Copy`: moving on returns a new cursor, so a reader can try a phrase and
/// fall back to where it started by keeping the old one.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cursor<'a> {
    /// Every lexeme of the text, so a reader can look behind as well as ahead.
    lexemes: &'a [Lexeme],
    /// Index of the current lexeme; `lexemes.len()` at the end.
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the first lexeme.
    pub(super) fn new(lexemes: &'a [Lexeme]) -> Self {
        Cursor { lexemes, at: 0 }
    }

    /// Index of the current lexeme.
    pub(super) fn index(self) -> usize {
        self.at
    }

    /// The same lexemes at `index`.
    pub(super) fn seek(self, index: usize) -> Self {
        Cursor { at: index, ..self }
    }

    /// The cursor `count` lexemes further on.
    pub(super) fn advance(self, count: usize) -> Self {
        self.seek(self.at + count)
    }

    /// True when no lexeme is left.
    pub(super) fn is_end(self) -> bool {
        self.at >= self.lexemes.len()
    }

    /// The cursor one lexeme back, or None at the start.
    pub(super) fn back(self) -> Option<Self> {
        Some(self.seek(self.at.checked_sub(1)?))
    }

    /// The current lexeme.
    pub(super) fn peek(self) -> Option<&'a Lexeme> {
        self.lexemes.get(self.at)
    }

    /// The lexeme `offset` places after the current one (0 is the current one).
    pub(super) fn lexeme_at(self, offset: usize) -> Option<&'a Lexeme> {
        self.lexemes.get(self.at.checked_add(offset)?)
    }

    /// The lexeme just before the current one.
    pub(super) fn previous(self) -> Option<&'a Lexeme> {
        self.back()?.peek()
    }

    /// The current lexeme's word, if it is one.
    pub(super) fn word(self) -> Option<&'a str> {
        self.peek()?.word()
    }

    /// The word `offset` places ahead, if that lexeme is one.
    pub(super) fn word_at(self, offset: usize) -> Option<&'a str> {
        self.lexeme_at(offset)?.word()
    }

    /// The current lexeme's Han character, if it is one.
    pub(super) fn han(self) -> Option<char> {
        self.peek()?.han()
    }

    /// The current lexeme's symbol, if it is one.
    pub(super) fn symbol(self) -> Option<char> {
        self.peek()?.symbol()
    }

    /// True when the current lexeme ends exactly where the next one starts.
    pub(super) fn glued_to_next(self) -> bool {
        match (self.peek(), self.lexeme_at(1)) {
            (Some(left), Some(right)) => left.span.end == right.span.start,
            _ => false,
        }
    }

    /// True when the previous lexeme ends exactly where the current one starts.
    pub(super) fn glued_to_previous(self) -> bool {
        self.back().is_some_and(Cursor::glued_to_next)
    }

    /// The cursor after `expected`, when those words come next in order.
    pub(super) fn words(self, expected: &[&str]) -> Option<Self> {
        let mut cursor = self;
        for word in expected {
            if cursor.word()? != *word {
                return None;
            }
            cursor = cursor.advance(1);
        }
        Some(cursor)
    }

    /// The cursor after the Han characters of `pattern`, written without gaps.
    pub(super) fn han_text(self, pattern: &str) -> Option<Self> {
        let mut cursor = self;
        for expected in pattern.chars() {
            let gap = cursor.at > self.at && !cursor.glued_to_previous();
            if cursor.han()? != expected || gap {
                return None;
            }
            cursor = cursor.advance(1);
        }
        Some(cursor)
    }

    /// The word here, or after a hyphen glued on both sides ("two-day",
    /// "10-month-old"), with a cursor *at* that word.
    pub(super) fn linked_word(self) -> Option<(&'a str, Self)> {
        let lexeme = self.peek()?;
        if let Some(word) = lexeme.word() {
            return Some((word, self));
        }
        let is_hyphen = matches!(lexeme.symbol()?, '-' | '\u{2010}');
        if is_hyphen && self.glued_to_previous() && self.glued_to_next() {
            let after = self.advance(1);
            return Some((after.word()?, after));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    #[test]
    fn peeks_and_advances() {
        let lexemes = lex("five per cent");
        let start = Cursor::new(&lexemes);
        assert_eq!(start.word(), Some("five"));
        assert_eq!(start.word_at(2), Some("cent"));
        assert_eq!(start.word_at(3), None);
        assert!(start.previous().is_none() && start.back().is_none());
        let end = start.advance(3);
        assert!(end.is_end() && end.peek().is_none());
        assert_eq!(end.previous().and_then(Lexeme::word), Some("cent"));
    }

    #[test]
    fn words_match_in_order() {
        let lexemes = lex("more than half");
        let start = Cursor::new(&lexemes);
        assert_eq!(start.words(&["more", "than"]).map(Cursor::index), Some(2));
        assert!(start.words(&["than"]).is_none());
        assert!(start.advance(2).words(&["half", "a"]).is_none());
    }

    #[test]
    fn glue_is_about_byte_spans() {
        let lexemes = lex("5x 3");
        let start = Cursor::new(&lexemes);
        assert!(start.glued_to_next() && !start.glued_to_previous());
        assert!(start.advance(1).glued_to_previous());
        assert!(!start.advance(1).glued_to_next());
        assert!(!start.advance(2).glued_to_next());
    }

    #[test]
    fn han_text_needs_no_gaps() {
        let glued = lex("人民币");
        assert_eq!(
            Cursor::new(&glued).han_text("人民").map(Cursor::index),
            Some(2)
        );
        let spaced = lex("人 民币");
        assert!(Cursor::new(&spaced).han_text("人民").is_none());
    }

    #[test]
    fn linked_word_crosses_a_glued_hyphen() {
        let lexemes = lex("two-day two - day");
        let hyphen = Cursor::new(&lexemes).advance(1);
        let (word, at) = hyphen.linked_word().expect("glued hyphen");
        assert_eq!((word, at.index()), ("day", 2));
        assert!(hyphen.advance(3).linked_word().is_none());
        assert_eq!(
            hyphen.advance(2).linked_word().map(|(word, _)| word),
            Some("two")
        );
    }
}
