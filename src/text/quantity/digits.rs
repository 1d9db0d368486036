//! The Arabic-numeral reader: digits ("3,000", "１２", "1.5") and the
//! letters glued to them ("5x", "€3m", "11bn", "10years"), while refusing
//! names, ordinals and decades ("COVID-19", "第3", "1st", "1990s").
//!
//! A leaf reader like `english` and `chinese`: it returns a bare
//! [`Reading`] and leaves the words after a space to the dispatcher.

use super::cursor::Cursor;
use super::lexer::LexemeKind;
use super::types::{Marker, Measure, Reading};
use super::vocab;

/// The number whose digits are here, with any suffix glued to them; None
/// for digits that are part of a name (unless a currency sign precedes).
pub(super) fn reading_at(cursor: Cursor<'_>, after_currency: bool) -> Option<Reading> {
    let LexemeKind::Number(numeral) = cursor.peek()?.kind else {
        return None;
    };
    if !after_currency && glued_to_word_before(cursor) {
        return None;
    }
    let mut measure = Measure::number(numeral.value, cursor.index() + 1);
    measure.year_shaped = numeral.year_shaped;
    if cursor.glued_to_next() {
        attach_glued_suffix(cursor.advance(1), &mut measure)?;
    }
    Some(Reading::Open(measure))
}

/// True when the digits here are glued to a word before them: "COVID-19",
/// "mp3", 第3 are names and ordinals, not quantities.
fn glued_to_word_before(cursor: Cursor<'_>) -> bool {
    let Some(before) = cursor.back() else {
        return false;
    };
    if !cursor.glued_to_previous() {
        return false;
    }
    match before.peek().map(|lexeme| &lexeme.kind) {
        Some(LexemeKind::Word(_)) | Some(LexemeKind::Han('第')) => true,
        Some(LexemeKind::Symbol('-' | '\u{2010}')) => {
            let word_before = before
                .previous()
                .is_some_and(|lexeme| lexeme.word().is_some());
            word_before && before.glued_to_previous()
        }
        _ => false,
    }
}

/// Letters glued to digits, at `suffix`: "5x", "€3m", "11bn", "10years";
/// None rejects ordinals ("1st"), decades ("1990s") and unknown suffixes
/// ("5G", "10km").
fn attach_glued_suffix(suffix: Cursor<'_>, measure: &mut Measure) -> Option<()> {
    let lexeme = suffix.peek()?;
    if let Some(mark) = lexeme.symbol() {
        let decade = matches!(mark, '\'' | '\u{2019}')
            && suffix.glued_to_next()
            && suffix.word_at(1) == Some("s");
        return (!decade).then_some(());
    }
    let Some(word) = lexeme.word() else {
        return Some(());
    };
    let multiple = || matches!(word, "x" | "fold").then_some(Marker::Multiple);
    if let Some(scale) = vocab::glued_scale(word) {
        measure.scale = Some(scale);
    } else if let Some(marker) = vocab::unit_marker(word).or_else(multiple) {
        measure.marker = Some(marker);
    } else {
        return None;
    }
    measure.next += 1;
    Some(())
}
