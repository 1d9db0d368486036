//! The server's logs as an operator reads them: `--log-format json` gives
//! one JSON object per line; every admitted call gets one access line with
//! its method, peer, status, latency and request id (the client's
//! `x-request-id`, echoed in the response, or a generated one), and every
//! line logged during the call carries that id; claim text stays out of
//! `info`; a bad `FACTDESK_LOG` stops the start with exit code 2.

use std::time::Duration;

use crate::harness::claim_request;
use crate::harness::process::run_factdesk;
use factdesk::pb::claim_service_client::ClaimServiceClient;

const CLAIM: &str = "Half of Chinese generative AI start-ups run on Alibaba Cloud";

#[tokio::test]
async fn json_lines_carry_the_request_id_of_their_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (server, address, log) =
        crate::harness::process::spawn_demo_server(&db, &["--log-format", "json"]);
    let mut claims = ClaimServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let mut request = tonic::Request::new(claim_request(CLAIM));
    request
        .metadata_mut()
        .insert("x-request-id", "req-0042".parse().unwrap());
    let response = claims.check_claim(request).await.unwrap();
    assert_eq!(
        response.metadata().get("x-request-id").unwrap(),
        "req-0042",
        "the id comes back"
    );
    let generated = claims
        .check_claim(claim_request(CLAIM))
        .await
        .unwrap()
        .metadata()
        .get("x-request-id")
        .expect("an id is generated when the client sends none")
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(generated.len(), 32, "{generated}");
    // A graceful stop, so every line is written (the access line follows
    // the response, and SIGKILL could beat it).
    let mut server = server;
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.0.wait().unwrap().success());

    let lines: Vec<String> =
        std::iter::from_fn(|| log.recv_timeout(Duration::from_secs(5)).ok()).collect();
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let of_call: Vec<&serde_json::Value> = parsed
        .iter()
        .filter(|value| value.to_string().contains("\"request_id\":\"req-0042\""))
        .collect();
    let messages: Vec<&str> = of_call
        .iter()
        .filter_map(|value| value["fields"]["message"].as_str())
        .collect();
    assert!(messages.contains(&"claim checked"), "{messages:?}");
    let access = of_call
        .iter()
        .find(|value| value["fields"]["message"] == "call")
        .expect("one access line");
    assert_eq!(access["fields"]["status"], "Ok");
    assert_eq!(
        access["fields"]["method"],
        "/factdesk.v1.ClaimService/CheckClaim"
    );
    assert!(access["fields"]["latency_us"].as_u64().is_some());
    assert!(access["fields"]["peer"].as_str().is_some());
    assert!(
        lines.iter().any(|line| line.contains(&generated)),
        "the generated id is logged"
    );
    assert!(
        !lines
            .iter()
            .any(|line| line.contains("generative AI start-ups")),
        "claim text stays out of info"
    );
}

#[test]
fn a_bad_log_filter_is_a_startup_error() {
    for filter in ["verbose", "info,=x"] {
        let output = crate::harness::process::factdesk_command(&["export", "--db", "nowhere"])
            .env("FACTDESK_LOG", filter)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{filter}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("FACTDESK_LOG"), "{stderr}");
    }
    let fine = run_factdesk(&["--help"]);
    assert!(fine.status.success());
}
