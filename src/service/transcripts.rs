//! CheckTranscript (a live transcript, streamed both ways) and CheckArticle
//! (a whole document): sentences split as they complete
//! (`text::sentences`), scored and checked one by one (`sentences.rs`).
//!
//! A transcript stream is read by one task that checks each sentence
//! before it reads on, and hands events to the response through a channel
//! of [`TRANSCRIPT_EVENTS_AHEAD`]: a client that stops reading stops the
//! task, and HTTP/2 flow control then stops the client's sending. Nothing
//! grows without bound: chunks, text, the pending sentence and the events
//! waiting are all capped, each cap with its own status.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Status, Streaming};

use super::sentences::{check_sentence, Origin, SentencePlan};
use super::{invalid_argument, CallToken};
use crate::library::Library;
use crate::model::limits::{
    MAX_ARTICLE_BYTES, MAX_CHUNK_BYTES, MAX_FIELD_BYTES, MAX_SENTENCE_CHARS, MAX_TRANSCRIPT_BYTES,
    MAX_TRANSCRIPT_CHUNKS, TRANSCRIPT_EVENTS_AHEAD,
};
use crate::model::{check_controls, check_len, FieldError, RankingParams};
use crate::pb;
use crate::text::sentences::{split_with_limit, Segmenter, Sentence};

/// The events of one transcript stream, as they are checked.
pub type TranscriptStream = std::pin::Pin<
    Box<dyn tokio_stream::Stream<Item = Result<pb::CheckTranscriptResponse, Status>> + Send>,
>;

type Events = mpsc::Sender<Result<pb::CheckTranscriptResponse, Status>>;

/// Starts reading a transcript stream; its events come out of the
/// returned stream, ending with an error status if the stream broke a
/// limit.
pub(super) fn start(
    library: Arc<Library>,
    ranking: RankingParams,
    request: Request<Streaming<pb::CheckTranscriptRequest>>,
) -> TranscriptStream {
    let token = CallToken::of(&request);
    let inbound = request.into_inner();
    let (events, receiver) = mpsc::channel(TRANSCRIPT_EVENTS_AHEAD);
    let span = tracing::Span::current();
    tokio::spawn(tracing::Instrument::instrument(
        async move {
            let mut reader = Transcript::new(library, ranking, token, events);
            let outcome = reader.read(inbound).await;
            tracing::Span::current().record("sentences", reader.sentences);
            tracing::Span::current().record("checked", reader.checked);
            match outcome {
                Ok(()) => tracing::info!("transcript ended"),
                Err(status) => {
                    tracing::info!(code = ?status.code(), error = status.message(), "transcript stopped");
                    let _ = reader.events.send(Err(status)).await;
                }
            }
        },
        span,
    ));
    Box::pin(ReceiverStream::new(receiver))
}

/// Where a chunk starts in the transcript, and who was speaking.
struct ChunkMark {
    start: usize,
    speaker: String,
    media_time: Option<prost_types::Duration>,
}

/// One transcript stream's state.
struct Transcript {
    library: Arc<Library>,
    ranking: RankingParams,
    /// The call's slots, held by every check of the stream.
    token: Option<CallToken>,
    events: Events,
    segmenter: Segmenter,
    plan: Option<SentencePlan>,
    /// Chunks since the start of the oldest sentence not yet complete.
    marks: VecDeque<ChunkMark>,
    speaker: String,
    /// Code points received so far.
    offset: usize,
    chunks: usize,
    bytes: usize,
    sentences: usize,
    checked: usize,
}

impl Transcript {
    fn new(
        library: Arc<Library>,
        ranking: RankingParams,
        token: Option<CallToken>,
        events: Events,
    ) -> Transcript {
        Transcript {
            library,
            ranking,
            token,
            events,
            segmenter: Segmenter::new(MAX_SENTENCE_CHARS),
            plan: None,
            marks: VecDeque::new(),
            speaker: String::new(),
            offset: 0,
            chunks: 0,
            bytes: 0,
            sentences: 0,
            checked: 0,
        }
    }

    /// Reads the stream to its end (or the client's going away), emitting
    /// each sentence as it completes.
    async fn read(
        &mut self,
        mut inbound: Streaming<pb::CheckTranscriptRequest>,
    ) -> Result<(), Status> {
        while let Some(message) = inbound.message().await? {
            self.chunks += 1;
            if self.chunks > MAX_TRANSCRIPT_CHUNKS {
                return Err(Status::resource_exhausted(format!(
                    "a transcript stream may send at most {MAX_TRANSCRIPT_CHUNKS} chunks; start \
                     another stream"
                )));
            }
            match (self.chunks, message.options) {
                (1, options) => {
                    let plan = SentencePlan::new(options, &self.ranking, "options")
                        .map_err(invalid_argument)?;
                    self.plan = Some(plan);
                }
                (_, Some(_)) => {
                    return Err(invalid_argument(FieldError::new(
                        "options",
                        "may be sent only in the stream's first message",
                    )))
                }
                (_, None) => {}
            }
            if let Some(chunk) = message.chunk {
                let completed = self.take(chunk)?;
                if !self.emit(completed).await {
                    return Ok(()); // The client went away.
                }
            }
        }
        let last = self.segmenter.finish().into_iter().collect();
        self.emit(last).await;
        Ok(())
    }

    /// Adds a chunk; returns the sentences it completed.
    fn take(&mut self, chunk: pb::TranscriptChunk) -> Result<Vec<Sentence>, Status> {
        check_len("chunk.text", &chunk.text, MAX_CHUNK_BYTES).map_err(invalid_argument)?;
        check_controls("chunk.text", &chunk.text).map_err(invalid_argument)?;
        check_len("chunk.speaker", &chunk.speaker, MAX_FIELD_BYTES).map_err(invalid_argument)?;
        self.bytes += chunk.text.len();
        if self.bytes > MAX_TRANSCRIPT_BYTES {
            return Err(Status::resource_exhausted(format!(
                "a transcript stream may send at most {MAX_TRANSCRIPT_BYTES} bytes of text; start \
                 another stream"
            )));
        }
        let mut completed = Vec::new();
        if !chunk.speaker.is_empty() && chunk.speaker != self.speaker {
            // A new speaker: what the last one said is complete.
            completed.extend(self.segmenter.flush());
            self.speaker = chunk.speaker;
        }
        self.marks.push_back(ChunkMark {
            start: self.offset,
            speaker: self.speaker.clone(),
            media_time: chunk.media_time,
        });
        self.offset += chunk.text.chars().count();
        let pushed = self
            .segmenter
            .push(&chunk.text)
            .map_err(|error| invalid_argument(FieldError::new("chunk.text", error.to_string())))?;
        completed.extend(pushed);
        Ok(completed)
    }

    /// Scores, checks and sends each sentence in order; false when the
    /// client has gone.
    async fn emit(&mut self, completed: Vec<Sentence>) -> bool {
        let Some(plan) = self.plan.clone() else {
            return true;
        };
        for sentence in completed {
            let mark = self
                .marks
                .iter()
                .rev()
                .find(|mark| mark.start <= sentence.start)
                .or(self.marks.front());
            let origin = Origin {
                index: self.sentences,
                speaker: mark.map(|m| m.speaker.clone()).unwrap_or_default(),
                media_time: mark.and_then(|m| m.media_time),
            };
            self.sentences += 1;
            let end = sentence.end;
            let event = check_sentence(
                &self.library,
                self.token.clone(),
                &plan,
                sentence,
                origin,
                false,
            )
            .await;
            // Chunks wholly before this sentence's end are no longer needed.
            while self.marks.len() > 1 && self.marks[1].start <= end {
                self.marks.pop_front();
            }
            let event = match event {
                Ok(None) => continue,
                Ok(Some(sentence)) => {
                    self.checked += usize::from(sentence.check.is_some());
                    Ok(pb::CheckTranscriptResponse {
                        sentence: Some(sentence),
                    })
                }
                Err(status) => Err(status),
            };
            let failed = event.is_err();
            if self.events.send(event).await.is_err() || failed {
                return false;
            }
        }
        true
    }
}

/// CheckArticle: every sentence of the document with its score, and the
/// check of those at or over the threshold, checked one after another
/// (the call's deadline ends the work between sentences).
pub(super) async fn article(
    library: &Arc<Library>,
    ranking: &RankingParams,
    request: Request<pb::CheckArticleRequest>,
) -> Result<pb::CheckArticleResponse, Status> {
    let token = CallToken::of(&request);
    let request = request.into_inner();
    if request.text.trim().is_empty() {
        return Err(invalid_argument(FieldError::new(
            "text",
            "must not be empty",
        )));
    }
    check_len("text", &request.text, MAX_ARTICLE_BYTES).map_err(invalid_argument)?;
    check_controls("text", &request.text).map_err(invalid_argument)?;
    check_len("author", &request.author, MAX_FIELD_BYTES).map_err(invalid_argument)?;
    let plan = SentencePlan::new(request.options, ranking, "options").map_err(invalid_argument)?;
    let sentences = split_with_limit(&request.text, MAX_SENTENCE_CHARS)
        .map_err(|error| invalid_argument(FieldError::new("text", error.to_string())))?;
    let mut response = pb::CheckArticleResponse::default();
    for (index, sentence) in sentences.into_iter().enumerate() {
        let origin = Origin {
            index,
            speaker: request.author.clone(),
            media_time: None,
        };
        let checked = check_sentence(library, token.clone(), &plan, sentence, origin, true).await?;
        response.sentences.extend(checked);
    }
    let span = tracing::Span::current();
    span.record("sentences", response.sentences.len());
    span.record(
        "checked",
        response
            .sentences
            .iter()
            .filter(|s| s.check.is_some())
            .count(),
    );
    tracing::info!("article checked");
    Ok(response)
}
