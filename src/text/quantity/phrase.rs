//! Assembles whole quantity phrases: a bound before ("more than", 超过), a
//! shape (one measure or a range, see `range`), a bound after ("or more",
//! 左右), then decides year versus count from context and reads what the
//! quantity counts.

use super::chinese;
use super::counts::counts_after;
use super::cursor::Cursor;
use super::range::{shape_at, Shape};
use super::types::{Bound, Marker, Measure, Quantity, Unit};
use super::vocab;
use crate::text::ByteSpan;

/// A bound phrase and the index after it.
#[derive(Clone, Copy)]
struct BoundPhrase {
    /// The bound the phrase states.
    bound: Bound,
    /// "before"/"after"/"or later": only meaningful for calendar years.
    year_only: bool,
    /// Lexeme index just past the phrase.
    next: usize,
}

impl BoundPhrase {
    /// A bound phrase that applies to any unit.
    fn any_unit(bound: Bound, next: Cursor<'_>) -> Self {
        BoundPhrase {
            bound,
            year_only: false,
            next: next.index(),
        }
    }
}

/// The quantity whose phrase starts here, with the cursor after it.
pub(super) fn quantity_at(start: Cursor<'_>) -> Option<(Quantity, Cursor<'_>)> {
    let at = |index: usize| start.seek(index);
    let prefix = prefix_at(start);
    let shape = shape_at(prefix.map_or(start, |phrase| at(phrase.next)))?;
    let mut suffix = suffix_at(at(shape.next()));
    let mut next = suffix.map_or(shape.next(), |phrase| phrase.next);
    let is_year = is_year(start, &shape, prefix, next);
    if suffix.is_some_and(|phrase| phrase.year_only && !is_year) {
        suffix = None;
        next = shape.next();
    }
    if prefix.is_some_and(|phrase| phrase.year_only && !is_year) {
        return None; // "before 5 pm": let the number be read without the bound
    }
    if !shape.measures().all(Measure::stands_alone) {
        return None;
    }
    let infix = shape.measures().find_map(|measure| measure.bound);
    let bound = [prefix, suffix]
        .iter()
        .flatten()
        .map(|phrase| phrase.bound)
        .next();
    let (value, high) = values(&shape, is_year);
    let finite = value.is_finite() && high.is_none_or(f64::is_finite);
    let quantity = Quantity {
        // Not `ByteSpan::new`: `extract` drops an empty phrase, whose span
        // would run backwards.
        // A literal, not `ByteSpan::new`, so this path asserts nothing new:
        // it is built before `extract` checks that the phrase moved on.
        span: ByteSpan {
            start: start.peek()?.span.start,
            end: at(next).previous()?.span.end,
        },
        value,
        high,
        unit: unit_of(&shape.low, is_year),
        bound: bound.or(infix).unwrap_or(Bound::Exact),
        counts: counts_after(at(next)),
    };
    finite.then_some((quantity, at(next)))
}

/// The normalised low and high values.
fn values(shape: &Shape, is_year: bool) -> (f64, Option<f64>) {
    let value_of = |measure: &Measure| {
        if is_year {
            measure.number
        } else {
            measure.value()
        }
    };
    (value_of(&shape.low), shape.high.as_ref().map(value_of))
}

/// The unit a measure's marker names.
fn unit_of(measure: &Measure, is_year: bool) -> Unit {
    if is_year {
        return Unit::Year;
    }
    match &measure.marker {
        Some(Marker::Percent) => Unit::Percent,
        Some(Marker::Money(code)) => Unit::Money((*code).to_string()),
        Some(Marker::Multiple) => Unit::Multiple,
        Some(Marker::Duration(_)) => Unit::Duration,
        Some(Marker::CalendarYear) => Unit::Year,
        None => Unit::Count,
    }
}

/// The longest bound phrase here: a sign ("~", ">"), 超过, "more than".
fn prefix_at(cursor: Cursor<'_>) -> Option<BoundPhrase> {
    let lexeme = cursor.peek()?;
    if let Some(bound) = lexeme.symbol().and_then(vocab::prefix_symbol_bound) {
        return Some(BoundPhrase::any_unit(bound, cursor.advance(1)));
    }
    if lexeme.han().is_some() {
        let (bound, next) = chinese::prefix_bound(cursor)?;
        return Some(BoundPhrase::any_unit(bound, next));
    }
    vocab::PREFIX_BOUNDS
        .iter()
        .filter_map(|&(words, bound, year_only)| {
            let next = cursor.words(words)?;
            Some(BoundPhrase {
                bound,
                year_only,
                next: next.index(),
            })
        })
        .max_by_key(|phrase| phrase.next)
}

/// A bound phrase after the quantity, here: "or more", "+", 左右.
fn suffix_at(cursor: Cursor<'_>) -> Option<BoundPhrase> {
    let lexeme = cursor.peek()?;
    if lexeme.symbol() == Some('+') && cursor.glued_to_previous() {
        return Some(BoundPhrase::any_unit(Bound::AtLeast, cursor.advance(1)));
    }
    if lexeme.han().is_some() {
        let (bound, next) = chinese::suffix_bound(cursor)?;
        return Some(BoundPhrase::any_unit(bound, next));
    }
    vocab::SUFFIX_BOUNDS
        .iter()
        .find_map(|&(words, bound, year_only)| {
            let next = cursor.words(words)?;
            Some(BoundPhrase {
                bound,
                year_only,
                next: next.index(),
            })
        })
}

/// Whether the shape is a calendar year: four bare digits with no unit, in a
/// year context ("in 1913", "between 2019 and 2021", "May 2019", 2019年), or
/// standing alone; never after "more than"-style bounds. `next` is the
/// lexeme index after the phrase.
fn is_year(start: Cursor<'_>, shape: &Shape, prefix: Option<BoundPhrase>, next: usize) -> bool {
    let shaped = shape
        .measures()
        .all(|measure| measure.year_shaped && measure.scale.is_none() && measure.bound.is_none());
    if !shaped {
        return false;
    }
    if shape
        .measures()
        .any(|measure| measure.marker == Some(Marker::CalendarYear))
    {
        return true;
    }
    if shape.measures().any(|measure| measure.marker.is_some()) {
        return false;
    }
    match prefix {
        Some(phrase) if phrase.year_only => return true,
        Some(phrase) if phrase.bound != Bound::Approximate => return false,
        _ => {}
    }
    let context_before = start
        .seek(shape.core)
        .previous()
        .and_then(|lexeme| lexeme.word())
        .is_some_and(vocab::year_context_word);
    shape.introduced || context_before || stands_alone_at(start.seek(next))
}

/// True when nothing the number could count follows it.
fn stands_alone_at(next: Cursor<'_>) -> bool {
    match next.peek() {
        None => true,
        Some(lexeme) => lexeme.word().is_none_or(vocab::is_function_word),
    }
}
