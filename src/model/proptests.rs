//! Property tests of the JSONL line parser (`factdesk import`): any input
//! is parsed or refused without panicking, and what parses and validates
//! survives a round trip through an export line.

use proptest::prelude::*;

use super::{validate_statement, Statement};

/// A valid line, with fields drawn from hostile text.
fn statement_line() -> impl Strategy<Value = String> {
    let text = "\\PC{1,40}";
    (
        text,
        text,
        "[a-z]{0,3}",
        proptest::collection::vec("\\PC{0,8}", 0..4),
    )
        .prop_map(|(text, speaker, language, topics)| {
            serde_json::json!({
                "id": "s-1",
                "text": text,
                "language": language,
                "topics": topics,
                "attribution": {
                    "speaker": {"name": speaker},
                    "statementTime": "2024-02-29T12:00:00Z"
                }
            })
            .to_string()
        })
}

/// A valid line, then cut, spliced with arbitrary text or with a byte
/// changed.
fn damaged_line() -> impl Strategy<Value = String> {
    (
        statement_line(),
        any::<prop::sample::Index>(),
        "\\PC{0,6}",
        0usize..3,
    )
        .prop_map(|(line, at, splice, how)| {
            let mut cut = at.index(line.len() + 1);
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            match how {
                0 => line[..cut].to_owned(),
                1 => format!("{}{splice}{}", &line[..cut], &line[cut..]),
                _ => format!("{}{splice}", &line[..cut]),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_line_is_parsed_or_refused(line in any::<String>()) {
        let _ = Statement::from_json_line(&line);
    }

    #[test]
    fn damaged_lines_are_parsed_or_refused(line in damaged_line()) {
        if let Ok(statement) = Statement::from_json_line(&line) {
            let _ = validate_statement(&statement);
        }
    }

    #[test]
    fn valid_lines_round_trip(line in statement_line()) {
        let statement = Statement::from_json_line(&line).expect("a well-formed line parses");
        if validate_statement(&statement).is_ok() {
            let again = Statement::from_json_line(&statement.to_json_line()).unwrap();
            prop_assert_eq!(&again, &statement);
        }
        // The etag is the first 96 bits of the SHA-1 of the JSON line.
        let digest = sha1_smol::Sha1::from(statement.to_json_line()).digest().to_string();
        prop_assert_eq!(statement.etag(), &digest[..24]);
    }
}

#[test]
fn deep_nesting_and_bad_times_are_refused() {
    let deep = format!(
        "{{\"id\":\"x\",\"text\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(Statement::from_json_line(&deep).is_err());
    for time in [
        "2024-02-30T00:00:00Z",
        "99999-01-01T00:00:00Z",
        "yesterday",
        "",
    ] {
        let line = format!(
            "{{\"id\":\"x\",\"text\":\"t\",\"attribution\":{{\"statementTime\":\"{time}\"}}}}"
        );
        assert!(Statement::from_json_line(&line).is_err(), "{time}");
    }
    let control = Statement::from_json_line("{\"id\":\"x\",\"text\":\"a\\u0000b\"}").unwrap();
    let refused = validate_statement(&control).unwrap_err();
    assert_eq!(refused.field, "text");
}
