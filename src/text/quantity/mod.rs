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

mod agreement;
mod chinese;
mod lexer;
mod measure;
mod parse;
mod render;
mod vocab;
mod words;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// What a quantity measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// Proportions: "80%", "80 percent", "eighty per cent", "half", "a third",
    /// "百分之五十", "一半". Value in percent (half = 50.0).
    Percent,
    /// Money with an ISO-ish currency code ("USD", "EUR", "GBP", "CNY", "JPY",
    /// ...). Value in whole currency units ($11 billion = 11e9); "¥" is CNY.
    Money(String),
    /// Multipliers: "twice", "doubled", "fivefold", "5x", "two times", 两倍.
    /// Value is the factor (twice = 2.0).
    Multiple,
    /// Durations: "three months", "two-day", 三个月. Value in days (month =
    /// 30.44, year = 365.25, week = 7), so different units compare directly.
    Duration,
    /// Calendar years: "in 1913", "since 2019", 2019年. Value is the year.
    Year,
    /// Plain counts with an optional scale: "24 billion", "3,000", 十万.
    Count,
}

/// How exact the stated value is; widens the admitted interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// No qualifier: small tolerance only.
    Exact,
    /// about, around, roughly, approximately, nearly, almost, some, ~, 约,
    /// 大约, 近, 左右 (after).
    Approximate,
    /// more than, over, above, exceeding, after (years), 超过, 逾, 多 (after).
    MoreThan,
    /// at least, no less than, "or more", 至少, 以上.
    AtLeast,
    /// less than, under, below, fewer than, before (years), 不到, 少于.
    LessThan,
    /// up to, at most, no more than, "or less", 最多, 以下.
    AtMost,
}

/// One quantity found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Byte offset where the phrase starts, including bound and currency words
    /// ("more than", "$"), so highlights show the whole claim. A char boundary.
    pub start: usize,
    /// Byte offset one past the end of the phrase. A char boundary.
    pub end: usize,
    /// Normalised value (see [`Unit`]); the low end for ranges.
    pub value: f64,
    /// The high end of a range ("between 40 and 50 percent", "40-50%"), else None.
    pub high: Option<f64>,
    /// What the value measures; only quantities of equal units compare.
    pub unit: Unit,
    /// How exact the value is.
    pub bound: Bound,
    /// What the quantity counts, so callers can pair "80% of firms" with
    /// "half of firms": up to three lower-cased content words after it
    /// ("half of China's generative AI firms" → china, generative, ai), or
    /// for Chinese the next one to four Han characters as one string.
    pub counts: Vec<String>,
}

/// Whether two quantities can both be true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Their admitted intervals intersect.
    Agree,
    /// Same unit, but no value satisfies both.
    Conflict,
    /// Different units or currencies (or a NaN value): nothing to decide.
    NotComparable,
}

/// Every quantity in `text`, in order of position, non-overlapping.
pub fn extract(text: &str) -> Vec<Quantity> {
    let tokens = lexer::tokenize(text);
    let mut found = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        match parse::quantity_at(&tokens, index) {
            Some((quantity, next)) if next > index => {
                found.push(quantity);
                index = next;
            }
            _ => index += 1,
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
