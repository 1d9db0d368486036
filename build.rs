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
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Bounds repeated and output-only fields before prost decodes.
        .codec_path("crate::service::wire::Codec")
        .compile_fds(descriptors)?;
    Ok(())
}
