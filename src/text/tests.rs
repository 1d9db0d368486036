//! Unit and property tests for the analyser.

use proptest::prelude::*;

use super::*;

fn term_list(text: &str) -> Vec<String> {
    analyze(text).into_iter().map(|token| token.term).collect()
}

#[test]
fn english_is_folded_stemmed_and_stop_words_dropped() {
    assert_eq!(
        term_list("Alibaba Cloud HOSTS half of China's generative AI firms"),
        ["alibaba", "cloud", "host", "half", "china", "generat", "ai", "firm"]
    );
}

#[test]
fn negations_and_quantities_survive() {
    let tokens = analyze("It does not host more than 80% of firms, never.");
    let terms: Vec<&str> = tokens.iter().map(|token| token.term.as_str()).collect();
    assert_eq!(
        terms,
        ["not", "host", "more", "than", "80", "firm", "never"]
    );
    assert!(tokens[0].negation && tokens[6].negation);
}

#[test]
fn numbers_lose_thousands_separators() {
    assert_eq!(term_list("1,000 and 3.5"), ["1000", "3.5"]);
}

#[test]
fn curly_apostrophes_fold() {
    assert_eq!(
        term_list("McDonald’s doesn’t"),
        term_list("McDonald's doesn't")
    );
}

#[test]
fn nfkc_folds_fullwidth_and_ligatures() {
    assert_eq!(term_list("ＡＩ ﬁrms"), ["ai", "firm"]);
}

#[test]
fn chinese_becomes_bigrams_with_spans() {
    let text = "阿里云 hosts 公司";
    let tokens = analyze(text);
    let terms: Vec<&str> = tokens.iter().map(|token| token.term.as_str()).collect();
    assert_eq!(terms, ["阿里", "里云", "host", "公司"]);
    assert_eq!(tokens[0].span.slice(text), Some("阿里"));
    assert_eq!(tokens[3].span.slice(text), Some("公司"));
}

#[test]
fn lone_cjk_character_is_a_term() {
    assert_eq!(term_list("云"), ["云"]);
}

#[test]
fn char_offsets_count_code_points() {
    let text = "阿里 cloud";
    let cloud = analyze(text).pop().unwrap();
    let span = CharSpan::of(text, cloud.span);
    assert_eq!(span.start.get(), 3);
    assert_eq!(span.end.get(), 8);
}

/// 〇 stays out of `is_cjk` (see its doc): it is a term of its own and
/// counts as a non-CJK letter, exactly as before `is_cjk` was shared with
/// the quantity lexer (which still reads 二〇一九年 as the year 2019).
#[test]
fn ideographic_zero_keeps_its_search_terms_and_language() {
    assert_eq!(term_list("二〇一九年"), ["二", "〇", "一九", "九年"]);
    assert_eq!(crate::model::detect_language("二〇〇〇"), "en");
    assert_eq!(crate::model::detect_language("二〇一九年"), "zh");
}

proptest! {
    #[test]
    fn spans_are_char_boundaries_in_order(text in "\\PC{0,80}") {
        let tokens = analyze(&text);
        let mut previous_start = ByteOffset(0);
        for token in &tokens {
            let ByteSpan { start, end } = token.span;
            prop_assert!(start < end && end.0 <= text.len());
            prop_assert!(text.is_char_boundary(start.0) && text.is_char_boundary(end.0));
            prop_assert!(start >= previous_start);
            prop_assert!(!token.term.is_empty());
            previous_start = start;
        }
    }

    #[test]
    fn code_point_spans_cover_the_same_text(text in "[a-z0-9 阿里云公司😀🚀é\u{301}]{0,40}|\\PC{0,40}") {
        for token in analyze(&text) {
            let span = CharSpan::of(&text, token.span);
            let (start, end) = (span.start.get(), span.end.get());
            let by_code_points: String = text.chars().skip(start).take(end - start).collect();
            prop_assert_eq!(Some(by_code_points.as_str()), token.span.slice(&text));
        }
    }

    #[test]
    fn analysis_is_case_insensitive(text in "[a-zA-Z ]{0,60}") {
        prop_assert_eq!(term_list(&text), term_list(&text.to_uppercase()));
    }

    #[test]
    fn terms_are_folded_single_words(text in "\\PC{0,60}") {
        for token in analyze(&text) {
            prop_assert!(!token.term.chars().any(char::is_whitespace), "{:?}", token.term);
            prop_assert_eq!(token.term.to_lowercase(), token.term.clone());
        }
    }

    #[test]
    fn any_unicode_never_panics(text in any::<String>()) {
        let _ = analyze(&text);
        let _ = crate::model::detect_language(&text);
    }
}
