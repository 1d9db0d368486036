//! Unit and property tests for the sentence segmenter.

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;

fn texts(text: &str) -> Vec<String> {
    split(text)
        .into_iter()
        .map(|sentence| sentence.text)
        .collect()
}

/// Pushes `text` one character at a time, then finishes.
fn by_chars(segmenter: &mut Segmenter, text: &str) -> Result<Vec<Sentence>, TooLong> {
    let mut sentences = Vec::new();
    for (at, ch) in text.char_indices() {
        sentences.extend(segmenter.push(&text[at..at + ch.len_utf8()])?);
    }
    sentences.extend(segmenter.finish());
    Ok(sentences)
}

/// Each sentence is the stream's characters at its span, trimmed and not
/// empty, and the spans are in order without overlap.
fn assert_spans(text: &str, sentences: &[Sentence]) {
    let chars: Vec<char> = text.chars().collect();
    let mut previous_end = 0;
    for sentence in sentences {
        let at_span: String = chars[sentence.start..sentence.end].iter().collect();
        assert_eq!(at_span, sentence.text);
        assert_eq!(sentence.text.trim(), sentence.text);
        assert!(!sentence.text.is_empty());
        assert!(sentence.start >= previous_end);
        previous_end = sentence.end;
    }
}

#[test]
fn english_terminals_end_sentences() {
    assert_eq!(
        texts("Hello there. How are you? Fine! Great… Really?! Yes"),
        [
            "Hello there.",
            "How are you?",
            "Fine!",
            "Great…",
            "Really?!",
            "Yes"
        ]
    );
}

#[test]
fn a_lowercase_word_or_more_punctuation_continues_the_sentence() {
    assert_eq!(
        texts("Fruit, e.g. the apple. Wait... and then it came. So . . . Then"),
        [
            "Fruit, e.g. the apple.",
            "Wait... and then it came.",
            "So . . .",
            "Then"
        ]
    );
    assert_eq!(texts("Where? he asked."), ["Where? he asked."]);
}

#[test]
fn no_boundary_after_titles_and_latin_abbreviations() {
    assert_eq!(
        texts("Mr. Smith met Dr. Jones and Prof. Lee. They talked."),
        ["Mr. Smith met Dr. Jones and Prof. Lee.", "They talked."]
    );
    assert_eq!(
        texts("St. Louis vs. Boston at 5 p.m. Sharp, i.e. Friday, Gen. Grant said. Ok"),
        [
            "St. Louis vs. Boston at 5 p.m. Sharp, i.e. Friday, Gen. Grant said.",
            "Ok"
        ]
    );
    assert_eq!(
        texts("The U.S. Army and the U.N. Council met. Then (Mr. X) left."),
        [
            "The U.S. Army and the U.N. Council met.",
            "Then (Mr. X) left."
        ]
    );
}

#[test]
fn number_and_months_hold_only_before_a_digit() {
    assert_eq!(
        texts("No. 5 won. No. They lost."),
        ["No. 5 won.", "No.", "They lost."]
    );
    assert_eq!(
        texts("It was Jan. 5. Then came Feb. Snow fell."),
        ["It was Jan. 5.", "Then came Feb.", "Snow fell."]
    );
}

#[test]
fn etc_may_end_a_sentence() {
    assert_eq!(
        texts("Apples, pears, etc. Then we ate. Pears, etc. and more."),
        [
            "Apples, pears, etc.",
            "Then we ate.",
            "Pears, etc. and more."
        ]
    );
}

#[test]
fn initials_hold_but_the_pronoun_i_ends() {
    assert_eq!(
        texts("J. R. R. Tolkien wrote it. J.R.R. Tolkien did. So did I. Then we left."),
        [
            "J. R. R. Tolkien wrote it.",
            "J.R.R. Tolkien did.",
            "So did I.",
            "Then we left."
        ]
    );
}

#[test]
fn decimals_and_versions_never_split() {
    assert_eq!(
        texts("Version 3.5 is out. Use v1.2 now.It costs $4.99 today."),
        ["Version 3.5 is out.", "Use v1.2 now.It costs $4.99 today."]
    );
}

#[test]
fn closing_quotes_and_brackets_after_the_terminal() {
    assert_eq!(
        texts("He said \"Stop.\" Then he left. (See above.) Next 'Go.' Now “Why?” Because."),
        [
            "He said \"Stop.\"",
            "Then he left.",
            "(See above.)",
            "Next 'Go.'",
            "Now “Why?”",
            "Because."
        ]
    );
    assert_eq!(
        texts("He said \"Hi.\" she nodded."),
        ["He said \"Hi.\" she nodded."]
    );
}

#[test]
fn chinese_terminals_need_no_space() {
    assert_eq!(
        texts("今天天气很好。我们去公园吧！你来吗？真的吗？！不会吧。"),
        [
            "今天天气很好。",
            "我们去公园吧！",
            "你来吗？",
            "真的吗？！",
            "不会吧。"
        ]
    );
    assert_eq!(
        texts("他说：“你好！”她笑了。「走吧。」好"),
        ["他说：“你好！”", "她笑了。", "「走吧。」", "好"]
    );
    assert_eq!(texts("好。and then"), ["好。", "and then"]);
}

#[test]
fn mixed_english_and_chinese() {
    assert_eq!(
        texts("He said 你好。Then left. 我们走吧！ OK. 价格是3.5元。v1.2 works."),
        [
            "He said 你好。",
            "Then left.",
            "我们走吧！",
            "OK.",
            "价格是3.5元。",
            "v1.2 works."
        ]
    );
}

#[test]
fn a_blank_line_ends_a_sentence_and_a_single_line_break_does_not() {
    assert_eq!(
        texts("Title\n\nFirst line\nstill first. Second \n \t\n Third\r\n\r\nFourth\u{2029}Fifth"),
        [
            "Title",
            "First line\nstill first.",
            "Second",
            "Third",
            "Fourth",
            "Fifth"
        ]
    );
    assert_eq!(texts("Dr.\n\nSmith"), ["Dr.", "Smith"]);
}

#[test]
fn punctuation_only_sentences_are_dropped_but_counted() {
    let text = "Hi.\n\n---\n\n“”\n\n。 Bye.";
    let sentences = split(text);
    let spans: Vec<_> = sentences
        .iter()
        .map(|sentence| (sentence.text.as_str(), sentence.start, sentence.end))
        .collect();
    assert_eq!(spans, [("Hi.", 0, 3), ("Bye.", 16, 20)]);
    assert_spans(text, &sentences);
    assert!(split("  \n\n ... !!! ").is_empty());
    assert_eq!(texts("👍"), ["👍"]);
}

#[test]
fn offsets_are_code_points_of_the_trimmed_text() {
    let text = "  Ünïcödé “quotes.” Next—one…  你好。\n\n  Last 😀 one  ";
    let sentences = split(text);
    assert_eq!(sentences.len(), 4);
    assert_eq!((sentences[0].start, sentences[0].end), (2, 19));
    assert_spans(text, &sentences);
}

#[test]
fn a_sentence_is_held_until_its_end_is_certain() {
    let mut segmenter = Segmenter::new(100);
    assert_eq!(segmenter.push("Hello. ").unwrap(), []);
    assert_eq!(segmenter.pending_chars(), 6);
    let done = segmenter.push("W").unwrap();
    assert_eq!(done[0].text, "Hello.");
    assert_eq!(segmenter.pending_chars(), 1);
    assert_eq!(segmenter.push("orld. and 你好。").unwrap(), []);
    assert_eq!(segmenter.push("”").unwrap(), []);
    let done = segmenter.push("他").unwrap();
    assert_eq!(done[0].text, "World. and 你好。”");
    assert_eq!(segmenter.finish().unwrap().text, "他");
    assert_eq!(segmenter.finish(), None);
}

#[test]
fn flush_ends_the_sentence_and_offsets_continue() {
    let mut segmenter = Segmenter::new(100);
    assert_eq!(segmenter.push("Hello there Mr.").unwrap(), []);
    let first = segmenter.flush().unwrap();
    assert_eq!(
        (first.text.as_str(), first.start, first.end),
        ("Hello there Mr.", 0, 15)
    );
    assert_eq!(segmenter.flush(), None);
    assert_eq!(segmenter.push("   \n").unwrap(), []);
    assert_eq!(segmenter.flush(), None);
    assert_eq!(segmenter.push(" Smith? yes I am. ").unwrap(), []);
    let second = segmenter.flush().unwrap();
    assert_eq!(
        (second.text.as_str(), second.start, second.end),
        ("Smith? yes I am.", 20, 36)
    );
    let third = segmenter.push("Yes. No").unwrap();
    assert_eq!((third[0].text.as_str(), third[0].start), ("Yes.", 37));
    assert_eq!(segmenter.finish().unwrap().start, 42);
}

#[test]
fn a_sentence_past_the_limit_is_an_error() {
    let mut segmenter = Segmenter::new(10);
    let error = segmenter.push("Hello world, again").unwrap_err();
    assert_eq!(error, TooLong { limit: 10 });
    assert_eq!(
        error.to_string(),
        "a sentence ran past 10 characters without ending"
    );
    assert_eq!(
        split_with_limit("Short. Tiny. 0123456789", 10)
            .unwrap()
            .len(),
        3
    );
    assert!(split_with_limit("Short. Tiny. 0123456789x", 10).is_err());
}

#[test]
fn whitespace_counts_toward_the_limit_only_inside_a_sentence() {
    let spaces = " ".repeat(1_000);
    let mut segmenter = Segmenter::new(5);
    assert_eq!(
        segmenter.push(&format!("{spaces}Hello{spaces}")).unwrap(),
        []
    );
    assert_eq!(segmenter.pending_chars(), 5);
    let last = segmenter.finish().unwrap();
    assert_eq!(
        (last.text.as_str(), last.start, last.end),
        ("Hello", 1_000, 1_005)
    );
    let text = format!("Hi.{spaces}Yo.{spaces}\n\nHey");
    assert_eq!(split_with_limit(&text, 5).unwrap().len(), 3);
    assert!(split_with_limit(&format!("Hi{spaces}x"), 5).is_err());
    assert!(split_with_limit(&format!("Hi.{spaces}x"), 5).is_err());
}

#[test]
fn a_thousand_sentences() {
    let text: String = (0..1_000)
        .map(|at| match at % 4 {
            0 => format!("Sentence {at} is here. "),
            1 => format!("Mr. Smith said {at}.5 twice! "),
            2 => format!("第{at}句。"),
            _ => format!("Is it {at}?\n\n"),
        })
        .collect();
    let sentences = split(&text);
    assert_eq!(sentences.len(), 1_000);
    assert_spans(&text, &sentences);
}

#[test]
fn one_character_pushes_are_linear() {
    let text = "Mr. Smith said “hello.” 你好。 ".repeat(7_200);
    assert!(text.chars().count() >= 200_000);
    let mut segmenter = Segmenter::new(1_000);
    assert_eq!(by_chars(&mut segmenter, &text).unwrap(), split(&text));
    // One long sentence that never ends until the stream does.
    let long = "word ".repeat(40_000);
    let mut segmenter = Segmenter::new(usize::MAX);
    let sentences = by_chars(&mut segmenter, &long).unwrap();
    assert_eq!(sentences.len(), 1);
    assert_eq!(sentences[0].end, 199_999);
}

const VOCABULARY: &[&str] = &[
    "Hello", "world", "the", "and", "Then", "It", "I", "Mr.", "Dr.", "Prof.", "St.", "vs.", "e.g.",
    "i.e.", "a.m.", "U.S.", "J.", "etc.", "No.", "Jan.", "5", "3.5", "v1.2", ".", "!", "?", "?!",
    "...", "…", ". . .", "\"", "'", "(", ")", "”", "“", "said.\"", "ok.)", "你好", "我们", "。",
    "！", "？", "”", "」", "「", "naïve", "Ünï", "😀", "\n", "\n\n", " \n \n", "\r\n\r\n",
    "\u{3000}", "\u{2029}", "  ", "\r",
];
const SEPARATORS: &[&str] = &["", " ", " ", " ", "\n", "  "];

/// Texts from the vocabulary, and cut points as char positions.
fn text_and_cuts() -> impl Strategy<Value = (String, Vec<usize>)> {
    let words = prop::collection::vec((any::<Index>(), any::<Index>()), 0..40);
    let cuts = prop::collection::vec(any::<Index>(), 0..12);
    (words, cuts).prop_map(|(words, cuts)| {
        let text: String = words
            .iter()
            .flat_map(|(word, sep)| [word.get(VOCABULARY), sep.get(SEPARATORS)])
            .copied()
            .collect();
        let chars = text.chars().count() + 1;
        let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(chars)).collect();
        cuts.sort_unstable();
        cuts.dedup();
        (text, cuts)
    })
}

/// Pushes `text` cut at the char positions `cuts`, then finishes.
fn by_pieces(text: &str, cuts: &[usize], limit: usize) -> Result<Vec<Sentence>, TooLong> {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .collect();
    let mut segmenter = Segmenter::new(limit);
    let mut sentences = Vec::new();
    let mut from = 0;
    for &cut in cuts.iter().chain([&(bytes.len() - 1)]) {
        sentences.extend(segmenter.push(&text[bytes[from]..bytes[cut]])?);
        from = cut;
    }
    sentences.extend(segmenter.finish());
    Ok(sentences)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chunking_does_not_change_the_sentences((text, cuts) in text_and_cuts()) {
        let whole = split(&text);
        prop_assert_eq!(&by_pieces(&text, &cuts, usize::MAX).unwrap(), &whole);
        assert_spans(&text, &whole);
        // A sentence read alone is itself.
        for sentence in &whole {
            let alone = split(&sentence.text);
            prop_assert_eq!(alone.len(), 1);
            prop_assert_eq!(&alone[0].text, &sentence.text);
        }
    }

    #[test]
    fn chunking_does_not_change_the_limit_error(
        (text, cuts) in text_and_cuts(),
        limit in 0usize..40,
    ) {
        prop_assert_eq!(by_pieces(&text, &cuts, limit), split_with_limit(&text, limit));
    }
}
