//! Tokens, TLS, load shedding and deadlines through a real server.

use std::time::{Duration, Instant};

use crate::harness::{
    claim_request, create_request, generated_certificates, statement, with_token, TestServer,
};
use factdesk::auth::{AccessPolicy, Token};
use factdesk::pb;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::server::ServerOptions;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic::Code;

const WRITE: &str = "test-write-token-4f9a1c2e";
const READ: &str = "test-read-token-8b3d5e7f";
const DEMO_CLAIM: &str = "Half of Chinese generative AI start-ups run on Alibaba Cloud";

fn policy(read: bool) -> AccessPolicy {
    let write = Token::new(WRITE, "test").unwrap();
    let read = read.then(|| Token::new(READ, "test").unwrap());
    AccessPolicy::new(Some(write), read, false).unwrap()
}

fn code<T>(result: Result<T, tonic::Status>) -> Code {
    result.err().map_or(Code::Ok, |status| status.code())
}

fn import(id: &str) -> tokio_stream::Iter<std::vec::IntoIter<pb::ImportStatementsRequest>> {
    tokio_stream::iter(vec![pb::ImportStatementsRequest {
        statements: vec![statement(id, "Ferry fares rose 12% in March.")],
    }])
}

#[tokio::test]
async fn writes_need_the_write_token_and_reads_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        access: policy(false),
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;
    let mut statements = server.statements().await;
    let mut claims = server.claims().await;

    assert_eq!(
        code(statements.create_statement(create_request("a")).await),
        Code::Unauthenticated
    );
    let wrong = with_token(create_request("a"), "not-the-token-0123456789");
    assert_eq!(
        code(statements.create_statement(wrong).await),
        Code::Unauthenticated
    );
    assert_eq!(
        code(statements.import_statements(import("b")).await),
        Code::Unauthenticated
    );
    let update = pb::UpdateStatementRequest {
        statement: Some(statement("demo-tsai-cloud-share", "Changed")),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["text".into()],
        }),
    };
    assert_eq!(
        code(statements.update_statement(update.clone()).await),
        Code::Unauthenticated
    );
    let delete = pb::DeleteStatementRequest {
        id: "demo-tsai-cloud-share".into(),
    };
    assert_eq!(
        code(statements.delete_statement(delete.clone()).await),
        Code::Unauthenticated
    );

    // Nothing was written or deleted by the refused calls.
    let get = |id: &str| pb::GetStatementRequest { id: id.into() };
    assert_eq!(
        code(statements.get_statement(get("a")).await),
        Code::NotFound
    );
    assert_eq!(
        code(statements.get_statement(get("b")).await),
        Code::NotFound
    );
    let demo = statements
        .get_statement(get("demo-tsai-cloud-share"))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(demo.text, "Changed", "the refused update changed nothing");

    // Reads need no token.
    let checked = claims.check_claim(claim_request(DEMO_CLAIM)).await;
    assert!(!checked.unwrap().into_inner().matches.is_empty());
    let list = pb::ListStatementsRequest::default();
    assert_eq!(code(statements.list_statements(list).await), Code::Ok);

    // The write token writes.
    let created = statements
        .create_statement(with_token(create_request("a"), WRITE))
        .await;
    assert_eq!(created.unwrap().into_inner().id, "a");
    let imported = statements
        .import_statements(with_token(import("b"), WRITE))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(imported.created_count, 1);
    let updated = statements
        .update_statement(with_token(update, WRITE))
        .await
        .unwrap();
    assert_eq!(updated.into_inner().text, "Changed");
    assert_eq!(
        code(statements.delete_statement(with_token(delete, WRITE)).await),
        Code::Ok
    );
    assert!(server.serving().await);
    server.stop().await;
}

#[tokio::test]
async fn a_read_token_guards_reads_and_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        access: policy(true),
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;
    let mut statements = server.statements().await;
    let mut claims = server.claims().await;

    let claim = || claim_request(DEMO_CLAIM);
    assert_eq!(
        code(claims.check_claim(claim()).await),
        Code::Unauthenticated
    );
    assert_eq!(
        code(claims.check_claim(with_token(claim(), READ)).await),
        Code::Ok
    );
    assert_eq!(
        code(claims.check_claim(with_token(claim(), WRITE)).await),
        Code::Ok
    );
    let list = || pb::ListStatementsRequest::default();
    assert_eq!(
        code(statements.list_statements(list()).await),
        Code::Unauthenticated
    );
    assert_eq!(
        code(statements.list_statements(with_token(list(), READ)).await),
        Code::Ok
    );

    let by_reader = statements
        .create_statement(with_token(create_request("r"), READ))
        .await;
    assert_eq!(code(by_reader), Code::PermissionDenied);
    let by_reader = statements
        .import_statements(with_token(import("r"), READ))
        .await;
    assert_eq!(code(by_reader), Code::PermissionDenied);
    let by_writer = statements
        .create_statement(with_token(create_request("w"), WRITE))
        .await;
    assert_eq!(code(by_writer), Code::Ok);

    // Health stays open without any token.
    assert!(server.serving().await);
    server.stop().await;
}

#[tokio::test]
async fn tls_end_to_end_with_a_generated_certificate() {
    let (ca, cert, key) = generated_certificates();
    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        tls: Some(Identity::from_pem(cert, key)),
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&ca))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://localhost:{}", server.address.port()))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .expect("TLS connection");
    let response = ClaimServiceClient::new(channel)
        .check_claim(claim_request(DEMO_CLAIM))
        .await
        .expect("check over TLS")
        .into_inner();
    assert!(!response.matches.is_empty());

    // Plaintext gRPC to the TLS port fails; so does TLS without the CA.
    let plain = ClaimServiceClient::new(server.channel_lazy())
        .check_claim(claim_request(DEMO_CLAIM))
        .await;
    assert!(plain.is_err());
    let untrusted = Channel::from_shared(format!("https://localhost:{}", server.address.port()))
        .unwrap()
        .tls_config(ClientTlsConfig::new().domain_name("localhost"))
        .unwrap()
        .connect()
        .await;
    assert!(
        untrusted.is_err(),
        "a certificate from an unknown CA is refused"
    );
    server.stop().await;
}

#[tokio::test]
async fn excess_calls_are_shed_and_stalled_calls_end_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        max_in_flight: 1,
        request_timeout: Duration::from_millis(800),
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;
    let mut statements = server.statements().await;
    let mut claims = server.claims().await;

    // A slow client: opens an import stream and never sends or closes it.
    let (_keep_open, stalled) = tokio::sync::mpsc::channel::<pb::ImportStatementsRequest>(1);
    let stalled = tokio_stream::wrappers::ReceiverStream::new(stalled);
    let slow = tokio::spawn(async move { statements.import_statements(stalled).await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    // It holds the only slot: the next call is refused at once.
    let started = Instant::now();
    let shed = claims.check_claim(claim_request(DEMO_CLAIM)).await;
    let shed = shed.expect_err("shed while the slot is taken");
    assert_eq!(shed.code(), Code::ResourceExhausted, "{shed:?}");
    eprintln!("shed in {:?}", started.elapsed());

    // The server's deadline ends the stalled call and frees the slot.
    let ended = slow.await.unwrap().expect_err("the stalled import ends");
    assert_eq!(ended.code(), Code::DeadlineExceeded, "{ended:?}");
    assert!(ended.message().contains("request timeout"), "{ended:?}");
    assert_eq!(
        code(claims.check_claim(claim_request("cloud")).await),
        Code::Ok
    );

    // A client deadline shorter than the server's also frees the slot.
    let (_keep_open, stalled) = tokio::sync::mpsc::channel::<pb::ImportStatementsRequest>(1);
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(stalled));
    request.set_timeout(Duration::from_millis(300));
    let mut statements = server.statements().await;
    let ended = statements
        .import_statements(request)
        .await
        .expect_err("deadline");
    // tonic's client enforces its own deadline too, so either side may end it.
    assert!(
        matches!(ended.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{ended:?}"
    );
    assert_eq!(
        code(claims.check_claim(claim_request("cloud")).await),
        Code::Ok
    );
    assert!(server.serving().await);
    server.stop().await;
}

/// A raw HTTP/2 gRPC call that sends `grpc-timeout` but, unlike tonic's
/// client, does not enforce it: only the server can end it.
#[tokio::test]
async fn the_server_ends_a_call_at_the_clients_deadline() {
    use http_body_util::StreamBody;
    use hyper::body::Frame;
    type Frames = Result<Frame<bytes::Bytes>, std::convert::Infallible>;

    let dir = tempfile::tempdir().unwrap();
    let options = ServerOptions {
        max_in_flight: 1,
        ..ServerOptions::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(options)
        .start()
        .await;
    let mut sender = crate::harness::raw_http2(server.address).await;
    // An import stream that is opened and never written to or closed.
    let (_keep_open, frames) = tokio::sync::mpsc::channel::<Frames>(1);
    let body = StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(frames));
    let uri = format!(
        "http://{}/factdesk.v1.StatementService/ImportStatements",
        server.address
    );
    let request = hyper::Request::post(uri)
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .header("grpc-timeout", "300m")
        .body(body)
        .unwrap();
    let started = Instant::now();
    let response = sender.send_request(request).await.unwrap();
    let elapsed = started.elapsed();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("grpc-status").as_deref(),
        Some("4"),
        "DEADLINE_EXCEEDED"
    );
    let message = header("grpc-message").unwrap_or_default();
    assert!(message.contains("grpc-timeout"), "{message}");
    assert!(
        elapsed >= Duration::from_millis(300),
        "not before the deadline"
    );
    eprintln!("ended after {elapsed:?}");
    // The one slot is free again.
    let mut claims = server.claims().await;
    assert_eq!(
        code(claims.check_claim(claim_request(DEMO_CLAIM)).await),
        Code::Ok
    );
    server.stop().await;
}
