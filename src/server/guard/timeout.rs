//! What the guard reads from a request's headers and path: the client's
//! deadline (`grpc-timeout`) and the method path as logged.

use std::time::Duration;

use tonic::codegen::http::HeaderMap;

/// The client's deadline from `grpc-timeout` (1-8 digits and a unit:
/// H, M, S, m, u, n). A malformed header is ignored, as gRPC servers do.
pub fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().unwrap());
        grpc_timeout(&headers)
    }

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("99999999u"), Some(Duration::from_micros(99_999_999)));
        assert_eq!(parse("7n"), Some(Duration::from_nanos(7)));
    }

    #[test]
    fn malformed_grpc_timeouts_are_ignored() {
        for value in ["", "S", "123456789S", "12x", "-1S", "1.5S", "１S"] {
            if let Ok(header) = value.parse() {
                let mut headers = HeaderMap::new();
                headers.insert("grpc-timeout", header);
                assert_eq!(grpc_timeout(&headers), None, "{value:?}");
            }
        }
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }
}

/// Longest method path written to the log: a refused caller picks the path,
/// and 8 KB paths times thousands of calls would fill the disk.
const LOGGED_PATH_BYTES: usize = 128;

/// The method path as logged: at most [`LOGGED_PATH_BYTES`], cut at a
/// character boundary, marked when cut.
pub(super) fn logged_path(path: &str) -> String {
    if path.len() <= LOGGED_PATH_BYTES {
        return path.to_owned();
    }
    let mut end = LOGGED_PATH_BYTES;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &path[..end], path.len())
}

#[cfg(test)]
mod logged_path_tests {
    use super::logged_path;

    #[test]
    fn long_paths_are_cut_for_the_log() {
        assert_eq!(
            logged_path("/factdesk.v1.ClaimService/CheckClaim"),
            "/factdesk.v1.ClaimService/CheckClaim"
        );
        let long = format!("/{}", "é".repeat(4000));
        let logged = logged_path(&long);
        assert!(logged.len() < 160, "{logged}");
        assert!(logged.ends_with("(8001 bytes)"), "{logged}");
    }
}
