//! ClaimService, health, reflection and restarts through a real server.

use crate::harness::{claim_request, violated_field, TestServer};
use factdesk::pb;
use tonic::codec::CompressionEncoding;
use tonic::Code;

const TSAI_CLAIM: &str = "Alibaba Cloud hosts half of China's generative AI firms";

#[tokio::test]
async fn demo_tsai_claim_returns_tsai_first_attributed() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server
        .claims()
        .await
        .send_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Gzip);
    let response = claims
        .check_claim(claim_request(TSAI_CLAIM))
        .await
        .unwrap()
        .into_inner();
    let top = &response.matches[0];
    let statement = top.statement.as_ref().unwrap();
    assert_eq!(statement.id, "demo-tsai-cloud-share");
    let speaker = statement
        .attribution
        .as_ref()
        .unwrap()
        .speaker
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            speaker.name.as_str(),
            speaker.title.as_str(),
            speaker.affiliation.as_str()
        ),
        ("Joseph Tsai", "Chairman", "Alibaba Group")
    );
    assert!(top
        .citation
        .starts_with("Joseph Tsai, Chairman, Alibaba Group"));
    assert!(top.score > 0.9 && top.score <= 1.0, "{}", top.score);
    assert_eq!(top.stance(), pb::r#match::Stance::Supports);
    assert!(!top.highlights.is_empty() && !top.explanation.is_empty());
    assert_eq!(
        response.verdict(),
        pb::check_claim_response::Verdict::Attributed
    );
    assert!(
        response
            .verdict_explanation
            .starts_with("on record, not verified: Joseph Tsai, Chairman, Alibaba Group"),
        "{}",
        response.verdict_explanation
    );
    let analysis = response.claim.unwrap().analysis.unwrap();
    assert_eq!(analysis.language, "en");
    assert!(analysis.terms.contains(&"half".to_owned()));
    // Scores come best first.
    let scores: Vec<f32> = response.matches.iter().map(|m| m.score).collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn filters_and_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let mut request = claim_request(TSAI_CLAIM);
    request.filter = Some(pb::CheckFilter {
        speakers: vec!["Eddie Wu".into()],
        ..Default::default()
    });
    let filtered = claims.check_claim(request).await.unwrap().into_inner();
    assert!(filtered
        .matches
        .iter()
        .all(|m| m.statement.as_ref().unwrap().id != "demo-tsai-cloud-share"));

    let unrelated = claims
        .check_claim(claim_request("The Eiffel Tower is in Paris"))
        .await
        .unwrap()
        .into_inner();
    assert!(unrelated.matches.is_empty());
    assert_eq!(
        unrelated.verdict(),
        pb::check_claim_response::Verdict::Unverified
    );

    let chinese = claims
        .check_claim(claim_request("阿里巴巴不再推进阿里云分拆"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        chinese.matches[0].statement.as_ref().unwrap().language,
        "zh"
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_checks_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let mut no_claim = claim_request("x");
    no_claim.claim = None;
    let mut too_many = claim_request("x");
    too_many.max_matches = 51;
    let mut negative = claim_request("x");
    negative.max_matches = -1;
    let mut bad_score = claim_request("x");
    bad_score.min_score = Some(1.5);
    let mut backwards = claim_request("x");
    backwards.filter = Some(pb::CheckFilter {
        start_time: Some(prost_types::Timestamp {
            seconds: 100,
            nanos: 0,
        }),
        end_time: Some(prost_types::Timestamp {
            seconds: 50,
            nanos: 0,
        }),
        ..Default::default()
    });
    let cases = [
        (claim_request(""), "claim.text"),
        (claim_request(" \n\t"), "claim.text"),
        (claim_request(&"word ".repeat(1000)), "claim.text"),
        (no_claim, "claim"),
        (too_many, "max_matches"),
        (negative, "max_matches"),
        (bad_score, "min_score"),
        (backwards, "filter.end_time"),
    ];
    for (request, field) in cases {
        let status = claims.check_claim(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violated_field(&status), field);
        assert!(status.message().contains(field));
    }
    server.stop().await;
}

#[tokio::test]
async fn health_and_reflection_answer() {
    use tonic_health::pb::health_client::HealthClient;
    use tonic_health::pb::HealthCheckRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient as V1;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest as V1Request;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse as V1Response;
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient as V1alpha;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest as AlphaRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse as AlphaResponse;

    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut health = HealthClient::new(server.channel().await);
    for service in [
        "",
        "factdesk.v1.ClaimService",
        "factdesk.v1.StatementService",
    ] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, 1, "{service:?} is SERVING");
    }

    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(V1Request::ListServices(String::new())),
    };
    let mut responses = V1::new(server.channel().await)
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .unwrap()
        .into_inner();
    let Some(V1Response::ListServicesResponse(list)) =
        responses.message().await.unwrap().unwrap().message_response
    else {
        panic!("v1 reflection did not list services");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "factdesk.v1.ClaimService",
        "factdesk.v1.StatementService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }

    let request = tonic_reflection::pb::v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(AlphaRequest::FileContainingSymbol(
            "factdesk.v1.Match".into(),
        )),
    };
    let mut responses = V1alpha::new(server.channel().await)
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().unwrap().message_response;
    assert!(
        matches!(response, Some(AlphaResponse::FileDescriptorResponse(f)) if !f.file_descriptor_proto.is_empty())
    );
    server.stop().await;
}

#[tokio::test]
async fn restart_gives_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let claims_to_ask = [
        TSAI_CLAIM,
        "Alibaba scrapped the spinoff of its cloud unit",
        "Daniel Zhang resigned three months later",
        "刘伟光 公共云",
        "data centre in Riyadh",
    ];
    let before = {
        let server = TestServer::builder(dir.path()).demo().start().await;
        let mut statements = server.statements().await;
        statements
            .create_statement(pb::CreateStatementRequest {
                statement: Some(crate::harness::statement(
                    "",
                    "Alibaba Cloud opened a data centre in Riyadh",
                )),
                statement_id: "extra-riyadh".into(),
            })
            .await
            .unwrap();
        let answers = ask_all(&server, &claims_to_ask).await;
        server.stop().await;
        answers
    };
    let server = TestServer::builder(dir.path()).start().await;
    let after = ask_all(&server, &claims_to_ask).await;
    assert_eq!(before, after);
    assert_eq!(
        after[4][0].0, "extra-riyadh",
        "the statement written before the restart is found"
    );
    server.stop().await;
}

async fn ask_all(server: &TestServer, claims_to_ask: &[&str]) -> Vec<Vec<(String, u32)>> {
    let mut claims = server.claims().await;
    let mut answers = Vec::new();
    for text in claims_to_ask {
        let response = claims
            .check_claim(claim_request(text))
            .await
            .unwrap()
            .into_inner();
        assert!(!response.matches.is_empty(), "{text} found nothing");
        answers.push(
            response
                .matches
                .iter()
                .map(|m| (m.statement.as_ref().unwrap().id.clone(), m.score.to_bits()))
                .collect(),
        );
    }
    answers
}

#[tokio::test]
async fn number_aware_stance_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let ask = |text: &'static str| {
        let mut client = claims.clone();
        async move {
            client
                .check_claim(claim_request(text))
                .await
                .unwrap()
                .into_inner()
        }
    };
    let half = ask(TSAI_CLAIM).await;
    assert_eq!(
        half.verdict(),
        pb::check_claim_response::Verdict::Attributed
    );

    let eighty = ask("Alibaba Cloud hosts 80% of China's generative AI firms").await;
    assert_eq!(
        eighty.verdict(),
        pb::check_claim_response::Verdict::Contradicted
    );
    let top = &eighty.matches[0];
    assert_eq!(top.statement.as_ref().unwrap().id, "demo-tsai-cloud-share");
    let conflict = top
        .quantities
        .iter()
        .find(|q| q.agreement() == pb::quantity_comparison::Agreement::Conflicts)
        .expect("a conflicting figure");
    let claim_figure = conflict.claim.as_ref().unwrap();
    let statement_figure = conflict.statement.as_ref().unwrap();
    assert_eq!(
        (claim_figure.text.as_str(), claim_figure.value),
        ("80%", 80.0)
    );
    assert_eq!(
        (statement_figure.text.as_str(), statement_figure.value),
        ("half", 50.0)
    );
    assert_eq!(statement_figure.unit(), pb::quantity::Unit::Percent);
    assert!(
        top.explanation.contains("Joseph Tsai said half (50%)"),
        "{}",
        top.explanation
    );
    let analysis = eighty.claim.unwrap().analysis.unwrap();
    assert_eq!(analysis.quantities[0].display, "80%");

    let negated = ask("Alibaba Cloud does not host any Chinese AI start-ups").await;
    assert_eq!(
        negated.verdict(),
        pb::check_claim_response::Verdict::Contradicted
    );

    let tencent = ask("Tencent Cloud hosts half of China's generative AI firms").await;
    assert_ne!(
        tencent.verdict(),
        pb::check_claim_response::Verdict::Supported
    );
    assert!(tencent
        .matches
        .iter()
        .all(|m| m.stance() != pb::r#match::Stance::Supports));

    let mut strict = claim_request(TSAI_CLAIM);
    strict.verdict_threshold = Some(1.01);
    let status = claims.check_claim(strict).await.unwrap_err();
    assert_eq!(violated_field(&status), "verdict_threshold");
    server.stop().await;
}

/// `server::run` returned ⇒ the database is closed: it opens again at once,
/// even right after checks that ran on worker threads, half of them
/// abandoned by their client's deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_server_has_closed_its_database() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..10 {
        let server = TestServer::builder(dir.path()).demo().start().await;
        let mut calls = Vec::new();
        for call in 0..8 {
            let mut claims = server.claims().await;
            calls.push(tokio::spawn(async move {
                let mut request = tonic::Request::new(claim_request(TSAI_CLAIM));
                if call % 2 == 0 {
                    request.set_timeout(std::time::Duration::from_micros(1));
                }
                let _ = claims.check_claim(request).await;
            }));
        }
        for call in calls {
            call.await.unwrap();
        }
        server.stop().await;
        let reopened = factdesk::store::Store::open(dir.path());
        assert!(reopened.is_ok(), "round {round}: {:?}", reopened.err());
    }
}

/// The demo's invented review: a claim that says what the review rated
/// false is REFUTED, with who rated it, how and when; the seed's own claim
/// is only ATTRIBUTED (Joseph Tsai said it; nobody rated it).
#[tokio::test]
async fn demo_review_refutes_and_the_record_only_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let refuted = claims
        .check_claim(claim_request("Tencent bought Alibaba Cloud for $5 billion"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        refuted.verdict(),
        pb::check_claim_response::Verdict::Refuted
    );
    let top = &refuted.matches[0];
    assert_eq!(top.normalized_rating(), pb::NormalizedRating::False);
    assert_eq!(top.reviews[0].textual_rating, "False");
    assert!(
        refuted
            .verdict_explanation
            .contains("rated this 'False' on 2023-12-01 (normalised: FALSE)"),
        "{}",
        refuted.verdict_explanation
    );
    let attributed = claims
        .check_claim(claim_request(TSAI_CLAIM))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        attributed.verdict(),
        pb::check_claim_response::Verdict::Attributed
    );
    assert!(attributed.matches[0].reviews.is_empty());
    server.stop().await;
}
