//! Requests, metadata and certificates the tests send, and what they read
//! back from a refusal.

use factdesk::pb;

/// A claim request for `text` with default options.
pub fn claim_request(text: &str) -> pb::CheckClaimRequest {
    pb::CheckClaimRequest {
        claim: Some(pb::Claim {
            text: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A statement with an id and text.
pub fn statement(id: &str, text: &str) -> pb::Statement {
    pb::Statement {
        id: id.to_owned(),
        text: text.to_owned(),
        ..Default::default()
    }
}

/// A create of `id` with a one-line harbour statement.
pub fn create_request(id: &str) -> pb::CreateStatementRequest {
    pb::CreateStatementRequest {
        statement: Some(statement(
            id,
            "The harbour handled 4 million containers in 2023.",
        )),
        ..Default::default()
    }
}

/// The field named in a status's google.rpc.BadRequest details.
pub fn violated_field(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    let details = status.get_error_details();
    let bad_request = details.bad_request().expect("BadRequest details");
    bad_request.field_violations[0].field.clone()
}

/// `request` with `authorization: Bearer <token>`.
pub fn with_token<T>(request: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(request);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ASCII token"),
    );
    request
}

/// A CA and a `localhost`/127.0.0.1 server certificate it signed, as PEM:
/// (CA certificate, server certificate, server key).
pub fn generated_certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    (ca_cert.pem(), server_cert.pem(), server_key.serialize_pem())
}

/// A raw HTTP/2 connection to `address`, for requests no gRPC client would
/// send (bodies that never end, bytes that do not decode); the connection
/// is driven on its own task.
pub async fn raw_http2<B>(
    address: std::net::SocketAddr,
) -> hyper::client::conn::http2::SendRequest<B>
where
    B: hyper::body::Body + Send + Unpin + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let (sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tcp),
    )
    .await
    .unwrap();
    tokio::spawn(connection);
    sender
}

/// Export lines with `createTime` removed (each database stamps its own).
pub fn strip_create_times(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            value.as_object_mut().unwrap().remove("createTime");
            value
        })
        .collect()
}

/// One gRPC message framed for the wire: the compression flag, the length
/// (big-endian u32), the bytes.
pub fn grpc_frame(message: &[u8], compressed: bool) -> bytes::Bytes {
    let mut frame = vec![u8::from(compressed)];
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(message);
    bytes::Bytes::from(frame)
}

/// Sends one framed unary request to `path` on a raw HTTP/2 connection,
/// with `headers` beside gRPC's own; returns the `grpc-status` from the
/// headers or the trailers.
pub async fn raw_unary(
    sender: &mut hyper::client::conn::http2::SendRequest<http_body_util::Full<bytes::Bytes>>,
    address: std::net::SocketAddr,
    path: &str,
    frame: bytes::Bytes,
    headers: &[(&str, &str)],
) -> Option<String> {
    use http_body_util::BodyExt;
    let mut request = hyper::Request::post(format!("http://{address}/{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(http_body_util::Full::new(frame)).unwrap();
    let response = sender.send_request(request).await.unwrap();
    let headers = response.headers().clone();
    let trailers = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .trailers()
        .cloned();
    headers
        .get("grpc-status")
        .or_else(|| trailers.as_ref().and_then(|t| t.get("grpc-status")))
        .map(|value| value.to_str().unwrap().to_owned())
}
