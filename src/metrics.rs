//! The service's metrics, by name: what is counted where, through the
//! `metrics` facade (nothing is recorded until `serve --metrics-listen`
//! installs the Prometheus exporter). README "Operating factdesk" lists
//! them; every name follows Prometheus conventions (`factdesk_` prefix,
//! `_total` counters, base units in seconds).

use std::net::SocketAddr;
use std::time::Duration;

/// Calls by method and gRPC status (`code` as tonic names it: `Ok`,
/// `NotFound`...).
pub const REQUESTS: &str = "factdesk_rpc_requests_total";
/// Call latency by method, from admission to the last byte handed over.
pub const DURATION: &str = "factdesk_rpc_duration_seconds";
/// Calls holding an in-flight slot now.
pub const IN_FLIGHT: &str = "factdesk_rpc_in_flight";
/// Calls refused or ended early by the server's limits, by reason.
pub const SHED: &str = "factdesk_rpc_shed_total";
/// Calls ended by their deadline (the client's or the server's).
pub const DEADLINES: &str = "factdesk_rpc_deadline_exceeded_total";
/// Statements on record.
pub const STATEMENTS: &str = "factdesk_library_statements";
/// Time the last index build at start-up took.
pub const INDEX_BUILD: &str = "factdesk_index_build_seconds";
/// Time spent embedding texts (a claim from submission to its vector,
/// batch wait included; statements per import batch).
pub const EMBEDDING: &str = "factdesk_embedding_seconds";
/// Claims per forward pass of the claim batcher.
pub const EMBEDDING_BATCH: &str = "factdesk_embedding_batch_claims";
/// Checks by verdict.
pub const CHECKS: &str = "factdesk_checks_total";

/// Histogram buckets (seconds) for the latency metrics.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Buckets (claims) for the claim batch sizes.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// Serves the Prometheus text format on `address` (any path) and records
/// from now on; call inside the tokio runtime.
pub fn install(address: SocketAddr) -> Result<(), String> {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(address)
        .set_buckets(BUCKETS)
        .map_err(|error| error.to_string())?
        .set_buckets_for_metric(
            metrics_exporter_prometheus::Matcher::Full(EMBEDDING_BATCH.to_owned()),
            BATCH_BUCKETS,
        )
        .map_err(|error| error.to_string())?
        .install()
        .map_err(|error| error.to_string())?;
    describe();
    Ok(())
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(REQUESTS, "factdesk calls by method and gRPC status");
    describe_histogram!(DURATION, Unit::Seconds, "factdesk call latency by method");
    describe_gauge!(IN_FLIGHT, "factdesk calls holding an in-flight slot");
    describe_counter!(
        SHED,
        "calls refused or ended early by the server's limits, by reason"
    );
    describe_counter!(DEADLINES, "calls ended by their deadline");
    describe_gauge!(STATEMENTS, "statements on record");
    describe_gauge!(
        INDEX_BUILD,
        Unit::Seconds,
        "duration of the last index build"
    );
    describe_histogram!(EMBEDDING, Unit::Seconds, "time spent embedding texts");
    describe_histogram!(EMBEDDING_BATCH, "claims per embedding forward pass");
    describe_counter!(CHECKS, "checks by verdict");
}

/// One finished call.
pub fn call(method: &str, code: &str, elapsed: Duration) {
    // A path no service has answers UNIMPLEMENTED: one label for all of
    // them, so made-up paths cannot grow the series without bound.
    let method = if code == "Unimplemented" {
        "unknown"
    } else {
        method
    };
    metrics::counter!(REQUESTS, "method" => method.to_owned(), "code" => code.to_owned())
        .increment(1);
    metrics::histogram!(DURATION, "method" => method.to_owned()).record(elapsed.as_secs_f64());
    if code == "DeadlineExceeded" {
        metrics::counter!(DEADLINES).increment(1);
    }
}

/// A call took (+1) or gave back (-1) an in-flight slot.
pub fn in_flight(delta: f64) {
    metrics::gauge!(IN_FLIGHT).increment(delta);
}

/// A call shed for `reason` (snake case).
pub fn shed(reason: &'static str) {
    metrics::counter!(SHED, "reason" => reason).increment(1);
}

/// The library now holds `count` statements.
pub fn statements(count: usize) {
    metrics::gauge!(STATEMENTS).set(count as f64);
}

/// The index was built in `elapsed`.
pub fn index_built(elapsed: Duration) {
    metrics::gauge!(INDEX_BUILD).set(elapsed.as_secs_f64());
}

/// Texts were embedded in `elapsed`.
pub fn embedded(elapsed: Duration) {
    metrics::histogram!(EMBEDDING).record(elapsed.as_secs_f64());
}

/// The claim batcher ran one forward pass over `claims` claims.
pub fn claim_batch(claims: usize) {
    metrics::histogram!(EMBEDDING_BATCH).record(claims as f64);
}

/// A check ended with `verdict` (its proto name).
pub fn checked(verdict: &str) {
    metrics::counter!(CHECKS, "verdict" => verdict.to_owned()).increment(1);
}
