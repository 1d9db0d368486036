//! Unit tests for quantity extraction, formatting and comparison: every
//! required outcome from the design brief, spans, and the tricky cases.

use super::*;

/// The single quantity in `text`; fails the test otherwise.
fn one(text: &str) -> Quantity {
    let found = extract(text);
    assert_eq!(
        found.len(),
        1,
        "expected one quantity in {text:?}, got {found:?}"
    );
    found.into_iter().next().expect("checked length")
}

/// Compares the single quantities of two texts, checking symmetry on the way.
fn agreement(a: &str, b: &str) -> Agreement {
    let (left, right) = (one(a), one(b));
    let forward = compare(&left, &right);
    assert_eq!(forward, compare(&right, &left), "compare must be symmetric");
    forward
}

/// Equal within 1e-9 relative error.
fn assert_close(actual: f64, expected: f64) {
    let scale = actual.abs().max(expected.abs()).max(1e-12);
    assert!(
        (actual - expected).abs() / scale < 1e-9,
        "{actual} != {expected}"
    );
}

/// The single quantity in `text` has this unit and value.
fn assert_value(text: &str, unit: Unit, value: f64) {
    let quantity = one(text);
    assert_eq!(quantity.unit, unit, "unit of {text:?}");
    assert_close(quantity.value, value);
}

/// The text a quantity's span covers.
fn span<'a>(text: &'a str, quantity: &Quantity) -> &'a str {
    quantity.span.slice(text).expect("span on char boundaries")
}

/// US dollars, the most common currency in the tests.
fn usd() -> Unit {
    Unit::Money("USD".to_string())
}

#[test]
fn proportions_in_words_and_signs() {
    assert_eq!(agreement("half", "80%"), Agreement::Conflict);
    assert_eq!(agreement("half", "50 percent"), Agreement::Agree);
    assert_eq!(agreement("half", "around 50%"), Agreement::Agree);
    assert_eq!(agreement("23%", "23 percent"), Agreement::Agree);
    assert_eq!(agreement("23% less", "40 percent"), Agreement::Conflict);
}

#[test]
fn more_than_half_is_open_at_fifty() {
    assert_eq!(agreement("more than half", "51%"), Agreement::Agree);
    assert_eq!(agreement("more than half", "40%"), Agreement::Conflict);
    let (low, high) = admitted_interval(&one("more than half"));
    assert_eq!((low, high), (50.0, 100.0));
}

#[test]
fn approximate_value_meets_range() {
    assert_eq!(
        agreement("roughly 45%", "between 40 and 50 percent"),
        Agreement::Agree
    );
    let range = one("between 40 and 50 percent");
    assert_eq!(
        (range.value, range.high, range.unit),
        (40.0, Some(50.0), Unit::Percent)
    );
}

#[test]
fn money_scales_and_currencies() {
    assert_eq!(
        agreement("$600 billion", "$6 trillion"),
        Agreement::Conflict
    );
    assert_eq!(agreement("$11 billion", "$11bn"), Agreement::Agree);
    assert_eq!(
        agreement("$11 billion", "11 billion dollars"),
        Agreement::Agree
    );
    assert_eq!(
        agreement("$11 billion", "€11 billion"),
        Agreement::NotComparable
    );
}

#[test]
fn different_units_are_not_comparable() {
    assert_eq!(agreement("80%", "24 billion"), Agreement::NotComparable);
}

#[test]
fn durations_compare_in_days() {
    assert_eq!(agreement("three months", "90 days"), Agreement::Agree);
    assert_eq!(agreement("two-day", "two weeks"), Agreement::Conflict);
}

#[test]
fn multipliers() {
    assert_eq!(agreement("twice", "doubled"), Agreement::Agree);
    assert_eq!(agreement("twice", "fivefold"), Agreement::Conflict);
}

#[test]
fn years_must_match_exactly() {
    assert_eq!(agreement("in 1913", "in 1914"), Agreement::Conflict);
    assert_eq!(one("in 1913").unit, Unit::Year);
}

#[test]
fn chinese_against_english() {
    assert_eq!(agreement("一半", "50%"), Agreement::Agree);
    assert_eq!(agreement("百分之八十", "80%"), Agreement::Agree);
    assert_eq!(agreement("三个月", "three months"), Agreement::Agree);
    assert_eq!(agreement("110亿美元", "$11 billion"), Agreement::Agree);
}

#[test]
fn fractions_as_percentages() {
    assert_value("a third", Unit::Percent, 100.0 / 3.0);
    assert_value("two-thirds", Unit::Percent, 200.0 / 3.0);
    assert_value("a quarter", Unit::Percent, 25.0);
    assert_value("three quarters", Unit::Percent, 75.0);
}

#[test]
fn values_normalise() {
    assert_value("eighty per cent", Unit::Percent, 80.0);
    assert_value("five trillion dollars", usd(), 5e12);
    assert_value("€3m", Unit::Money("EUR".to_string()), 3e6);
    assert_value("RMB 10 billion", Unit::Money("CNY".to_string()), 1e10);
    assert_value("$1.5bn", usd(), 1.5e9);
    assert_value("3,000", Unit::Count, 3000.0);
    assert_value("1.2 million", Unit::Count, 1.2e6);
    assert_value("five", Unit::Count, 5.0);
    assert_value("twenty-five", Unit::Count, 25.0);
    assert_value("one hundred and twenty people", Unit::Count, 120.0);
}

#[test]
fn chinese_numerals() {
    assert_value("三千五百人", Unit::Count, 3500.0);
    assert_value("十万", Unit::Count, 1e5);
    assert_value("110亿", Unit::Count, 1.1e10);
    assert_value("两个", Unit::Count, 2.0);
    assert_value("两万三", Unit::Count, 23000.0);
    assert_value("1.5万", Unit::Count, 15000.0);
    assert_value("一亿三千万", Unit::Count, 1.3e8);
    assert_value("三分之一", Unit::Percent, 100.0 / 3.0);
    assert_value("50％", Unit::Percent, 50.0);
    assert_value("半数", Unit::Percent, 50.0);
    assert_value("5000元", Unit::Money("CNY".to_string()), 5000.0);
    assert_value("3年", Unit::Duration, 3.0 * 365.25);
    assert_value("2019年", Unit::Year, 2019.0);
    assert_value("两倍", Unit::Multiple, 2.0);
}

#[test]
fn chinese_bounds() {
    assert_eq!(one("约50%").bound, Bound::Approximate);
    assert_eq!(one("50%左右").bound, Bound::Approximate);
    assert_eq!(one("超过一半").bound, Bound::MoreThan);
    assert_eq!(one("至少三年").bound, Bound::AtLeast);
    assert_eq!(one("不到10%").bound, Bound::LessThan);
    let more = one("10多亿美元");
    assert_eq!((more.bound, more.unit.clone()), (Bound::MoreThan, usd()));
    assert_close(more.value, 1e9);
}

#[test]
fn english_bounds() {
    assert_eq!(one("at least 5 people").bound, Bound::AtLeast);
    assert_eq!(one("up to 40%").bound, Bound::AtMost);
    assert_eq!(one("fewer than 10 firms").bound, Bound::LessThan);
    assert_eq!(one("~50%").bound, Bound::Approximate);
    assert_eq!(one("10 or more").bound, Bound::AtLeast);
    assert_eq!(one("before 2019").bound, Bound::LessThan);
}

#[test]
fn spans_cover_bounds_and_currency() {
    let text = "more than half of the firms";
    assert_eq!(span(text, &one(text)), "more than half");
    let text = "a $11 billion cloud unit";
    let quantity = one(text);
    assert_eq!(span(text, &quantity), "$11 billion");
    assert_eq!(quantity.counts, ["cloud", "unit"]);
}

#[test]
fn counts_name_what_is_counted() {
    let quantity = one("half of China's generative AI firms");
    assert_eq!(quantity.counts, ["china", "generative", "ai"]);
    assert_eq!(one("80%的企业").counts, ["企业"]);
    assert!(one("5").counts.is_empty());
}

#[test]
fn ranges() {
    for text in [
        "35 to 55 percent",
        "40-50%",
        "40%–50%",
        "$10-20 billion",
        "2 to 3 months",
    ] {
        let quantity = one(text);
        assert!(quantity.high.is_some(), "{text:?} should be a range");
    }
    let money = one("$10-20 billion");
    assert_close(money.value, 1e10);
    assert_eq!(money.high, Some(2e10));
    let years = one("between 2019 and 2021");
    assert_eq!((years.unit, years.high), (Unit::Year, Some(2021.0)));
}

#[test]
fn tricky_cases() {
    assert_value("a 10-month-old baby", Unit::Duration, 10.0 * 30.44);
    assert!(extract("COVID-19 spread").is_empty());
    assert!(extract("the 1990s").is_empty());
    assert_value("Top 10", Unit::Count, 10.0);
    assert_value("No. 1", Unit::Count, 1.0);
    assert!(extract("the 1st and 2nd floors").is_empty());
    assert!(extract("one of the firms, and no one else").is_empty());
    assert_value("one month", Unit::Duration, 30.44);
    assert_eq!(extract("18 and 31").len(), 2);
    // Days of the month and slashed numbers are dates (or fractions), not counts.
    assert!(extract("September 11").is_empty());
    assert!(extract("100 9/11s").iter().all(|q| q.value == 100.0));
    assert_value("25 of the 27 elections", Unit::Percent, 25.0 / 27.0 * 100.0);
    assert!(extract("one of the 10 largest banks")
        .iter()
        .all(|q| q.unit == Unit::Count));
    assert!(extract("25 of the 2 million voters")
        .iter()
        .all(|q| q.unit != Unit::Percent));
    assert_value("at a 1960 session", Unit::Year, 1960.0);
    let phone = extract("call 555-0100-2233-4455-66778899");
    assert!(phone
        .iter()
        .all(|q| q.unit == Unit::Count && q.high.is_none()));
    assert_eq!(extract("2020-05-18").len(), 3);
    assert!(extract("第一，统一，十分重要").is_empty());
    assert_value("5x", Unit::Multiple, 5.0);
    // Reporters' scale abbreviations all read as the same amount.
    for written in ["$24bn", "$24 bln", "US$24 billion", "$24,000 million"] {
        assert_value(written, Unit::Money("USD".to_owned()), 24e9);
    }
    assert_value("the 2019 report", Unit::Count, 2019.0);
    assert_value("since 2019", Unit::Year, 2019.0);
}

#[test]
fn long_digit_strings_do_not_overflow() {
    let huge = "9".repeat(400);
    assert!(extract(&huge)
        .iter()
        .all(|quantity| quantity.value.is_finite()));
    let quantity = one(&"9".repeat(30));
    assert_eq!(quantity.unit, Unit::Count);
}

#[test]
fn format_examples() {
    let cases = [
        ("80%", "80%"),
        ("half", "50%"),
        ("$11 billion", "$11 billion"),
        ("€3m", "€3 million"),
        ("twice", "2×"),
        ("90 days", "90 days"),
        ("three months", "3 months"),
        ("in 1913", "1913"),
        ("24 billion", "24 billion"),
        ("between 40 and 50 percent", "between 40% and 50%"),
        ("more than half", "more than 50%"),
        ("about 3,000 people", "about 3,000"),
        ("0.1", "0.1"),
    ];
    for (text, expected) in cases {
        assert_eq!(format(&one(text)), expected, "format of {text:?}");
    }
}

#[test]
fn format_has_no_float_noise() {
    let quantity = Quantity {
        value: 0.1 + 0.2,
        ..one("5")
    };
    assert_eq!(format(&quantity), "0.3");
}

#[test]
fn percent_clipping_keeps_growth_rates() {
    assert_eq!(admitted_interval(&one("less than 10%")), (0.0, 10.0));
    assert_eq!(admitted_interval(&one("150%")), (149.0, 151.0));
    assert_eq!(agreement("more than 100%", "150%"), Agreement::Agree);
}

#[test]
fn ratios_and_compound_fractions() {
    assert_value("one in five adults", Unit::Percent, 20.0);
    assert_value("3 out of 4", Unit::Percent, 75.0);
    assert_value("half a million dollars", usd(), 5e5);
    assert_value("two and a half years", Unit::Duration, 2.5 * 365.25);
    assert_value("近三成", Unit::Percent, 30.0);
    assert_eq!(one("one in a million").value, 1e6);
    assert!(extract("a half-hour show in the first half").is_empty());
    assert!(extract("a third time, a quarter century").is_empty());
}

#[test]
fn chinese_dates_and_idioms_are_skipped() {
    assert!(extract("十一月，五月18日，一成不变，万一，千万不要，一些人").is_empty());
    assert_value("二〇一九年", Unit::Year, 2019.0);
    assert_value("第3季度有三十多个", Unit::Count, 30.0);
}

#[test]
fn admitted_intervals_follow_the_table() {
    let interval = |text: &str| admitted_interval(&one(text));
    assert_eq!(interval("50%"), (49.0, 51.0));
    assert_eq!(interval("about 50%"), (45.0, 55.0));
    assert_eq!(interval("in 1913"), (1913.0, 1913.0));
    assert_eq!(interval("around 1913"), (1912.0, 1914.0));
    assert_eq!(interval("at least 5"), (5.0, f64::INFINITY));
    assert_eq!(interval("up to 5"), (f64::NEG_INFINITY, 5.0));
    assert_eq!(interval("40-50%"), (39.0, 51.0));
    let (low, high) = interval("$100");
    assert_close(low, 98.0);
    assert_close(high, 102.0);
    let (low, high) = interval("about 2 to 3 weeks");
    assert_close(low, 14.0 * 0.9);
    assert_close(high, 21.0 * 1.1);
}

#[test]
fn nan_is_not_comparable() {
    let nan = Quantity {
        value: f64::NAN,
        ..one("5")
    };
    assert_eq!(compare(&nan, &one("5")), Agreement::NotComparable);
    assert_eq!(compare(&one("5"), &nan), Agreement::NotComparable);
}

#[test]
fn year_and_duration_forms_read_back() {
    for text in [
        "before 1913",
        "after 1913",
        "1913 or later",
        "1913 or earlier",
        "about 1913",
    ] {
        let quantity = one(text);
        assert_eq!(
            (quantity.unit.clone(), format(&quantity)),
            (Unit::Year, text.to_string())
        );
    }
    assert_eq!(format(&one("two weeks")), "2 weeks");
    assert_eq!(format(&one("18 months")), "18 months");
    assert_eq!(format(&one("48 hours")), "2 days");
    assert_eq!(
        format(&one("5 to 10 million")),
        "between 5 million and 10 million"
    );
    assert_eq!(format(&one("about 11 billion yen")), "about 11 billion yen");
}
