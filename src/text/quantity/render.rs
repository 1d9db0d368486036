//! Short human forms of quantities ("80%", "$11 billion", "3 months",
//! "between 40% and 50%") that the extractor reads back to the same values.

use super::types::{Bound, Quantity, Unit};

/// Relative error under which a rounded number counts as the same value.
const SAME_VALUE: f64 = 1e-11;

/// Scale words used for money and counts, largest first.
const SCALES: [(f64, &str); 3] = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")];

/// Duration units, largest first, in days.
const DURATION_UNITS: [(f64, &str); 5] = [
    (365.25, "year"),
    (30.44, "month"),
    (7.0, "week"),
    (1.0, "day"),
    (1.0 / 24.0, "hour"),
];

/// The whole phrase for a quantity.
pub(super) fn render(quantity: &Quantity) -> String {
    let unit = &quantity.unit;
    let Some(high) = quantity.high else {
        return bounded(quantity.bound, unit, value_text(quantity.value, unit));
    };
    let low_text = value_text(quantity.value, unit);
    let mut high_text = value_text(high, unit);
    if scaled(&high_text) && !scaled(&low_text) {
        // "5 to 10 million" would read as 5 million: spell the high end out.
        high_text = plain_amount(high, unit);
    }
    if quantity.bound == Bound::Exact {
        return format!("between {low_text} and {high_text}");
    }
    bounded(quantity.bound, unit, format!("{low_text} to {high_text}"))
}

/// True when the text uses a scale word, which a range's low end would borrow.
fn scaled(text: &str) -> bool {
    SCALES.iter().any(|(_, word)| text.contains(word))
}

/// Adds the bound's words around `body`.
fn bounded(bound: Bound, unit: &Unit, body: String) -> String {
    let year = *unit == Unit::Year;
    match bound {
        Bound::Exact => body,
        Bound::Approximate => format!("about {body}"),
        Bound::MoreThan if year => format!("after {body}"),
        Bound::MoreThan => format!("more than {body}"),
        Bound::AtLeast if year => format!("{body} or later"),
        Bound::AtLeast => format!("at least {body}"),
        Bound::LessThan if year => format!("before {body}"),
        Bound::LessThan => format!("less than {body}"),
        Bound::AtMost if year => format!("{body} or earlier"),
        Bound::AtMost => format!("up to {body}"),
    }
}

/// One value with its unit.
fn value_text(value: f64, unit: &Unit) -> String {
    match unit {
        Unit::Percent => percent_text(value),
        Unit::Money(code) => money_text(&scaled_number(value), code),
        Unit::Multiple => format!("{}×", number_text(value, true)),
        Unit::Duration => duration_text(value),
        Unit::Year => number_text(value, false),
        Unit::Count => scaled_number(value),
    }
}

/// One value with its unit, never using a scale word.
fn plain_amount(value: f64, unit: &Unit) -> String {
    match unit {
        Unit::Money(code) => money_text(&number_text(value, true), code),
        Unit::Count => number_text(value, true),
        _ => value_text(value, unit),
    }
}

/// A percentage; exact thirds as words, since no decimal reads back exactly.
fn percent_text(value: f64) -> String {
    if same_value(value, 100.0 / 3.0) {
        return "a third".to_string();
    }
    if same_value(value, 200.0 / 3.0) {
        return "two thirds".to_string();
    }
    format!("{}%", number_text(value, true))
}

/// An amount with its currency sign or word.
fn money_text(amount: &str, code: &str) -> String {
    let sign = match code.to_ascii_uppercase().as_str() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "CNY" => "¥",
        "HKD" => "HK$",
        "AUD" => "A$",
        "CAD" => "C$",
        "NZD" => "NZ$",
        "SGD" => "S$",
        "JPY" => return format!("{amount} yen"),
        _ => return format!("{amount} {code}"),
    };
    format!("{sign}{amount}")
}

/// A duration in the largest unit that gives a short exact number.
fn duration_text(days: f64) -> String {
    let whole_unit = DURATION_UNITS
        .iter()
        .find(|(size, _)| days / size >= 1.0 && short_decimal(days / size).is_some());
    let fallback = || {
        DURATION_UNITS[3..]
            .iter()
            .find(|(size, _)| short_decimal(days / size).is_some())
    };
    let (size, name) = whole_unit.or_else(fallback).unwrap_or(&DURATION_UNITS[3]);
    let count = days / size;
    let plural = if same_value(count, 1.0) { "" } else { "s" };
    format!("{} {name}{plural}", number_text(count, true))
}

/// A count or amount with a scale word when that stays short ("24 billion").
fn scaled_number(value: f64) -> String {
    for (scale, word) in SCALES {
        let mantissa = value / scale;
        if mantissa >= 1.0 && short_decimal(mantissa).is_some() {
            return format!("{} {word}", number_text(mantissa, true));
        }
    }
    number_text(value, true)
}

/// The value with at most three decimals, when that is the same value.
fn short_decimal(value: f64) -> Option<String> {
    (0..=3)
        .map(|decimals| format!("{value:.decimals$}"))
        .find(|text| {
            text.parse::<f64>()
                .is_ok_and(|parsed| same_value(parsed, value))
        })
}

/// True when `a` and `b` are equal up to float noise.
fn same_value(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= SAME_VALUE * a.abs().max(b.abs())
}

/// Decimal text without float noise: three decimals at most when exact,
/// else twelve significant digits; thousands commas when `grouped`.
fn number_text(value: f64, grouped: bool) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = short_decimal(value).unwrap_or_else(|| {
        let magnitude = value.abs().log10().floor();
        let decimals = (11.0 - magnitude).clamp(0.0, 30.0) as usize;
        let long = format!("{value:.decimals$}");
        if long.contains('.') {
            long.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            long
        }
    });
    if grouped {
        group_thousands(&text)
    } else {
        text
    }
}

/// Inserts thousands commas into the integer part of a decimal text.
fn group_thousands(text: &str) -> String {
    let (sign, unsigned) = text
        .strip_prefix('-')
        .map_or(("", text), |rest| ("-", rest));
    let (integer, fraction) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (position, digit) in integer.chars().enumerate() {
        if position > 0 && (integer.len() - position) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}
