//! The wire walk against hand-built messages: output-only fields, counts,
//! nesting, element budget, truncation.

use prost::Message;
use prost_types::{value::Kind, ListValue, Struct, Value};

use super::walk::check;
use super::*;

fn field_of<U: Message + WireLimits>(message: &U) -> Result<(), String> {
    let spec = U::SPEC.expect("request type with a spec");
    check(&message.encode_to_vec(), spec).map_err(|error| error.to_string())
}

fn statement(text: &str) -> pb::Statement {
    pb::Statement {
        text: text.into(),
        topics: vec!["economy".into(); 3],
        ..Default::default()
    }
}

#[test]
fn valid_requests_pass() {
    let check_request = pb::CheckClaimRequest {
        claim: Some(pb::Claim {
            text: "Unemployment fell to 3.5%".into(),
            ..Default::default()
        }),
        filter: Some(pb::CheckFilter {
            publishers: vec!["Reuters".into(); 100],
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(field_of(&check_request), Ok(()));
    let import = pb::ImportStatementsRequest {
        statements: vec![statement("a"); MAX_IMPORT_BATCH],
    };
    assert_eq!(field_of(&import), Ok(()));
}

#[test]
fn output_only_analysis_is_refused_before_decoding() {
    let request = pb::CheckClaimRequest {
        claim: Some(pb::Claim {
            text: "x".into(),
            analysis: Some(pb::ClaimAnalysis::default()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let error = field_of(&request).unwrap_err();
    assert!(error.starts_with("claim.analysis:"), "{error}");
}

#[test]
fn repeated_fields_are_counted() {
    let import = pb::ImportStatementsRequest {
        statements: vec![pb::Statement::default(); MAX_IMPORT_BATCH + 1],
    };
    let error = field_of(&import).unwrap_err();
    assert!(error.starts_with("statements: more than 1000"), "{error}");
    let mut crowded = statement("a");
    crowded.topics = vec![String::new(); MAX_TOPICS + 1];
    let error = field_of(&pb::CreateStatementRequest {
        statement: Some(crowded),
        statement_id: String::new(),
    })
    .unwrap_err();
    assert!(
        error.starts_with("statement.topics: more than 64"),
        "{error}"
    );
    let filter = pb::CheckClaimRequest {
        filter: Some(pb::CheckFilter {
            speakers: vec![String::new(); MAX_FILTER_VALUES + 1],
            ..Default::default()
        }),
        ..Default::default()
    };
    let error = field_of(&filter).unwrap_err();
    assert!(error.starts_with("filter.speakers:"), "{error}");
}

fn list(values: Vec<Value>) -> Value {
    Value {
        kind: Some(Kind::ListValue(ListValue { values })),
    }
}

fn document(value: Value) -> pb::ImportClaimReviewsRequest {
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("x".to_owned(), value);
    pb::ImportClaimReviewsRequest {
        documents: vec![Struct { fields }],
    }
}

#[test]
fn struct_documents_are_bounded_in_depth_and_elements() {
    let mut deep = Value { kind: None };
    for _ in 0..60 {
        deep = list(vec![deep]);
    }
    let error = field_of(&document(deep)).unwrap_err();
    assert!(error.contains("nested more than 100 deep"), "{error}");
    let wide = list(vec![Value { kind: None }; MAX_ELEMENTS]);
    let error = field_of(&document(wide)).unwrap_err();
    assert!(error.contains("nested elements"), "{error}");
    let fine = list(vec![Value { kind: None }; 1000]);
    assert_eq!(field_of(&document(fine)), Ok(()));
}

#[test]
fn truncated_bytes_are_malformed() {
    let bytes = pb::ImportStatementsRequest {
        statements: vec![statement("some text")],
    }
    .encode_to_vec();
    for cut in 1..bytes.len() {
        let error = check(&bytes[..cut], IMPORT_STATEMENTS_SPEC).unwrap_err();
        assert!(error.to_string().contains("protobuf"), "{cut}: {error}");
    }
}

const IMPORT_STATEMENTS_SPEC: &Spec = match pb::ImportStatementsRequest::SPEC {
    Some(spec) => spec,
    None => panic!("import has a spec"),
};
