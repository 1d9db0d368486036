//! Bearer-token access control: which calls are open, which need the read
//! token and which the write token. Tokens are compared in constant time and
//! never logged or printed.

use std::fmt;
use std::path::{Path, PathBuf};

use subtle::ConstantTimeEq;
use tonic::Status;

/// Shortest token accepted, in bytes.
pub const MIN_TOKEN_BYTES: usize = 16;
/// Longest token accepted, in bytes.
pub const MAX_TOKEN_BYTES: usize = 1024;

/// RPCs that only read. Any other path needs the write token (fail closed:
/// a new RPC is a write until it is listed here).
const READ_METHODS: [&str; 6] = [
    "/factdesk.v1.ClaimService/CheckClaim",
    "/factdesk.v1.ClaimService/CheckTranscript",
    "/factdesk.v1.ClaimService/CheckArticle",
    "/factdesk.v1.StatementService/GetStatement",
    "/factdesk.v1.StatementService/ListStatements",
    "/factdesk.v1.StatementService/ExportStatements",
];

/// A secret bearer token. `Debug` prints a redaction, never the value.
#[derive(Clone)]
pub struct Token(Vec<u8>);

impl fmt::Debug for Token {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Token(<redacted>)")
    }
}

/// Why a token cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{source_name}: must be {MIN_TOKEN_BYTES} to {MAX_TOKEN_BYTES} bytes, found {found}")]
    Length { source_name: String, found: usize },
    #[error("{source_name}: may contain only printable ASCII without spaces")]
    Characters { source_name: String },
    #[error("cannot read token file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the token is set both in a file and in {var}; use one")]
    TwoSources { var: String },
    #[error(
        "refusing to start: writes would be open to anyone. Set --write-token-file or \
         FACTDESK_WRITE_TOKEN, or pass --insecure-open-writes"
    )]
    NoWriteToken,
    #[error("a read token needs a write token too (otherwise writes are more open than reads)")]
    ReadWithoutWrite,
    #[error("the read and write tokens must differ")]
    SameTokens,
    #[error("--insecure-open-writes contradicts the write token that is set")]
    OpenWritesWithToken,
}

impl Token {
    /// A token from its text; surrounding whitespace (a file's final
    /// newline) is ignored. `source_name` names where it came from in errors.
    pub fn new(value: &str, source_name: &str) -> Result<Token, TokenError> {
        let value = value.trim();
        if !(MIN_TOKEN_BYTES..=MAX_TOKEN_BYTES).contains(&value.len()) {
            return Err(TokenError::Length {
                source_name: source_name.to_owned(),
                found: value.len(),
            });
        }
        if !value.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(TokenError::Characters {
                source_name: source_name.to_owned(),
            });
        }
        Ok(Token(value.as_bytes().to_vec()))
    }

    /// Reads a token from a file; warns when others may read the file.
    pub fn from_file(path: &Path) -> Result<Token, TokenError> {
        let value = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
            path: path.to_owned(),
            source,
        })?;
        warn_if_shared(path);
        Token::new(&value, &path.display().to_string())
    }

    /// The token from `file`, or else from the environment variable `var`;
    /// `None` when neither is set, an error when both are.
    pub fn from_sources(file: Option<&Path>, var: &str) -> Result<Option<Token>, TokenError> {
        let from_env = std::env::var_os(var);
        match (file, from_env) {
            (Some(_), Some(_)) => Err(TokenError::TwoSources {
                var: var.to_owned(),
            }),
            (Some(path), None) => Token::from_file(path).map(Some),
            (None, Some(value)) => match value.to_str() {
                Some(text) => Token::new(text, var).map(Some),
                None => Err(TokenError::Characters {
                    source_name: var.to_owned(),
                }),
            },
            (None, None) => Ok(None),
        }
    }

    /// Constant-time comparison (only the length can leak).
    fn matches(&self, presented: &[u8]) -> bool {
        self.0.ct_eq(presented).into()
    }

    /// The token as text, for clients that send it.
    pub fn expose(&self) -> &str {
        std::str::from_utf8(&self.0).expect("tokens are ASCII")
    }
}

/// What a call needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Health and reflection: always open.
    Open,
    /// Reads (checks, get, list): the read token when one is set.
    Read,
    /// Create, import, delete: the write token when one is set.
    Write,
}

impl Access {
    /// The access a gRPC method path (`/package.Service/Method`) needs.
    /// Paths that are neither open nor listed as reads count as writes.
    pub fn of_path(path: &str) -> Access {
        if path.starts_with("/grpc.health.v1.Health/") || path.starts_with("/grpc.reflection.") {
            Access::Open
        } else if READ_METHODS.contains(&path) {
            Access::Read
        } else {
            Access::Write
        }
    }
}

/// Logs a warning when a token file is readable by its group or by anyone:
/// the token is a password.
#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path) {
        let mode = metadata.permissions().mode();
        if mode & 0o044 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{:o}", mode & 0o777),
                "token file is readable by others; chmod 600 it"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

/// Which tokens the server asks for.
#[derive(Clone, Debug, Default)]
pub struct AccessPolicy {
    write: Option<Token>,
    read: Option<Token>,
}

impl AccessPolicy {
    /// Everyone may read and write (tests, the demo, `--insecure-open-writes`).
    pub fn open() -> AccessPolicy {
        AccessPolicy::default()
    }

    /// The policy for the given tokens; refuses combinations that would leave
    /// writes open by accident.
    pub fn new(
        write: Option<Token>,
        read: Option<Token>,
        insecure_open_writes: bool,
    ) -> Result<AccessPolicy, TokenError> {
        match (&write, &read, insecure_open_writes) {
            (None, Some(_), _) => Err(TokenError::ReadWithoutWrite),
            (None, None, false) => Err(TokenError::NoWriteToken),
            (Some(_), _, true) => Err(TokenError::OpenWritesWithToken),
            (Some(write_token), Some(read_token), _) if write_token.matches(&read_token.0) => {
                Err(TokenError::SameTokens)
            }
            _ => Ok(AccessPolicy { write, read }),
        }
    }

    /// True when writes need a token.
    pub fn writes_protected(&self) -> bool {
        self.write.is_some()
    }

    /// True when reads need a token.
    pub fn reads_protected(&self) -> bool {
        self.read.is_some()
    }

    /// True when the call presents the write token (and one is set): such
    /// callers may use the capacity kept for them when the server is full.
    pub fn is_writer(&self, authorization: Option<&[u8]>) -> bool {
        let presented = authorization.and_then(bearer);
        match (&self.write, presented) {
            (Some(token), Some(presented)) => token.matches(presented),
            _ => false,
        }
    }

    /// Decides a call from its `authorization` header value.
    pub fn authorize(&self, access: Access, authorization: Option<&[u8]>) -> Result<(), Status> {
        let required = match access {
            Access::Open => return Ok(()),
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        if required.is_none() {
            return Ok(());
        }
        let Some(presented) = authorization.and_then(bearer) else {
            return Err(Status::unauthenticated(
                "missing bearer token: send the metadata `authorization: Bearer <token>`",
            ));
        };
        let is_write = self.write.as_ref().is_some_and(|t| t.matches(presented));
        let is_read = self.read.as_ref().is_some_and(|t| t.matches(presented));
        match access {
            Access::Write if is_write => Ok(()),
            Access::Write if is_read => Err(Status::permission_denied(
                "the read token may not change the library; writes need the write token",
            )),
            Access::Read if is_read || is_write => Ok(()),
            _ => Err(Status::unauthenticated("the bearer token is not valid")),
        }
    }
}

/// The token of an `authorization: Bearer <token>` value (scheme
/// case-insensitive).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme
        .eq_ignore_ascii_case(b"bearer ")
        .then(|| rest.trim_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    /// RPCs that change the library: every path not open or listed in
    /// `READ_METHODS` is treated as one of these.
    const WRITE_METHODS: [&str; 5] = [
        "/factdesk.v1.StatementService/CreateStatement",
        "/factdesk.v1.StatementService/ImportStatements",
        "/factdesk.v1.StatementService/ImportClaimReviews",
        "/factdesk.v1.StatementService/UpdateStatement",
        "/factdesk.v1.StatementService/DeleteStatement",
    ];

    const WRITE: &str = "write-token-0123456789";
    const READ: &str = "read-token-0123456789";

    fn policy() -> AccessPolicy {
        let write = Token::new(WRITE, "test").unwrap();
        let read = Token::new(READ, "test").unwrap();
        AccessPolicy::new(Some(write), Some(read), false).unwrap()
    }

    fn code(policy: &AccessPolicy, access: Access, header: Option<&str>) -> Code {
        match policy.authorize(access, header.map(str::as_bytes)) {
            Ok(()) => Code::Ok,
            Err(status) => status.code(),
        }
    }

    #[test]
    fn paths_are_classified() {
        let statements = "/factdesk.v1.StatementService/";
        assert_eq!(
            Access::of_path(&format!("{statements}ImportStatements")),
            Access::Write
        );
        assert_eq!(
            Access::of_path(&format!("{statements}ListStatements")),
            Access::Read
        );
        assert_eq!(
            Access::of_path("/factdesk.v1.ClaimService/CheckClaim"),
            Access::Read
        );
        assert_eq!(
            Access::of_path("/grpc.health.v1.Health/Check"),
            Access::Open
        );
        assert_eq!(
            Access::of_path("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
            Access::Open
        );
        assert_eq!(Access::of_path("/nope.Service/Thing"), Access::Write);
    }

    /// Every RPC in the protos is listed as a read or a write, so a new one
    /// cannot slip through as whatever the default is.
    #[test]
    fn every_rpc_is_classified_explicitly() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(crate::pb::FILE_DESCRIPTOR_SET).unwrap();
        let mut seen = 0;
        for file in &set.file {
            for service in &file.service {
                for method in &service.method {
                    let path = format!("/{}.{}/{}", file.package(), service.name(), method.name());
                    let listed = WRITE_METHODS.contains(&path.as_str()) as u8
                        + READ_METHODS.contains(&path.as_str()) as u8;
                    assert_eq!(listed, 1, "{path} must be in exactly one list");
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, WRITE_METHODS.len() + READ_METHODS.len());
    }

    #[test]
    fn each_token_opens_what_it_should() {
        let policy = policy();
        let write = format!("Bearer {WRITE}");
        let read = format!("bearer {READ}");
        assert_eq!(code(&policy, Access::Write, Some(&write)), Code::Ok);
        assert_eq!(code(&policy, Access::Read, Some(&write)), Code::Ok);
        assert_eq!(code(&policy, Access::Read, Some(&read)), Code::Ok);
        assert_eq!(
            code(&policy, Access::Write, Some(&read)),
            Code::PermissionDenied
        );
        assert_eq!(code(&policy, Access::Write, None), Code::Unauthenticated);
        assert_eq!(code(&policy, Access::Read, None), Code::Unauthenticated);
        assert_eq!(
            code(
                &policy,
                Access::Write,
                Some("Bearer wrong-token-0123456789")
            ),
            Code::Unauthenticated
        );
        assert_eq!(
            code(&policy, Access::Write, Some(WRITE)),
            Code::Unauthenticated
        );
        assert_eq!(
            code(&policy, Access::Write, Some("Bearer")),
            Code::Unauthenticated
        );
        assert_eq!(code(&policy, Access::Open, None), Code::Ok);
    }

    #[test]
    fn reads_stay_open_without_a_read_token() {
        let write = Token::new(WRITE, "test").unwrap();
        let policy = AccessPolicy::new(Some(write), None, false).unwrap();
        assert_eq!(code(&policy, Access::Read, None), Code::Ok);
        assert_eq!(code(&policy, Access::Write, None), Code::Unauthenticated);
    }

    #[test]
    fn unsafe_policies_are_refused() {
        let token = |value: &str| Some(Token::new(value, "test").unwrap());
        assert!(matches!(
            AccessPolicy::new(None, None, false),
            Err(TokenError::NoWriteToken)
        ));
        assert!(AccessPolicy::new(None, None, true).is_ok());
        assert!(matches!(
            AccessPolicy::new(None, token(READ), true),
            Err(TokenError::ReadWithoutWrite)
        ));
        assert!(matches!(
            AccessPolicy::new(token(WRITE), token(WRITE), false),
            Err(TokenError::SameTokens)
        ));
        assert!(matches!(
            AccessPolicy::new(token(WRITE), None, true),
            Err(TokenError::OpenWritesWithToken)
        ));
    }

    #[test]
    fn weak_or_malformed_tokens_are_refused() {
        assert!(matches!(
            Token::new("short", "x"),
            Err(TokenError::Length { found: 5, .. })
        ));
        assert!(matches!(
            Token::new("has a space in the middle", "x"),
            Err(TokenError::Characters { .. })
        ));
        assert_eq!(
            Token::new(" abcdefghijklmnop\n", "x").unwrap().expose(),
            "abcdefghijklmnop"
        );
        let debug = format!("{:?}", Token::new(WRITE, "x").unwrap());
        assert!(!debug.contains(WRITE));
    }
}
