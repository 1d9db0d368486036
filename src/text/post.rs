//! Reading a social-media post exactly as pasted: links, the marks of
//! @handles and #hashtags, emoji and a trailing tweet signature ("— Name (@handle) Month D,
//! YYYY") are blanked out, one space per code point, so every offset into
//! the text still points at the same character of what the caller sent;
//! the signature's name and date are returned for the claimant and claim
//! time.

use chrono::{DateTime, NaiveDate, Utc};

/// Link starts; a link runs to the next whitespace.
const LINK_MARKERS: [&str; 4] = ["https://", "http://", "pic.twitter.com/", "www."];
/// Separators a tweet signature starts with.
const SIGNATURE_DASHES: [&str; 4] = [" — ", " – ", " - ", " -- "];

/// What [`read_post`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostReading {
    /// The text with links, handles, hashtag marks, emoji and the signature
    /// blanked: the same number of code points as the input.
    pub text: String,
    /// True when anything was blanked.
    pub changed: bool,
    /// The signature's name, when the post is signed.
    pub author: String,
    /// The signature's date (midnight UTC), when the post is signed with one.
    pub time: Option<DateTime<Utc>>,
}

impl PostReading {
    /// The text as checked, for people: blanks collapsed to single spaces.
    pub fn display_text(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Reads `text` as a pasted post; see the module docs. Text that is not a
/// post comes back unchanged (`changed` false).
pub fn read_post(text: &str) -> PostReading {
    let mut chars: Vec<char> = text.chars().collect();
    let (body_end, author, time) = match signature(text) {
        Some(signature) => (
            text[..signature.at].chars().count(),
            signature.author,
            signature.time,
        ),
        None => (chars.len(), String::new(), None),
    };
    let mut changed = body_end < chars.len();
    for blank in &mut chars[body_end..] {
        *blank = ' ';
    }
    let body = &mut chars[..body_end];
    changed |= blank_links(body);
    changed |= blank_handles_and_marks(body);
    changed |= blank_emoji(body);
    if !chars.iter().any(|c| !c.is_whitespace()) {
        // Nothing left but what was blanked: check the text as sent.
        return PostReading {
            text: text.to_owned(),
            ..PostReading::default()
        };
    }
    PostReading {
        text: chars.into_iter().collect(),
        changed,
        author,
        time,
    }
}

/// The body of `text` with its signature cut off (for callers that want
/// the text alone, without the author and date).
pub fn without_signature(text: &str) -> &str {
    signature(text).map_or(text, |signature| &text[..signature.at])
}

struct Signature {
    /// Byte offset of the dash that starts it.
    at: usize,
    author: String,
    time: Option<DateTime<Utc>>,
}

/// A trailing `— Name (@handle) Month D, YYYY` (the date optional).
fn signature(text: &str) -> Option<Signature> {
    let handle_at = text.rfind(" (@")?;
    let close = handle_at + text[handle_at..].find(')')?;
    let handle = &text[handle_at + 3..close];
    if handle.is_empty()
        || !handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let after = text[close + 1..].trim();
    let time = NaiveDate::parse_from_str(after, "%B %d, %Y")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc());
    if time.is_none() && !after.is_empty() {
        return None; // Text after the handle: not a signature.
    }
    let (at, dash) = SIGNATURE_DASHES
        .iter()
        .filter_map(|dash| text[..handle_at].rfind(dash).map(|at| (at, *dash)))
        .max_by_key(|(at, _)| *at)?;
    let author = text[at + dash.len()..handle_at].trim();
    // A name, not a sentence: a few words at most.
    if author.is_empty() || author.split_whitespace().count() > 6 {
        return None;
    }
    Some(Signature {
        at,
        author: author.to_owned(),
        time,
    })
}

/// Blanks every link (from its marker to the next whitespace), also when
/// glued to the word before it.
fn blank_links(chars: &mut [char]) -> bool {
    let mut changed = false;
    let mut start = 0;
    while start < chars.len() {
        if chars[start].is_whitespace() {
            start += 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&i| chars[i].is_whitespace())
            .unwrap_or(chars.len());
        let word: String = chars[start..end].iter().collect::<String>().to_lowercase();
        let cut = LINK_MARKERS
            .iter()
            .filter_map(|marker| word.find(marker))
            .min();
        if let Some(byte) = cut {
            let from = start + word[..byte].chars().count();
            for blank in &mut chars[from..end] {
                *blank = ' ';
            }
            changed = true;
        }
        start = end;
    }
    changed
}

/// Blanks a leading retweet mark (`RT @handle:`), the `@` of handles
/// (their names stay, underscores as spaces: handles name people and
/// outlets a statement may name too) and the `#` of hashtags.
fn blank_handles_and_marks(chars: &mut [char]) -> bool {
    let handle_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut changed = blank_retweet_mark(chars, handle_char);
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !handle_char(chars[i - 1]);
        match chars[i] {
            '@' if starts_word && chars.get(i + 1).copied().is_some_and(handle_char) => {
                chars[i] = ' ';
                i += 1;
                while i < chars.len() && handle_char(chars[i]) {
                    if chars[i] == '_' {
                        chars[i] = ' ';
                    }
                    i += 1;
                }
                changed = true;
            }
            '#' if chars.get(i + 1).is_some_and(|c| c.is_alphanumeric()) => {
                chars[i] = ' ';
                changed = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    changed
}

/// Blanks `RT @handle:` at the start.
fn blank_retweet_mark(chars: &mut [char], handle_char: impl Fn(char) -> bool) -> bool {
    let start = chars.iter().take_while(|c| c.is_whitespace()).count();
    let rest = &chars[start..];
    if !(rest.len() > 4 && rest[..4] == ['R', 'T', ' ', '@']) {
        return false;
    }
    let name = rest[4..].iter().take_while(|c| handle_char(**c)).count();
    if name == 0 || rest.get(4 + name) != Some(&':') {
        return false;
    }
    for blank in &mut chars[start..=start + 4 + name] {
        *blank = ' ';
    }
    true
}

/// Blanks emoji, their modifiers and joiners, and flags.
fn blank_emoji(chars: &mut [char]) -> bool {
    let mut changed = false;
    for c in chars.iter_mut() {
        if is_emoji(*c) {
            *c = ' ';
            changed = true;
        }
    }
    changed
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF // pictographs, emoticons, transport, flags, supplemental
        | 0x2600..=0x27BF // miscellaneous symbols and dingbats
        | 0x2B00..=0x2BFF // arrows and stars (⭐)
        | 0xFE00..=0xFE0F // variation selectors
        | 0x200D          // zero-width joiner
        | 0x20E3          // keycap
        | 0xE0020..=0xE007F // tag characters (subdivision flags)
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_signed_tweet_gives_author_time_and_a_clean_body() {
        let post = "Fact check: the Army is NOT texting. pic.twitter.com/3S32De8ekP — U.S. Army CGSC (@USACGSC) January 8, 2020";
        let reading = read_post(post);
        assert_eq!(
            reading.display_text(),
            "Fact check: the Army is NOT texting."
        );
        assert_eq!(reading.author, "U.S. Army CGSC");
        assert_eq!(
            reading.time,
            Some(Utc.with_ymd_and_hms(2020, 1, 8, 0, 0, 0).unwrap())
        );
        assert_eq!(reading.text.chars().count(), post.chars().count());
        assert!(reading.changed);
        assert_eq!(
            without_signature(post),
            "Fact check: the Army is NOT texting. pic.twitter.com/3S32De8ekP"
        );
    }

    #[test]
    fn glued_links_handles_hashtags_and_emoji_are_blanked_in_place() {
        let post = "RT @news: Drone attack caught on camera.#IranUsapic.twitter.com/Tv 🔥🔥 via @Mike_Pence https://t.co/x";
        let reading = read_post(post);
        assert_eq!(
            reading.display_text(),
            "Drone attack caught on camera. IranUsa via Mike Pence"
        );
        assert_eq!(reading.text.chars().count(), post.chars().count());
        let at = post.find("Drone").unwrap();
        let chars = post[..at].chars().count();
        assert_eq!(reading.text.chars().nth(chars), Some('D'), "offsets kept");
        assert!(reading.author.is_empty() && reading.time.is_none());
    }

    #[test]
    fn plain_claims_are_untouched() {
        for text in [
            "Unemployment fell to 3.5% in 2019.",
            "Email me at someone@example.com about the 2 - 1 vote",
            "阿里云占中国生成式AI企业的一半",
            "The plan (@ 5 percent) failed",
        ] {
            let reading = read_post(text);
            assert_eq!(reading.text, text);
            assert!(!reading.changed, "{text}");
        }
    }

    #[test]
    fn a_post_of_nothing_but_links_is_checked_as_sent() {
        let reading = read_post("https://t.co/abc");
        assert_eq!(reading.text, "https://t.co/abc");
        assert!(!reading.changed);
    }

    #[test]
    fn a_dash_in_the_text_with_a_handle_later_is_not_a_signature() {
        let text = "Prices - as @bob says (@bob) - went up";
        let reading = read_post(text);
        assert!(reading.author.is_empty());
    }
}
