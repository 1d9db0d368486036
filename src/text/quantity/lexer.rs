//! The quantity lexer: splits text into [`Lexeme`]s — numbers, words, Han
//! characters and symbols, each with its byte span — so the readers can
//! reason about adjacency ("5x", "COVID-19", "两个月") without re-reading the
//! text. Named lexemes, not tokens, to keep them apart from the search terms
//! of `text::Token`.

use super::types::is_year_value;
use crate::text::{is_cjk, ByteSpan};

/// What one lexeme is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum LexemeKind {
    /// Arabic numeral (ASCII or fullwidth digits, thousands commas, one decimal point).
    Number(Numeral),
    /// A run of letters, lower-cased; inner apostrophes are kept ("china's").
    Word(String),
    /// One Han or kana character: Chinese is parsed character by character.
    Han(char),
    /// Any other visible character: currency signs, %, hyphens, punctuation.
    Symbol(char),
}

/// The value of an Arabic numeral and whether it could be a calendar year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Numeral {
    /// The number; may be infinite for absurdly long digit strings (callers drop those).
    pub value: f64,
    /// Four bare digits, no comma or decimal point: "1913" might be a year, "1,913" is not.
    pub year_shaped: bool,
}

/// One lexeme and where it sits in the text.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Lexeme {
    /// What the lexeme is.
    pub kind: LexemeKind,
    /// Where it is in the text (on char boundaries).
    pub span: ByteSpan,
}

impl Lexeme {
    /// The lower-cased word, when this lexeme is a word.
    pub(super) fn word(&self) -> Option<&str> {
        match &self.kind {
            LexemeKind::Word(word) => Some(word),
            _ => None,
        }
    }

    /// The character, when this lexeme is a Han character.
    pub(super) fn han(&self) -> Option<char> {
        match self.kind {
            LexemeKind::Han(ch) => Some(ch),
            _ => None,
        }
    }

    /// True for an Arabic numeral.
    pub(super) fn is_number(&self) -> bool {
        matches!(self.kind, LexemeKind::Number(_))
    }

    /// The character, when this lexeme is a symbol.
    pub(super) fn symbol(&self) -> Option<char> {
        match self.kind {
            LexemeKind::Symbol(ch) => Some(ch),
            _ => None,
        }
    }
}

/// 〇, the Han zero of 二〇二三年. [`is_cjk`] leaves it out to keep search
/// terms stable (see its doc), but here it must be a Han digit.
const HAN_ZERO: char = '\u{3007}';

/// True for characters lexed one by one as [`LexemeKind::Han`].
fn is_han(ch: char) -> bool {
    ch == HAN_ZERO || is_cjk(ch)
}

/// The value of an Arabic digit, ASCII or fullwidth ('５' = 5). Han digits
/// (五) are read by the Chinese reader, not here.
fn arabic_digit(ch: char) -> Option<u32> {
    match ch {
        '0'..='9' => ch.to_digit(10),
        '\u{FF10}'..='\u{FF19}' => Some(ch as u32 - 0xFF10),
        _ => None,
    }
}

/// True for letters of alphabetic scripts (Han is lexed per character).
fn is_letter(ch: char) -> bool {
    ch.is_alphabetic() && !is_han(ch)
}

/// Splits `text` into lexemes, skipping whitespace.
pub(super) fn lex(text: &str) -> Vec<Lexeme> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |pos: usize| chars.get(pos).map_or(text.len(), |&(at, _)| at);
    let mut lexemes = Vec::new();
    let mut pos = 0;
    while let Some(&(start, ch)) = chars.get(pos) {
        let (kind, next) = if arabic_digit(ch).is_some() {
            let (numeral, next) = scan_number(&chars, pos);
            (LexemeKind::Number(numeral), next)
        } else if is_han(ch) {
            (LexemeKind::Han(ch), pos + 1)
        } else if is_letter(ch) {
            let (word, next) = scan_word(&chars, pos);
            (LexemeKind::Word(word), next)
        } else if ch.is_whitespace() {
            pos += 1;
            continue;
        } else {
            (LexemeKind::Symbol(ch), pos + 1)
        };
        lexemes.push(Lexeme {
            kind,
            span: ByteSpan::new(start, end_of(next)),
        });
        pos = next;
    }
    lexemes
}

/// True when `chars[pos..pos + 3]` are digits and the char after is not.
fn thousands_group_at(chars: &[(usize, char)], pos: usize) -> bool {
    let is_digit_at = |at: usize| {
        chars
            .get(at)
            .is_some_and(|&(_, ch)| arabic_digit(ch).is_some())
    };
    (pos..pos + 3).all(is_digit_at) && !is_digit_at(pos + 3)
}

/// Reads digits with thousands commas and at most one decimal point.
fn scan_number(chars: &[(usize, char)], start: usize) -> (Numeral, usize) {
    let mut digits = String::new();
    let (mut pos, mut integer_digits) = (start, 0);
    let (mut grouped, mut decimal) = (false, false);
    while let Some(&(_, ch)) = chars.get(pos) {
        let next_is_digit = chars
            .get(pos + 1)
            .is_some_and(|&(_, next)| arabic_digit(next).is_some());
        if let Some(digit) = arabic_digit(ch) {
            digits.push(char::from_digit(digit, 10).unwrap_or('0'));
            integer_digits += usize::from(!decimal);
        } else if ch == ',' && !decimal && thousands_group_at(chars, pos + 1) {
            grouped = true;
        } else if ch == '.' && !decimal && next_is_digit {
            digits.push('.');
            decimal = true;
        } else {
            break;
        }
        pos += 1;
    }
    let value = digits.parse::<f64>().unwrap_or(f64::INFINITY);
    let year_shaped = integer_digits == 4 && !grouped && !decimal && is_year_value(value);
    (Numeral { value, year_shaped }, pos)
}

/// Reads a run of letters, keeping apostrophes that sit between letters.
fn scan_word(chars: &[(usize, char)], start: usize) -> (String, usize) {
    let mut word = String::new();
    let mut pos = start;
    while let Some(&(_, ch)) = chars.get(pos) {
        let letter_follows = chars.get(pos + 1).is_some_and(|&(_, next)| is_letter(next));
        if is_letter(ch) {
            word.extend(ch.to_lowercase());
        } else if matches!(ch, '\'' | '\u{2019}') && letter_follows && pos > start {
            word.push('\'');
        } else {
            break;
        }
        pos += 1;
    }
    (word, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds of the lexemes of `text`.
    fn kinds(text: &str) -> Vec<LexemeKind> {
        lex(text).into_iter().map(|lexeme| lexeme.kind).collect()
    }

    #[test]
    fn ideographic_zero_is_a_han_digit() {
        assert_eq!(
            kinds("二〇"),
            [LexemeKind::Han('二'), LexemeKind::Han('〇')]
        );
    }

    #[test]
    fn numbers_words_and_symbols_keep_their_spans() {
        let lexemes = lex("US$ 1,913.5 China's");
        let spans: Vec<_> = lexemes.iter().map(|l| l.span.range()).collect();
        assert_eq!(spans, [0..2, 2..3, 4..11, 12..19]);
        let numeral = Numeral {
            value: 1913.5,
            year_shaped: false,
        };
        assert_eq!(lexemes[2].kind, LexemeKind::Number(numeral));
        assert_eq!(lexemes[3].word(), Some("china's"));
    }

    #[test]
    fn fullwidth_digits_are_arabic() {
        assert_eq!(arabic_digit('５'), Some(5));
        assert_eq!(arabic_digit('五'), None);
    }
}
