//! A CheckThat! tweet cleaned as factdesk's `eval --context off` reads it.
//!
//! The `— Name (@handle) Month D, YYYY` signature is cut off, links and a
//! leading `RT @handle:` removed (a port of factdesk's src/text/post.rs).
//! factdesk also blanks the `@` of handles, the `#` of hashtags, `_` in
//! handles and emoji; tantivy's tokenizer splits on all of those already
//! (they are not alphanumeric), so they are left to it.

/// Link starts; a link runs to the next whitespace.
const LINK_MARKERS: [&str; 4] = ["https://", "http://", "pic.twitter.com/", "www."];
/// Separators a tweet signature starts with.
const SIGNATURE_DASHES: [&str; 4] = [" — ", " – ", " - ", " -- "];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The tweet without its signature, links and retweet mark; the tweet as
/// sent when nothing would be left.
pub fn clean(tweet: &str) -> String {
    let body = without_signature(tweet);
    let body = without_retweet_mark(body);
    let mut kept = String::with_capacity(body.len());
    for word in body.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        let cut = LINK_MARKERS
            .iter()
            .filter_map(|marker| lower.find(marker))
            .min()
            .unwrap_or(word.len());
        let word = &word[..cut];
        if !word.is_empty() {
            if !kept.is_empty() {
                kept.push(' ');
            }
            kept.push_str(word);
        }
    }
    if kept.chars().any(char::is_alphanumeric) {
        kept
    } else {
        tweet.to_owned()
    }
}

/// `tweet` up to a trailing `— Name (@handle) Month D, YYYY` (date optional;
/// the name at most six words), as factdesk's `text::post::signature`.
fn without_signature(tweet: &str) -> &str {
    let Some(handle_at) = tweet.rfind(" (@") else {
        return tweet;
    };
    let Some(close) = tweet[handle_at..].find(')').map(|at| handle_at + at) else {
        return tweet;
    };
    let handle = &tweet[handle_at + 3..close];
    let handle_ok = !handle.is_empty()
        && handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    let after = tweet[close + 1..].trim();
    if !handle_ok || !(after.is_empty() || is_date(after)) {
        return tweet;
    }
    let dash = SIGNATURE_DASHES
        .iter()
        .filter_map(|dash| tweet[..handle_at].rfind(dash).map(|at| (at, dash.len())))
        .max_by_key(|(at, _)| *at);
    let Some((at, dash_len)) = dash else {
        return tweet;
    };
    let author = tweet[at + dash_len..handle_at].trim();
    if author.is_empty() || author.split_whitespace().count() > 6 {
        return tweet;
    }
    &tweet[..at]
}

/// `Month D, YYYY` (the month spelt out or in three letters).
fn is_date(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let (Some(month), Some(day), Some(year), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return false;
    };
    let month = month.to_ascii_lowercase();
    let month_ok = month.len() >= 3
        && MONTHS
            .iter()
            .any(|name| *name == month || (month.len() == 3 && name.starts_with(&month)));
    let day = day.strip_suffix(',').unwrap_or("");
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    month_ok && digits(day, 1..=2) && digits(year, 4..=4)
}

/// `tweet` without a leading `RT @handle:`.
fn without_retweet_mark(tweet: &str) -> &str {
    let trimmed = tweet.trim_start();
    let Some(rest) = trimmed.strip_prefix("RT @") else {
        return tweet;
    };
    let name = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    match rest[name..].strip_prefix(':') {
        Some(after) if name > 0 => after,
        _ => tweet,
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn signature_links_and_retweet_mark_go() {
        assert_eq!(
            clean("Fact check: the Army is NOT texting. pic.twitter.com/3S32De8ekP — U.S. Army CGSC (@USACGSC) January 8, 2020"),
            "Fact check: the Army is NOT texting."
        );
        assert_eq!(
            clean("RT @news: Drone attack caught on camera.#IranUsapic.twitter.com/Tv via @Mike_Pence https://t.co/x"),
            "Drone attack caught on camera.#IranUsa via @Mike_Pence"
        );
        assert_eq!(
            clean("Prices - as @bob says (@bob) - went up"),
            "Prices - as @bob says (@bob) - went up"
        );
        assert_eq!(clean("https://t.co/abc"), "https://t.co/abc");
    }
}
