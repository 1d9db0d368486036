//! A social-media post sent to CheckClaim exactly as pasted: links, the
//! marks of handles and hashtags, emoji and the signature do not get in
//! the way, the signature gives claimant and time, and the analysis says
//! what was taken; highlights still point into the text as sent.

use factdesk::pb;

use crate::harness::{claim_request, TestServer};

const POST: &str = "🚨 Alibaba Cloud hosts half of China's #generativeAI firms, says @JoeTsai \
                    https://t.co/abc123 pic.twitter.com/XyZ — Cloud Watcher (@cloudwatch) July 4, 2023";

#[tokio::test]
async fn a_pasted_post_is_read_and_the_analysis_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let response = claims
        .check_claim(claim_request(POST))
        .await
        .unwrap()
        .into_inner();
    let claim = response.claim.unwrap();
    assert_eq!(claim.text, POST, "the claim comes back as sent");
    let analysis = claim.analysis.unwrap();
    assert_eq!(
        analysis.checked_text,
        "Alibaba Cloud hosts half of China's generativeAI firms, says JoeTsai"
    );
    assert_eq!(analysis.claimant_from_post, "Cloud Watcher");
    assert_eq!(
        analysis.claim_time_from_post.map(|t| t.seconds),
        Some(1_688_428_800),
        "2023-07-04T00:00:00Z"
    );
    assert!(
        analysis.quantities.iter().all(|q| !q.text.contains("123")),
        "no figure read from a link: {:?}",
        analysis.quantities
    );
    let top = &response.matches[0];
    assert_eq!(top.statement.as_ref().unwrap().id, "demo-tsai-cloud-share");
    let chars: Vec<char> = POST.chars().collect();
    for highlight in &top.highlights {
        let span: String = chars[highlight.claim_start as usize..highlight.claim_end as usize]
            .iter()
            .collect();
        assert!(
            span.to_lowercase().starts_with(&highlight.term[..1]),
            "{span:?} for {:?}",
            highlight.term
        );
    }

    // A claimant in the request wins over the signature.
    let mut request = claim_request(POST);
    request.claim.as_mut().unwrap().claimant = "Joseph Tsai".into();
    let response = claims.check_claim(request).await.unwrap().into_inner();
    let analysis = response.claim.unwrap().analysis.unwrap();
    assert!(analysis.claimant_from_post.is_empty());
    assert!(analysis.claim_time_from_post.is_some());

    // A plain claim reports nothing taken.
    let plain = claims
        .check_claim(claim_request(
            "Alibaba Cloud hosts half of China's AI firms",
        ))
        .await
        .unwrap()
        .into_inner();
    let analysis: pb::ClaimAnalysis = plain.claim.unwrap().analysis.unwrap();
    assert!(analysis.checked_text.is_empty() && analysis.claimant_from_post.is_empty());
    server.stop().await;
}
