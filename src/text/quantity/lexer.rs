//! Tokenizer for the quantity extractor: splits text into numbers, words, Han
//! characters and symbols, each with its byte span, so the parser can reason
//! about adjacency ("5x", "COVID-19", "两个月") without re-reading the text.

/// What one token is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum TokenKind {
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

/// One token and where it sits in the text.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of the first byte (a char boundary).
    pub start: usize,
    /// Byte offset one past the last byte (a char boundary).
    pub end: usize,
}

impl Token {
    /// The lower-cased word, when this token is a word.
    pub(super) fn word(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Word(word) => Some(word),
            _ => None,
        }
    }

    /// The character, when this token is a Han character.
    pub(super) fn han(&self) -> Option<char> {
        match self.kind {
            TokenKind::Han(ch) => Some(ch),
            _ => None,
        }
    }

    /// True for an Arabic numeral.
    pub(super) fn is_number(&self) -> bool {
        matches!(self.kind, TokenKind::Number(_))
    }

    /// The character, when this token is a symbol.
    pub(super) fn symbol(&self) -> Option<char> {
        match self.kind {
            TokenKind::Symbol(ch) => Some(ch),
            _ => None,
        }
    }
}

/// True for Han ideographs (and 〇) and kana, which are written without spaces.
pub(super) fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x3007 // 〇, the Chinese zero
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
    )
}

/// The digit value of an ASCII or fullwidth digit.
fn digit_value(ch: char) -> Option<u32> {
    match ch {
        '0'..='9' => ch.to_digit(10),
        '\u{FF10}'..='\u{FF19}' => Some(ch as u32 - 0xFF10),
        _ => None,
    }
}

/// True for letters of alphabetic scripts (CJK is tokenized per character).
fn is_letter(ch: char) -> bool {
    ch.is_alphabetic() && !is_cjk(ch)
}

/// Splits `text` into tokens, skipping whitespace.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |pos: usize| chars.get(pos).map_or(text.len(), |&(at, _)| at);
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(&(start, ch)) = chars.get(pos) {
        let (kind, next) = if digit_value(ch).is_some() {
            let (numeral, next) = scan_number(&chars, pos);
            (TokenKind::Number(numeral), next)
        } else if is_cjk(ch) {
            (TokenKind::Han(ch), pos + 1)
        } else if is_letter(ch) {
            let (word, next) = scan_word(&chars, pos);
            (TokenKind::Word(word), next)
        } else if ch.is_whitespace() {
            pos += 1;
            continue;
        } else {
            (TokenKind::Symbol(ch), pos + 1)
        };
        tokens.push(Token {
            kind,
            start,
            end: end_of(next),
        });
        pos = next;
    }
    tokens
}

/// True when `chars[pos..pos + 3]` are digits and the char after is not.
fn thousands_group_at(chars: &[(usize, char)], pos: usize) -> bool {
    let is_digit_at = |at: usize| {
        chars
            .get(at)
            .is_some_and(|&(_, ch)| digit_value(ch).is_some())
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
            .is_some_and(|&(_, next)| digit_value(next).is_some());
        if let Some(digit) = digit_value(ch) {
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

/// True for the calendar years the extractor recognises (1000..=2199).
pub(super) fn is_year_value(value: f64) -> bool {
    (1000.0..=2199.0).contains(&value)
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

/// True when token `left` ends exactly where token `left + 1` starts.
pub(super) fn glued(tokens: &[Token], left: usize) -> bool {
    match (tokens.get(left), tokens.get(left + 1)) {
        (Some(a), Some(b)) => a.end == b.start,
        _ => false,
    }
}

/// The index after `words` when they appear in order starting at `at`.
pub(super) fn words_at(tokens: &[Token], at: usize, words: &[&str]) -> Option<usize> {
    let mut index = at;
    for expected in words {
        if tokens.get(index)?.word()? != *expected {
            return None;
        }
        index += 1;
    }
    Some(index)
}

/// The index after the Han characters of `pattern`, written without gaps, at `at`.
pub(super) fn han_at(tokens: &[Token], at: usize, pattern: &str) -> Option<usize> {
    let mut index = at;
    for expected in pattern.chars() {
        if tokens.get(index)?.han()? != expected || (index > at && !glued(tokens, index - 1)) {
            return None;
        }
        index += 1;
    }
    Some(index)
}

/// The word at `at`, or after a hyphen glued on both sides ("two-day",
/// "10-month-old"), with its index.
pub(super) fn linked_word(tokens: &[Token], at: usize) -> Option<(&str, usize)> {
    let token = tokens.get(at)?;
    if let Some(word) = token.word() {
        return Some((word, at));
    }
    let is_hyphen = matches!(token.symbol()?, '-' | '\u{2010}');
    let joined = at > 0 && glued(tokens, at - 1) && glued(tokens, at);
    if is_hyphen && joined {
        return Some((tokens.get(at + 1)?.word()?, at + 1));
    }
    None
}
