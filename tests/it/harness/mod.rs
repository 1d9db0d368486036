//! The test harness: a real factdesk server on 127.0.0.1:0 over a real
//! sled database in a temporary directory, and generated clients.

#![allow(dead_code)]

pub mod process;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use factdesk::embed::Embedder;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::pb::statement_service_client::StatementServiceClient;
use factdesk::server::{self, ServerOptions};
use factdesk::store::Store;
use factdesk::Library;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// A running server; stop it with [`TestServer::stop`].
pub struct TestServer {
    pub address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server over the database in `db_dir`.
    pub async fn start(db_dir: &Path) -> TestServer {
        let store = Store::open(db_dir).expect("open store");
        TestServer::start_with(Library::new(store).expect("build library")).await
    }

    /// Starts a server over the database in `db_dir`, with the demo library.
    pub async fn start_demo(db_dir: &Path) -> TestServer {
        TestServer::start_demo_with(db_dir, None).await
    }

    /// Like [`TestServer::start_demo`], with sentence embeddings when given.
    pub async fn start_demo_with(db_dir: &Path, embedder: Option<Arc<Embedder>>) -> TestServer {
        let store = Store::open(db_dir).expect("open store");
        let library = Library::with_embedder(store, embedder).expect("build library");
        let report = factdesk::demo::import(&library).expect("demo import");
        assert!(report.rejected.is_empty());
        TestServer::start_with(library).await
    }

    async fn start_with(library: Library) -> TestServer {
        TestServer::start_with_options(library, ServerOptions::default()).await
    }

    /// Starts a server over `library` with `options` (tokens, TLS, limits).
    pub async fn start_with_options(library: Library, options: ServerOptions) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            server::run(listener, Arc::new(library), options, signal)
                .await
                .expect("server runs");
        });
        TestServer {
            address,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// Starts a server with the demo library and `options`.
    pub async fn start_demo_options(db_dir: &Path, options: ServerOptions) -> TestServer {
        let store = Store::open(db_dir).expect("open store");
        let library = Library::new(store).expect("build library");
        let report = factdesk::demo::import(&library).expect("demo import");
        assert!(report.rejected.is_empty());
        TestServer::start_with_options(library, options).await
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

/// `../shared/data` beside the repository, if present. When absent: panics
/// under CI (`CI` set), otherwise prints a notice and returns `None`.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.join("snopes-statements.jsonl").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but the evaluation data is missing at {}",
        dir.display()
    );
    eprintln!("skipping: evaluation data not found at {}", dir.display());
    None
}

/// The embedding model named by `FACTDESK_EMBEDDING_MODEL`. When absent:
/// panics under CI, otherwise prints a notice and returns `None`.
pub fn embedding_model() -> Option<Arc<Embedder>> {
    let dir = std::env::var_os("FACTDESK_EMBEDDING_MODEL").map(PathBuf::from);
    match dir {
        Some(dir) if dir.join("model.safetensors").exists() => Some(Arc::new(
            Embedder::load(&dir).expect("load embedding model"),
        )),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but FACTDESK_EMBEDDING_MODEL does not name a model folder \
                 (run scripts/fetch-model.sh)"
            );
            eprintln!("skipping: FACTDESK_EMBEDDING_MODEL not set (see scripts/fetch-model.sh)");
            None
        }
    }
}

/// A claim request for `text` with default options.
pub fn claim_request(text: &str) -> factdesk::pb::CheckClaimRequest {
    factdesk::pb::CheckClaimRequest {
        claim: Some(factdesk::pb::Claim {
            text: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A statement with an id and text.
pub fn statement(id: &str, text: &str) -> factdesk::pb::Statement {
    factdesk::pb::Statement {
        id: id.to_owned(),
        text: text.to_owned(),
        ..Default::default()
    }
}

/// The field named in a status's google.rpc.BadRequest details.
pub fn violated_field(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    let details = status.get_error_details();
    let bad_request = details.bad_request().expect("BadRequest details");
    bad_request.field_violations[0].field.clone()
}

/// `request` with `authorization: Bearer <token>`.
pub fn with_token<T>(request: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(request);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ASCII token"),
    );
    request
}

/// A CA and a `localhost`/127.0.0.1 server certificate it signed, as PEM:
/// (CA certificate, server certificate, server key).
pub fn generated_certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    (ca_cert.pem(), server_cert.pem(), server_key.serialize_pem())
}
