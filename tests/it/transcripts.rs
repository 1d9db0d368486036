//! CheckTranscript and CheckArticle through a real server: chunks cut
//! anywhere give the same sentences and checks as one whole chunk, a rated
//! claim read aloud comes back with its verdict, a stream closed half-way
//! ends cleanly, and hostile streams get a clear status while the server
//! stays SERVING.

use factdesk::pb;
use factdesk::pb::check_claim_response::Verdict;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;

use crate::harness::{violated_field, TestServer};

const RUMOUR: &str = "Tencent bought Alibaba Cloud for $5 billion.";

fn options(threshold: f32, all: bool) -> pb::SentenceCheckOptions {
    pb::SentenceCheckOptions {
        checkworthiness_threshold: Some(threshold),
        include_all_sentences: all,
        ..Default::default()
    }
}

fn chunk(text: &str, speaker: &str) -> pb::CheckTranscriptRequest {
    pb::CheckTranscriptRequest {
        options: None,
        chunk: Some(pb::TranscriptChunk {
            text: text.into(),
            speaker: speaker.into(),
            media_time: None,
        }),
    }
}

/// Streams `messages` (the first carries `options`) and collects every
/// event, or the status the stream ended with.
async fn stream(
    server: &TestServer,
    options: pb::SentenceCheckOptions,
    mut messages: Vec<pb::CheckTranscriptRequest>,
) -> Result<Vec<pb::CheckedSentence>, tonic::Status> {
    if let Some(first) = messages.first_mut() {
        first.options = Some(options);
    }
    let mut claims = server.claims().await;
    let response = claims
        .check_transcript(tokio_stream::iter(messages))
        .await?;
    let mut events = response.into_inner();
    let mut sentences = Vec::new();
    while let Some(event) = events.message().await? {
        sentences.push(event.sentence.unwrap());
    }
    Ok(sentences)
}

/// A sentence as the chunk-invariance test compares it: text, span, score
/// bits, verdict and match ids.
type Summary = (String, i32, i32, u32, Option<i32>, Vec<String>);

/// What must not depend on where chunks were cut.
fn summary(sentences: &[pb::CheckedSentence]) -> Vec<Summary> {
    sentences
        .iter()
        .map(|s| {
            let check = s.check.as_ref();
            (
                s.text.clone(),
                s.start,
                s.end,
                s.checkworthiness.to_bits(),
                check.map(|c| c.verdict),
                check.map_or(Vec::new(), |c| {
                    c.matches
                        .iter()
                        .map(|m| m.statement.as_ref().unwrap().id.clone())
                        .collect()
                }),
            )
        })
        .collect()
}

/// Consecutive CheckThat! 2024 dev-test sentences, as one debate passage.
fn debate_passage() -> Option<String> {
    let data = crate::harness::shared_data()?;
    let rows = factdesk::checkworthy::read_tsv(&data.join("checkworthy2024/dev-test.tsv")).unwrap();
    let mut passage = rows
        .iter()
        .take(80)
        .map(|row| row.text.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ");
    passage.push(' ');
    passage.push_str(RUMOUR);
    Some(passage)
}

#[tokio::test]
async fn chunks_cut_anywhere_give_the_same_sentences_and_checks() {
    let Some(passage) = debate_passage() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let whole = stream(
        &server,
        options(0.3, true),
        vec![chunk(&passage, "Debater")],
    )
    .await
    .unwrap();
    assert!(whole.len() >= 60, "{} sentences", whole.len());
    assert!(whole.iter().any(|s| s.check.is_some()), "some are checked");
    let chars: Vec<char> = passage.chars().collect();
    for sentence in &whole {
        let span: String = chars[sentence.start as usize..sentence.end as usize]
            .iter()
            .collect();
        assert_eq!(span, sentence.text, "offsets point into the transcript");
        assert_eq!(sentence.speaker, "Debater");
    }
    for seed in [7, 8, 9] {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut pieces = Vec::new();
        let mut rest = passage.as_str();
        while !rest.is_empty() {
            let mut cut = rng.usize(1..=40).min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            pieces.push(chunk(&rest[..cut], "Debater"));
            rest = &rest[cut..];
        }
        let cut = stream(&server, options(0.3, true), pieces).await.unwrap();
        assert_eq!(summary(&cut), summary(&whole), "seed {seed}");
    }
    assert!(server.serving().await);
    server.stop().await;
}

#[tokio::test]
async fn a_rated_claim_read_aloud_comes_back_with_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let media = |seconds| Some(prost_types::Duration { seconds, nanos: 0 });
    let mut messages = vec![
        chunk("Good evening and welcome. ", "Moderator"),
        chunk("Let me be clear. Tencent bought Ali", "Rep. Dana Whit"),
        chunk("baba Cloud for $5 bil", ""),
        chunk("lion. Thank you.", ""),
    ];
    for (message, seconds) in messages.iter_mut().zip([0, 4, 7, 9]) {
        message.chunk.as_mut().unwrap().media_time = media(seconds);
    }
    let events = stream(&server, options(0.2, true), messages).await.unwrap();
    let rumour = events
        .iter()
        .find(|s| s.text.contains("Tencent bought"))
        .expect("the sentence split across chunks");
    assert_eq!(rumour.text, RUMOUR);
    assert_eq!(rumour.speaker, "Rep. Dana Whit");
    assert_eq!(rumour.media_time, media(4), "where the sentence began");
    let check = rumour.check.as_ref().expect("checked");
    assert_eq!(check.verdict(), Verdict::Refuted, "{check:?}");
    assert_eq!(check.claim.as_ref().unwrap().claimant, "Rep. Dana Whit");
    let first = &events[0];
    assert_eq!((first.speaker.as_str(), first.index), ("Moderator", 0));

    // Below the threshold and not asked for: not sent at all.
    let messages = vec![chunk(
        "Thank you. Tencent bought Alibaba Cloud for $5 billion.",
        "A",
    )];
    let events = stream(&server, options(0.2, false), messages)
        .await
        .unwrap();
    assert!(events.iter().all(|s| s.check.is_some()));
    server.stop().await;
}

#[tokio::test]
async fn a_stream_closed_half_way_ends_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    // Half-closed in the middle of a sentence: what was said is checked.
    let events = stream(
        &server,
        options(0.0, true),
        vec![chunk(
            "Alibaba Cloud hosts half of China's generative AI firms. And then",
            "X",
        )],
    )
    .await
    .unwrap();
    let texts: Vec<&str> = events.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Alibaba Cloud hosts half of China's generative AI firms.",
            "And then"
        ]
    );

    // Gone without a word: the server lets go of the stream.
    for _ in 0..20 {
        let (sender, receiver) = mpsc::channel(4);
        let mut claims = server.claims().await;
        let call =
            tokio::spawn(
                async move { claims.check_transcript(ReceiverStream::new(receiver)).await },
            );
        let mut first = chunk("Alibaba Cloud hosts half of China's AI firms. More", "X");
        first.options = Some(options(0.0, true));
        sender.send(first).await.unwrap();
        call.abort();
        drop(sender);
    }
    assert!(server.serving().await);
    let again = stream(
        &server,
        options(0.0, true),
        vec![chunk("One more. Two.", "X")],
    )
    .await
    .unwrap();
    assert_eq!(again.len(), 2, "stream slots came back");
    server.stop().await;
}

#[tokio::test]
async fn hostile_streams_get_a_clear_status_and_the_server_stays_serving() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;

    let huge = "a".repeat(16 * 1024 + 1);
    let status = stream(&server, options(0.5, false), vec![chunk(&huge, "X")])
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(violated_field(&status), "chunk.text");

    let endless: Vec<_> = (0..1000).map(|_| chunk("and so on ", "X")).collect();
    let status = stream(&server, options(0.5, false), endless)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().contains("without ending"), "{status:?}");

    let tiny: Vec<_> = (0..50_001).map(|_| chunk(" ", "X")).collect();
    let status = stream(&server, options(0.5, false), tiny)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    let mut late = vec![chunk("One. ", "X"), chunk("Two. ", "X")];
    late[1].options = Some(options(0.5, false));
    let status = stream(&server, options(0.5, false), late)
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "options");

    let bad = pb::SentenceCheckOptions {
        max_matches: 500,
        ..Default::default()
    };
    let status = stream(&server, bad, vec![chunk("One.", "X")])
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "options.max_matches");
    assert!(server.serving().await);
    server.stop().await;
}

#[tokio::test]
async fn an_article_returns_every_sentence_and_checks_the_worthy_ones() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    let text = format!("Thanks for reading.\n\nSources told us this. {RUMOUR} We will see.");
    let response = claims
        .check_article(pb::CheckArticleRequest {
            text: text.clone(),
            author: "Staff".into(),
            options: Some(options(0.2, false)),
        })
        .await
        .unwrap()
        .into_inner();
    let texts: Vec<&str> = response.sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Thanks for reading.",
            "Sources told us this.",
            RUMOUR,
            "We will see."
        ]
    );
    let rumour = &response.sentences[2];
    assert_eq!(rumour.check.as_ref().unwrap().verdict(), Verdict::Refuted);
    assert!(rumour.checkworthiness > response.sentences[0].checkworthiness);
    let status = claims
        .check_article(pb::CheckArticleRequest::default())
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "text");
    server.stop().await;
}

#[tokio::test]
async fn transcript_streams_have_their_own_slots_and_end_when_idle() {
    let dir = tempfile::tempdir().unwrap();
    let server_options = factdesk::server::ServerOptions {
        transcripts: factdesk::server::TranscriptLimits {
            max_streams: 2,
            idle: std::time::Duration::from_millis(500),
            ..Default::default()
        },
        ..Default::default()
    };
    let server = TestServer::builder(dir.path())
        .demo()
        .options(server_options)
        .start()
        .await;
    // Two streams that say nothing more after their first sentence.
    let mut held = Vec::new();
    for _ in 0..2 {
        let (sender, receiver) = mpsc::channel(4);
        let mut first = chunk("Hello there. Still", "X");
        first.options = Some(options(0.0, true));
        sender.send(first).await.unwrap();
        let mut claims = server.claims().await;
        let mut events = claims
            .check_transcript(ReceiverStream::new(receiver))
            .await
            .unwrap()
            .into_inner();
        let hello = events.message().await.unwrap().unwrap();
        assert_eq!(hello.sentence.unwrap().text, "Hello there.");
        held.push((sender, events));
    }
    // A third is refused at once; a unary check still gets through.
    let status = stream(&server, options(0.0, true), vec![chunk("Third.", "X")])
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let mut claims = server.claims().await;
    claims
        .check_claim(crate::harness::claim_request(RUMOUR))
        .await
        .unwrap();
    // The silent streams end at the idle timeout...
    for (_sender, events) in &mut held {
        let status = events.message().await.unwrap_err();
        assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    }
    // ...and their slots come back as their readers stop (no event tells
    // the client when; a few short retries).
    let mut attempts = 0;
    loop {
        match stream(&server, options(0.0, true), vec![chunk("Fourth.", "X")]).await {
            Ok(events) => {
                assert_eq!(events.len(), 1);
                break;
            }
            Err(status) if status.code() == Code::ResourceExhausted && attempts < 50 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(status) => panic!("{status:?}"),
        }
    }
    drop(held);

    // One connection may hold at most half of the transcript slots (here
    // one): a second stream on it is refused while the first is open.
    let mut claims = server.claims().await;
    let (sender, receiver) = mpsc::channel(4);
    let mut first = chunk("Hello again. Still", "X");
    first.options = Some(options(0.0, true));
    sender.send(first).await.unwrap();
    let mut open = claims
        .check_transcript(ReceiverStream::new(receiver))
        .await
        .unwrap()
        .into_inner();
    open.message().await.unwrap().unwrap();
    let second = claims
        .check_transcript(tokio_stream::iter(vec![chunk("Second.", "X")]))
        .await
        .unwrap_err();
    assert_eq!(second.code(), Code::ResourceExhausted, "{second:?}");
    assert!(second.message().contains("this connection"), "{second:?}");
    drop((sender, open));
    server.stop().await;
}
