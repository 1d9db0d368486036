//! SECURITY.md's table of limits says what the code enforces: each row's
//! figure is read from the document and compared with the constant.

use factdesk::model::limits::*;
use factdesk::server::{
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES,
    DEFAULT_REQUEST_BODY_TIMEOUT_SECS, DEFAULT_REQUEST_TIMEOUT_SECS, DESCRIPTOR_HEADROOM,
    HANDSHAKE_TIMEOUT,
};
use factdesk::service::wire::{MAX_DEPTH, MAX_ELEMENTS};

/// A number as the document writes it: thousands separated by commas.
fn written(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The table row (a line starting with `| `) whose first cell contains
/// `label`, as its cells.
fn row<'a>(document: &'a str, label: &str) -> Vec<&'a str> {
    let line = document
        .lines()
        .find(|line| {
            line.starts_with("| ")
                && line
                    .split('|')
                    .nth(1)
                    .is_some_and(|cell| cell.contains(label))
        })
        .unwrap_or_else(|| panic!("SECURITY.md has no limits row for {label:?}"));
    line.split('|').map(str::trim).collect()
}

#[test]
fn security_md_limits_match_the_code() {
    let document =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/SECURITY.md")).unwrap();
    let expect = |label: &str, figure: String| {
        let cells = row(&document, label);
        assert!(
            cells[2].contains(&figure) || cells[1].contains(&figure),
            "SECURITY.md row {label:?} should say {figure}: {cells:?}"
        );
    };
    expect(
        "claim text",
        format!("{} characters", written(MAX_CLAIM_CHARS)),
    );
    expect(
        "statement text, context",
        format!("{} KiB", MAX_STATEMENT_TEXT_BYTES / 1024),
    );
    expect(
        "other text fields",
        format!("{} bytes", written(MAX_FIELD_BYTES)),
    );
    expect("ids", format!("1–{MAX_ID_BYTES} bytes"));
    expect(
        "statements per `ImportStatements` message",
        written(MAX_IMPORT_BATCH),
    );
    expect(
        "documents and ClaimReview records",
        written(MAX_CLAIM_REVIEW_RECORDS),
    );
    expect(
        "rejected records listed per import",
        written(MAX_IMPORT_ERRORS_LISTED),
    );
    expect("topics per statement", written(MAX_TOPICS));
    expect("reviews per statement", written(MAX_REVIEWS));
    expect("values per filter list", written(MAX_FILTER_VALUES));
    expect("`max_matches`", format!("1–{MAX_MATCHES}"));
    expect(
        "`max_matches`",
        format!("0 = {}", factdesk::model::CheckOptions::DEFAULT_MAX_MATCHES),
    );
    expect("language tags", format!("{MAX_LANGUAGE_BYTES} bytes"));
    expect("`page_size`", format!("0–{}", written(MAX_PAGE_SIZE)));
    expect("`page_size`", format!("0 = {DEFAULT_PAGE_SIZE}"));
    expect(
        "statements one `ListStatements` call examines",
        written(MAX_LIST_SCAN),
    );
    expect(
        "factdesk calls in flight",
        written(DEFAULT_MAX_IN_FLIGHT as usize),
    );
    expect("call duration", format!("{DEFAULT_REQUEST_TIMEOUT_SECS} s"));
    expect("connections open at once", written(DEFAULT_MAX_CONNECTIONS));
    expect(
        "figures of a claim compared",
        written(factdesk::check::MAX_CLAIM_FIGURES),
    );
    expect(
        "figures read from one statement",
        written(factdesk::check::MAX_FIGURES),
    );
    expect(
        "highlights per match",
        written(factdesk::check::MAX_HIGHLIGHTS),
    );
    expect(
        "connections open at once",
        format!("less {DESCRIPTOR_HEADROOM} descriptors"),
    );
    expect(
        "a new connection's first bytes",
        format!("{} s", HANDSHAKE_TIMEOUT.as_secs()),
    );
    expect(
        "CheckArticle text",
        format!("{} KiB", MAX_ARTICLE_BYTES / 1024),
    );
    expect(
        "transcript chunk text",
        format!("{} KiB", MAX_CHUNK_BYTES / 1024),
    );
    expect(
        "a sentence that does not end",
        format!("{} characters", written(MAX_SENTENCE_CHARS)),
    );
    expect(
        "chunks per transcript stream",
        written(MAX_TRANSCRIPT_CHUNKS),
    );
    expect(
        "text per transcript stream",
        format!("{} MiB", MAX_TRANSCRIPT_BYTES >> 20),
    );
    expect(
        "transcript events computed ahead",
        written(TRANSCRIPT_EVENTS_AHEAD),
    );
    expect(
        "live transcript streams open at once",
        written(factdesk::server::DEFAULT_MAX_TRANSCRIPT_STREAMS),
    );
    expect(
        "transcript streams open on one connection",
        format!("({})", factdesk::server::DEFAULT_MAX_TRANSCRIPT_STREAMS / 2),
    );
    expect(
        "a transcript stream with no chunk",
        format!("{} s", factdesk::server::DEFAULT_TRANSCRIPT_IDLE_SECS),
    );
    expect(
        "a transcript stream's duration",
        format!(
            "{} s",
            written(factdesk::server::DEFAULT_TRANSCRIPT_MAX_SECS as usize)
        ),
    );
    expect(
        "wait for the next bytes of a unary request",
        format!("{DEFAULT_REQUEST_BODY_TIMEOUT_SECS} s"),
    );
    expect(
        "CheckClaim request",
        format!("{} MiB", MAX_CHECK_REQUEST_BYTES >> 20),
    );
    expect(
        "GetStatement and ListStatements requests",
        format!("{} KiB", MAX_READ_REQUEST_BYTES >> 10),
    );
    expect(
        "elements of a ClaimReview request",
        format!("{} elements", written(MAX_ELEMENTS)),
    );
    expect(
        "elements of a ClaimReview request",
        format!("at most {MAX_DEPTH} deep"),
    );
    expect(
        "message size",
        format!("{} MiB", DEFAULT_MAX_MESSAGE_BYTES >> 20),
    );
}
