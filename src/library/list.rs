//! Listing the library: pages of statements in id order, filtered by
//! publisher and speaker, each call examining a bounded number of them.

use super::Library;
use crate::error::Error;
use crate::model::limits::{DEFAULT_PAGE_SIZE, MAX_LIST_SCAN, MAX_PAGE_SIZE};
use crate::model::{FieldError, Statement};
use crate::store::keys::{fingerprint, PageCursor};

/// A listing request in domain form.
#[derive(Debug, Default, Clone)]
pub struct ListRequest {
    /// 0 means the default.
    pub page_size: usize,
    pub page_token: String,
    pub publisher: String,
    pub speaker: String,
}

/// One page of statements.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub statements: Vec<Statement>,
    pub next_page_token: String,
}

impl Library {
    /// One page of statements in id order, filtered by publisher and speaker.
    pub fn list(&self, request: &ListRequest) -> Result<ListPage, Error> {
        self.usable()?;
        let publisher = request.publisher.to_lowercase();
        let speaker = request.speaker.to_lowercase();
        let filter_fingerprint = fingerprint(&[&publisher, &speaker]);
        let after_id = if request.page_token.is_empty() {
            None
        } else {
            let cursor = PageCursor::decode(&request.page_token)
                .ok_or_else(|| FieldError::new("page_token", "is malformed"))?;
            if cursor.filter_fingerprint != filter_fingerprint {
                return Err(FieldError::new(
                    "page_token",
                    "was issued for a request with different filters",
                )
                .into());
            }
            Some(cursor.after_id)
        };
        let page_size = match request.page_size {
            0 => DEFAULT_PAGE_SIZE,
            size => size.min(MAX_PAGE_SIZE),
        };
        let mut statements = Vec::with_capacity(page_size);
        // Where the next page starts, when there is one: after the last
        // statement returned (page full) or the last one examined (scan
        // budget spent; the page may then be short, even empty).
        let mut resume_after: Option<String> = None;
        let mut last_examined = None;
        for (examined, statement) in self.store.scan_after(after_id.as_deref()).enumerate() {
            let statement = statement?;
            if examined == MAX_LIST_SCAN {
                resume_after = last_examined;
                break;
            }
            let wanted = (publisher.is_empty()
                || statement.publisher().to_lowercase() == publisher)
                && (speaker.is_empty() || statement.speaker_name().to_lowercase() == speaker);
            if wanted && statements.len() == page_size {
                resume_after = statements.last().map(|last: &Statement| last.id.clone());
                break;
            }
            last_examined = Some(statement.id.clone());
            if wanted {
                statements.push(statement);
            }
        }
        let next_page_token = match resume_after {
            Some(after_id) => PageCursor {
                filter_fingerprint,
                after_id,
            }
            .encode(),
            None => String::new(),
        };
        Ok(ListPage {
            statements,
            next_page_token,
        })
    }
}

impl Library {
    /// Every stored statement as of one moment, for an online backup: the
    /// raw records are gathered under the write-order lock (no write lands
    /// halfway through), then decoded lazily by the caller.
    pub fn snapshot(&self) -> Result<Snapshot, Error> {
        self.usable()?;
        let _ordered = self.write_order();
        Ok(Snapshot {
            records: self.store.raw_records()?,
        })
    }
}

/// What [`Library::snapshot`] took: records in id order, decoded one by one.
#[derive(Debug)]
pub struct Snapshot {
    records: Vec<(String, crate::store::Record)>,
}

impl Snapshot {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The statements, decoded as they are taken.
    pub fn statements(self) -> impl Iterator<Item = Result<Statement, Error>> {
        self.records
            .into_iter()
            .map(|(id, record)| Ok(crate::store::decode_record(&id, &record)?))
    }
}
