//! The dispatcher: one number with what is attached to it — a currency
//! before it, a scale, unit or infix bound after it ("$11 billion",
//! "two-day", "110亿美元", "10多亿", "one in five").
//!
//! It picks a reader by the first lexeme (`digits`, `english`, `chinese`),
//! and finishes whatever open number the reader returns. The readers never
//! call back here, so the dependencies run one way. Whether the measure is
//! a year, part of a range, or bounded is decided by the phrase parser.

use super::chinese;
use super::cursor::Cursor;
use super::digits;
use super::english;
use super::lexer::LexemeKind;
use super::types::{Bound, Marker, Measure, Reading};
use super::vocab;

/// The measure starting here, if any.
pub(super) fn measure_at(cursor: Cursor<'_>) -> Option<Measure> {
    if let Some((code, after)) = currency_prefix(cursor) {
        let mut measure = core_at(after, true)?;
        if !matches!(measure.marker, None | Some(Marker::Money(_))) {
            return None;
        }
        measure.marker = Some(Marker::Money(code));
        return Some(measure);
    }
    core_at(cursor, false)
}

/// A currency sign or code before an amount: "$", "US$", "€", "RMB", 人民币.
fn currency_prefix(cursor: Cursor<'_>) -> Option<(&'static str, Cursor<'_>)> {
    let lexeme = cursor.peek()?;
    if let Some(code) = lexeme.symbol().and_then(vocab::currency_symbol) {
        return Some((code, cursor.advance(1)));
    }
    if let Some(word) = lexeme.word() {
        let dollar_follows = cursor.lexeme_at(1)?.symbol() == Some('$') && cursor.glued_to_next();
        if dollar_follows {
            return Some((
                vocab::dollar_prefix(word).unwrap_or("USD"),
                cursor.advance(2),
            ));
        }
        let number_follows = matches!(cursor.lexeme_at(1)?.kind, LexemeKind::Number(_));
        return vocab::currency_code(word)
            .filter(|_| number_follows)
            .map(|code| (code, cursor.advance(1)));
    }
    cursor.han_text("人民币").map(|next| ("CNY", next))
}

/// A number phrase here, read by the reader for its script and finished.
fn core_at(cursor: Cursor<'_>, after_currency: bool) -> Option<Measure> {
    let reading = match &cursor.peek()?.kind {
        LexemeKind::Number(_) => digits::reading_at(cursor, after_currency)?,
        LexemeKind::Word(_) => english::reading_at(cursor)?,
        LexemeKind::Han(_) => chinese::reading_at(cursor)?,
        LexemeKind::Symbol(_) => return None,
    };
    match reading {
        Reading::Open(measure) => finish(cursor, measure),
        Reading::Closed(measure) => Some(measure),
    }
}

/// Adds the ratio, "and a half", infix bound, scale and unit written after
/// an open number that started at `start`; None for dates (五月, 18日).
fn finish(start: Cursor<'_>, mut measure: Measure) -> Option<Measure> {
    let at = |index: usize| start.seek(index);
    if let Some(ratio) = ratio_after(at(measure.next), &measure) {
        return Some(ratio);
    }
    if let Some(next) = at(measure.next).words(&["and", "a", "half"]) {
        measure.number += 0.5;
        measure.next = next.index();
        measure.needs_unit = false;
    }
    infix_bound(start, &mut measure);
    if measure.scale.is_none() {
        if let Some((scale, next)) = scale_after(at(measure.next)) {
            measure.scale = Some(scale);
            measure.next = next.index();
            infix_bound(start, &mut measure);
        }
    }
    if let Some((marker, next)) = unit_after(at(measure.next), measure.year_shaped) {
        let keeps_currency = matches!(measure.marker, Some(Marker::Money(_)));
        if measure.marker.is_none() || keeps_currency {
            measure.marker = Some(marker);
            measure.next = next.index();
        }
    }
    let date_part = at(measure.next).han();
    if measure.marker.is_none() && matches!(date_part, Some('月' | '日' | '号')) {
        return None; // 五月, 18日: dates, not quantities
    }
    if measure.marker.is_none() && measure.scale.is_none() && is_date(start, &measure) {
        return None; // "September 11", "9/11": dates, not quantities
    }
    measure.number.is_finite().then_some(measure)
}

/// "one in five", "3 out of 4", "25 of the 27" at `after` the numerator: a
/// proportion, as a percentage.
fn ratio_after(after: Cursor<'_>, measure: &Measure) -> Option<Measure> {
    if measure.marker.is_some() || measure.scale.is_some() || measure.bound.is_some() {
        return None;
    }
    let partitive = after.words(&["of", "the"]).or_else(|| after.words(&["of"]));
    // "one of the 10 largest banks" names a member, not a tenth.
    if partitive.is_some() && measure.number == 1.0 {
        return None;
    }
    let denominator_at = after
        .words(&["in"])
        .or_else(|| after.words(&["out", "of"]))
        .or(partitive)?;
    let (denominator, next) = match &denominator_at.peek()?.kind {
        LexemeKind::Number(numeral) if !numeral.year_shaped => {
            (numeral.value, denominator_at.advance(1))
        }
        LexemeKind::Word(_) => match english::word_number_at(denominator_at)? {
            number if number.lone => return None, // "one in a million"
            number => (number.value, number.next),
        },
        _ => return None,
    };
    // "25 of the 2 million voters": a scale after the denominator is not a
    // proportion this reads.
    if scale_after(next).is_some() {
        return None;
    }
    let plausible = measure.number > 0.0 && measure.number <= denominator && denominator <= 1000.0;
    let percent = measure.number / denominator * 100.0;
    plausible.then(|| Measure::complete(percent, Marker::Percent, next.index()))
}

/// A day of the month after a month name ("September 11"), or a number
/// slashed to another ("9/11", "3/4": a date or a fraction, not a count).
fn is_date(start: Cursor<'_>, measure: &Measure) -> bool {
    let after_month = start
        .previous()
        .and_then(|lexeme| lexeme.word())
        .is_some_and(|word| vocab::month_name(&word.to_lowercase()));
    let day = measure.number.fract() == 0.0 && (1.0..=31.0).contains(&measure.number);
    let next = start.seek(measure.next);
    let slashed = |symbol: Option<char>, glued: bool| symbol == Some('/') && glued;
    let slashed_after = slashed(next.symbol(), next.glued_to_previous());
    let slashed_before = start
        .back()
        .is_some_and(|before| slashed(before.symbol(), start.glued_to_previous()));
    (after_month && day) || slashed_after || slashed_before
}

/// 多/余 right after the number: 三十多 "thirty-odd", 10多亿.
fn infix_bound(start: Cursor<'_>, measure: &mut Measure) {
    let next = start.seek(measure.next);
    if matches!(next.han(), Some('多' | '余')) && next.glued_to_previous() {
        measure.bound = Some(Bound::MoreThan);
        measure.next += 1;
    }
}

/// A scale word ("billion", "bn") or Chinese place value (亿) here.
fn scale_after(cursor: Cursor<'_>) -> Option<(f64, Cursor<'_>)> {
    if let Some((word, at)) = cursor.linked_word() {
        return vocab::scale_word(word).map(|scale| (scale, at.advance(1)));
    }
    chinese::scale_at(cursor)
}

/// A unit here: %, percent, per cent, times, -fold, x, days, dollars, 个月, 美元.
fn unit_after(cursor: Cursor<'_>, year_shaped: bool) -> Option<(Marker, Cursor<'_>)> {
    let lexeme = cursor.peek()?;
    match lexeme.symbol() {
        Some('%' | '％') => return Some((Marker::Percent, cursor.advance(1))),
        Some('×') if cursor.glued_to_previous() => {
            return Some((Marker::Multiple, cursor.advance(1)))
        }
        _ => {}
    }
    if lexeme.han().is_some() {
        return chinese::unit_at(cursor, year_shaped);
    }
    let (word, at) = cursor.linked_word()?;
    let phrases: [(&[&str], Marker); 5] = [
        (&["per", "cent"], Marker::Percent),
        (&["percentage", "points"], Marker::Percent),
        (&["percentage", "point"], Marker::Percent),
        (&["us", "dollars"], Marker::Money("USD")),
        (&["times"], Marker::Multiple),
    ];
    for (words, marker) in phrases {
        if let Some(next) = at.words(words) {
            return Some((marker, next));
        }
    }
    let is_fold = word == "fold" && at.index() > cursor.index();
    let marker = if is_fold {
        Some(Marker::Multiple)
    } else {
        vocab::unit_marker(word)
    };
    let next = at.advance(1);
    let sterling = next
        .words(&["sterling"])
        .filter(|_| word.starts_with("pound"));
    marker.map(|marker| (marker, sterling.unwrap_or(next)))
}
