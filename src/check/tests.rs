//! Pipeline tests on the demo library.

use crate::library::Library;
use crate::model::{CheckFilter, CheckOptions, Claim, RankingParams, Stance, Verdict};
use crate::store::Store;

fn demo_library() -> Library {
    let library = Library::new(Store::temporary().unwrap()).unwrap();
    let batch = crate::demo::statements().into_iter().enumerate();
    let report = library
        .import_batch(batch.map(|(i, s)| (i as u64, s)).collect())
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    library
}

fn check(library: &Library, text: &str) -> crate::model::CheckResult {
    let claim = Claim {
        text: text.to_owned(),
        ..Claim::default()
    };
    let options = CheckOptions {
        max_matches: 5,
        min_score: 0.1,
        filter: CheckFilter::default(),
        ranking: RankingParams::default(),
        verdict_threshold: crate::check::STRONG_MATCH,
    };
    library.check(&claim, &options).unwrap()
}

#[test]
fn tsai_claim_finds_tsai_first_with_citation() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud hosts half of China's generative AI firms",
    );
    let top = &result.matches[0];
    assert_eq!(top.statement.id, "demo-tsai-cloud-share");
    assert!(
        top.citation
            .starts_with("Joseph Tsai, Chairman, Alibaba Group — "),
        "{}",
        top.citation
    );
    assert_eq!(top.stance, Stance::Supports);
    assert_eq!(result.verdict, Verdict::Supported);
    assert!(top.highlights.iter().any(|h| h.term == "half"));
    assert!(top.explanation.contains("shares"), "{}", top.explanation);
}

#[test]
fn negated_claim_contradicts() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud does not host half of China's generative AI firms",
    );
    assert_eq!(result.matches[0].statement.id, "demo-tsai-cloud-share");
    assert_eq!(result.matches[0].stance, Stance::Contradicts);
    assert_eq!(result.verdict, Verdict::Contradicted);
    assert_eq!(result.analysis.negations, ["not"]);
}

#[test]
fn unrelated_claim_is_unverified() {
    let result = check(&demo_library(), "The Eiffel Tower is in Paris");
    assert!(result.matches.is_empty());
    assert_eq!(result.verdict, Verdict::Unverified);
}

#[test]
fn chinese_claim_matches_chinese_statement() {
    let result = check(&demo_library(), "刘伟光负责阿里云公共云");
    assert_eq!(
        result.matches[0].statement.id,
        "demo-liu-weiguang-public-cloud"
    );
    assert_eq!(result.analysis.language, "zh");
}
