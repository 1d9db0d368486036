//! The English reader: number words ("five", "twenty-five", "one hundred
//! and twenty", "a million"), fractions ("half", "a third", "two-thirds",
//! "three quarters") and multiplier words ("twice", "fivefold").
//!
//! A leaf reader: it returns a bare [`Reading`] and leaves scale, unit and
//! bound words to the dispatcher; it never calls the Chinese reader.

use super::cursor::Cursor;
use super::types::{Marker, Measure, Reading};
use super::vocab;

/// A quantity starting with a word here: "twice", "fivefold" and fractions
/// are closed; "half a million", "twenty-five" and "a million" are open.
pub(super) fn reading_at(cursor: Cursor<'_>) -> Option<Reading> {
    let word = cursor.word()?;
    if let Some(factor) = vocab::multiple_word(word) {
        let digit_follows = cursor
            .advance(1)
            .linked_word()
            .is_some_and(|(next, _)| matches!(next, "digit" | "digits"));
        let multiple = Measure::complete(factor, Marker::Multiple, cursor.index() + 1);
        return (!digit_follows).then_some(Reading::Closed(multiple));
    }
    let scale_after_a = cursor
        .advance(1)
        .words(&["a"])
        .and_then(Cursor::word)
        .and_then(vocab::scale_word);
    if word == "half" && scale_after_a.is_some() {
        // "half a million": the dispatcher reads the scale after "a".
        return Some(Reading::Open(Measure::number(0.5, cursor.index() + 2)));
    }
    if let Some(fraction) = fraction_at(cursor) {
        return Some(Reading::Closed(fraction));
    }
    let number = word_number_at(cursor)?;
    let mut measure = Measure::number(number.value, number.next.index());
    measure.needs_unit = number.lone;
    Some(Reading::Open(measure))
}

/// A spelled-out number, as [`word_number_at`] reads it.
pub(super) struct WordNumber<'a> {
    /// The value of the words.
    pub value: f64,
    /// Just past the last number word.
    pub next: Cursor<'a>,
    /// A lone "one" or "a": a number only with a unit or scale after it.
    pub lone: bool,
}

/// What the previous number word was, to accept only well-formed sequences.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    Start,
    Unit,
    Teen,
    Tens,
    Hundred,
    Thousand,
    And,
}

/// A spelled-out number here ("five", "twenty-five", "a" before a scale).
pub(super) fn word_number_at(start: Cursor<'_>) -> Option<WordNumber<'_>> {
    let first = start.word()?;
    if first == "a" {
        let (next_word, at) = start.advance(1).linked_word()?;
        let scale_follows =
            vocab::scale_word(next_word).is_some() && at.index() == start.index() + 1;
        return scale_follows.then_some(WordNumber {
            value: 1.0,
            next: start.advance(1),
            lone: true,
        });
    }
    let (mut total, mut current) = (0.0, 0.0);
    let mut last = Last::Start;
    let mut cursor = start;
    let mut words = 0;
    while let Some((word, at)) = next_number_word(start, cursor) {
        let Some(step) = apply_word(word, last, &mut total, &mut current) else {
            break;
        };
        if step == Last::And && !number_word_follows(at.advance(1)) {
            break;
        }
        last = step;
        cursor = at.advance(1);
        words += 1;
    }
    if words == 0 || last == Last::And {
        return None;
    }
    Some(WordNumber {
        value: total + current,
        next: cursor,
        lone: words == 1 && first == "one",
    })
}

/// The word at `cursor` (or after a joining hyphen, except at `start`).
fn next_number_word<'a>(start: Cursor<'a>, cursor: Cursor<'a>) -> Option<(&'a str, Cursor<'a>)> {
    if cursor.index() == start.index() {
        return Some((cursor.word()?, cursor));
    }
    cursor.linked_word()
}

/// True when a unit, teen or tens word is here ("hundred and five").
fn number_word_follows(cursor: Cursor<'_>) -> bool {
    cursor.word().is_some_and(|word| {
        vocab::small_number(word).is_some() || vocab::tens_number(word).is_some()
    })
}

/// Adds one number word to the running value; None when it cannot follow `last`.
fn apply_word(word: &str, last: Last, total: &mut f64, current: &mut f64) -> Option<Last> {
    let after_group = matches!(
        last,
        Last::Start | Last::Hundred | Last::Thousand | Last::And
    );
    if let Some(value) = vocab::small_number(word) {
        let allowed = after_group || (value < 10.0 && last == Last::Tens);
        *current += if allowed { value } else { 0.0 };
        return allowed.then_some(if value < 10.0 { Last::Unit } else { Last::Teen });
    }
    if let Some(value) = vocab::tens_number(word) {
        *current += if after_group { value } else { 0.0 };
        return after_group.then_some(Last::Tens);
    }
    match word {
        "hundred" if matches!(last, Last::Unit | Last::Teen) && *current < 100.0 => {
            *current *= 100.0;
            Some(Last::Hundred)
        }
        "thousand" if *total == 0.0 && !matches!(last, Last::Start | Last::And) => {
            *total = *current * 1000.0;
            *current = 0.0;
            Some(Last::Thousand)
        }
        "and" if matches!(last, Last::Hundred | Last::Thousand) => Some(Last::And),
        _ => None,
    }
}

/// Words before "half" that make it a part of something, not 50%:
/// "the first half", "the other half".
const NOT_A_PROPORTION: [&str; 10] = [
    "first", "second", "third", "fourth", "last", "latter", "former", "other", "better", "back",
];

/// A fraction here as a percentage: "half", "a third", "two-thirds".
fn fraction_at(cursor: Cursor<'_>) -> Option<Measure> {
    let word = cursor.word()?;
    if word == "half" {
        return half_at(cursor);
    }
    let numerator = if word == "a" {
        1.0
    } else {
        vocab::small_number(word)?
    };
    let (denominator_word, at) = cursor.advance(1).linked_word()?;
    let denominator = vocab::denominator(denominator_word)?;
    let after = at.advance(1);
    let compound = after
        .linked_word()
        .is_some_and(|(_, word_at)| word_at.index() == after.index() + 1);
    if numerator > denominator || compound || (word == "a" && !phrase_ends(after)) {
        return None; // "five thirds", "a half-hour", "a third time"
    }
    let percent = numerator / denominator * 100.0;
    Some(Measure::complete(percent, Marker::Percent, after.index()))
}

/// "half" as 50%, unless it names a part ("first half", "half-time").
fn half_at(cursor: Cursor<'_>) -> Option<Measure> {
    let previous = cursor.previous().and_then(|lexeme| lexeme.word());
    if previous.is_some_and(|word| NOT_A_PROPORTION.contains(&word)) {
        return None;
    }
    let after = cursor.advance(1);
    if after
        .linked_word()
        .is_some_and(|(_, word_at)| word_at.index() == after.index() + 1)
    {
        return None; // "half-hour", "half-life"
    }
    Some(Measure::complete(50.0, Marker::Percent, after.index()))
}

/// True when nothing that the fraction could modify follows: end of text,
/// punctuation, "of", or a function word ("a third of", "a third.").
fn phrase_ends(cursor: Cursor<'_>) -> bool {
    match cursor.peek() {
        None => true,
        Some(lexeme) => match lexeme.word() {
            Some(word) => word == "of" || vocab::is_function_word(word),
            None => true,
        },
    }
}
