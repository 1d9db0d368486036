//! The codec every factdesk RPC decodes with: prost, after a walk over the
//! bytes (`walk.rs`) that refuses output-only fields and too many repeated
//! elements before anything is allocated for them. Bytes that do not decode
//! answer `INVALID_ARGUMENT` (the caller's fault), not tonic's `INTERNAL`.

#[cfg(test)]
mod tests;
mod walk;

use std::marker::PhantomData;

use prost::bytes::Buf;
use tonic::codec::{BufferSettings, DecodeBuf, Decoder};
use tonic::Status;
use tonic_prost::ProstEncoder;

use crate::model::limits::{
    MAX_CLAIM_REVIEW_RECORDS, MAX_FILTER_VALUES, MAX_IMPORT_BATCH, MAX_MASK_PATHS, MAX_REVIEWS,
    MAX_TOPICS,
};
use crate::model::FieldError;
use crate::pb;
use walk::{Field, Rule, Spec};

pub use walk::{MAX_DEPTH, MAX_ELEMENTS};

/// Named in `build.rs` as the codec of the generated servers and clients.
#[derive(Debug, Clone)]
pub struct Codec<T, U> {
    _types: PhantomData<(T, U)>,
}

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Codec {
            _types: PhantomData,
        }
    }
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + WireLimits + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = CheckedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        CheckedDecoder { _type: PhantomData }
    }
}

/// Walks, then decodes, one `U`.
#[derive(Debug)]
pub struct CheckedDecoder<U> {
    _type: PhantomData<U>,
}

impl<U: prost::Message + Default + WireLimits> Decoder for CheckedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        if let Some(spec) = U::SPEC {
            // tonic hands over one whole message, contiguous.
            walk::check(buf.chunk(), spec).map_err(super::invalid_argument)?;
        }
        U::decode(buf).map(Some).map_err(|error| {
            super::invalid_argument(FieldError::new(
                "(message)",
                format!("does not decode as {}: {error}", std::any::type_name::<U>()),
            ))
        })
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

/// The bounds of a message type decoded from the wire; `None` for types
/// that cannot amplify (no repeated or output-only fields) and for the
/// responses the generated clients decode.
pub trait WireLimits {
    const SPEC: Option<&'static Spec> = None;
}

impl WireLimits for () {}
impl WireLimits for pb::GetStatementRequest {}
impl WireLimits for pb::ListStatementsRequest {}
impl WireLimits for pb::DeleteStatementRequest {}
impl WireLimits for pb::ExportStatementsRequest {}
impl WireLimits for pb::Statement {}
impl WireLimits for pb::CheckClaimResponse {}
impl WireLimits for pb::ImportStatementsResponse {}
impl WireLimits for pb::ListStatementsResponse {}

impl WireLimits for pb::CheckArticleResponse {}
impl WireLimits for pb::CheckTranscriptResponse {}
impl WireLimits for pb::CheckTranscriptRequest {
    const SPEC: Option<&'static Spec> = Some(&CHECK_TRANSCRIPT);
}
impl WireLimits for pb::CheckArticleRequest {
    const SPEC: Option<&'static Spec> = Some(&CHECK_ARTICLE);
}
impl WireLimits for pb::CheckClaimRequest {
    const SPEC: Option<&'static Spec> = Some(&CHECK_CLAIM);
}
impl WireLimits for pb::CreateStatementRequest {
    const SPEC: Option<&'static Spec> = Some(&CREATE_STATEMENT);
}
impl WireLimits for pb::UpdateStatementRequest {
    const SPEC: Option<&'static Spec> = Some(&UPDATE_STATEMENT);
}
impl WireLimits for pb::ImportStatementsRequest {
    const SPEC: Option<&'static Spec> = Some(&IMPORT_STATEMENTS);
}
impl WireLimits for pb::ImportClaimReviewsRequest {
    const SPEC: Option<&'static Spec> = Some(&IMPORT_CLAIM_REVIEWS);
}

const fn repeated(number: u32, name: &'static str, max: usize) -> Field {
    Field {
        number,
        name,
        rule: Rule::Repeated { max, spec: None },
    }
}

const fn message(number: u32, name: &'static str, max: usize, spec: &'static Spec) -> Field {
    Field {
        number,
        name,
        rule: Rule::Repeated {
            max,
            spec: Some(spec),
        },
    }
}

/// A singular message field: repeats on the wire merge into one value.
const ONE: usize = usize::MAX;

static CHECK_CLAIM: Spec = Spec {
    fields: &[
        message(1, "claim", ONE, &CLAIM),
        message(4, "filter", ONE, &CHECK_FILTER),
    ],
};
static CHECK_TRANSCRIPT: Spec = Spec {
    fields: &[message(1, "options", ONE, &SENTENCE_OPTIONS)],
};
static CHECK_ARTICLE: Spec = Spec {
    fields: &[message(3, "options", ONE, &SENTENCE_OPTIONS)],
};
static SENTENCE_OPTIONS: Spec = Spec {
    fields: &[message(5, "filter", ONE, &CHECK_FILTER)],
};
static CLAIM: Spec = Spec {
    fields: &[Field {
        number: 5,
        name: "analysis",
        rule: Rule::OutputOnly,
    }],
};
static CHECK_FILTER: Spec = Spec {
    fields: &[
        repeated(1, "publishers", MAX_FILTER_VALUES),
        repeated(2, "speakers", MAX_FILTER_VALUES),
        repeated(3, "languages", MAX_FILTER_VALUES),
    ],
};
static CREATE_STATEMENT: Spec = Spec {
    fields: &[message(1, "statement", ONE, &STATEMENT)],
};
static UPDATE_STATEMENT: Spec = Spec {
    fields: &[
        message(1, "statement", ONE, &STATEMENT),
        message(2, "update_mask", ONE, &FIELD_MASK),
    ],
};
static FIELD_MASK: Spec = Spec {
    fields: &[repeated(1, "paths", MAX_MASK_PATHS)],
};
static IMPORT_STATEMENTS: Spec = Spec {
    fields: &[message(1, "statements", MAX_IMPORT_BATCH, &STATEMENT)],
};
static STATEMENT: Spec = Spec {
    fields: &[
        repeated(6, "topics", MAX_TOPICS),
        repeated(9, "reviews", MAX_REVIEWS),
    ],
};
static IMPORT_CLAIM_REVIEWS: Spec = Spec {
    fields: &[message(1, "documents", MAX_CLAIM_REVIEW_RECORDS, &STRUCT)],
};
// google.protobuf.Struct / Value / ListValue: bounded by MAX_ELEMENTS and
// MAX_DEPTH, not per field.
static STRUCT: Spec = Spec {
    fields: &[message(1, "fields", ONE, &STRUCT_ENTRY)],
};
static STRUCT_ENTRY: Spec = Spec {
    fields: &[message(2, "value", ONE, &VALUE)],
};
static VALUE: Spec = Spec {
    fields: &[
        message(5, "struct_value", ONE, &STRUCT),
        message(6, "list_value", ONE, &LIST_VALUE),
    ],
};
static LIST_VALUE: Spec = Spec {
    fields: &[message(1, "values", ONE, &VALUE)],
};
