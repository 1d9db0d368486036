//! The load generator of `factdesk bench`: concurrent gRPC clients checking
//! claims over loopback, latencies recorded in an HdrHistogram.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tonic::transport::Channel;

use super::BenchError;
use crate::pb::claim_service_client::ClaimServiceClient;
use crate::pb::{CheckClaimRequest, Claim};

/// One load level.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    /// Clients, each with its own connection and one request in flight.
    pub concurrency: usize,
    /// Measured requests (after the warm-up), shared by all clients.
    pub requests: u64,
    /// The level stops at this time even if requests remain.
    pub duration: Duration,
    /// Unmeasured requests sent first, at the same concurrency.
    pub warmup: u64,
    /// `max_matches` of every request.
    pub max_matches: i32,
}

/// What one load level measured.
#[derive(Debug)]
pub struct LoadReport {
    pub concurrency: usize,
    /// Requests answered OK.
    pub completed: u64,
    /// Requests shed by the server's in-flight limit (`RESOURCE_EXHAUSTED`).
    pub shed: u64,
    /// Requests answered with any other error status.
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Latency of the OK requests, in microseconds.
    pub latency_us: Histogram<u64>,
    /// How long a shed request took to be refused, in microseconds.
    pub shed_latency_us: Histogram<u64>,
}

impl LoadReport {
    /// Completed checks per second of wall time.
    pub fn checks_per_second(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Latency at quantile `q` (0..1) in milliseconds.
    pub fn latency_ms(&self, q: f64) -> f64 {
        self.latency_us.value_at_quantile(q) as f64 / 1000.0
    }
}

/// Header of the rows [`LoadReport::row`] prints.
pub const TABLE_HEADER: &str = "| clients | checks | shed | errors | checks/s | p50 ms | p95 ms | p99 ms | max ms | shed p50 ms | shed p99 ms |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

impl LoadReport {
    /// One Markdown table row (see [`TABLE_HEADER`]).
    pub fn row(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            self.concurrency,
            self.completed,
            self.shed,
            self.errors,
            self.checks_per_second(),
            self.latency_ms(0.50),
            self.latency_ms(0.95),
            self.latency_ms(0.99),
            self.latency_us.max() as f64 / 1000.0,
            self.shed_latency_us.value_at_quantile(0.50) as f64 / 1000.0,
            self.shed_latency_us.value_at_quantile(0.99) as f64 / 1000.0,
        )
    }
}

/// Runs the warm-up, then the measured requests of `plan` against the
/// server at `endpoint` (`http://host:port`), cycling through `claims`.
pub async fn run_load(
    endpoint: &str,
    claims: Arc<Vec<String>>,
    plan: &LoadPlan,
) -> Result<LoadReport, BenchError> {
    if claims.is_empty() {
        return Err(BenchError::NoClaims);
    }
    if plan.concurrency == 0 {
        return Err(BenchError::NoClients);
    }
    let mut clients = Vec::with_capacity(plan.concurrency);
    for _ in 0..plan.concurrency {
        clients.push(ClaimServiceClient::new(super::connect(endpoint).await?));
    }
    let warmup = Level::new(plan.warmup, plan.duration);
    run_level(&clients, &claims, &warmup, plan.max_matches).await?;
    let measured = Level::new(plan.requests, plan.duration);
    let started = Instant::now();
    let results = run_level(&clients, &claims, &measured, plan.max_matches).await?;
    let elapsed = started.elapsed();
    let mut report = LoadReport {
        concurrency: plan.concurrency,
        completed: 0,
        shed: 0,
        errors: 0,
        first_error: None,
        elapsed,
        latency_us: new_histogram()?,
        shed_latency_us: new_histogram()?,
    };
    for client in results {
        // Same bounds on both sides: adding cannot fail.
        let _ = report.latency_us.add(&client.latency_us);
        let _ = report.shed_latency_us.add(&client.shed_latency_us);
        report.completed += client.completed;
        report.shed += client.shed;
        report.errors += client.errors;
        if report.first_error.is_none() {
            report.first_error = client.first_error;
        }
    }
    Ok(report)
}

/// A shared request budget with a deadline.
struct Level {
    next: AtomicU64,
    requests: u64,
    deadline: Instant,
}

impl Level {
    fn new(requests: u64, duration: Duration) -> Arc<Level> {
        Arc::new(Level {
            next: AtomicU64::new(0),
            requests,
            deadline: Instant::now() + duration,
        })
    }

    /// The number of the next request to send, or `None` when the level is over.
    fn take(&self) -> Option<u64> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        (n < self.requests && Instant::now() < self.deadline).then_some(n)
    }
}

/// One client's share of a level.
struct ClientResult {
    completed: u64,
    shed: u64,
    errors: u64,
    first_error: Option<String>,
    latency_us: Histogram<u64>,
    shed_latency_us: Histogram<u64>,
}

async fn run_level(
    clients: &[ClaimServiceClient<Channel>],
    claims: &Arc<Vec<String>>,
    level: &Arc<Level>,
    max_matches: i32,
) -> Result<Vec<ClientResult>, BenchError> {
    let mut tasks = tokio::task::JoinSet::new();
    for client in clients {
        let mut client = client.clone();
        let claims = Arc::clone(claims);
        let level = Arc::clone(level);
        let mut result = ClientResult {
            completed: 0,
            shed: 0,
            errors: 0,
            first_error: None,
            latency_us: new_histogram()?,
            shed_latency_us: new_histogram()?,
        };
        tasks.spawn(async move {
            while let Some(n) = level.take() {
                let text = claims[(n % claims.len() as u64) as usize].clone();
                let request = CheckClaimRequest {
                    claim: Some(Claim {
                        text,
                        ..Claim::default()
                    }),
                    max_matches,
                    ..CheckClaimRequest::default()
                };
                let sent = Instant::now();
                match client.check_claim(request).await {
                    Ok(_) => {
                        let micros = sent.elapsed().as_micros() as u64;
                        result.latency_us.saturating_record(micros.max(1));
                        result.completed += 1;
                    }
                    Err(status) if status.code() == tonic::Code::ResourceExhausted => {
                        let micros = sent.elapsed().as_micros() as u64;
                        result.shed_latency_us.saturating_record(micros.max(1));
                        result.shed += 1;
                    }
                    Err(status) => {
                        result.errors += 1;
                        result.first_error.get_or_insert_with(|| status.to_string());
                    }
                }
            }
            result
        });
    }
    let mut results = Vec::with_capacity(clients.len());
    while let Some(joined) = tasks.join_next().await {
        results.push(joined?);
    }
    Ok(results)
}

/// 1 µs to 60 s at three significant digits.
fn new_histogram() -> Result<Histogram<u64>, BenchError> {
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .map_err(|error| BenchError::Histogram(error.to_string()))
}
