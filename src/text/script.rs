//! Which characters belong to scripts written without spaces between words.
//!
//! One predicate, shared by the analyser (CJK runs become bigrams), language
//! detection (`model::detect_language`) and the quantity lexer (Han
//! characters are read one by one), so the three cannot drift apart.

/// True for Han ideographs, kana and other scripts written without spaces
/// between words, which are indexed as character bigrams.
///
/// 〇 (U+3007, ideographic number zero) is deliberately *not* included,
/// although it is a Han numeral. It is alphabetic, so today it is indexed as
/// a term of its own ("二〇一九年" → 二, 〇, 一九, 九年) and counts as a
/// non-CJK letter in `detect_language`; counting it here would change both
/// the search terms and the detected language of any text containing it.
/// The quantity lexer, which must read 〇 as a digit, adds it explicitly
/// (see `quantity::lexer`).
pub fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0x20000..=0x2FA1F // extensions B-F, compatibility supplement
    )
}

#[cfg(test)]
mod tests {
    use super::is_cjk;

    #[test]
    fn han_and_kana_are_cjk() {
        assert!(['阿', 'ひ', 'カ', '㐀', '豈', '𠀀'].into_iter().all(is_cjk));
    }

    #[test]
    fn latin_digits_and_ideographic_zero_are_not() {
        assert!(!['a', 'É', '5', '５', '、', '〇'].into_iter().any(is_cjk));
    }
}
