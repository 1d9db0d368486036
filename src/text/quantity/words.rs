//! English number words and fractions: "five", "twenty-five", "one hundred
//! and twenty", "a million", "half", "a third", "two-thirds", "three quarters".

use super::lexer::{linked_word, Token};
use super::measure::{Marker, Measure};
use super::vocab;

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

/// A spelled-out number at `at`: its value, the index after it, and whether
/// it is a lone "one"/"a", which is a number only with a unit or scale after it.
pub(super) fn word_number_at(tokens: &[Token], at: usize) -> Option<(f64, usize, bool)> {
    let first = tokens.get(at)?.word()?;
    if first == "a" {
        let (next_word, index) = linked_word(tokens, at + 1)?;
        let scale_follows = vocab::scale_word(next_word).is_some() && index == at + 1;
        return scale_follows.then_some((1.0, at + 1, true));
    }
    let (mut total, mut current) = (0.0, 0.0);
    let mut last = Last::Start;
    let mut index = at;
    let mut words = 0;
    while let Some((word, word_index)) = next_number_word(tokens, at, index) {
        let Some(step) = apply_word(word, last, &mut total, &mut current) else {
            break;
        };
        if step == Last::And && !number_word_follows(tokens, word_index + 1) {
            break;
        }
        last = step;
        index = word_index + 1;
        words += 1;
    }
    if words == 0 || last == Last::And {
        return None;
    }
    let lone = words == 1 && first == "one";
    Some((total + current, index, lone))
}

/// The word at `index` (or after a joining hyphen), when continuing from `at`.
fn next_number_word(tokens: &[Token], at: usize, index: usize) -> Option<(&str, usize)> {
    if index == at {
        return Some((tokens.get(at)?.word()?, at));
    }
    linked_word(tokens, index)
}

/// True when a unit, teen or tens word is at `index` ("hundred and five").
fn number_word_follows(tokens: &[Token], index: usize) -> bool {
    tokens.get(index).and_then(Token::word).is_some_and(|word| {
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

/// A fraction at `at` as a percentage: "half", "a third", "two-thirds".
pub(super) fn fraction_at(tokens: &[Token], at: usize) -> Option<Measure> {
    let word = tokens.get(at)?.word()?;
    if word == "half" {
        return half_at(tokens, at);
    }
    let numerator = if word == "a" {
        1.0
    } else {
        vocab::small_number(word)?
    };
    let (denominator_word, index) = linked_word(tokens, at + 1)?;
    let denominator = vocab::denominator(denominator_word)?;
    let compound = linked_word(tokens, index + 1).is_some_and(|(_, after)| after == index + 2);
    if numerator > denominator || compound || (word == "a" && !phrase_ends(tokens, index + 1)) {
        return None; // "five thirds", "a half-hour", "a third time"
    }
    let percent = numerator / denominator * 100.0;
    Some(Measure::complete(percent, Marker::Percent, index + 1))
}

/// "half" as 50%, unless it names a part ("first half", "half-time").
fn half_at(tokens: &[Token], at: usize) -> Option<Measure> {
    let previous = at
        .checked_sub(1)
        .and_then(|index| tokens.get(index)?.word());
    if previous.is_some_and(|word| NOT_A_PROPORTION.contains(&word)) {
        return None;
    }
    if linked_word(tokens, at + 1).is_some_and(|(_, index)| index == at + 2) {
        return None; // "half-hour", "half-life"
    }
    Some(Measure::complete(50.0, Marker::Percent, at + 1))
}

/// True when nothing that the fraction could modify follows: end of text,
/// punctuation, "of", or a function word ("a third of", "a third.").
pub(super) fn phrase_ends(tokens: &[Token], index: usize) -> bool {
    match tokens.get(index) {
        None => true,
        Some(token) => match token.word() {
            Some(word) => word == "of" || vocab::is_function_word(word),
            None => true,
        },
    }
}
