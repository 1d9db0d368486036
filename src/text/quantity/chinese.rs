//! The Chinese reader: numerals (三千五百, 十万, 两, 110亿, 二〇一九),
//! proportions (百分之八十, 三分之一, 一半, 三成), and the words the
//! dispatcher asks about after a number — units (个月/年/天/周,
//! 美元/元/人民币), place-value scales (亿) — or the phrase parser around
//! it: bound words (约, 超过, 左右...) and measure words (个, 名).
//!
//! A leaf reader: it returns a bare [`Reading`] and leaves scale, unit and
//! bound words to the dispatcher; it never calls the English reader.

use super::cursor::Cursor;
use super::lexer::LexemeKind;
use super::types::{is_year_value, Bound, Marker, Measure, Reading};

/// Value of a Han digit character (五 = 5, 〇 = 0). Arabic digits, including
/// fullwidth ones, are the lexer's (`lexer::arabic_digit`).
fn han_digit(ch: char) -> Option<f64> {
    let digit = match ch {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(f64::from(digit))
}

/// Value of a Han place-value character.
fn place_value(ch: char) -> Option<f64> {
    Some(match ch {
        '十' => 1e1,
        '百' => 1e2,
        '千' => 1e3,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

/// Measure words that make a lone digit a count (两个, 三家).
const CLASSIFIERS: &str = "个人家名位次项种条只本所座辆件例场支批台部间张份颗架艘";

/// True for a measure word (个, 名, 家...), which sits between a number and the counted noun.
pub(super) fn is_classifier(ch: char) -> bool {
    CLASSIFIERS.contains(ch)
}

/// Units written after a Chinese or Arabic number, longest first.
const UNITS: &[(&str, UnitWord)] = &[
    ("元人民币", UnitWord::Money("CNY")),
    ("个星期", UnitWord::Days(7.0)),
    ("个小时", UnitWord::Days(1.0 / 24.0)),
    ("个月", UnitWord::Days(30.44)),
    ("星期", UnitWord::Days(7.0)),
    ("小时", UnitWord::Days(1.0 / 24.0)),
    ("人民币", UnitWord::Money("CNY")),
    ("美元", UnitWord::Money("USD")),
    ("欧元", UnitWord::Money("EUR")),
    ("英镑", UnitWord::Money("GBP")),
    ("日元", UnitWord::Money("JPY")),
    ("港元", UnitWord::Money("HKD")),
    ("港币", UnitWord::Money("HKD")),
    ("元", UnitWord::Money("CNY")),
    ("周", UnitWord::Days(7.0)),
    ("天", UnitWord::Days(1.0)),
    ("年", UnitWord::Year),
    ("倍", UnitWord::Multiple),
];

/// What a Chinese unit word says.
#[derive(Clone, Copy)]
enum UnitWord {
    /// A currency, by code.
    Money(&'static str),
    /// A duration, in days per unit.
    Days(f64),
    /// 倍, a multiplier.
    Multiple,
    /// 年: a calendar year after a year-shaped number, else a span of years.
    Year,
}

/// Bound words written before a number, longest first.
const PREFIX_BOUNDS: &[(&str, Bound)] = &[
    ("不超过", Bound::AtMost),
    ("大约", Bound::Approximate),
    ("大概", Bound::Approximate),
    ("将近", Bound::Approximate),
    ("接近", Bound::Approximate),
    ("超过", Bound::MoreThan),
    ("高于", Bound::MoreThan),
    ("至少", Bound::AtLeast),
    ("最少", Bound::AtLeast),
    ("不到", Bound::LessThan),
    ("不足", Bound::LessThan),
    ("少于", Bound::LessThan),
    ("低于", Bound::LessThan),
    ("最多", Bound::AtMost),
    ("约", Bound::Approximate),
    ("近", Bound::Approximate),
    ("逾", Bound::MoreThan),
    ("超", Bound::MoreThan),
];

/// Bound words written after a quantity.
const SUFFIX_BOUNDS: &[(&str, Bound)] = &[
    ("左右", Bound::Approximate),
    ("上下", Bound::Approximate),
    ("以上", Bound::AtLeast),
    ("以下", Bound::AtMost),
    ("以内", Bound::AtMost),
    ("多", Bound::MoreThan),
    ("余", Bound::MoreThan),
];

/// A Chinese bound word before a number, with the cursor after it.
pub(super) fn prefix_bound(cursor: Cursor<'_>) -> Option<(Bound, Cursor<'_>)> {
    let previous = cursor.previous().and_then(|lexeme| lexeme.han());
    PREFIX_BOUNDS.iter().find_map(|&(pattern, bound)| {
        let next = cursor.han_text(pattern)?;
        // 最近 "recently" and 附近 "nearby" are not "nearly".
        let not_nearly = pattern == "近" && matches!(previous, Some('最' | '附'));
        (!not_nearly).then_some((bound, next))
    })
}

/// A Chinese bound word after a quantity, with the cursor after it.
pub(super) fn suffix_bound(cursor: Cursor<'_>) -> Option<(Bound, Cursor<'_>)> {
    SUFFIX_BOUNDS
        .iter()
        .find_map(|&(pattern, bound)| Some((bound, cursor.han_text(pattern)?)))
}

/// The unit written here, if any, with the cursor after it.
pub(super) fn unit_at(cursor: Cursor<'_>, year_shaped: bool) -> Option<(Marker, Cursor<'_>)> {
    UNITS.iter().find_map(|&(pattern, unit)| {
        let next = cursor.han_text(pattern)?;
        let marker = match unit {
            UnitWord::Money(code) => Marker::Money(code),
            UnitWord::Days(days) => Marker::Duration(days),
            UnitWord::Multiple => Marker::Multiple,
            UnitWord::Year if year_shaped => Marker::CalendarYear,
            UnitWord::Year => Marker::Duration(365.25),
        };
        Some((marker, next))
    })
}

/// Product of the place-value characters (万, 亿, 千, 百) glued here: "110亿".
pub(super) fn scale_at(start: Cursor<'_>) -> Option<(f64, Cursor<'_>)> {
    let mut scale = 1.0;
    let mut cursor = start;
    while let Some(place) = cursor.han().and_then(place_value) {
        let gap = cursor.index() > start.index() && !cursor.glued_to_previous();
        if place < 100.0 || gap {
            break;
        }
        scale *= place;
        cursor = cursor.advance(1);
    }
    (cursor.index() > start.index()).then_some((scale, cursor))
}

/// A quantity starting with Han characters here: 一半, 百分之N, N分之M, N成
/// (closed), or a numeral that a unit may follow (open).
pub(super) fn reading_at(cursor: Cursor<'_>) -> Option<Reading> {
    let closed = |value: f64, next: Cursor<'_>| {
        Reading::Closed(Measure::complete(value, Marker::Percent, next.index()))
    };
    for half in ["一半", "半数"] {
        if let Some(next) = cursor.han_text(half) {
            return Some(closed(50.0, next));
        }
    }
    if let Some(next) = cursor.han_text("百分之百") {
        return Some(closed(100.0, next));
    }
    if let Some(after) = cursor.han_text("百分之") {
        let (value, next) = any_number_at(after)?;
        return Some(closed(value, next));
    }
    let numeral = numeral_at(cursor)?;
    if let Some(after) = numeral.next.han_text("分之") {
        let (numerator, next) = any_number_at(after)?;
        let percent = numerator / numeral.value * 100.0;
        return (numeral.value > 0.0).then(|| closed(percent, next));
    }
    if let Some(next) = numeral.next.han_text("成") {
        // 三成 "three tenths"; 一成不变 "unchanging" is an idiom.
        let idiom = next.han_text("不变").is_some();
        let tenths = numeral.value * 10.0;
        return (!idiom && numeral.value <= 10.0).then(|| closed(tenths, next));
    }
    let classifier_follows = numeral.next.han().is_some_and(is_classifier);
    let mut measure = Measure::number(numeral.value, numeral.next.index());
    measure.year_shaped = numeral.year_shaped;
    // A lone character is a number only with a unit or measure word after it:
    // 十字路口, 三星, 统一 are words; 一 needs a unit even before 个 (一个).
    measure.needs_unit =
        numeral.text.chars().count() == 1 && (numeral.text == "一" || !classifier_follows);
    Some(Reading::Open(measure))
}

/// An Arabic or Chinese number here (after 百分之 or 分之).
fn any_number_at(cursor: Cursor<'_>) -> Option<(f64, Cursor<'_>)> {
    match cursor.peek()?.kind {
        LexemeKind::Number(numeral) => Some((numeral.value, cursor.advance(1))),
        _ => numeral_at(cursor).map(|numeral| (numeral.value, numeral.next)),
    }
}

/// A parsed run of Chinese numeral characters.
struct HanNumeral<'a> {
    /// The number read.
    value: f64,
    /// The characters read, for the lone-character rules (一, 三星).
    text: String,
    /// Four positional digits (二〇一九): could be a year before 年.
    year_shaped: bool,
    /// Just past the run.
    next: Cursor<'a>,
}

/// Reads a Chinese numeral run here: digits, place values, and 点 decimals.
fn numeral_at(cursor: Cursor<'_>) -> Option<HanNumeral<'_>> {
    let preceded_by_ordinal = cursor.previous().and_then(|lexeme| lexeme.han()) == Some('第');
    let first = cursor.han()?;
    if preceded_by_ordinal || (han_digit(first).is_none() && first != '十') {
        return None;
    }
    let (integer_text, mut next) = han_run(cursor, |ch| {
        han_digit(ch).is_some() || place_value(ch).is_some()
    });
    let mut value = integer_value(&integer_text)?;
    let mut text = integer_text.clone();
    let decimal_follows = next.han_text("点").is_some()
        && next
            .lexeme_at(1)
            .and_then(|lexeme| lexeme.han())
            .and_then(han_digit)
            .is_some();
    if decimal_follows {
        let (fraction, after) = han_run(next.advance(1), |ch| han_digit(ch).is_some());
        let digits: String = fraction.chars().filter_map(han_digit_as_ascii).collect();
        value += format!("0.{digits}").parse::<f64>().unwrap_or(0.0);
        text.push('点');
        text.push_str(&fraction);
        next = after;
        if let Some((scale, after)) = scale_at(next) {
            value *= scale;
            next = after;
        }
    }
    let positional = integer_text.chars().all(|ch| han_digit(ch).is_some());
    let year_shaped =
        positional && !decimal_follows && integer_text.chars().count() == 4 && is_year_value(value);
    Some(HanNumeral {
        value,
        text,
        year_shaped,
        next,
    })
}

/// The ASCII digit of a Han digit character (五 → '5').
fn han_digit_as_ascii(ch: char) -> Option<char> {
    let digit = han_digit(ch)? as u32;
    char::from_digit(digit, 10)
}

/// Longest numeral run read at once, so that a pathological run of numeral
/// characters costs linear rather than quadratic time.
const MAX_NUMERAL_CHARS: usize = 32;

/// Glued Han characters from `start` while `accept` holds (at most [`MAX_NUMERAL_CHARS`]).
fn han_run(start: Cursor<'_>, accept: impl Fn(char) -> bool) -> (String, Cursor<'_>) {
    let mut text = String::new();
    let mut cursor = start;
    while let Some(ch) = cursor.han() {
        let read = cursor.index() - start.index();
        let gap = read > 0 && !cursor.glued_to_previous();
        if read >= MAX_NUMERAL_CHARS || !accept(ch) || gap {
            break;
        }
        text.push(ch);
        cursor = cursor.advance(1);
    }
    (text, cursor)
}

/// Value of a run of digits and place values: 三千五百 = 3500, 十万 = 1e5,
/// 两万三 = 23000 (a trailing digit after a place counts one place lower),
/// 二零一九 = 2019 (digits alone read positionally).
fn integer_value(text: &str) -> Option<f64> {
    if text.chars().count() > 1 && text.chars().all(|ch| han_digit(ch).is_some()) {
        let digits: String = text.chars().filter_map(han_digit_as_ascii).collect();
        return digits.parse::<f64>().ok();
    }
    let (mut hundred_millions, mut ten_thousands, mut section) = (0.0, 0.0, 0.0);
    let mut digit: Option<f64> = None;
    let mut last_place = 0.0;
    for ch in text.chars() {
        if let Some(value) = han_digit(ch) {
            digit = Some(value);
            if value == 0.0 {
                last_place = 0.0;
            }
            continue;
        }
        let place = place_value(ch)?;
        if place >= 1e8 {
            let below = ten_thousands + section + digit.unwrap_or(0.0);
            hundred_millions = (hundred_millions + below) * place;
            (ten_thousands, section) = (0.0, 0.0);
        } else if place >= 1e4 {
            ten_thousands = (section + digit.unwrap_or(0.0)) * place;
            section = 0.0;
        } else {
            section += digit.unwrap_or(1.0) * place;
        }
        digit = None;
        last_place = place;
    }
    let tail = digit.map_or(0.0, |value| {
        if last_place >= 100.0 {
            value * last_place / 10.0
        } else {
            value
        }
    });
    Some(hundred_millions + ten_thousands + section + tail)
}
