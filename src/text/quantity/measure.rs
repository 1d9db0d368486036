//! One number with what is attached to it: currency before it, scale and unit
//! after it ("$11 billion", "two-day", "110亿美元", "a third"). Whether it is
//! a year, part of a range, or bounded is decided by the caller.

use super::chinese;
use super::lexer::{glued, linked_word, words_at, Numeral, Token, TokenKind};
use super::vocab;
use super::Bound;

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
    /// Token index just past the phrase.
    pub next: usize,
}

impl Measure {
    /// A bare number ending before token `next`.
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

/// The measure starting at token `at`, if any.
pub(super) fn measure_at(tokens: &[Token], at: usize) -> Option<Measure> {
    if let Some((code, after)) = currency_prefix(tokens, at) {
        let mut measure = core_at(tokens, after, true)?;
        if !matches!(measure.marker, None | Some(Marker::Money(_))) {
            return None;
        }
        measure.marker = Some(Marker::Money(code));
        return Some(measure);
    }
    core_at(tokens, at, false)
}

/// A currency sign or code before an amount: "$", "US$", "€", "RMB", 人民币.
fn currency_prefix(tokens: &[Token], at: usize) -> Option<(&'static str, usize)> {
    let token = tokens.get(at)?;
    if let Some(code) = token.symbol().and_then(vocab::currency_symbol) {
        return Some((code, at + 1));
    }
    if let Some(word) = token.word() {
        let dollar_follows = tokens.get(at + 1)?.symbol() == Some('$') && glued(tokens, at);
        if dollar_follows {
            return Some((vocab::dollar_prefix(word).unwrap_or("USD"), at + 2));
        }
        let number_follows = matches!(tokens.get(at + 1)?.kind, TokenKind::Number(_));
        return vocab::currency_code(word)
            .filter(|_| number_follows)
            .map(|code| (code, at + 1));
    }
    super::lexer::han_at(tokens, at, "人民币").map(|next| ("CNY", next))
}

/// A number phrase at `at`: digits, number words, fractions, multipliers or Chinese.
fn core_at(tokens: &[Token], at: usize, after_currency: bool) -> Option<Measure> {
    match &tokens.get(at)?.kind {
        TokenKind::Number(numeral) => digits_measure(tokens, at, *numeral, after_currency),
        TokenKind::Word(word) => word_measure(tokens, at, word),
        TokenKind::Han(_) => chinese::han_measure(tokens, at),
        TokenKind::Symbol(_) => None,
    }
}

/// True when the digits at `at` are glued to a word before them: "COVID-19",
/// "mp3", 第3 are names and ordinals, not quantities.
fn glued_to_word_before(tokens: &[Token], at: usize) -> bool {
    let Some(before) = at.checked_sub(1) else {
        return false;
    };
    if !glued(tokens, before) {
        return false;
    }
    match tokens.get(before).map(|token| &token.kind) {
        Some(TokenKind::Word(_)) | Some(TokenKind::Han('第')) => true,
        Some(TokenKind::Symbol('-' | '\u{2010}')) => {
            let word_before = before
                .checked_sub(1)
                .and_then(|index| tokens.get(index))
                .is_some_and(|token| token.word().is_some());
            word_before && glued(tokens, before - 1)
        }
        _ => false,
    }
}

/// Arabic digits and whatever is glued or written after them.
fn digits_measure(
    tokens: &[Token],
    at: usize,
    numeral: Numeral,
    after_currency: bool,
) -> Option<Measure> {
    if !after_currency && glued_to_word_before(tokens, at) {
        return None;
    }
    let mut measure = Measure::number(numeral.value, at + 1);
    measure.year_shaped = numeral.year_shaped;
    if glued(tokens, at) {
        attach_glued_suffix(tokens, &mut measure)?;
    }
    finish_measure(tokens, measure)
}

/// Letters glued to digits: "5x", "€3m", "11bn", "10years"; None rejects
/// ordinals ("1st"), decades ("1990s") and unknown suffixes ("5G", "10km").
fn attach_glued_suffix(tokens: &[Token], measure: &mut Measure) -> Option<()> {
    let suffix = tokens.get(measure.next)?;
    if let Some(mark) = suffix.symbol() {
        let decade = matches!(mark, '\'' | '\u{2019}')
            && glued(tokens, measure.next)
            && tokens.get(measure.next + 1).and_then(Token::word) == Some("s");
        return (!decade).then_some(());
    }
    let Some(word) = suffix.word() else {
        return Some(());
    };
    let multiple = || matches!(word, "x" | "fold").then_some(Marker::Multiple);
    if let Some(scale) = vocab::glued_scale(word) {
        measure.scale = Some(scale);
    } else if let Some(marker) = unit_word(word).or_else(multiple) {
        measure.marker = Some(marker);
    } else {
        return None;
    }
    measure.next += 1;
    Some(())
}

/// The marker of a single unit word written after a number.
fn unit_word(word: &str) -> Option<Marker> {
    if matches!(word, "percent" | "pct" | "percentage") {
        return Some(Marker::Percent);
    }
    if let Some(days) = vocab::duration_word(word) {
        return Some(Marker::Duration(days));
    }
    vocab::currency_word(word).map(Marker::Money)
}

/// Adds the bound, scale and unit written after the number.
pub(super) fn finish_measure(tokens: &[Token], mut measure: Measure) -> Option<Measure> {
    if let Some(ratio) = ratio_after(tokens, &measure) {
        return Some(ratio);
    }
    if let Some(next) = words_at(tokens, measure.next, &["and", "a", "half"]) {
        measure.number += 0.5;
        measure.next = next;
        measure.needs_unit = false;
    }
    infix_bound(tokens, &mut measure);
    if measure.scale.is_none() {
        if let Some((scale, next)) = scale_after(tokens, measure.next) {
            measure.scale = Some(scale);
            measure.next = next;
            infix_bound(tokens, &mut measure);
        }
    }
    if let Some((marker, next)) = unit_after(tokens, measure.next, measure.year_shaped) {
        let keeps_currency = matches!(measure.marker, Some(Marker::Money(_)));
        if measure.marker.is_none() || keeps_currency {
            measure.marker = Some(marker);
            measure.next = next;
        }
    }
    let date_part = tokens.get(measure.next).and_then(Token::han);
    if measure.marker.is_none() && matches!(date_part, Some('月' | '日' | '号')) {
        return None; // 五月, 18日: dates, not quantities
    }
    measure.number.is_finite().then_some(measure)
}

/// "one in five", "3 out of 4": a proportion, as a percentage.
fn ratio_after(tokens: &[Token], measure: &Measure) -> Option<Measure> {
    if measure.marker.is_some() || measure.scale.is_some() || measure.bound.is_some() {
        return None;
    }
    let after = words_at(tokens, measure.next, &["in"])
        .or_else(|| words_at(tokens, measure.next, &["out", "of"]))?;
    let (denominator, next) = match &tokens.get(after)?.kind {
        TokenKind::Number(numeral) if !numeral.year_shaped => (numeral.value, after + 1),
        TokenKind::Word(_) => match super::words::word_number_at(tokens, after)? {
            (_, _, true) => return None, // "one in a million"
            (value, next, false) => (value, next),
        },
        _ => return None,
    };
    let plausible = measure.number > 0.0 && measure.number <= denominator && denominator <= 1000.0;
    let percent = measure.number / denominator * 100.0;
    plausible.then(|| Measure::complete(percent, Marker::Percent, next))
}

/// 多/余 right after the number: 三十多 "thirty-odd", 10多亿.
fn infix_bound(tokens: &[Token], measure: &mut Measure) {
    let han = tokens.get(measure.next).and_then(Token::han);
    if matches!(han, Some('多' | '余')) && measure.next > 0 && glued(tokens, measure.next - 1) {
        measure.bound = Some(Bound::MoreThan);
        measure.next += 1;
    }
}

/// A scale word ("billion", "bn") or Chinese place value (亿) at `at`.
fn scale_after(tokens: &[Token], at: usize) -> Option<(f64, usize)> {
    if let Some((word, index)) = linked_word(tokens, at) {
        return vocab::scale_word(word).map(|scale| (scale, index + 1));
    }
    chinese::scale_at(tokens, at)
}

/// A unit at `at`: %, percent, per cent, times, -fold, x, days, dollars, 个月, 美元.
fn unit_after(tokens: &[Token], at: usize, year_shaped: bool) -> Option<(Marker, usize)> {
    let token = tokens.get(at)?;
    match token.symbol() {
        Some('%' | '％') => return Some((Marker::Percent, at + 1)),
        Some('×') if at > 0 && glued(tokens, at - 1) => return Some((Marker::Multiple, at + 1)),
        _ => {}
    }
    if token.han().is_some() {
        return chinese::unit_at(tokens, at, year_shaped);
    }
    let (word, index) = linked_word(tokens, at)?;
    let phrases: [(&[&str], Marker); 5] = [
        (&["per", "cent"], Marker::Percent),
        (&["percentage", "points"], Marker::Percent),
        (&["percentage", "point"], Marker::Percent),
        (&["us", "dollars"], Marker::Money("USD")),
        (&["times"], Marker::Multiple),
    ];
    for (words, marker) in phrases {
        if let Some(next) = words_at(tokens, index, words) {
            return Some((marker, next));
        }
    }
    let is_fold = word == "fold" && index > at;
    let marker = if is_fold {
        Some(Marker::Multiple)
    } else {
        unit_word(word)
    };
    let next = index + 1;
    let sterling = words_at(tokens, next, &["sterling"]).filter(|_| word.starts_with("pound"));
    marker.map(|marker| (marker, sterling.unwrap_or(next)))
}

/// A phrase starting with a word: "twice", "fivefold", "half", "two-thirds",
/// "twenty-five", "a million".
fn word_measure(tokens: &[Token], at: usize, word: &str) -> Option<Measure> {
    if let Some(factor) = vocab::multiple_word(word) {
        let digit_follows =
            linked_word(tokens, at + 1).is_some_and(|(next, _)| matches!(next, "digit" | "digits"));
        return (!digit_follows).then(|| Measure::complete(factor, Marker::Multiple, at + 1));
    }
    let scale_after_a = words_at(tokens, at + 1, &["a"])
        .and_then(|index| tokens.get(index)?.word())
        .and_then(vocab::scale_word);
    if word == "half" && scale_after_a.is_some() {
        return finish_measure(tokens, Measure::number(0.5, at + 2)); // "half a million"
    }
    if let Some(fraction) = super::words::fraction_at(tokens, at) {
        return Some(fraction);
    }
    let (number, next, lone) = super::words::word_number_at(tokens, at)?;
    let mut measure = Measure::number(number, next);
    measure.needs_unit = lone;
    finish_measure(tokens, measure)
}
