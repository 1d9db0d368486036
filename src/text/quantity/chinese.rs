//! Chinese numerals and units: 三千五百, 十万, 两, 110亿, 百分之八十, 三分之一,
//! 一半, 个月/年/天/周, 美元/元/人民币, and the bound words 约, 超过, 左右...

use super::lexer::{glued, han_at, is_year_value, Token, TokenKind};
use super::measure::{finish_measure, Marker, Measure};
use super::Bound;

/// Value of a Han digit character.
fn digit_value(ch: char) -> Option<f64> {
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
pub(super) fn place_value(ch: char) -> Option<f64> {
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
pub(super) const PREFIX_BOUNDS: &[(&str, Bound)] = &[
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
pub(super) const SUFFIX_BOUNDS: &[(&str, Bound)] = &[
    ("左右", Bound::Approximate),
    ("上下", Bound::Approximate),
    ("以上", Bound::AtLeast),
    ("以下", Bound::AtMost),
    ("以内", Bound::AtMost),
    ("多", Bound::MoreThan),
    ("余", Bound::MoreThan),
];

/// A Chinese bound word before a number at `at`, with the index after it.
pub(super) fn prefix_bound(tokens: &[Token], at: usize) -> Option<(Bound, usize)> {
    let previous = at
        .checked_sub(1)
        .and_then(|before| tokens.get(before)?.han());
    PREFIX_BOUNDS.iter().find_map(|&(pattern, bound)| {
        let next = han_at(tokens, at, pattern)?;
        // 最近 "recently" and 附近 "nearby" are not "nearly".
        let not_nearly = pattern == "近" && matches!(previous, Some('最' | '附'));
        (!not_nearly).then_some((bound, next))
    })
}

/// A Chinese bound word after a quantity at `at`, with the index after it.
pub(super) fn suffix_bound(tokens: &[Token], at: usize) -> Option<(Bound, usize)> {
    SUFFIX_BOUNDS
        .iter()
        .find_map(|&(pattern, bound)| Some((bound, han_at(tokens, at, pattern)?)))
}

/// The unit written at `at`, if any, with the index after it.
pub(super) fn unit_at(tokens: &[Token], at: usize, year_shaped: bool) -> Option<(Marker, usize)> {
    UNITS.iter().find_map(|&(pattern, unit)| {
        let next = han_at(tokens, at, pattern)?;
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

/// Product of the place-value characters (万, 亿, 千, 百) glued at `at`: "110亿".
pub(super) fn scale_at(tokens: &[Token], at: usize) -> Option<(f64, usize)> {
    let mut scale = 1.0;
    let mut index = at;
    while let Some(place) = tokens.get(index).and_then(Token::han).and_then(place_value) {
        if place < 100.0 || (index > at && !glued(tokens, index - 1)) {
            break;
        }
        scale *= place;
        index += 1;
    }
    (index > at).then_some((scale, index))
}

/// A quantity starting with Han characters at `at`: 一半, 百分之N, N分之M,
/// N成, or a numeral with its unit.
pub(super) fn han_measure(tokens: &[Token], at: usize) -> Option<Measure> {
    for half in ["一半", "半数"] {
        if let Some(next) = han_at(tokens, at, half) {
            return Some(Measure::complete(50.0, Marker::Percent, next));
        }
    }
    if let Some(next) = han_at(tokens, at, "百分之百") {
        return Some(Measure::complete(100.0, Marker::Percent, next));
    }
    if let Some(after) = han_at(tokens, at, "百分之") {
        let (value, next) = any_number_at(tokens, after)?;
        return Some(Measure::complete(value, Marker::Percent, next));
    }
    let numeral = numeral_at(tokens, at)?;
    if let Some(after) = han_at(tokens, numeral.next, "分之") {
        let (numerator, next) = any_number_at(tokens, after)?;
        let percent = numerator / numeral.value * 100.0;
        return (numeral.value > 0.0).then(|| Measure::complete(percent, Marker::Percent, next));
    }
    if let Some(next) = han_at(tokens, numeral.next, "成") {
        // 三成 "three tenths"; 一成不变 "unchanging" is an idiom.
        let idiom = han_at(tokens, next, "不变").is_some();
        let tenths = numeral.value * 10.0;
        return (!idiom && numeral.value <= 10.0)
            .then(|| Measure::complete(tenths, Marker::Percent, next));
    }
    let classifier_follows = tokens
        .get(numeral.next)
        .and_then(Token::han)
        .is_some_and(is_classifier);
    let mut measure = Measure::number(numeral.value, numeral.next);
    measure.year_shaped = numeral.year_shaped;
    // A lone character is a number only with a unit or measure word after it:
    // 十字路口, 三星, 统一 are words; 一 needs a unit even before 个 (一个).
    measure.needs_unit =
        numeral.text.chars().count() == 1 && (numeral.text == "一" || !classifier_follows);
    finish_measure(tokens, measure)
}

/// An Arabic or Chinese number at `at` (after 百分之 or 分之).
fn any_number_at(tokens: &[Token], at: usize) -> Option<(f64, usize)> {
    match tokens.get(at)?.kind {
        TokenKind::Number(numeral) => Some((numeral.value, at + 1)),
        _ => numeral_at(tokens, at).map(|numeral| (numeral.value, numeral.next)),
    }
}

/// A parsed run of Chinese numeral characters.
struct HanNumeral {
    /// The number read.
    value: f64,
    /// The characters read, for the lone-character rules (一, 三星).
    text: String,
    /// Four positional digits (二〇一九): could be a year before 年.
    year_shaped: bool,
    /// Token index just past the run.
    next: usize,
}

/// Reads a Chinese numeral run at `at`: digits, place values, and 点 decimals.
fn numeral_at(tokens: &[Token], at: usize) -> Option<HanNumeral> {
    let preceded_by_ordinal = at > 0 && tokens.get(at - 1).and_then(Token::han) == Some('第');
    let first = tokens.get(at)?.han()?;
    if preceded_by_ordinal || (digit_value(first).is_none() && first != '十') {
        return None;
    }
    let (integer_text, mut next) = han_run(tokens, at, |ch| {
        digit_value(ch).is_some() || place_value(ch).is_some()
    });
    let mut value = integer_value(&integer_text)?;
    let mut text = integer_text.clone();
    let decimal_follows = han_at(tokens, next, "点").is_some()
        && tokens
            .get(next + 1)
            .and_then(Token::han)
            .and_then(digit_value)
            .is_some();
    if decimal_follows {
        let (fraction, after) = han_run(tokens, next + 1, |ch| digit_value(ch).is_some());
        let digits: String = fraction.chars().filter_map(digit_char).collect();
        value += format!("0.{digits}").parse::<f64>().unwrap_or(0.0);
        text.push('点');
        text.push_str(&fraction);
        next = after;
        if let Some((scale, after)) = scale_at(tokens, next) {
            value *= scale;
            next = after;
        }
    }
    let positional = integer_text.chars().all(|ch| digit_value(ch).is_some());
    let year_shaped =
        positional && !decimal_follows && integer_text.chars().count() == 4 && is_year_value(value);
    Some(HanNumeral {
        value,
        text,
        year_shaped,
        next,
    })
}

/// The ASCII digit of a Han digit character.
fn digit_char(ch: char) -> Option<char> {
    let digit = digit_value(ch)? as u32;
    char::from_digit(digit, 10)
}

/// Longest numeral run read at once, so that a pathological run of numeral
/// characters costs linear rather than quadratic time.
const MAX_NUMERAL_CHARS: usize = 32;

/// Glued Han characters from `at` while `accept` holds (at most [`MAX_NUMERAL_CHARS`]).
fn han_run(tokens: &[Token], at: usize, accept: impl Fn(char) -> bool) -> (String, usize) {
    let mut text = String::new();
    let mut index = at;
    while let Some(ch) = tokens.get(index).and_then(Token::han) {
        let too_long = index - at >= MAX_NUMERAL_CHARS;
        if too_long || !accept(ch) || (index > at && !glued(tokens, index - 1)) {
            break;
        }
        text.push(ch);
        index += 1;
    }
    (text, index)
}

/// Value of a run of digits and place values: 三千五百 = 3500, 十万 = 1e5,
/// 两万三 = 23000 (a trailing digit after a place counts one place lower),
/// 二零一九 = 2019 (digits alone read positionally).
fn integer_value(text: &str) -> Option<f64> {
    if text.chars().count() > 1 && text.chars().all(|ch| digit_value(ch).is_some()) {
        let digits: String = text.chars().filter_map(digit_char).collect();
        return digits.parse::<f64>().ok();
    }
    let (mut hundred_millions, mut ten_thousands, mut section) = (0.0, 0.0, 0.0);
    let mut digit: Option<f64> = None;
    let mut last_place = 0.0;
    for ch in text.chars() {
        if let Some(value) = digit_value(ch) {
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
