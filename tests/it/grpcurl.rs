//! End to end with the real `factdesk` binary and the real `grpcurl`: the
//! README's demo commands, then SIGTERM and a clean, flushed exit.

use std::process::Command;
use std::sync::mpsc;

use crate::harness::grpcurl;
use crate::harness::process::{spawn_server, ServerProcess};

const TSAI_CLAIM: &str = "Alibaba Cloud hosts half of China's generative AI firms";

/// Starts `factdesk serve --demo` on an ephemeral port.
fn start_demo_server() -> (ServerProcess, String, mpsc::Receiver<String>) {
    spawn_server(&["serve", "--demo", "--listen", "127.0.0.1:0"], &[])
}

fn run_grpcurl(grpcurl: &str, args: &[&str]) -> String {
    let output = Command::new(grpcurl)
        .args(args)
        .output()
        .expect("run grpcurl");
    assert!(
        output.status.success(),
        "grpcurl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn grpcurl_list_describe_check_then_sigterm() {
    let Some(grpcurl) = grpcurl() else {
        return;
    };
    let (mut server, address, log) = start_demo_server();

    let services = run_grpcurl(&grpcurl, &["-plaintext", &address, "list"]);
    for service in [
        "factdesk.v1.ClaimService",
        "factdesk.v1.StatementService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ] {
        assert!(
            services.lines().any(|l| l == service),
            "{service} not in {services}"
        );
    }

    let described = run_grpcurl(
        &grpcurl,
        &["-plaintext", &address, "describe", "factdesk.v1.Match"],
    );
    assert!(described.contains("message Match"), "{described}");
    assert!(described.contains("string citation"), "{described}");

    let request = serde_json::json!({ "claim": { "text": TSAI_CLAIM } }).to_string();
    let response = run_grpcurl(
        &grpcurl,
        &[
            "-plaintext",
            "-d",
            &request,
            &address,
            "factdesk.v1.ClaimService/CheckClaim",
        ],
    );
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    let top = &response["matches"][0];
    assert_eq!(top["statement"]["id"], "demo-tsai-cloud-share");
    assert_eq!(
        top["statement"]["attribution"]["speaker"]["name"],
        "Joseph Tsai"
    );
    assert_eq!(top["stance"], "SUPPORTS");
    assert!(top["citation"]
        .as_str()
        .unwrap()
        .starts_with("Joseph Tsai, Chairman, Alibaba Group"));
    assert_eq!(response["verdict"], "ATTRIBUTED");

    // The README's ClaimReview import, then a check of the same claim.
    let review = serde_json::json!({"documents": [{
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": "https://factcheck.example/ferry",
        "claimReviewed": "The harbor ferry will stop running in winter.",
        "datePublished": "2025-06-01",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Dana Whitfield"}}
    }]});
    let imported = run_grpcurl(
        &grpcurl,
        &[
            "-plaintext",
            "-d",
            &review.to_string(),
            &address,
            "factdesk.v1.StatementService/ImportClaimReviews",
        ],
    );
    assert!(imported.contains(r#""createdCount": "1""#), "{imported}");
    let request =
        serde_json::json!({"claim": {"text": "The harbor ferry will stop running in winter."}});
    let checked = run_grpcurl(
        &grpcurl,
        &[
            "-plaintext",
            "-d",
            &request.to_string(),
            &address,
            "factdesk.v1.ClaimService/CheckClaim",
        ],
    );
    let checked: serde_json::Value = serde_json::from_str(&checked).unwrap();
    assert_eq!(checked["verdict"], "REFUTED", "{checked}");

    // A correction in JSON form. grpcurl 1.8 reads a FieldMask only as an
    // object (`{"paths": [...]}`), not as the JSON mapping's string.
    let correction = serde_json::json!({
        "statement": {"id": "demo-tsai-cloud-share",
                      "attribution": {"speaker": {"title": "Former Chairman"}}},
        "updateMask": {"paths": ["attribution.speaker.title"]}
    });
    let updated = run_grpcurl(
        &grpcurl,
        &[
            "-plaintext",
            "-d",
            &correction.to_string(),
            &address,
            "factdesk.v1.StatementService/UpdateStatement",
        ],
    );
    let updated: serde_json::Value = serde_json::from_str(&updated).unwrap();
    let speaker = &updated["attribution"]["speaker"];
    assert_eq!(speaker["title"], "Former Chairman", "{updated}");
    assert_eq!(speaker["name"], "Joseph Tsai", "{updated}");
    assert!(updated["etag"]
        .as_str()
        .is_some_and(|etag| etag.len() == 24));
    assert!(updated["updateTime"].is_string(), "{updated}");

    let health = run_grpcurl(
        &grpcurl,
        &["-plaintext", &address, "grpc.health.v1.Health/Check"],
    );
    assert!(health.contains("SERVING"), "{health}");

    let bad = Command::new(&grpcurl)
        .args([
            "-plaintext",
            "-d",
            r#"{"claim":{"text":""}}"#,
            &address,
            "factdesk.v1.ClaimService/CheckClaim",
        ])
        .output()
        .unwrap();
    let bad_text =
        String::from_utf8_lossy(&bad.stdout).to_string() + &String::from_utf8_lossy(&bad.stderr);
    assert!(
        bad_text.contains("InvalidArgument") && bad_text.contains("claim.text"),
        "{bad_text}"
    );

    let terminated = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let status = server.0.wait().unwrap();
    assert!(
        status.success(),
        "factdesk exits cleanly on SIGTERM: {status:?}"
    );
    let rest: Vec<String> = log.iter().collect();
    assert!(
        rest.iter().any(|l| l.contains("database flushed")),
        "{rest:?}"
    );
}

/// grpcurl output and exit status, for calls expected to fail.
fn grpcurl_outcome(grpcurl: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(grpcurl).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn grpcurl_over_tls_with_a_write_token() {
    let Some(grpcurl) = grpcurl() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = crate::harness::generated_certificates();
    let path = |name: &str, pem: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, pem).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (ca, cert, key) = (
        path("ca.pem", &ca),
        path("cert.pem", &cert),
        path("key.pem", &key),
    );
    let token = "grpcurl-write-token-1b2c3d4e";
    let token_file = path("write.token", &format!("{token}\n"));
    let db = dir.path().join("db");
    let args = [
        "serve",
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
        "--write-token-file",
        &token_file,
    ];
    let (_server, address, log) = spawn_server(&args, &[]);

    let request = format!(r#"{{"claim":{{"text":"{TSAI_CLAIM}"}}}}"#);
    let method = "factdesk.v1.ClaimService/CheckClaim";
    let response = run_grpcurl(
        &grpcurl,
        &["-cacert", &ca, "-d", &request, &address, method],
    );
    assert!(response.contains("demo-tsai-cloud-share"), "{response}");

    // Plaintext to the TLS port fails.
    let (ok, text) = grpcurl_outcome(
        &grpcurl,
        &[
            "-plaintext",
            "-connect-timeout",
            "2",
            "-d",
            &request,
            &address,
            method,
        ],
    );
    assert!(!ok, "{text}");

    // Writes need the token; reads did not.
    let create = r#"{"statement":{"id":"tls-1","text":"Port traffic rose 7% in 2024."}}"#;
    let method = "factdesk.v1.StatementService/CreateStatement";
    let (ok, text) = grpcurl_outcome(&grpcurl, &["-cacert", &ca, "-d", create, &address, method]);
    assert!(!ok && text.contains("Unauthenticated"), "{text}");
    let header = format!("authorization: Bearer {token}");
    let created = run_grpcurl(
        &grpcurl,
        &[
            "-cacert", &ca, "-H", &header, "-d", create, &address, method,
        ],
    );
    assert!(created.contains("tls-1"), "{created}");

    // The refusal was logged, the token never.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let lines: Vec<String> = log.try_iter().collect();
    assert!(
        lines.iter().any(|l| l.contains("call refused")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains(token)), "{lines:?}");
}
