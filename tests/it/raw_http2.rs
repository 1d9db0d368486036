//! Raw HTTP/2 against a real server: bytes that do not decode, and
//! streams that send headers and never a body.

use std::time::Duration;

use crate::harness::{claim_request, create_request, with_token, TestServer};
use factdesk::auth::{AccessPolicy, Token};
use factdesk::pb;
use factdesk::server::ServerOptions;
use tonic::Code;

const WRITE: &str = "test-write-token-4f9a1c2e";
const DEMO_CLAIM: &str = "Half of Chinese generative AI start-ups run on Alibaba Cloud";

fn code<T>(result: Result<T, tonic::Status>) -> Code {
    result.err().map_or(Code::Ok, |status| status.code())
}

fn writers_only() -> AccessPolicy {
    AccessPolicy::new(Some(Token::new(WRITE, "test").unwrap()), None, false).unwrap()
}

/// Bytes that are not a valid request message (truncated, or a string
/// field that is not UTF-8) are the caller's error: INVALID_ARGUMENT, not
/// INTERNAL (hardening II, low findings).
#[tokio::test]
async fn malformed_messages_are_invalid_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut sender = crate::harness::raw_http2(server.address).await;
    // CheckClaimRequest.claim (field 1) holding Claim.text (field 1).
    let truncated: Vec<u8> = vec![0x0a, 0x7f, 0x0a, 0x03, b'a'];
    let not_utf8: Vec<u8> = vec![0x0a, 0x04, 0x0a, 0x02, 0xff, 0xfe];
    let check = "factdesk.v1.ClaimService/CheckClaim";
    // A ClaimReview document nested 300 deep: past prost's recursion limit.
    let mut nested = prost_types::Struct::default();
    for _ in 0..300 {
        let value = prost_types::Value {
            kind: Some(prost_types::value::Kind::StructValue(nested)),
        };
        nested = prost_types::Struct {
            fields: [("a".to_owned(), value)].into_iter().collect(),
        };
    }
    let too_deep = prost::Message::encode_to_vec(&pb::ImportClaimReviewsRequest {
        documents: vec![nested],
    });
    let import = "factdesk.v1.StatementService/ImportClaimReviews";
    // 8 million empty statements: 16 MB on the wire, gigabytes decoded
    // (finding 10); the count is refused before prost allocates.
    let empty_statements = [0x0a, 0x00].repeat(8_000_000);
    let bulk = "factdesk.v1.StatementService/ImportStatements";
    for (name, path, message) in [
        ("truncated", check, truncated),
        ("not UTF-8", check, not_utf8),
        ("nested 300 deep", import, too_deep),
        ("8,000,000 empty statements", bulk, empty_statements),
    ] {
        let frame = crate::harness::grpc_frame(&message, false);
        let status = crate::harness::raw_unary(&mut sender, server.address, path, frame, &[]).await;
        assert_eq!(status.as_deref(), Some("3"), "{name}: INVALID_ARGUMENT");
    }
    assert!(server.serving().await);
    server.stop().await;
}

/// Opens `count` CheckClaim streams on one new HTTP/2 connection that send
/// headers and never a body; returns the statuses of those the server
/// refused at once, as they come (the others stay open until the test ends).
pub async fn stalled_streams(
    address: std::net::SocketAddr,
    count: usize,
) -> (tokio::sync::mpsc::Receiver<String>, Vec<impl Send>) {
    use http_body_util::StreamBody;
    use hyper::body::Frame;
    type Frames = Result<Frame<bytes::Bytes>, std::convert::Infallible>;

    let sender = crate::harness::raw_http2(address).await;
    let (statuses, refused) = tokio::sync::mpsc::channel(count);
    let mut held = Vec::new();
    for _ in 0..count {
        let (keep_open, frames) = tokio::sync::mpsc::channel::<Frames>(1);
        held.push(keep_open);
        let body = StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(frames));
        let request = hyper::Request::post(format!(
            "http://{address}/factdesk.v1.ClaimService/CheckClaim"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(body)
        .unwrap();
        let mut sender = sender.clone();
        let statuses = statuses.clone();
        tokio::spawn(async move {
            if let Ok(response) = sender.send_request(request).await {
                let status = response
                    .headers()
                    .get("grpc-status")
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let _ = statuses.send(status).await;
            }
        });
    }
    (refused, held)
}

/// The next refusal's status, waiting at most 10 s: a server that admits
/// every stalled stream fails the test instead of hanging it.
async fn refusal(refused: &mut tokio::sync::mpsc::Receiver<String>) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(10), refused.recv())
        .await
        .expect("the server sheds a call at once")
}

/// One connection cannot take every slot, and a write-token holder still
/// gets through when anonymous callers have taken them all (hardening II,
/// finding 3: 64 streams that never send a body locked everyone out).
#[tokio::test]
async fn stalled_streams_cannot_lock_out_others_or_the_write_token_holder() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        max_in_flight: 8,
        request_timeout: Duration::from_secs(60),
        access: writers_only(),
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;

    // One connection asks for all 8 slots: it gets half, the rest are shed.
    let (mut refused, first) = stalled_streams(server.address, 8).await;
    for _ in 0..4 {
        assert_eq!(
            refusal(&mut refused).await.as_deref(),
            Some("8"),
            "RESOURCE_EXHAUSTED"
        );
    }
    let mut claims = server.claims().await;
    assert_eq!(
        code(claims.check_claim(claim_request(DEMO_CLAIM)).await),
        Code::Ok
    );

    // A second connection takes the other half: the pool is full for
    // anonymous callers, but the write-token holder's create goes through.
    let (mut refused, second) = stalled_streams(server.address, 5).await;
    assert_eq!(
        refusal(&mut refused).await.as_deref(),
        Some("8"),
        "the fifth is shed"
    );
    let shed = claims.check_claim(claim_request(DEMO_CLAIM)).await;
    assert_eq!(code(shed), Code::ResourceExhausted);
    let mut statements = server.statements().await;
    let created = statements
        .create_statement(with_token(create_request("reserved-slot"), WRITE))
        .await;
    assert_eq!(
        code(created),
        Code::Ok,
        "the write-token holder gets a kept slot"
    );
    // Ending the stalled bodies ends their calls; the server stops at once.
    drop((first, second));
    server.stop().await;
}

/// A create whose deadline passes before its write starts is not stored:
/// the answer DEADLINE_EXCEEDED is then the whole truth (hardening II, low
/// findings: such a create used to be stored anyway). Sent raw, so only the
/// server enforces the 1 µs `grpc-timeout`.
#[tokio::test]
async fn a_create_past_its_deadline_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut sender = crate::harness::raw_http2(server.address).await;
    let mut statements = server.statements().await;
    for n in 0..20 {
        let id = format!("late-{n}");
        let message = prost::Message::encode_to_vec(&create_request(&id));
        let status = crate::harness::raw_unary(
            &mut sender,
            server.address,
            "factdesk.v1.StatementService/CreateStatement",
            crate::harness::grpc_frame(&message, false),
            &[("grpc-timeout", "1u")],
        )
        .await;
        let stored = statements
            .get_statement(pb::GetStatementRequest { id: id.clone() })
            .await
            .is_ok();
        assert_eq!(
            stored,
            status.as_deref() == Some("0"),
            "{id}: answered {status:?}, stored {stored}"
        );
    }
    server.stop().await;
}
