//! `factdesk bench-transcript`: live transcripts against a real server. A
//! transcript of N sentences is streamed one sentence per chunk, at a set
//! pace, on 1..k streams at once; each event's delay is measured from the
//! moment the chunk that completed its sentence was sent (the next
//! sentence's chunk, whose first word settles the boundary, or the end of
//! the stream) to the event's arrival. Then one transcript is sent as fast
//! as the server takes it, for the wall time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::BenchError;
use crate::pb;
use crate::pb::claim_service_client::ClaimServiceClient;

/// Delays of one run, in milliseconds.
#[derive(Debug, Default)]
pub struct TranscriptReport {
    pub streams: usize,
    pub events: usize,
    /// Delays of the checked sentences.
    pub checked_ms: Vec<f64>,
    /// Delays of every sentence.
    pub all_ms: Vec<f64>,
    pub wall: Duration,
}

impl TranscriptReport {
    /// `| streams | events | checked | p50 | p99 | p50 all | p99 all | wall |`
    pub fn row(&mut self) -> String {
        self.checked_ms.sort_by(f64::total_cmp);
        self.all_ms.sort_by(f64::total_cmp);
        format!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} s |",
            self.streams,
            self.events,
            self.checked_ms.len(),
            quantile(&self.checked_ms, 0.5),
            quantile(&self.checked_ms, 0.99),
            quantile(&self.all_ms, 0.5),
            quantile(&self.all_ms, 0.99),
            self.wall.as_secs_f64()
        )
    }
}

/// Header of [`TranscriptReport::row`].
pub const TRANSCRIPT_HEADER: &str = "| streams | events | checked | delay p50 ms (checked) | p99 ms (checked) | p50 ms (all) | p99 ms (all) | wall |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Streams `sentences` on `streams` concurrent transcripts, one sentence
/// per chunk every `pace` (zero: as fast as the server takes them).
pub async fn run_transcripts(
    endpoint: &str,
    sentences: Arc<Vec<String>>,
    streams: usize,
    pace: Duration,
) -> Result<TranscriptReport, BenchError> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..streams {
        let channel = super::connect(endpoint).await?;
        let sentences = Arc::clone(&sentences);
        tasks.push(tokio::spawn(one_stream(channel, sentences, pace)));
    }
    let mut report = TranscriptReport {
        streams,
        ..TranscriptReport::default()
    };
    for task in tasks {
        let (checked, all) = task.await??;
        report.events += all.len();
        report.checked_ms.extend(checked);
        report.all_ms.extend(all);
    }
    report.wall = started.elapsed();
    Ok(report)
}

/// One transcript: (delays of checked sentences, delays of all), in ms.
async fn one_stream(
    channel: tonic::transport::Channel,
    sentences: Arc<Vec<String>>,
    pace: Duration,
) -> Result<(Vec<f64>, Vec<f64>), BenchError> {
    // Chunk i covers code points [starts[i], starts[i + 1]).
    let mut starts = Vec::with_capacity(sentences.len() + 1);
    let mut offset = 0;
    let texts: Vec<String> = sentences.iter().map(|s| format!("{} ", s.trim())).collect();
    for text in &texts {
        starts.push(offset);
        offset += text.chars().count();
    }
    let whole: Vec<char> = texts.iter().flat_map(|text| text.chars()).collect();
    let sent_at = Arc::new(Mutex::new(vec![None::<Instant>; texts.len() + 1]));
    let (sender, receiver) = mpsc::channel(8);
    let sending = {
        let sent_at = Arc::clone(&sent_at);
        tokio::spawn(async move {
            for (i, text) in texts.into_iter().enumerate() {
                let message = pb::CheckTranscriptRequest {
                    options: (i == 0).then(|| pb::SentenceCheckOptions {
                        include_all_sentences: true,
                        ..Default::default()
                    }),
                    chunk: Some(pb::TranscriptChunk {
                        text,
                        speaker: "Speaker".into(),
                        media_time: None,
                    }),
                };
                if let Ok(mut times) = sent_at.lock() {
                    times[i] = Some(Instant::now());
                }
                if sender.send(message).await.is_err() {
                    return;
                }
                if !pace.is_zero() {
                    tokio::time::sleep(pace).await;
                }
            }
            if let Ok(mut times) = sent_at.lock() {
                let end = times.len() - 1;
                times[end] = Some(Instant::now());
            }
        })
    };
    let mut claims = ClaimServiceClient::new(channel);
    let mut events = claims
        .check_transcript(ReceiverStream::new(receiver))
        .await
        .map_err(BenchError::Import)?
        .into_inner();
    let (mut checked, mut all) = (Vec::new(), Vec::new());
    while let Some(event) = events.message().await.map_err(BenchError::Import)? {
        let arrived = Instant::now();
        let Some(sentence) = event.sentence else {
            continue;
        };
        // The chunk holding the first word after the sentence (its
        // lookahead), or the end of the stream.
        let next_word = (sentence.end as usize..whole.len()).find(|&i| !whole[i].is_whitespace());
        let completing = next_word.map_or(starts.len(), |at| {
            starts.partition_point(|&start| start <= at) - 1
        });
        let sent = sent_at.lock().ok().and_then(|times| times[completing]);
        let Some(sent) = sent else { continue };
        let delay = arrived.saturating_duration_since(sent).as_secs_f64() * 1000.0;
        all.push(delay);
        if sentence.check.is_some() {
            checked.push(delay);
        }
    }
    sending.await?;
    Ok((checked, all))
}
