//! Turns quantities into admitted intervals (the tolerance table in the module
//! doc) and decides agreement by intersecting them.

use super::types::{Agreement, Bound, Quantity, Unit};

/// An interval of admitted values; open ends exclude their endpoint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Interval {
    /// Lowest admitted value (may be -∞).
    pub low: f64,
    /// Highest admitted value (may be +∞).
    pub high: f64,
    /// "more than x": x itself is not admitted.
    pub low_open: bool,
    /// "less than x": x itself is not admitted.
    pub high_open: bool,
}

/// Agree when the intervals intersect; NotComparable across units or with NaN.
pub(super) fn compare(a: &Quantity, b: &Quantity) -> Agreement {
    if !same_unit(&a.unit, &b.unit) || has_nan(a) || has_nan(b) {
        return Agreement::NotComparable;
    }
    if intersects(interval(a), interval(b)) {
        Agreement::Agree
    } else {
        Agreement::Conflict
    }
}

/// Equal units; currency codes compare case-insensitively.
fn same_unit(a: &Unit, b: &Unit) -> bool {
    match (a, b) {
        (Unit::Money(left), Unit::Money(right)) => left.eq_ignore_ascii_case(right),
        _ => a == b,
    }
}

/// True when a value is NaN, which no interval can hold: not comparable.
fn has_nan(quantity: &Quantity) -> bool {
    quantity.value.is_nan() || quantity.high.is_some_and(f64::is_nan)
}

/// Half-width of the tolerance around `value`.
fn tolerance(unit: &Unit, value: f64, approximate: bool) -> f64 {
    match (unit, approximate) {
        (Unit::Percent, false) => 1.0,
        (Unit::Percent, true) => 5.0,
        (Unit::Year, false) => 0.0,
        (Unit::Year, true) => 1.0,
        (_, false) => 0.02 * value.abs(),
        (_, true) => 0.10 * value.abs(),
    }
}

/// The interval a quantity admits, per the module's tolerance table.
pub(super) fn interval(quantity: &Quantity) -> Interval {
    let stated_high = quantity.high.unwrap_or(quantity.value);
    let (low, high) = (
        quantity.value.min(stated_high),
        quantity.value.max(stated_high),
    );
    let closed = |low: f64, high: f64| Interval {
        low,
        high,
        low_open: false,
        high_open: false,
    };
    let widened = |approximate: bool| {
        let unit = &quantity.unit;
        closed(
            low - tolerance(unit, low, approximate),
            high + tolerance(unit, high, approximate),
        )
    };
    let interval = match quantity.bound {
        Bound::Exact => widened(false),
        Bound::Approximate => widened(true),
        Bound::MoreThan => Interval {
            low_open: true,
            ..closed(low, f64::INFINITY)
        },
        Bound::AtLeast => closed(low, f64::INFINITY),
        Bound::LessThan => Interval {
            high_open: true,
            ..closed(f64::NEG_INFINITY, high)
        },
        Bound::AtMost => closed(f64::NEG_INFINITY, high),
    };
    if quantity.unit == Unit::Percent {
        clip_percent(interval, high)
    } else {
        interval
    }
}

/// Clips a percent interval to [0, 100], leaving the top unclipped when the
/// stated value is already 100 or more (growth rates).
fn clip_percent(mut interval: Interval, stated_high: f64) -> Interval {
    if interval.low < 0.0 {
        interval.low = 0.0;
        interval.low_open = false;
    }
    if interval.high > 100.0 && stated_high < 100.0 {
        interval.high = 100.0;
        interval.high_open = false;
    }
    interval
}

/// True when some value lies in both intervals.
fn intersects(a: Interval, b: Interval) -> bool {
    let (low, low_open) = tighter(a.low, a.low_open, b.low, b.low_open, |x, y| x > y);
    let (high, high_open) = tighter(a.high, a.high_open, b.high, b.high_open, |x, y| x < y);
    low < high || (low == high && !low_open && !high_open)
}

/// The stricter of two interval ends; on a tie, open wins.
fn tighter(
    a: f64,
    a_open: bool,
    b: f64,
    b_open: bool,
    stricter: impl Fn(f64, f64) -> bool,
) -> (f64, bool) {
    if stricter(a, b) {
        (a, a_open)
    } else if stricter(b, a) {
        (b, b_open)
    } else {
        (a, a_open || b_open)
    }
}
