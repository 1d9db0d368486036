//! `factdesk check-transcript FILE --server URL`: a transcript or article
//! file checked by a running server, for people. Transcript lines in the
//! common `NAME: text` form set the speaker; the file is streamed line by
//! line through CheckTranscript (`--article`: one CheckArticle call), and
//! each check-worthy sentence is printed as a block (verdict, score,
//! citation) above a progress bar, or as one JSON object per line with
//! `--json`.

use std::io::Write;

use indicatif::{ProgressBar, ProgressStyle};
use tokio_stream::StreamExt;

use super::args::CheckTranscriptArgs;
use super::client;
use super::CliError;
use crate::model::limits::MAX_CHUNK_BYTES;
use crate::pb;
use crate::pb::claim_service_client::ClaimServiceClient;

/// Longest speaker label recognised before a colon, in characters.
const MAX_LABEL_CHARS: usize = 40;
/// Matches listed under each checked sentence.
const LISTED_MATCHES: usize = 3;

/// Runs the command.
pub fn run(args: CheckTranscriptArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|error| crate::error::FileError::read(&args.file, error))?;
    let token = client::token(args.token_file.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let channel = client::connect(&args.server, args.ca_cert.as_deref()).await?;
        let mut claims = ClaimServiceClient::new(channel);
        let options = pb::SentenceCheckOptions {
            checkworthiness_threshold: args.threshold,
            include_all_sentences: args.all,
            max_matches: LISTED_MATCHES as i32,
            ..Default::default()
        };
        let mut out = std::io::stdout().lock();
        if args.article {
            let request = pb::CheckArticleRequest {
                text,
                author: args.speaker.clone().unwrap_or_default(),
                options: Some(options),
            };
            let request = client::authorized(tonic::Request::new(request), token.as_deref())?;
            let response = claims
                .check_article(request)
                .await
                .map_err(|status| client::server_error("CheckArticle", &args.server, status))?
                .into_inner();
            for sentence in &response.sentences {
                if sentence.check.is_some() || args.all {
                    write_sentence(&mut out, sentence, args.json)?;
                }
            }
            return summary(&response.sentences, args.json);
        }
        let chunks = chunks(&text, args.speaker.as_deref());
        let total = chunks
            .iter()
            .map(|c| c.chunk.as_ref().map_or(0, |c| c.text.len()))
            .sum::<usize>();
        let progress = progress_bar(total as u64, args.json);
        let mut requests = chunks;
        if let Some(first) = requests.first_mut() {
            first.options = Some(options);
        }
        let sent = progress.clone();
        let outbound = tokio_stream::iter(requests.into_iter().inspect(move |request| {
            sent.inc(request.chunk.as_ref().map_or(0, |c| c.text.len()) as u64);
        }));
        let request = client::authorized(tonic::Request::new(outbound), token.as_deref())?;
        let mut events = claims
            .check_transcript(request)
            .await
            .map_err(|status| client::server_error("CheckTranscript", &args.server, status))?
            .into_inner();
        let mut seen = Vec::new();
        while let Some(event) = events.next().await {
            let event = event
                .map_err(|status| client::server_error("CheckTranscript", &args.server, status))?;
            let Some(sentence) = event.sentence else {
                continue;
            };
            let mut block = Vec::new();
            write_sentence(&mut block, &sentence, args.json)?;
            progress
                .suspend(|| out.write_all(&block))
                .map_err(CliError::Output)?;
            seen.push(sentence);
        }
        progress.finish_and_clear();
        summary(&seen, args.json)
    })
}

/// The file as chunks: one per line (cut at 8 KiB), each with the speaker
/// its `NAME:` label named, or the one before.
fn chunks(text: &str, default_speaker: Option<&str>) -> Vec<pb::CheckTranscriptRequest> {
    let mut speaker = default_speaker.unwrap_or_default().to_owned();
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        let (label, rest) = speaker_label(line);
        if let Some(label) = label {
            speaker = label.to_owned();
            // A new speaker's first words start a new line of the transcript.
        }
        let mut rest = rest;
        while !rest.is_empty() {
            let mut cut = rest.len().min(MAX_CHUNK_BYTES / 2);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push(pb::CheckTranscriptRequest {
                options: None,
                chunk: Some(pb::TranscriptChunk {
                    text: rest[..cut].to_owned(),
                    speaker: speaker.clone(),
                    media_time: None,
                }),
            });
            rest = &rest[cut..];
        }
    }
    out
}

/// `("NAME", rest)` when `line` starts with a speaker label (`JOE BIDEN:`,
/// `Moderator:`, `Dr. Smith:`): a few capitalised words before a colon.
fn speaker_label(line: &str) -> (Option<&str>, &str) {
    let Some(colon) = line.find(':') else {
        return (None, line);
    };
    let label = line[..colon].trim();
    let words = label.split_whitespace().count();
    let plausible = !label.is_empty()
        && label.chars().count() <= MAX_LABEL_CHARS
        && (1..=5).contains(&words)
        && label
            .split_whitespace()
            .all(|word| word.chars().next().is_some_and(char::is_uppercase))
        && label
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '\'' | '-'))
        && !line[colon + 1..].starts_with("//");
    if plausible {
        (
            Some(label),
            line[colon + 1..].trim_start_matches([' ', '\t']),
        )
    } else {
        (None, line)
    }
}

fn progress_bar(total: u64, hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} sent, {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// One sentence: a readable block, or one JSON line.
fn write_sentence(
    out: &mut dyn Write,
    sentence: &pb::CheckedSentence,
    json: bool,
) -> Result<(), CliError> {
    let check = sentence.check.as_ref();
    if json {
        let matches: Vec<serde_json::Value> = check
            .map(|c| c.matches.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|m| {
                serde_json::json!({
                    "statementId": m.statement.as_ref().map(|s| s.id.as_str()),
                    "citation": m.citation,
                    "stance": m.stance().as_str_name(),
                    "score": m.score,
                })
            })
            .collect();
        let line = serde_json::json!({
            "index": sentence.index,
            "text": sentence.text,
            "start": sentence.start,
            "end": sentence.end,
            "speaker": sentence.speaker,
            "checkworthiness": sentence.checkworthiness,
            "verdict": check.map(|c| c.verdict().as_str_name()),
            "verdictExplanation": check.map(|c| c.verdict_explanation.as_str()),
            "matches": matches,
        });
        return writeln!(out, "{line}").map_err(CliError::Output);
    }
    let who = if sentence.speaker.is_empty() {
        String::new()
    } else {
        format!("{} — ", sentence.speaker)
    };
    let mut block = format!(
        "#{} {who}check-worthiness {:.2}\n  “{}”\n",
        sentence.index + 1,
        sentence.checkworthiness,
        sentence.text
    );
    if let Some(check) = check {
        block.push_str(&format!(
            "  {}: {}\n",
            check.verdict().as_str_name(),
            check.verdict_explanation
        ));
        for (rank, found) in check.matches.iter().enumerate() {
            block.push_str(&format!(
                "  {}. {} [{} {:.2}]\n",
                rank + 1,
                found.citation,
                found.stance().as_str_name(),
                found.score
            ));
        }
    }
    block.push('\n');
    out.write_all(block.as_bytes()).map_err(CliError::Output)
}

/// The closing line on stderr: sentences seen and checked, verdicts.
fn summary(sentences: &[pb::CheckedSentence], json: bool) -> Result<(), CliError> {
    let checked: Vec<_> = sentences.iter().filter_map(|s| s.check.as_ref()).collect();
    let mut verdicts = std::collections::BTreeMap::new();
    for check in &checked {
        *verdicts.entry(check.verdict().as_str_name()).or_insert(0) += 1;
    }
    if !json {
        let verdicts: Vec<String> = verdicts.iter().map(|(v, n)| format!("{n} {v}")).collect();
        eprintln!(
            "{} check-worthy sentences checked{}{}",
            checked.len(),
            if verdicts.is_empty() { "" } else { ": " },
            verdicts.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_labels_are_recognised() {
        assert_eq!(
            speaker_label("BIDEN: We will."),
            (Some("BIDEN"), "We will.")
        );
        assert_eq!(
            speaker_label("Dr. Jill Smith: Yes"),
            (Some("Dr. Jill Smith"), "Yes")
        );
        assert_eq!(
            speaker_label("the ratio is 3:1"),
            (None, "the ratio is 3:1")
        );
        assert_eq!(
            speaker_label("See https://x.org"),
            (None, "See https://x.org")
        );
        assert_eq!(
            speaker_label("Here is what he said: nothing"),
            (None, "Here is what he said: nothing")
        );
    }

    #[test]
    fn lines_become_chunks_with_their_speakers() {
        let chunks = chunks(
            "MODERATOR: Welcome.\nBIDEN: Thanks.\nGood to be here.\n",
            None,
        );
        let got: Vec<(String, String)> = chunks
            .iter()
            .map(|r| {
                let c = r.chunk.as_ref().unwrap();
                (c.speaker.clone(), c.text.clone())
            })
            .collect();
        assert_eq!(
            got,
            [
                ("MODERATOR".into(), "Welcome.\n".into()),
                ("BIDEN".into(), "Thanks.\n".into()),
                ("BIDEN".into(), "Good to be here.\n".into()),
            ]
        );
    }
}
