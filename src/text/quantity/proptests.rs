//! Property tests: extraction never panics and keeps spans well-formed on any
//! text, formatted quantities read back unchanged, and comparison is symmetric.

use proptest::prelude::*;

use super::*;
use crate::text::{ByteOffset, ByteSpan};

/// Pieces that exercise the parser's corners when glued together.
const PIECES: &[&str] = &[
    "0",
    "1",
    "5",
    "12",
    "1913",
    "2019",
    "3,000",
    "1.5",
    "99999999999999999999",
    "%",
    "％",
    "$",
    "€",
    "£",
    "¥",
    "US$",
    "-",
    "–",
    "~",
    "+",
    ".",
    ",",
    "'s",
    "x",
    "×",
    "bn",
    "m",
    "k",
    "half",
    "a",
    "third",
    "two",
    "one",
    "twenty",
    "five",
    "hundred",
    "thousand",
    "billion",
    "million",
    "percent",
    "per",
    "cent",
    "more",
    "than",
    "at least",
    "up to",
    "about",
    "between",
    "and",
    "to",
    "from",
    "in",
    "since",
    "or more",
    "fold",
    "twice",
    "doubled",
    "days",
    "month",
    "years",
    "dollars",
    "yuan",
    "RMB",
    "the",
    "of",
    "COVID",
    "1st",
    "一",
    "二",
    "两",
    "十",
    "百",
    "千",
    "万",
    "亿",
    "零",
    "点",
    "半",
    "分之",
    "百分之",
    "个月",
    "年",
    "天",
    "倍",
    "美元",
    "元",
    "人民币",
    "约",
    "超过",
    "多",
    "左右",
    "第",
    "的",
    "企业",
    " ",
    " ",
    "\u{301}",
];

/// Text glued together from quantity-like pieces, with or without spaces.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(PIECES);
    let separator = prop::sample::select(&["", " ", "", "-"][..]);
    prop::collection::vec((piece, separator), 0..16).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(piece, separator)| [piece, separator])
            .collect()
    })
}

/// Spans in order, non-overlapping, on char boundaries; values finite.
fn assert_well_formed(text: &str) {
    let mut previous_end = ByteOffset(0);
    for quantity in extract(text) {
        let ByteSpan { start, end } = quantity.span;
        assert!(start < end, "empty span in {text:?}");
        assert!(start >= previous_end, "overlap in {text:?}");
        assert!(text.is_char_boundary(start.0) && text.is_char_boundary(end.0));
        assert!(end.0 <= text.len());
        assert!(quantity.value.is_finite() && quantity.high.is_none_or(f64::is_finite));
        assert!(quantity.counts.len() <= 3);
        previous_end = end;
        let _ = format(&quantity);
    }
}

/// A number with at most three decimals, as written.
fn written_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..1000).prop_map(f64::from),
        (0u32..10_000_000).prop_map(|thousandths| f64::from(thousandths) / 1000.0),
        (1u32..100_000).prop_map(|thousands| f64::from(thousands) * 1000.0),
    ]
}

/// Any unit, with the currencies the formatter has signs or words for.
fn any_unit() -> impl Strategy<Value = Unit> {
    let codes = [
        "USD", "EUR", "GBP", "CNY", "JPY", "HKD", "AUD", "CAD", "CHF",
    ];
    prop_oneof![
        Just(Unit::Percent),
        prop::sample::select(codes.to_vec()).prop_map(|code| Unit::Money(code.to_string())),
        Just(Unit::Multiple),
        Just(Unit::Duration),
        Just(Unit::Year),
        Just(Unit::Count),
    ]
}

/// Values of `unit` that the formatter can write.
fn value_of(unit: &Unit) -> BoxedStrategy<f64> {
    let scales = [1.0, 1e3, 1e6, 1e9, 1e12];
    let days = [1.0 / 24.0, 1.0, 7.0, 30.44, 365.25, 3652.5];
    let scaled = |sizes: Vec<f64>| {
        (written_number(), prop::sample::select(sizes))
            .prop_map(|(value, size)| value * size)
            .boxed()
    };
    match unit {
        Unit::Percent | Unit::Multiple => written_number().boxed(),
        Unit::Money(_) | Unit::Count => scaled(scales.to_vec()),
        Unit::Duration => scaled(days.to_vec()),
        Unit::Year => (1000u32..=2199).prop_map(f64::from).boxed(),
    }
}

/// Any of the six bounds.
fn any_bound() -> impl Strategy<Value = Bound> {
    prop::sample::select(vec![
        Bound::Exact,
        Bound::Approximate,
        Bound::MoreThan,
        Bound::AtLeast,
        Bound::LessThan,
        Bound::AtMost,
    ])
}

/// Quantities that `format` can express: single values and ranges.
fn expressible_quantity() -> impl Strategy<Value = Quantity> {
    (any_unit(), any_bound(), any::<bool>()).prop_flat_map(|(unit, bound, ranged)| {
        (value_of(&unit), value_of(&unit)).prop_map(move |(value, other)| Quantity {
            span: ByteSpan::default(),
            value: if ranged { value.min(other) } else { value },
            high: ranged.then_some(value.max(other)),
            unit: unit.clone(),
            bound,
            counts: Vec::new(),
        })
    })
}

/// Equal within the 1e-9 relative error that round-tripping allows.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn extract_never_panics_on_any_string(text in any::<String>()) {
        assert_well_formed(&text);
    }

    #[test]
    fn extract_never_panics_on_quantity_like_text(text in mixed_text()) {
        assert_well_formed(&text);
    }

    #[test]
    fn format_round_trips(quantity in expressible_quantity()) {
        let text = format(&quantity);
        let found = extract(&text);
        prop_assert_eq!(found.len(), 1, "{:?} from {:?}", found, text);
        let back = &found[0];
        prop_assert_eq!(&back.unit, &quantity.unit, "unit of {:?}", text);
        prop_assert_eq!(back.bound, quantity.bound, "bound of {:?}", text);
        prop_assert!(close(back.value, quantity.value), "{} vs {} in {:?}", back.value, quantity.value, text);
        prop_assert_eq!(back.high.is_some(), quantity.high.is_some(), "range {:?}", text);
        if let (Some(a), Some(b)) = (back.high, quantity.high) {
            prop_assert!(close(a, b), "high {} vs {} in {:?}", a, b, text);
        }
    }

    #[test]
    fn compare_is_symmetric(a in expressible_quantity(), b in expressible_quantity()) {
        prop_assert_eq!(compare(&a, &b), compare(&b, &a));
    }

    #[test]
    fn compare_is_symmetric_on_extracted(left in mixed_text(), right in mixed_text()) {
        for a in extract(&left) {
            for b in extract(&right) {
                prop_assert_eq!(compare(&a, &b), compare(&b, &a));
            }
        }
    }

    #[test]
    fn exact_and_approximate_values_agree_with_themselves(quantity in expressible_quantity()) {
        if matches!(quantity.bound, Bound::Exact | Bound::Approximate) {
            prop_assert_eq!(compare(&quantity, &quantity), Agreement::Agree);
        }
    }
}
