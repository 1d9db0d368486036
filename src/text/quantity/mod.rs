//! Quantities in English and Chinese text, and whether two of them agree.
//!
//! Fact-checkers care most about numbers: "Alibaba Cloud hosts 80% of China's
//! generative AI firms" is not supported by a statement saying "half". This
//! module finds percentages, money, multipliers, durations, calendar years
//! and counts ([`extract`]), normalises them (half = 50%, $11bn = 11e9 USD,
//! 三个月 = 91.32 days), writes them back in a short form ([`format()`]), and
//! decides whether two can both be true ([`compare`]).
//!
//! # Tolerance
//!
//! Each quantity admits an interval of values ([`admitted_interval`]); two
//! quantities of the same unit agree when their intervals intersect, and
//! conflict otherwise. Quantities of different units (or currencies) are not
//! comparable.
//!
//! | bound (stated `x`, range `lo..hi`) | Percent | Year | Money, Multiple, Duration, Count |
//! |---|---|---|---|
//! | Exact | `[x − 1, x + 1]` (points) | `[x, x]` | `[0.98·x, 1.02·x]` |
//! | Approximate | `[x − 5, x + 5]` (points) | `[x − 1, x + 1]` | `[0.9·x, 1.1·x]` |
//! | MoreThan | `(x, 100]` | `(x, +∞)` | `(x, +∞)` |
//! | AtLeast | `[x, 100]` | `[x, +∞)` | `[x, +∞)` |
//! | LessThan | `[0, x)` | `(−∞, x)` | `(−∞, x)` |
//! | AtMost | `[0, x]` | `(−∞, x]` | `(−∞, x]` |
//!
//! A range is widened at each end like a single value with its bound: an
//! exact `40–50%` admits `[39, 51]`, "about 40–50%" `[35, 55]`; "more
//! than"/"at least" a range start at its low end, "less than"/"up to" end at
//! its high end. Percent intervals are clipped to `[0, 100]`, except that the
//! top is left unclipped when a stated value is 100 or more ("150% growth").
//! The open ends matter: "more than half" admits 51% but not exactly 50%
//! (though an exact "50%", which admits 49–51, still meets it).
//!
//! # Layout
//!
//! Split by stage, with each language a leaf reader, so that the
//! dependencies run one way (each module names only those after its arrow;
//! nothing names `mod.rs` but its tests):
//!
//! - `types`: [`Quantity`], [`Unit`], [`Bound`], [`Agreement`] and the
//!   internal `Measure` / `Reading` → nothing (a leaf; `text::ByteSpan`
//!   only)
//! - `lexer`: splits text into `Lexeme`s → `types` (and `text::is_cjk`,
//!   `text::ByteSpan`)
//! - `cursor`: a position in the lexemes, in place of `(tokens, at)`
//!   pairs → `lexer`
//! - `vocab`: English word lists → `types`
//! - `digits`, `english`: readers for Arabic digits and English words →
//!   `cursor`, `lexer` (digits only), `types`, `vocab`
//! - `chinese`: reader for Han numerals, units and bound words → `cursor`,
//!   `lexer`, `types`
//! - `measure`: the dispatcher — picks a reader, finishes the measure
//!   (currency, scale, unit, infix bound) → `chinese`, `cursor`, `digits`,
//!   `english`, `lexer`, `types`, `vocab`
//! - `range`: one measure or a range → `cursor`, `measure`, `types`
//! - `counts`: what a quantity counts → `chinese`, `cursor`, `vocab`
//! - `phrase`: bounds, year or count, the finished [`Quantity`] →
//!   `chinese`, `counts`, `cursor`, `range`, `types`, `vocab` (and
//!   `text::ByteSpan`)
//! - `agreement`, `render`: intervals and short forms → `types`
//! - `mod.rs`: the public functions → `agreement`, `cursor`, `lexer`,
//!   `phrase`, `render`, `types`

mod agreement;
mod chinese;
mod counts;
mod cursor;
mod digits;
mod english;
mod lexer;
mod measure;
mod phrase;
mod range;
mod render;
mod types;
mod vocab;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use types::{Agreement, Bound, Quantity, Unit};
pub use vocab::MONTHS;

use cursor::Cursor;

/// Every quantity in `text`, in order of position, non-overlapping.
pub fn extract(text: &str) -> Vec<Quantity> {
    let lexemes = lexer::lex(text);
    let mut found = Vec::new();
    let mut cursor = Cursor::new(&lexemes);
    while !cursor.is_end() {
        match phrase::quantity_at(cursor) {
            Some((quantity, next)) if next.index() > cursor.index() => {
                found.push(quantity);
                cursor = next;
            }
            _ => cursor = cursor.advance(1),
        }
    }
    found
}

/// A short human form of the quantity ("80%", "$11 billion", "2×", "3
/// months", "between 40% and 50%", "more than 50%") that [`extract`] reads
/// back to the same value, high, unit and bound.
pub fn format(quantity: &Quantity) -> String {
    render::render(quantity)
}

/// Whether two quantities can both be true; symmetric in its arguments.
pub fn compare(a: &Quantity, b: &Quantity) -> Agreement {
    agreement::compare(a, b)
}

/// The interval of values a quantity admits, after the tolerance in the
/// module table. Ends from "more than"/"less than" are open (excluded) though
/// returned as plain numbers; unbounded sides are infinite.
pub fn admitted_interval(quantity: &Quantity) -> (f64, f64) {
    let interval = agreement::interval(quantity);
    (interval.low, interval.high)
}
