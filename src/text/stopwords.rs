//! The hand-picked stop list and the negation words.
//!
//! Generic stop-word lists drop "not", "no", "more", "half"... which decide
//! whether a claim agrees with a statement, so the list is short and written
//! here: only function words that carry no claim content.

/// Function words dropped from terms (checked after case folding, before
/// stemming). Never negations or quantity words.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but", "by", "did", "do",
    "does", "for", "from", "had", "has", "have", "he", "her", "him", "his", "i", "if", "in",
    "into", "is", "it", "it's", "its", "me", "my", "of", "on", "or", "our", "she", "so", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we",
    "were", "what", "which", "who", "whom", "will", "with", "would", "you", "your",
];

/// Words that negate what they govern. Kept as terms, and reported.
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "none",
    "nobody",
    "nothing",
    "neither",
    "nor",
    "without",
    "cannot",
    "can't",
    // Contractions as transcripts and some archives spell them, without the
    // apostrophe ("didnt", "wasnt").
    "didnt",
    "doesnt",
    "dont",
    "isnt",
    "wasnt",
    "werent",
    "arent",
    "hasnt",
    "havent",
    "hadnt",
    "couldnt",
    "wouldnt",
    "shouldnt",
    "wont",
    "cant",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "won't",
    "wouldn't",
    "hasn't",
    "haven't",
    "hadn't",
    "shouldn't",
    "couldn't",
    "n't",
    "不",
    "没",
    "没有",
    "未",
    "无",
    "非",
    "不是",
    "从未",
];

/// Nationality and people words mapped to their place, so "Chinese firms"
/// meets "China's firms" (checked after case folding, before stemming).
const DEMONYMS: &[(&str, &str)] = &[
    ("chinese", "china"),
    ("american", "america"),
    ("americans", "america"),
    ("british", "britain"),
    ("french", "france"),
    ("german", "germany"),
    ("germans", "germany"),
    ("japanese", "japan"),
    ("russian", "russia"),
    ("russians", "russia"),
    ("indian", "india"),
    ("indians", "india"),
    ("mexican", "mexico"),
    ("mexicans", "mexico"),
    ("canadian", "canada"),
    ("canadians", "canada"),
    ("israeli", "israel"),
    ("israelis", "israel"),
    ("iranian", "iran"),
    ("iranians", "iran"),
    ("korean", "korea"),
    ("koreans", "korea"),
    ("european", "europe"),
    ("europeans", "europe"),
    ("african", "africa"),
    ("africans", "africa"),
    ("ukrainian", "ukraine"),
    ("ukrainians", "ukraine"),
    ("syrian", "syria"),
    ("syrians", "syria"),
    ("iraqi", "iraq"),
    ("iraqis", "iraq"),
    ("brazilian", "brazil"),
    ("australian", "australia"),
    ("australians", "australia"),
];

/// The place a nationality word names ("chinese" → "china"), if listed.
pub fn demonym_place(word: &str) -> Option<&'static str> {
    DEMONYMS
        .iter()
        .find(|(demonym, _)| *demonym == word)
        .map(|(_, place)| *place)
}

/// Title and institution abbreviations as reporters write them ("Sen.
/// Barbara Boxer", "Gov. Walker"), read as the full word, so "Sen." meets
/// "senator" and "Senate".
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("sen", "senator"),
    ("rep", "representative"),
    ("gov", "governor"),
    ("govt", "government"),
    ("pres", "president"),
    ("dept", "department"),
    ("natl", "national"),
    ("intl", "international"),
    ("univ", "university"),
    ("corp", "corporation"),
];

/// The full word an abbreviation stands for ("sen" → "senator"), if listed.
pub fn abbreviation(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .iter()
        .find(|(short, _)| *short == word)
        .map(|(_, full)| *full)
}

/// True for the hand-picked function words (input already case-folded).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Chinese bigrams that start with a negating character but do not negate
/// ("未来" is "future", "不断" is "continuously").
const CJK_NOT_NEGATIONS: &[&str] = &["未来", "不断", "不仅", "不过", "不同", "不少", "不错"];

/// True for negation words (input already case-folded; ’ folded to '), and
/// for CJK bigrams led by 不, 没 or 未 (不再, 没有, 未能).
pub fn is_negation(word: &str) -> bool {
    if NEGATIONS.contains(&word) || word.ends_with("n't") {
        return true;
    }
    word.starts_with(['不', '没', '未']) && !CJK_NOT_NEGATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_keeps_negations_and_quantity_words() {
        for kept in [
            "not", "no", "never", "half", "more", "less", "billion", "twice", "about",
        ] {
            assert!(!is_stop_word(kept), "{kept} must not be a stop word");
        }
        assert!(is_stop_word("the"));
    }

    #[test]
    fn negations_include_contractions() {
        assert!(is_negation("doesn't"));
        assert!(is_negation("never"));
        assert!(!is_negation("now"));
        assert!(is_negation("不再") && !is_negation("未来"));
    }
}
