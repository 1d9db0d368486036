//! The test harness: a real factdesk server on 127.0.0.1:0 over a real
//! sled database in a temporary directory, and generated clients.

mod api;
mod inputs;
pub mod process;
mod requests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use factdesk::embed::Embedder;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::pb::statement_service_client::StatementServiceClient;
use factdesk::server::ServerOptions;
use factdesk::Library;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub use api::{import_file, open_library, proto_statement, temporary_library};
pub use inputs::{embedding_model, grpcurl, shared_data};
pub use requests::{
    claim_request, create_request, generated_certificates, grpc_frame, raw_http2, raw_unary,
    statement, strip_create_times, violated_field, with_token,
};

/// A running server; stop it with [`TestServer::stop`].
pub struct TestServer {
    pub address: SocketAddr,
    /// The served library, for audits; the server holds the only strong
    /// handle, so stopping it closes the database.
    library: std::sync::Weak<Library>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// What a [`TestServer`] starts with, beyond the database directory.
pub struct Builder {
    db_dir: PathBuf,
    /// Import the demo library before serving (unchanged statements stay).
    demo: bool,
    /// Sentence embeddings for semantic re-ranking; lexical only without.
    embedder: Option<Arc<Embedder>>,
    /// Tokens, TLS and limits; the defaults leave access open.
    options: ServerOptions,
}

impl Builder {
    /// Imports the demo library first.
    pub fn demo(mut self) -> Builder {
        self.demo = true;
        self
    }

    /// Re-ranks with `embedder` (statement vectors are stored on import).
    pub fn embedder(mut self, embedder: Arc<Embedder>) -> Builder {
        self.embedder = Some(embedder);
        self
    }

    /// Serves with `options` instead of the defaults.
    pub fn options(mut self, options: ServerOptions) -> Builder {
        self.options = options;
        self
    }

    /// Opens the database, imports the demo if asked, and starts serving.
    pub async fn start(self) -> TestServer {
        let library = open_library(&self.db_dir, self.embedder);
        if self.demo {
            let report = factdesk::demo::import(&library).expect("demo import");
            assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        }
        TestServer::over(library, self.options).await
    }
}

impl TestServer {
    /// A server over the database in `db_dir`, lexical, with default
    /// options, unless the [`Builder`] is told otherwise.
    pub fn builder(db_dir: &Path) -> Builder {
        Builder {
            db_dir: db_dir.to_owned(),
            demo: false,
            embedder: None,
            options: ServerOptions::default(),
        }
    }

    /// Serves `library` (built by the caller) with `options`.
    pub async fn over(mut library: Library, options: ServerOptions) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let closed = library.close_notice();
        let library = Arc::new(library);
        let weak = Arc::downgrade(&library);
        let task = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            api::serve(listener, library, closed, options, signal).await;
        });
        TestServer {
            address,
            library: weak,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// The served library, for in-process checks beside the served ones.
    pub fn library(&self) -> Arc<Library> {
        self.library.upgrade().expect("the server is running")
    }

    /// Compares the served library's store, index and vectors
    /// ([`Library::audit`]) under its write lock.
    pub async fn audit(&self) -> factdesk::library::Audit {
        let library = self.library.upgrade().expect("the server is running");
        tokio::task::spawn_blocking(move || library.audit().expect("audit reads the store"))
            .await
            .unwrap()
    }

    /// True while the health service reports SERVING for every service.
    pub async fn serving(&self) -> bool {
        use tonic_health::pb::health_check_response::ServingStatus;
        use tonic_health::pb::health_client::HealthClient;
        use tonic_health::pb::HealthCheckRequest;
        let Ok(channel) = Channel::from_shared(self.url()).unwrap().connect().await else {
            return false;
        };
        let request = HealthCheckRequest {
            service: String::new(),
        };
        match HealthClient::new(channel).check(request).await {
            Ok(response) => response.into_inner().status == ServingStatus::Serving as i32,
            Err(_) => false,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .unwrap()
            .connect()
            .await
            .expect("connect")
    }

    /// A channel that connects on first use (for servers a plain connect
    /// cannot reach, e.g. a TLS port).
    pub fn channel_lazy(&self) -> Channel {
        Channel::from_shared(self.url()).unwrap().connect_lazy()
    }

    pub async fn statements(&self) -> StatementServiceClient<Channel> {
        StatementServiceClient::new(self.channel().await)
    }

    pub async fn claims(&self) -> ClaimServiceClient<Channel> {
        ClaimServiceClient::new(self.channel().await)
    }

    /// Graceful shutdown: waits until the server has stopped and flushed.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task");
        }
    }
}
