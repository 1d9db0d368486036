//! Fact-checkers' ratings on one ordered scale. A review keeps its rating
//! exactly as published ("Pants on Fire", "Mixture", "Faux", "不实"); this
//! module reads such a label, or a ClaimReview numeric rating, onto
//! [`NormalizedRating`]. A label it does not know gives `None` (the caller
//! records OTHER and counts it): it is never guessed.
//!
//! Covered: PolitiFact's Truth-O-Meter (as published and as the LIAR data
//! spells it) and Flip-O-Meter; Snopes' ratings; the short verdicts of AFP,
//! Full Fact and others, and Full Fact's one-sentence verdicts ("This is
//! incorrect."); the label families of X-Fact for Spanish, Portuguese,
//! French, German, Italian and Chinese; numeric `ratingValue` between
//! `worstRating` and `bestRating`.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// A rating on factdesk's scale: five ordered values, truest first, then
/// three classes off the scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NormalizedRating {
    True,
    MostlyTrue,
    /// Half true, misleading, lacks context, cherry-picked.
    Mixed,
    /// Mostly false; PolitiFact's "barely true".
    MostlyFalse,
    /// False, fabricated, pants on fire, fake.
    False,
    /// Unproven, no evidence either way.
    Unproven,
    /// Satire, or labelled satire.
    Satire,
    /// Off the scale: flip-flops, outdated, miscaptioned, misattributed,
    /// and every label the normaliser does not know.
    Other,
}

impl NormalizedRating {
    /// The name clients see ("FALSE", "MOSTLY_TRUE").
    pub fn name(self) -> &'static str {
        match self {
            NormalizedRating::True => "TRUE",
            NormalizedRating::MostlyTrue => "MOSTLY_TRUE",
            NormalizedRating::Mixed => "MIXED",
            NormalizedRating::MostlyFalse => "MOSTLY_FALSE",
            NormalizedRating::False => "FALSE",
            NormalizedRating::Unproven => "UNPROVEN",
            NormalizedRating::Satire => "SATIRE",
            NormalizedRating::Other => "OTHER",
        }
    }

    /// The rating named by [`NormalizedRating::name`].
    pub fn from_name(name: &str) -> Option<NormalizedRating> {
        ALL.iter().copied().find(|rating| rating.name() == name)
    }

    /// +1 for TRUE and MOSTLY_TRUE, −1 for MOSTLY_FALSE and FALSE, 0 for
    /// MIXED, `None` off the scale.
    pub fn polarity(self) -> Option<i8> {
        match self {
            NormalizedRating::True | NormalizedRating::MostlyTrue => Some(1),
            NormalizedRating::Mixed => Some(0),
            NormalizedRating::MostlyFalse | NormalizedRating::False => Some(-1),
            NormalizedRating::Unproven | NormalizedRating::Satire | NormalizedRating::Other => None,
        }
    }
}

/// Every rating, in scale order.
const ALL: [NormalizedRating; 8] = [
    NormalizedRating::True,
    NormalizedRating::MostlyTrue,
    NormalizedRating::Mixed,
    NormalizedRating::MostlyFalse,
    NormalizedRating::False,
    NormalizedRating::Unproven,
    NormalizedRating::Satire,
    NormalizedRating::Other,
];

/// Labels read as they are, after [`fold`]. Longer lists of synonyms live
/// in the free-text rules below.
const LABELS: &[(&str, NormalizedRating)] = {
    use NormalizedRating::*;
    &[
        // PolitiFact Truth-O-Meter, as published and as LIAR spells it.
        ("true", True),
        ("mostly true", MostlyTrue),
        ("half true", Mixed),
        ("mostly false", MostlyFalse),
        ("barely true", MostlyFalse),
        ("false", False),
        ("pants on fire", False),
        ("pants fire", False),
        // PolitiFact Flip-O-Meter: about consistency, not truth.
        ("no flip", Other),
        ("half flip", Other),
        ("full flop", Other),
        // Snopes.
        ("mixture", Mixed),
        ("unproven", Unproven),
        ("miscaptioned", Other),
        ("misattributed", Other),
        ("correct attribution", True),
        ("satire", Satire),
        ("labeled satire", Satire),
        ("labelled satire", Satire),
        ("outdated", Other),
        ("scam", False),
        ("legend", Unproven),
        ("research in progress", Other),
        ("originated as satire", Satire),
        // Short verdicts of AFP, Full Fact, Reuters, Lead Stories, and others.
        ("correct", True),
        ("accurate", True),
        ("mostly correct", MostlyTrue),
        ("mostly accurate", MostlyTrue),
        ("largely accurate", MostlyTrue),
        ("partly true", Mixed),
        ("partly false", Mixed),
        ("partially true", Mixed),
        ("partially false", Mixed),
        ("half truth", Mixed),
        ("mixed", Mixed),
        ("misleading", Mixed),
        ("missing context", Mixed),
        ("lacks context", Mixed),
        ("needs context", Mixed),
        ("cherry picked", Mixed),
        ("exaggerated", Mixed),
        ("incorrect", False),
        ("inaccurate", False),
        ("wrong", False),
        ("fake", False),
        ("fabricated", False),
        ("hoax", False),
        ("altered", False),
        ("manipulated", False),
        ("doctored", False),
        ("false headline", False),
        // The Washington Post's Pinocchios.
        ("geppetto checkmark", True),
        ("one pinocchio", MostlyTrue),
        ("two pinocchios", Mixed),
        ("three pinocchios", MostlyFalse),
        ("four pinocchios", False),
        ("no evidence", Unproven),
        ("unverified", Unproven),
        ("unsubstantiated", Unproven),
        ("unsupported", Unproven),
        ("not proven", Unproven),
        // Spanish.
        ("verdadero", True),
        ("cierto", True),
        ("mayormente verdadero", MostlyTrue),
        ("verdad a medias", Mixed),
        ("verdadero a medias", Mixed),
        ("enganoso", Mixed),
        ("impreciso", Mixed),
        ("mayormente falso", MostlyFalse),
        ("falso", False),
        ("falsa", False),
        ("bulo", False),
        ("sin evidencia", Unproven),
        ("inverificable", Unproven),
        ("satira", Satire),
        // Portuguese.
        ("verdadeiro", True),
        ("verdade", True),
        ("em grande parte verdadeiro", MostlyTrue),
        ("meia verdade", Mixed),
        ("parcialmente verdadeiro", Mixed),
        ("parcialmente falso", Mixed),
        ("distorcido", Mixed),
        ("exagerado", Mixed),
        ("boato", False),
        ("insustentavel", Unproven),
        ("sem provas", Unproven),
        // French.
        ("vrai", True),
        ("plutot vrai", MostlyTrue),
        ("trompeur", Mixed),
        ("partiellement vrai", Mixed),
        ("partiellement faux", Mixed),
        ("a nuancer", Mixed),
        ("manque de contexte", Mixed),
        ("plutot faux", MostlyFalse),
        ("faux", False),
        ("fausse", False),
        ("infonde", Unproven),
        ("inverifiable", Unproven),
        // German.
        ("richtig", True),
        ("wahr", True),
        ("uberwiegend richtig", MostlyTrue),
        ("halb wahr", Mixed),
        ("teilweise richtig", Mixed),
        ("teilweise falsch", Mixed),
        ("irrefuhrend", Mixed),
        ("fehlender kontext", Mixed),
        ("uberwiegend falsch", MostlyFalse),
        ("falsch", False),
        ("frei erfunden", False),
        ("unbelegt", Unproven),
        // Italian.
        ("vero", True),
        ("corretto", True),
        ("c'eri quasi", MostlyTrue),
        ("quasi vero", MostlyTrue),
        ("ni", Mixed),
        ("fuorviante", Mixed),
        ("parzialmente vero", Mixed),
        ("parzialmente falso", Mixed),
        ("pinocchio andante", False),
        ("panzana pazzesca", False),
        ("infondato", Unproven),
        // Chinese.
        ("真实", True),
        ("正确", True),
        ("属实", True),
        ("基本属实", MostlyTrue),
        ("大致正确", MostlyTrue),
        ("部分正确", Mixed),
        ("部分错误", Mixed),
        ("半真半假", Mixed),
        ("误导", Mixed),
        ("缺乏背景", Mixed),
        ("断章取义", Mixed),
        ("基本不实", MostlyFalse),
        ("大部分错误", MostlyFalse),
        ("不实", False),
        ("错误", False),
        ("虚假", False),
        ("谣言", False),
        ("伪造", False),
        ("无法证实", Unproven),
        ("未经证实", Unproven),
        ("证据不足", Unproven),
        ("讽刺", Satire),
    ]
};

/// Phrases searched for, in order, in a verdict written as a sentence
/// ("This is incorrect. The figure is..."); the first that occurs as whole
/// words (a trailing `*` matches any ending) decides. Negated forms come
/// before the words they contain.
const SENTENCE_RULES: &[(&str, NormalizedRating)] = {
    use NormalizedRating::*;
    &[
        ("no evidence", Unproven),
        ("not enough evidence", Unproven),
        ("unclear", Unproven),
        ("not true", False),
        ("not correct", False),
        ("not accurate", False),
        ("not right", False),
        ("isn t true", False),
        ("isn t correct", False),
        ("isn t right", False),
        ("incorrect", False),
        ("inaccurate", False),
        ("false", False),
        ("wrong", False),
        ("fake", False),
        ("misleading", Mixed),
        ("missing context", Mixed),
        ("more complicated", Mixed),
        ("partly", Mixed),
        ("exaggerat*", Mixed),
        ("broadly correct", MostlyTrue),
        ("mostly correct", MostlyTrue),
        ("largely correct", MostlyTrue),
        ("broadly right", MostlyTrue),
        ("correct", True),
        ("accurate", True),
        ("true", True),
        ("right", True),
    ]
};

/// [`LABELS`] folded, built on first use.
static FOLDED_LABELS: LazyLock<HashMap<String, NormalizedRating>> = LazyLock::new(|| {
    LABELS
        .iter()
        .map(|(label, rating)| (fold(label), *rating))
        .collect()
});

/// A label folded for lookup: NFKC, lower case, accents on Latin letters
/// dropped, everything but letters and digits (hyphens, apostrophes, dots)
/// turned to spaces, spaces collapsed: "Pants-on-Fire!" → "pants on fire".
pub fn fold(label: &str) -> String {
    let lowered: String = label
        .nfkd()
        .filter(|ch| !('\u{300}'..='\u{36f}').contains(ch))
        .collect::<String>()
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|ch| if ch.is_alphanumeric() { ch } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The normalised form of a published textual rating, or `None` when the
/// label is unknown.
pub fn normalize_label(label: &str) -> Option<NormalizedRating> {
    let folded = fold(label);
    if folded.is_empty() {
        return None;
    }
    if let Some(rating) = FOLDED_LABELS.get(&folded) {
        return Some(*rating);
    }
    // A sentence ("This is incorrect."): at least three words.
    if folded.split(' ').count() < 3 {
        return None;
    }
    let padded = format!(" {folded} ");
    SENTENCE_RULES
        .iter()
        .find(|(phrase, _)| match phrase.strip_suffix('*') {
            Some(prefix) => padded.contains(&format!(" {prefix}")),
            None => padded.contains(&format!(" {phrase} ")),
        })
        .map(|(_, rating)| *rating)
}

/// The normalised form of a numeric rating (`ratingValue` between
/// `worstRating` and `bestRating`, either way round), or `None` when the
/// numbers do not make a scale.
pub fn normalize_numeric(value: f64, best: f64, worst: f64) -> Option<NormalizedRating> {
    if !(value.is_finite() && best.is_finite() && worst.is_finite()) || best == worst {
        return None;
    }
    let position = (value - worst) / (best - worst);
    if !(0.0..=1.0).contains(&position) {
        return None;
    }
    Some(match (position * 4.0).round() as u8 {
        0 => NormalizedRating::False,
        1 => NormalizedRating::MostlyFalse,
        2 => NormalizedRating::Mixed,
        3 => NormalizedRating::MostlyTrue,
        _ => NormalizedRating::True,
    })
}

#[cfg(test)]
mod tests;
