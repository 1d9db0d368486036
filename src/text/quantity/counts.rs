//! What a quantity counts ("80% of *firms*", "三千名*员工*"), read from the
//! lexemes after it so that callers can pair quantities about the same thing.

use super::chinese;
use super::cursor::Cursor;
use super::vocab;

/// Lexemes looked at after a quantity when reading what it counts.
const COUNTS_WINDOW: usize = 12;

/// Most Han characters kept as the counted noun.
const HAN_NOUN_CHARS: usize = 4;

/// Most English content words kept.
const COUNTED_WORDS: usize = 3;

/// What the quantity ending before `next` counts: up to three content
/// words, or the next one to four Han characters (after any 的 or measure
/// word: 名员工 → 员工).
pub(super) fn counts_after(next: Cursor<'_>) -> Vec<String> {
    match next.han() {
        Some(first) => han_noun(next, first).into_iter().collect(),
        None => counted_words(next),
    }
}

/// The Han noun at `next`, whose first character is `first`.
fn han_noun(next: Cursor<'_>, first: char) -> Option<String> {
    // Skip 的 or a pure measure word (个, 名); 人 and 家 are also the nouns.
    let skipped = first == '的' || (chinese::is_classifier(first) && !matches!(first, '人' | '家'));
    let start = next.advance(usize::from(skipped));
    let text: String = (0..HAN_NOUN_CHARS)
        .map_while(|offset| {
            let here = start.advance(offset);
            let glued_on = offset == 0 || here.glued_to_previous();
            here.han().filter(|_| glued_on)
        })
        .collect();
    (!text.is_empty()).then_some(text)
}

/// Up to three content words from `next`, skipping articles and glued
/// hyphens or apostrophes; stops at a function word, number word or sign.
fn counted_words(next: Cursor<'_>) -> Vec<String> {
    let mut words = Vec::new();
    for offset in 0..COUNTS_WINDOW {
        let here = next.advance(offset);
        let Some(lexeme) = here.peek() else {
            break;
        };
        if words.len() == COUNTED_WORDS {
            break;
        }
        match (lexeme.word(), lexeme.symbol()) {
            (Some(word), _) if vocab::is_function_word(word) || vocab::is_number_word(word) => {
                break
            }
            (Some(word), _) if vocab::is_skipped_word(word) => {}
            (Some(word), _) => words.push(word.strip_suffix("'s").unwrap_or(word).to_string()),
            (_, Some('-' | '\'' | '\u{2019}')) if here.glued_to_previous() => {}
            _ => break,
        }
    }
    words
}
