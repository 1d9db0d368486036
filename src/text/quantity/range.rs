//! The shape of a quantity: one measure, or a range of two that share a
//! unit and scale ("between 40 and 50 percent", "40-50%", "$10-20
//! billion", "two to three months") — and what is *not* a range: changes
//! ("from 5% to 10%"), codes and dates ("555-0100-2233", "2020-05-18").

use super::cursor::Cursor;
use super::measure::measure_at;
use super::types::{Marker, Measure};

/// One measure, or the two ends of a range.
pub(super) struct Shape {
    /// The single measure, or the low end of a range.
    pub low: Measure,
    /// The high end of a range.
    pub high: Option<Measure>,
    /// Introduced by "between" or after "from", which also mark years.
    pub introduced: bool,
    /// Index of the first lexeme of the number itself (after bound and "between").
    pub core: usize,
}

impl Shape {
    /// Lexeme index just past the last measure.
    pub(super) fn next(&self) -> usize {
        self.high.as_ref().unwrap_or(&self.low).next
    }

    /// The low end, then the high end if any.
    pub(super) fn measures(&self) -> impl Iterator<Item = &Measure> {
        std::iter::once(&self.low).chain(self.high.as_ref())
    }
}

/// A range introduced here by "between", a bare range ("40-50%", "35 to 55
/// percent"), or one measure. After "from", "X to Y" is a change ("rose
/// from 5% to 10%"), not a range, unless both ends are years.
pub(super) fn shape_at(cursor: Cursor<'_>) -> Option<Shape> {
    if cursor.peek()?.word() == Some("between") {
        let core = cursor.advance(1);
        let low = measure_at(core)?;
        let (low, high) = range_after(cursor, low, true)?;
        return Some(Shape {
            low,
            high: Some(high),
            introduced: true,
            core: core.index(),
        });
    }
    let low = measure_at(cursor)?;
    let chained = cursor
        .back()
        .and_then(Cursor::back)
        .is_some_and(hyphen_joined);
    let after_from = cursor.previous().and_then(|lexeme| lexeme.word()) == Some("from");
    let range = if chained {
        None
    } else {
        range_after(cursor, low.clone(), false)
            .filter(|(low, high)| !after_from || (is_bare_year(low) && is_bare_year(high)))
    };
    let (low, high) = match range {
        Some((low, high)) => (low, Some(high)),
        None => (low, None),
    };
    Some(Shape {
        low,
        high,
        introduced: after_from,
        core: cursor.index(),
    })
}

/// Four bare digits that could be a year, or a year marked with 年.
fn is_bare_year(measure: &Measure) -> bool {
    let unmarked = matches!(measure.marker, None | Some(Marker::CalendarYear));
    measure.year_shaped && unmarked && measure.scale.is_none()
}

/// The separator of a range here ("-", "to", 至; "and" after "between"),
/// with the cursor after it.
fn separator_at(cursor: Cursor<'_>, allow_and: bool) -> Option<Cursor<'_>> {
    let lexeme = cursor.peek()?;
    let is_separator = match (lexeme.symbol(), lexeme.word(), lexeme.han()) {
        (Some(symbol), _, _) => "-‐–—~～〜".contains(symbol),
        (_, Some(word), _) => word == "to" || (allow_and && word == "and"),
        (_, _, Some(han)) => han == '至' || han == '到',
        _ => false,
    };
    is_separator.then_some(cursor.advance(1))
}

/// True when the lexemes `number - number` sit glued from here.
fn hyphen_joined(cursor: Cursor<'_>) -> bool {
    let hyphen = cursor.advance(1).symbol() == Some('-');
    let numbers = [0, 2].iter().all(|&offset| {
        cursor
            .lexeme_at(offset)
            .is_some_and(|lexeme| lexeme.is_number())
    });
    hyphen && numbers && cursor.glued_to_next() && cursor.advance(1).glued_to_next()
}

/// Completes a range after `low` (read in the text of `cursor`), sharing
/// unit and scale between the ends ("$10-20 billion", "two to three
/// months"). None unless the ends agree.
fn range_after(
    cursor: Cursor<'_>,
    mut low: Measure,
    allow_and: bool,
) -> Option<(Measure, Measure)> {
    let after_separator = separator_at(cursor.seek(low.next), allow_and)?;
    let mut high = measure_at(after_separator)?;
    if cursor.seek(high.next).back().is_some_and(hyphen_joined) {
        return None; // "555-0100-2233", "2020-05-18": codes and dates, not ranges
    }
    match (&low.marker, &high.marker) {
        (None, Some(marker)) => low.marker = Some(marker.clone()),
        (Some(marker), None) => high.marker = Some(marker.clone()),
        (Some(Marker::Duration(_)), Some(Marker::Duration(_))) => {}
        (Some(left), Some(right)) if left != right => return None,
        _ => {}
    }
    if low.marker == Some(Marker::CalendarYear) && !(low.year_shaped && high.year_shaped) {
        return None;
    }
    if let (None, Some(scale)) = (low.scale, high.scale) {
        if low.number * scale <= high.value() {
            low.scale = Some(scale);
        }
    }
    (low.value() <= high.value()).then_some((low, high))
}
