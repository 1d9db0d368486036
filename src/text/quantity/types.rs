//! The vocabulary every stage of the quantity extractor shares: the public
//! value types ([`Quantity`], [`Unit`], [`Bound`], [`Agreement`]) and the
//! internal [`Measure`] a language reader hands to the dispatcher.
//!
//! A leaf: it names nothing else in `quantity` (only `text::ByteSpan`), so
//! the lexer, the language readers, the dispatcher and the phrase parser can
//! all depend on it without depending on each other.

use crate::text::ByteSpan;

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
    /// Where the phrase is, including bound and currency words ("more
    /// than", "$"), so highlights show the whole claim. On char boundaries.
    pub span: ByteSpan,
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

/// True for the calendar years the extractor recognises (1000..=2199).
pub(super) fn is_year_value(value: f64) -> bool {
    (1000.0..=2199.0).contains(&value)
}

/// What the words or signs around a number say it measures.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Marker {
    /// "%", "percent", fractions.
    Percent,
    /// Currency code from a sign or word.
    Money(&'static str),
    /// "x", "times", "-fold", 倍, "twice".
    Multiple,
    /// Days per stated unit (month = 30.44).
    Duration(f64),
    /// 年 after a year-shaped number: a calendar year, not a span of years.
    CalendarYear,
}

/// A number and its attachments, before context decides year or count.
#[derive(Clone, Debug)]
pub(super) struct Measure {
    /// The number as written, before scale and unit conversion.
    pub number: f64,
    /// "billion", "bn", 亿...; None when no scale was written (ranges borrow it).
    pub scale: Option<f64>,
    /// What it measures, when written; None for a bare number.
    pub marker: Option<Marker>,
    /// Could be a calendar year (four bare digits, or 二零一九).
    pub year_shaped: bool,
    /// A word that is only a number with a unit after it ("one", a lone 一).
    pub needs_unit: bool,
    /// A bound written inside the phrase (10多亿 "more than a billion").
    pub bound: Option<Bound>,
    /// Lexeme index just past the phrase.
    pub next: usize,
}

impl Measure {
    /// A bare number ending before lexeme `next`.
    pub(super) fn number(number: f64, next: usize) -> Self {
        Measure {
            number,
            scale: None,
            marker: None,
            year_shaped: false,
            needs_unit: false,
            bound: None,
            next,
        }
    }

    /// A phrase that takes no scale or unit after it ("half", "twice").
    pub(super) fn complete(number: f64, marker: Marker, next: usize) -> Self {
        Measure {
            marker: Some(marker),
            ..Measure::number(number, next)
        }
    }

    /// The normalised value: scaled, and durations in days.
    pub(super) fn value(&self) -> f64 {
        let days = match self.marker {
            Some(Marker::Duration(days)) => days,
            _ => 1.0,
        };
        self.number * self.scale.unwrap_or(1.0) * days
    }

    /// True when the phrase needs no unit or already has one.
    pub(super) fn stands_alone(&self) -> bool {
        !self.needs_unit || self.marker.is_some() || self.scale.is_some()
    }
}

/// What a language reader (English words, Chinese numerals) found at a
/// position: the dispatcher finishes an open number and keeps a closed one.
#[derive(Clone, Debug)]
pub(super) enum Reading {
    /// A number that a scale, unit or bound may still follow ("five", 三千).
    Open(Measure),
    /// A phrase that takes nothing after it ("half", "twice", 百分之八十).
    Closed(Measure),
}
