//! Update masks (AIP-134, AIP-161): which fields of a statement an update
//! changes, parsed from a `google.protobuf.FieldMask`'s paths and applied to
//! the stored statement.

use super::{Attribution, FieldError, Source, Speaker, Statement};

/// One field an update may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    Text,
    Context,
    Attribution,
    Language,
    Topics,
    Rating,
    Reviews,
    Speaker,
    SpeakerName,
    SpeakerTitle,
    SpeakerAffiliation,
    Source,
    SourcePublisher,
    SourceUrl,
    SourceTitle,
    SourceAuthor,
    SourcePublishTime,
    StatementTime,
}

/// Every path an update mask may name, by its proto field path.
const PATHS: [(&str, Path); 18] = [
    ("text", Path::Text),
    ("context", Path::Context),
    ("attribution", Path::Attribution),
    ("language", Path::Language),
    ("topics", Path::Topics),
    ("rating", Path::Rating),
    ("reviews", Path::Reviews),
    ("attribution.speaker", Path::Speaker),
    ("attribution.speaker.name", Path::SpeakerName),
    ("attribution.speaker.title", Path::SpeakerTitle),
    ("attribution.speaker.affiliation", Path::SpeakerAffiliation),
    ("attribution.source", Path::Source),
    ("attribution.source.publisher", Path::SourcePublisher),
    ("attribution.source.url", Path::SourceUrl),
    ("attribution.source.title", Path::SourceTitle),
    ("attribution.source.author", Path::SourceAuthor),
    ("attribution.source.publish_time", Path::SourcePublishTime),
    ("attribution.statement_time", Path::StatementTime),
];

/// The whole statement: what `*` names (AIP-134's full replacement).
const EVERY_FIELD: [Path; 7] = [
    Path::Text,
    Path::Context,
    Path::Attribution,
    Path::Language,
    Path::Topics,
    Path::Rating,
    Path::Reviews,
];

/// Output-only or identifying fields: named in a mask, they are ignored
/// (AIP-203), never changed.
const NEVER_CHANGED: [&str; 4] = ["id", "etag", "create_time", "update_time"];

/// The fields one update changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateMask(Vec<Path>);

impl UpdateMask {
    /// The mask a request's paths name. An unknown path is an error naming
    /// its position (`update_mask.paths[2]`); `*` must stand alone.
    pub fn parse(paths: &[String]) -> Result<UpdateMask, FieldError> {
        if paths.iter().any(|path| path == "*") {
            if paths.len() > 1 {
                return Err(FieldError::new(
                    "update_mask.paths",
                    "\"*\" replaces every field and must be the only path",
                ));
            }
            return Ok(UpdateMask(EVERY_FIELD.to_vec()));
        }
        let mut named = Vec::with_capacity(paths.len());
        for (position, path) in paths.iter().enumerate() {
            if NEVER_CHANGED.contains(&path.as_str()) {
                continue;
            }
            let Some((_, field)) = PATHS.iter().find(|(name, _)| name == path) else {
                let known: Vec<&str> = PATHS.iter().map(|(name, _)| *name).collect();
                return Err(FieldError::new(
                    format!("update_mask.paths[{position}]"),
                    format!(
                        "{path:?} is not a field of Statement that can be updated; use proto \
                         field names ({}, or \"*\")",
                        known.join(", ")
                    ),
                ));
            };
            named.push(*field);
        }
        if named.is_empty() {
            return Err(FieldError::new(
                "update_mask.paths",
                "names no field that can be updated",
            ));
        }
        Ok(UpdateMask(named))
    }

    /// The mask implied when a request has none (AIP-134): every top-level
    /// field set in `patch`.
    pub fn implied(patch: &Statement) -> Result<UpdateMask, FieldError> {
        let set = [
            (Path::Text, !patch.text.is_empty()),
            (Path::Context, !patch.context.is_empty()),
            (Path::Attribution, !patch.attribution.is_empty()),
            (Path::Language, !patch.language.is_empty()),
            (Path::Topics, !patch.topics.is_empty()),
            (Path::Rating, patch.rating.is_some()),
            (Path::Reviews, !patch.reviews.is_empty()),
        ];
        let named: Vec<Path> = set
            .into_iter()
            .filter_map(|(path, is_set)| is_set.then_some(path))
            .collect();
        if named.is_empty() {
            return Err(FieldError::new(
                "statement",
                "sets no field to change (and update_mask is absent)",
            ));
        }
        Ok(UpdateMask(named))
    }

    /// True when the mask names the first-release `rating` but not
    /// `reviews` (the reviews read from the old rating must then follow it).
    pub fn rating_without_reviews(&self) -> bool {
        self.0.contains(&Path::Rating) && !self.0.contains(&Path::Reviews)
    }

    /// Copies the named fields of `patch` into `target`. A speaker or
    /// source left with no field set is removed.
    pub fn apply(&self, target: &mut Statement, patch: &Statement) {
        for path in &self.0 {
            copy(*path, target, patch);
        }
        let attribution = &mut target.attribution;
        if attribution.speaker.as_ref() == Some(&Speaker::default()) {
            attribution.speaker = None;
        }
        if attribution.source.as_ref() == Some(&Source::default()) {
            attribution.source = None;
        }
    }
}

fn speaker(target: &mut Statement) -> &mut Speaker {
    target
        .attribution
        .speaker
        .get_or_insert_with(Speaker::default)
}

fn source(target: &mut Statement) -> &mut Source {
    target
        .attribution
        .source
        .get_or_insert_with(Source::default)
}

fn copy(path: Path, target: &mut Statement, patch: &Statement) {
    let from = &patch.attribution;
    let from_speaker = from.speaker.clone().unwrap_or_default();
    let from_source = from.source.clone().unwrap_or_default();
    match path {
        Path::Text => target.text.clone_from(&patch.text),
        Path::Context => target.context.clone_from(&patch.context),
        Path::Attribution => target.attribution = Attribution::clone(from),
        Path::Language => target.language.clone_from(&patch.language),
        Path::Topics => target.topics.clone_from(&patch.topics),
        Path::Rating => target.rating.clone_from(&patch.rating),
        Path::Reviews => target.reviews.clone_from(&patch.reviews),
        Path::Speaker => target.attribution.speaker.clone_from(&from.speaker),
        Path::SpeakerName => speaker(target).name = from_speaker.name,
        Path::SpeakerTitle => speaker(target).title = from_speaker.title,
        Path::SpeakerAffiliation => speaker(target).affiliation = from_speaker.affiliation,
        Path::Source => target.attribution.source.clone_from(&from.source),
        Path::SourcePublisher => source(target).publisher = from_source.publisher,
        Path::SourceUrl => source(target).url = from_source.url,
        Path::SourceTitle => source(target).title = from_source.title,
        Path::SourceAuthor => source(target).author = from_source.author,
        Path::SourcePublishTime => source(target).publish_time = from_source.publish_time,
        Path::StatementTime => target.attribution.statement_time = from.statement_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Statement {
        Statement::from_json_line(
            r#"{"id":"a","text":"Old text","context":"Venue","language":"en",
                "attribution":{"speaker":{"name":"Tsai","title":"Chairman"},
                "source":{"publisher":"Reuters","url":"https://example.com/a"}},
                "topics":["ai"]}"#,
        )
        .unwrap()
    }

    fn paths(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|path| path.to_string()).collect()
    }

    #[test]
    fn named_fields_change_and_the_rest_stay() {
        let mut target = stored();
        let patch = Statement::from_json_line(
            r#"{"text":"New text","attribution":{"speaker":{"name":"Ma"}}}"#,
        )
        .unwrap();
        let mask = UpdateMask::parse(&paths(&["text", "attribution.speaker.name"])).unwrap();
        mask.apply(&mut target, &patch);
        assert_eq!(target.text, "New text");
        assert_eq!(target.speaker_name(), "Ma");
        let speaker = target.attribution.speaker.as_ref().unwrap();
        assert_eq!(speaker.title, "Chairman", "a sibling path stays");
        assert_eq!(target.publisher(), "Reuters");
        assert_eq!(target.context, "Venue");
        assert_eq!(target.topics, ["ai"]);
    }

    #[test]
    fn a_named_empty_field_is_cleared_and_empty_parts_go() {
        let mut target = stored();
        let mask = UpdateMask::parse(&paths(&[
            "context",
            "attribution.source.publisher",
            "attribution.source.url",
        ]))
        .unwrap();
        mask.apply(&mut target, &Statement::default());
        assert_eq!(target.context, "");
        assert_eq!(target.attribution.source, None);
    }

    #[test]
    fn star_replaces_everything_and_output_only_paths_are_ignored() {
        let mut target = stored();
        let patch = Statement::from_json_line(r#"{"text":"Only this"}"#).unwrap();
        UpdateMask::parse(&paths(&["*"]))
            .unwrap()
            .apply(&mut target, &patch);
        assert_eq!(target.text, "Only this");
        assert_eq!(target.attribution, Attribution::default());
        assert!(target.topics.is_empty());
        assert_eq!(target.id, "a", "the id is never changed");
        let mask = UpdateMask::parse(&paths(&["create_time", "text", "etag"])).unwrap();
        assert_eq!(mask, UpdateMask(vec![Path::Text]));
    }

    #[test]
    fn bad_masks_name_the_path() {
        let error = UpdateMask::parse(&paths(&["text", "attribution.speaker.nmae"])).unwrap_err();
        assert_eq!(error.field, "update_mask.paths[1]");
        assert!(error.description.contains("attribution.speaker.name"));
        let error = UpdateMask::parse(&paths(&["*", "text"])).unwrap_err();
        assert_eq!(error.field, "update_mask.paths");
        let error = UpdateMask::parse(&paths(&["update_time"])).unwrap_err();
        assert_eq!(error.field, "update_mask.paths");
    }

    #[test]
    fn the_implied_mask_names_the_fields_set() {
        let patch = Statement::from_json_line(r#"{"topics":["x"],"context":"c"}"#).unwrap();
        let mask = UpdateMask::implied(&patch).unwrap();
        assert_eq!(mask, UpdateMask(vec![Path::Context, Path::Topics]));
        let error = UpdateMask::implied(&Statement::default()).unwrap_err();
        assert_eq!(error.field, "statement");
    }
}
