//! `factdesk check-transcript` against the real binary serving the demo
//! library: speakers from `NAME:` labels, a block per checked sentence,
//! one JSON object per sentence with `--json`, and the article mode.

const RUMOUR: &str = "Tencent bought Alibaba Cloud for $5 billion.";

/// `factdesk check-transcript` against the real binary serving the demo:
/// `NAME:` labels become speakers, blocks for people, JSON for machines.
#[test]
fn the_check_transcript_command_reports_each_checked_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, address, _log) =
        crate::harness::process::spawn_demo_server(&dir.path().join("db"), &[]);
    let file = dir.path().join("debate.txt");
    std::fs::write(
        &file,
        format!("MODERATOR: Good evening.\nDANA WHIT: Thank you. {RUMOUR}\nThat is all.\n"),
    )
    .unwrap();
    let url = format!("http://{address}");
    let run = |extra: &[&str]| {
        let mut args = vec!["check-transcript", file.to_str().unwrap(), "--server", &url];
        args.extend_from_slice(extra);
        let output = crate::harness::process::run_factdesk(&args);
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let report = run(&["--threshold", "0.2"]);
    assert!(report.contains("DANA WHIT — check-worthiness"), "{report}");
    assert!(report.contains("REFUTED: Demo Fact Check"), "{report}");
    let lines = run(&["--threshold", "0.2", "--json"]);
    let events: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let rumour = events
        .iter()
        .find(|e| e["text"] == RUMOUR)
        .expect("{lines}");
    assert_eq!(rumour["verdict"], "REFUTED");
    assert_eq!(rumour["speaker"], "DANA WHIT");
    let article = run(&["--threshold", "0.2", "--article", "--json"]);
    assert!(article.contains("\"REFUTED\""), "{article}");
}
