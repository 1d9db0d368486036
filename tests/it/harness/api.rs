//! The library calls the tests make that a refactor may reshape: opening a
//! library, how `server::run` takes it, the offline file import and the
//! import-line format. Every test reaches them through here, so such a
//! change is made once.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use factdesk::embed::Embedder;
use factdesk::model::Statement;
use factdesk::pb;
use factdesk::server::{self, ServerOptions};
use factdesk::store::Store;
use factdesk::Library;
use tokio::net::TcpListener;

/// A library over the database in `db_dir` (created if absent), with
/// sentence embeddings when given a model.
pub fn open_library(db_dir: &Path, embedder: Option<Arc<Embedder>>) -> Library {
    let store = Store::open(db_dir).expect("open store");
    Library::with_embedder(store, embedder).expect("build library")
}

/// A lexical library over a temporary database.
pub fn temporary_library() -> Library {
    Library::new(Store::temporary().expect("temporary store")).expect("build library")
}

/// Serves `library` on `listener` until `shutdown` completes; panics if the
/// server fails.
pub async fn serve(
    listener: TcpListener,
    library: Arc<Library>,
    closed: tokio::sync::oneshot::Receiver<()>,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
) {
    server::run_shared(
        listener,
        library,
        closed,
        options,
        shutdown,
        std::future::pending(),
    )
    .await
    .expect("server runs");
}

/// Imports the JSONL statement file at `path` into `library`, as
/// `factdesk import` does; returns the number of rejected lines.
pub fn import_file(library: &Library, path: &Path) -> u64 {
    factdesk::cli::import_file(library, path, &mut std::io::sink())
        .expect("import file")
        .rejected
}

/// The API form of one import line (proto3 JSON of a `Statement`).
pub fn proto_statement(line: &str) -> pb::Statement {
    let statement = Statement::from_json_line(line).expect("valid import line");
    factdesk::service::statement_to_proto(statement)
}
