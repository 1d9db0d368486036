//! The shared stance dev set against the 27k shared statements, through the
//! same check path the server runs: the expected statement must come first,
//! and stance and verdict must be right for at least 90% of cases.

use factdesk::eval::stance::{evaluate, read_cases, render};

use crate::harness::{import_file, temporary_library};

#[test]
fn stance_dev_set_scores() {
    let Some(data) = crate::harness::shared_data() else {
        return;
    };
    let library = temporary_library();
    for file in ["snopes-statements.jsonl", "politifact-statements.jsonl"] {
        assert_eq!(
            import_file(&library, &data.join(file)),
            0,
            "{file}: rejected lines"
        );
    }
    let cases = read_cases(&data.join("stance-dev.jsonl")).unwrap();
    let options = factdesk::model::CheckOptions::default();
    let report = evaluate(&library, &cases, &options).unwrap();
    println!("{}", render(&report));
    assert_eq!(
        report.top_match.0, report.top_match.1,
        "expected statement first in every case"
    );
    let share = |map: &std::collections::BTreeMap<String, (usize, usize)>| {
        let (correct, total) = map
            .values()
            .fold((0, 0), |acc, v| (acc.0 + v.0, acc.1 + v.1));
        correct as f64 / total as f64
    };
    assert!(share(&report.stance) >= 0.9, "stance accuracy below 90%");
    assert!(share(&report.verdict) >= 0.9, "verdict accuracy below 90%");
}
