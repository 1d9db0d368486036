//! Assembles whole quantity phrases: a bound before ("more than", 超过), a
//! single measure or a range ("between 40 and 50 percent", "40-50%"), a bound
//! after ("or more", 左右), then decides year versus count from context and
//! reads what the quantity counts.

use super::chinese;
use super::lexer::{glued, words_at, Token};
use super::measure::{measure_at, Marker, Measure};
use super::vocab;
use super::{Bound, Quantity, Unit};

/// A bound phrase and the index after it.
#[derive(Clone, Copy)]
struct BoundPhrase {
    /// The bound the phrase states.
    bound: Bound,
    /// "before"/"after"/"or later": only meaningful for calendar years.
    year_only: bool,
    /// Token index just past the phrase.
    next: usize,
}

/// One measure, or the two ends of a range.
struct Shape {
    /// The single measure, or the low end of a range.
    low: Measure,
    /// The high end of a range.
    high: Option<Measure>,
    /// Introduced by "between" or after "from", which also mark years.
    introduced: bool,
    /// Index of the first token of the number itself (after bound and "between").
    core: usize,
}

impl Shape {
    /// Token index just past the last measure.
    fn next(&self) -> usize {
        self.high.as_ref().unwrap_or(&self.low).next
    }

    /// The low end, then the high end if any.
    fn measures(&self) -> impl Iterator<Item = &Measure> {
        std::iter::once(&self.low).chain(self.high.as_ref())
    }
}

/// The quantity whose phrase starts at token `at`, with the index after it.
pub(super) fn quantity_at(tokens: &[Token], at: usize) -> Option<(Quantity, usize)> {
    let prefix = prefix_at(tokens, at);
    let shape = shape_at(tokens, prefix.map_or(at, |phrase| phrase.next))?;
    let mut suffix = suffix_at(tokens, shape.next());
    let mut next = suffix.map_or(shape.next(), |phrase| phrase.next);
    let is_year = is_year(tokens, &shape, prefix, next);
    if suffix.is_some_and(|phrase| phrase.year_only && !is_year) {
        suffix = None;
        next = shape.next();
    }
    if prefix.is_some_and(|phrase| phrase.year_only && !is_year) {
        return None; // "before 5 pm": let the number be read without the bound
    }
    if !shape.measures().all(Measure::stands_alone) {
        return None;
    }
    let infix = shape.measures().find_map(|measure| measure.bound);
    let bound = [prefix, suffix]
        .iter()
        .flatten()
        .map(|phrase| phrase.bound)
        .next();
    let (value, high) = values(&shape, is_year);
    let finite = value.is_finite() && high.is_none_or(f64::is_finite);
    let quantity = Quantity {
        start: tokens.get(at)?.start,
        end: tokens.get(next.checked_sub(1)?)?.end,
        value,
        high,
        unit: unit_of(&shape.low, is_year),
        bound: bound.or(infix).unwrap_or(Bound::Exact),
        counts: counts_after(tokens, next),
    };
    finite.then_some((quantity, next))
}

/// The normalised low and high values.
fn values(shape: &Shape, is_year: bool) -> (f64, Option<f64>) {
    let value_of = |measure: &Measure| {
        if is_year {
            measure.number
        } else {
            measure.value()
        }
    };
    (value_of(&shape.low), shape.high.as_ref().map(value_of))
}

/// The unit a measure's marker names.
fn unit_of(measure: &Measure, is_year: bool) -> Unit {
    if is_year {
        return Unit::Year;
    }
    match &measure.marker {
        Some(Marker::Percent) => Unit::Percent,
        Some(Marker::Money(code)) => Unit::Money((*code).to_string()),
        Some(Marker::Multiple) => Unit::Multiple,
        Some(Marker::Duration(_)) => Unit::Duration,
        Some(Marker::CalendarYear) => Unit::Year,
        None => Unit::Count,
    }
}

/// The longest bound phrase at `at`.
fn prefix_at(tokens: &[Token], at: usize) -> Option<BoundPhrase> {
    let token = tokens.get(at)?;
    if let Some(bound) = token.symbol().and_then(vocab::prefix_symbol_bound) {
        return Some(BoundPhrase {
            bound,
            year_only: false,
            next: at + 1,
        });
    }
    if token.han().is_some() {
        let (bound, next) = chinese::prefix_bound(tokens, at)?;
        return Some(BoundPhrase {
            bound,
            year_only: false,
            next,
        });
    }
    vocab::PREFIX_BOUNDS
        .iter()
        .filter_map(|&(words, bound, year_only)| {
            let next = words_at(tokens, at, words)?;
            Some(BoundPhrase {
                bound,
                year_only,
                next,
            })
        })
        .max_by_key(|phrase| phrase.next)
}

/// A bound phrase after the quantity at `at`: "or more", "+", 左右.
fn suffix_at(tokens: &[Token], at: usize) -> Option<BoundPhrase> {
    let token = tokens.get(at)?;
    if token.symbol() == Some('+') && at > 0 && glued(tokens, at - 1) {
        return Some(BoundPhrase {
            bound: Bound::AtLeast,
            year_only: false,
            next: at + 1,
        });
    }
    if token.han().is_some() {
        let (bound, next) = chinese::suffix_bound(tokens, at)?;
        return Some(BoundPhrase {
            bound,
            year_only: false,
            next,
        });
    }
    vocab::SUFFIX_BOUNDS
        .iter()
        .find_map(|&(words, bound, year_only)| {
            let next = words_at(tokens, at, words)?;
            Some(BoundPhrase {
                bound,
                year_only,
                next,
            })
        })
}

/// A range introduced at `at` by "between", a bare range ("40-50%", "35 to
/// 55 percent"), or one measure. After "from", "X to Y" is a change ("rose
/// from 5% to 10%"), not a range, unless both ends are years.
fn shape_at(tokens: &[Token], at: usize) -> Option<Shape> {
    if tokens.get(at)?.word() == Some("between") {
        let low = measure_at(tokens, at + 1)?;
        let (low, high) = range_after(tokens, low, true)?;
        let core = at + 1;
        return Some(Shape {
            low,
            high: Some(high),
            introduced: true,
            core,
        });
    }
    let low = measure_at(tokens, at)?;
    let chained = at >= 2 && hyphen_joined(tokens, at - 2);
    let after_from = at > 0 && tokens.get(at - 1).and_then(Token::word) == Some("from");
    let range = if chained {
        None
    } else {
        range_after(tokens, low.clone(), false)
            .filter(|(low, high)| !after_from || (is_bare_year(low) && is_bare_year(high)))
    };
    let (low, high) = match range {
        Some((low, high)) => (low, Some(high)),
        None => (low, None),
    };
    Some(Shape {
        low,
        high,
        introduced: after_from,
        core: at,
    })
}

/// Four bare digits that could be a year, or a year marked with 年.
fn is_bare_year(measure: &Measure) -> bool {
    let unmarked = matches!(measure.marker, None | Some(Marker::CalendarYear));
    measure.year_shaped && unmarked && measure.scale.is_none()
}

/// The separator of a range at `at` ("-", "to", 至; "and" after "between").
fn separator_at(tokens: &[Token], at: usize, allow_and: bool) -> Option<usize> {
    let token = tokens.get(at)?;
    let is_separator = match (token.symbol(), token.word(), token.han()) {
        (Some(symbol), _, _) => "-‐–—~～〜".contains(symbol),
        (_, Some(word), _) => word == "to" || (allow_and && word == "and"),
        (_, _, Some(han)) => han == '至' || han == '到',
        _ => false,
    };
    is_separator.then_some(at + 1)
}

/// True when the tokens `number - number` sit glued at `at`.
fn hyphen_joined(tokens: &[Token], at: usize) -> bool {
    let hyphen = tokens.get(at + 1).and_then(Token::symbol) == Some('-');
    let numbers = [at, at + 2]
        .iter()
        .all(|&index| tokens.get(index).is_some_and(Token::is_number));
    hyphen && numbers && glued(tokens, at) && glued(tokens, at + 1)
}

/// Completes a range after `low`, sharing unit and scale between the ends
/// ("$10-20 billion", "two to three months"). None unless the ends agree.
fn range_after(tokens: &[Token], mut low: Measure, allow_and: bool) -> Option<(Measure, Measure)> {
    let after_separator = separator_at(tokens, low.next, allow_and)?;
    let mut high = measure_at(tokens, after_separator)?;
    if high.next > 0 && hyphen_joined(tokens, high.next - 1) {
        return None; // "555-0100-2233", "2020-05-18": codes and dates, not ranges
    }
    match (&low.marker, &high.marker) {
        (None, Some(marker)) => low.marker = Some(marker.clone()),
        (Some(marker), None) => high.marker = Some(marker.clone()),
        (Some(Marker::Duration(_)), Some(Marker::Duration(_))) => {}
        (Some(left), Some(right)) if left != right => return None,
        _ => {}
    }
    if low.marker == Some(Marker::CalendarYear) && !(low.year_shaped && high.year_shaped) {
        return None;
    }
    if let (None, Some(scale)) = (low.scale, high.scale) {
        if low.number * scale <= high.value() {
            low.scale = Some(scale);
        }
    }
    (low.value() <= high.value()).then_some((low, high))
}

/// Whether the shape is a calendar year: four bare digits with no unit, in a
/// year context ("in 1913", "between 2019 and 2021", "May 2019", 2019年), or
/// standing alone; never after "more than"-style bounds.
fn is_year(tokens: &[Token], shape: &Shape, prefix: Option<BoundPhrase>, next: usize) -> bool {
    let shaped = shape
        .measures()
        .all(|measure| measure.year_shaped && measure.scale.is_none() && measure.bound.is_none());
    if !shaped {
        return false;
    }
    if shape
        .measures()
        .any(|measure| measure.marker == Some(Marker::CalendarYear))
    {
        return true;
    }
    if shape.measures().any(|measure| measure.marker.is_some()) {
        return false;
    }
    match prefix {
        Some(phrase) if phrase.year_only => return true,
        Some(phrase) if phrase.bound != Bound::Approximate => return false,
        _ => {}
    }
    let context_before = shape
        .core
        .checked_sub(1)
        .and_then(|index| tokens.get(index)?.word())
        .is_some_and(vocab::year_context_word);
    shape.introduced || context_before || stands_alone_at(tokens, next)
}

/// True when nothing the number could count follows it.
fn stands_alone_at(tokens: &[Token], next: usize) -> bool {
    match tokens.get(next) {
        None => true,
        Some(token) => token.word().is_none_or(vocab::is_function_word),
    }
}

/// Tokens looked at after a quantity when reading what it counts.
const COUNTS_WINDOW: usize = 12;

/// What the quantity counts: up to three content words after it, or the
/// next one to four Han characters (after any 的 or measure word: 名员工 → 员工).
fn counts_after(tokens: &[Token], next: usize) -> Vec<String> {
    if tokens.get(next).and_then(Token::han).is_some() {
        // Skip 的 or a pure measure word (个, 名); 人 and 家 are also the nouns.
        let skipped = tokens.get(next).and_then(Token::han).is_some_and(|ch| {
            ch == '的' || (chinese::is_classifier(ch) && !matches!(ch, '人' | '家'))
        });
        let start = next + usize::from(skipped);
        let text: String = (start..start + 4)
            .map_while(|index| {
                let glued_on = index == start || glued(tokens, index - 1);
                tokens.get(index)?.han().filter(|_| glued_on)
            })
            .collect();
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![text]
        };
    }
    let mut words = Vec::new();
    for (index, token) in tokens.iter().enumerate().skip(next).take(COUNTS_WINDOW) {
        if words.len() == 3 {
            break;
        }
        match (token.word(), token.symbol()) {
            (Some(word), _) if vocab::is_function_word(word) || vocab::is_number_word(word) => {
                break
            }
            (Some(word), _) if vocab::is_skipped_word(word) => {}
            (Some(word), _) => words.push(word.strip_suffix("'s").unwrap_or(word).to_string()),
            (_, Some('-' | '\'' | '\u{2019}')) if index > 0 && glued(tokens, index - 1) => {}
            _ => break,
        }
    }
    words
}
