//! A log sink that stops reading never stalls the service (hardening II,
//! finding 9): with stderr a pipe nobody reads after start-up, thousands of
//! checks still answer promptly.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::harness::claim_request;
use crate::harness::process::{factdesk_command, serving_address, ServerProcess};

/// Checks sent after the pipe stops being read: each logs a line at info,
/// and a pipe holds 64 KiB, a few hundred lines.
const CHECKS: usize = 3000;

#[tokio::test]
async fn a_stalled_log_pipe_does_not_stall_checks() {
    let child = factdesk_command(&["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start factdesk");
    let mut server = ServerProcess(child);
    // Read up to the `serving` line, then keep the pipe open, unread.
    let mut stderr = BufReader::new(server.0.stderr.take().unwrap());
    let address = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "server exited");
        if let Some(address) = serving_address(&line) {
            break address;
        }
    };
    let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut claims = factdesk::pb::claim_service_client::ClaimServiceClient::new(channel);
    for sent in 0..CHECKS {
        let call = claims.check_claim(claim_request(
            "Alibaba Cloud hosts half of China's generative AI firms",
        ));
        let answered = tokio::time::timeout(Duration::from_secs(10), call).await;
        assert!(
            matches!(answered, Ok(Ok(_))),
            "check {sent} of {CHECKS} did not answer within 10 s"
        );
    }
    drop(stderr);
}
