//! English word lists for the quantity extractor: number words, scales, units,
//! currencies, bound phrases and the function words that end a phrase.
//!
//! Plain lookups with no parsing, kept apart so that the readers, the
//! dispatcher and the phrase parser share one list of each.

use super::types::{Bound, Marker};

/// one..nineteen.
pub(super) fn small_number(word: &str) -> Option<f64> {
    const SMALL: [&str; 19] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    let position = SMALL.iter().position(|candidate| *candidate == word)?;
    Some(position as f64 + 1.0)
}

/// twenty, thirty... ninety.
pub(super) fn tens_number(word: &str) -> Option<f64> {
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let position = TENS.iter().position(|candidate| *candidate == word)?;
    Some((position as f64 + 2.0) * 10.0)
}

/// Spelled-out numbers, which start another quantity rather than name a counted thing.
pub(super) fn is_number_word(word: &str) -> bool {
    small_number(word).is_some() || tens_number(word).is_some()
}

/// Scale words that may follow a number after a space ("24 billion", "$11 bn").
pub(super) fn scale_word(word: &str) -> Option<f64> {
    Some(match word {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "million" | "millions" | "mn" | "mln" => 1e6,
        "billion" | "billions" | "bn" | "bln" => 1e9,
        "trillion" | "trillions" | "tn" | "trn" => 1e12,
        _ => return None,
    })
}

/// Scale abbreviations that only count when glued to the digits ("€3m", "5k").
pub(super) fn glued_scale(word: &str) -> Option<f64> {
    match word {
        "k" => Some(1e3),
        "m" => Some(1e6),
        "b" => Some(1e9),
        _ => scale_word(word),
    }
}

/// Days per unit of a duration word.
pub(super) fn duration_word(word: &str) -> Option<f64> {
    Some(match word {
        "hour" | "hours" => 1.0 / 24.0,
        "day" | "days" => 1.0,
        "week" | "weeks" => 7.0,
        "month" | "months" => 30.44,
        "year" | "years" => 365.25,
        "decade" | "decades" => 3652.5,
        "century" | "centuries" => 36525.0,
        _ => return None,
    })
}

/// The marker of a single unit word written after a number ("percent",
/// "months", "dollars").
pub(super) fn unit_marker(word: &str) -> Option<Marker> {
    if matches!(word, "percent" | "pct" | "percentage") {
        return Some(Marker::Percent);
    }
    if let Some(days) = duration_word(word) {
        return Some(Marker::Duration(days));
    }
    currency_word(word).map(Marker::Money)
}

/// ISO-ish currency codes written as words ("RMB 10 billion", "5 million USD").
pub(super) fn currency_code(word: &str) -> Option<&'static str> {
    const CODES: [&str; 13] = [
        "USD", "EUR", "GBP", "CNY", "JPY", "HKD", "AUD", "CAD", "CHF", "INR", "KRW", "SGD", "NZD",
    ];
    if word == "rmb" {
        return Some("CNY");
    }
    CODES
        .into_iter()
        .find(|code| code.eq_ignore_ascii_case(word))
}

/// Currency named after the amount ("11 billion dollars", "100 yen").
pub(super) fn currency_word(word: &str) -> Option<&'static str> {
    match word {
        "dollar" | "dollars" => Some("USD"),
        "euro" | "euros" => Some("EUR"),
        "pound" | "pounds" => Some("GBP"),
        "yuan" | "renminbi" => Some("CNY"),
        "yen" => Some("JPY"),
        _ => currency_code(word),
    }
}

/// Currency of a dollar sign, from the letters glued before it ("US$", "HK$").
pub(super) fn dollar_prefix(letters: &str) -> Option<&'static str> {
    Some(match letters {
        "us" => "USD",
        "hk" => "HKD",
        "a" | "au" => "AUD",
        "c" | "ca" => "CAD",
        "nz" => "NZD",
        "s" | "sg" => "SGD",
        _ => return None,
    })
}

/// Currency of a symbol written before the amount.
pub(super) fn currency_symbol(symbol: char) -> Option<&'static str> {
    Some(match symbol {
        '$' => "USD",
        '€' => "EUR",
        '£' => "GBP",
        '¥' | '\u{FFE5}' => "CNY",
        _ => return None,
    })
}

/// Fraction denominators ("a third", "three quarters").
pub(super) fn denominator(word: &str) -> Option<f64> {
    Some(match word {
        "half" | "halves" => 2.0,
        "third" | "thirds" => 3.0,
        "quarter" | "quarters" | "fourth" | "fourths" => 4.0,
        "fifth" | "fifths" => 5.0,
        "sixth" | "sixths" => 6.0,
        "seventh" | "sevenths" => 7.0,
        "eighth" | "eighths" => 8.0,
        "ninth" | "ninths" => 9.0,
        "tenth" | "tenths" => 10.0,
        _ => return None,
    })
}

/// Multiplier words ("twice", "doubled", "fivefold").
pub(super) fn multiple_word(word: &str) -> Option<f64> {
    let factor = match word {
        "twice" | "double" | "doubled" | "doubles" | "doubling" => 2.0,
        "triple" | "tripled" | "triples" | "tripling" | "treble" | "trebled" => 3.0,
        "quadruple" | "quadrupled" | "quadruples" | "quadrupling" => 4.0,
        _ => {
            let stem = word.strip_suffix("fold")?;
            return small_number(stem)
                .or_else(|| tens_number(stem))
                .or(match stem {
                    "hundred" => Some(100.0),
                    "thousand" => Some(1000.0),
                    _ => None,
                });
        }
    };
    Some(factor)
}

/// English month names, in full.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// English month names and their common abbreviations.
pub(super) fn month_name(word: &str) -> bool {
    MONTHS.contains(&word)
        || matches!(
            word,
            "jan"
                | "feb"
                | "mar"
                | "apr"
                | "jun"
                | "jul"
                | "aug"
                | "sep"
                | "sept"
                | "oct"
                | "nov"
                | "dec"
        )
}

/// Words that make the number after them a calendar year ("in 1913", "May
/// 2019", "a 1960 session": "a" cannot count 1960 sessions; "the 2019
/// report" stays ambiguous and is read as a count).
pub(super) fn year_context_word(word: &str) -> bool {
    const WORDS: [&str; 20] = [
        "a", "an", "in", "since", "by", "from", "until", "till", "before", "after", "of",
        "between", "during", "through", "circa", "year", "jan", "feb", "sept", "dec",
    ];
    WORDS.contains(&word) || MONTHS.contains(&word)
}

/// Words skipped when reading what a quantity counts ("half of the firms").
pub(super) fn is_skipped_word(word: &str) -> bool {
    matches!(
        word,
        "of" | "the" | "a" | "an" | "its" | "their" | "all" | "his" | "her" | "our" | "your" | "my"
    )
}

/// Function words that end a counted phrase and let a number stand alone.
pub(super) fn is_function_word(word: &str) -> bool {
    const WORDS: [&str; 58] = [
        "and", "or", "but", "nor", "in", "on", "at", "to", "from", "by", "for", "with", "than",
        "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will",
        "would", "could", "should", "can", "may", "might", "that", "which", "who", "whom", "whose",
        "while", "since", "during", "per", "into", "over", "under", "after", "before", "between",
        "if", "when", "where", "because", "so", "not", "it", "they", "we", "he", "she", "this",
    ];
    WORDS.contains(&word) || matches!(word, "these" | "those" | "you" | "i" | "until" | "then")
}

/// Bound phrases written before a quantity; the flag marks the year-only
/// "before"/"after".
pub(super) const PREFIX_BOUNDS: &[(&[&str], Bound, bool)] = &[
    (&["more", "than"], Bound::MoreThan, false),
    (&["greater", "than"], Bound::MoreThan, false),
    (&["over"], Bound::MoreThan, false),
    (&["just", "over"], Bound::MoreThan, false),
    (&["well", "over"], Bound::MoreThan, false),
    (&["above"], Bound::MoreThan, false),
    (&["exceeding"], Bound::MoreThan, false),
    (&["in", "excess", "of"], Bound::MoreThan, false),
    (&["upwards", "of"], Bound::MoreThan, false),
    (&["at", "least"], Bound::AtLeast, false),
    (&["no", "less", "than"], Bound::AtLeast, false),
    (&["no", "fewer", "than"], Bound::AtLeast, false),
    (&["not", "less", "than"], Bound::AtLeast, false),
    (&["a", "minimum", "of"], Bound::AtLeast, false),
    (&["less", "than"], Bound::LessThan, false),
    (&["fewer", "than"], Bound::LessThan, false),
    (&["under"], Bound::LessThan, false),
    (&["just", "under"], Bound::LessThan, false),
    (&["below"], Bound::LessThan, false),
    (&["up", "to"], Bound::AtMost, false),
    (&["at", "most"], Bound::AtMost, false),
    (&["no", "more", "than"], Bound::AtMost, false),
    (&["not", "more", "than"], Bound::AtMost, false),
    (&["a", "maximum", "of"], Bound::AtMost, false),
    (&["about"], Bound::Approximate, false),
    (&["around"], Bound::Approximate, false),
    (&["roughly"], Bound::Approximate, false),
    (&["approximately"], Bound::Approximate, false),
    (&["approx"], Bound::Approximate, false),
    (&["nearly"], Bound::Approximate, false),
    (&["almost"], Bound::Approximate, false),
    (&["some"], Bound::Approximate, false),
    (&["close", "to"], Bound::Approximate, false),
    (&["circa"], Bound::Approximate, false),
    (&["an", "estimated"], Bound::Approximate, false),
    (&["before"], Bound::LessThan, true),
    (&["after"], Bound::MoreThan, true),
];

/// Bound phrases written after a quantity; the flag marks the year-only ones.
pub(super) const SUFFIX_BOUNDS: &[(&[&str], Bound, bool)] = &[
    (&["or", "more"], Bound::AtLeast, false),
    (&["or", "above"], Bound::AtLeast, false),
    (&["or", "so"], Bound::Approximate, false),
    (&["or", "less"], Bound::AtMost, false),
    (&["or", "fewer"], Bound::AtMost, false),
    (&["or", "later"], Bound::AtLeast, true),
    (&["or", "earlier"], Bound::AtMost, true),
];

/// Bound signs written before a quantity ("~50%", ">3").
pub(super) fn prefix_symbol_bound(symbol: char) -> Option<Bound> {
    Some(match symbol {
        '~' | '≈' | '∼' | '～' => Bound::Approximate,
        '>' => Bound::MoreThan,
        '≥' => Bound::AtLeast,
        '<' => Bound::LessThan,
        '≤' => Bound::AtMost,
        _ => return None,
    })
}
