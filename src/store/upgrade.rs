//! Upgrading a database written by an older factdesk, in place, when it is
//! opened.
//!
//! Version 1 → 2: statements gain `reviews`. A first-release `rating` is read
//! as one review and every review's rating is normalised, so checks can
//! compose verdicts from stored reviews without re-reading old layouts.
//! Statements are rewritten in batches, each one atomic; the version is
//! raised only after all of them, and then made durable. A crash part-way
//! leaves a version-1 database whose next open upgrades it again (a
//! statement upgraded twice is unchanged the second time). Nothing is
//! removed: `rating` stays as it was. Records stay JSON.
//!
//! Version 2 → 3: records may be compressed with the database's record
//! dictionary (see `codec`). JSON records are still read as they are, so
//! nothing is rewritten: only the version is raised (an older factdesk
//! then refuses the database instead of misreading compressed records).

use super::{codec, StoreError};
use crate::model::Statement;

/// Statements rewritten per atomic batch.
const UPGRADE_BATCH: usize = 1000;

/// Rewrites every statement of a version-1 `statements` tree in the
/// version-2 form; returns how many changed.
pub(super) fn from_v1(statements: &sled::Tree) -> Result<u64, StoreError> {
    let mut changed = 0;
    let mut batch = sled::Batch::default();
    let mut in_batch = 0;
    for entry in statements.iter() {
        let (key, value) = entry?;
        let mut statement: Statement = codec::decode(&String::from_utf8_lossy(&key), &value, None)?;
        let before = statement.reviews.clone();
        statement.complete_reviews();
        if statement.reviews == before {
            continue;
        }
        batch.insert(key, codec::encode(&statement, None));
        changed += 1;
        in_batch += 1;
        if in_batch == UPGRADE_BATCH {
            statements.apply_batch(std::mem::take(&mut batch))?;
            in_batch = 0;
        }
    }
    statements.apply_batch(batch)?;
    Ok(changed)
}

/// The stored schema version, if this build can read it (directly or by
/// upgrading).
pub(super) fn check_version(meta: &sled::Tree, path: &std::path::Path) -> Result<u32, StoreError> {
    let found = meta
        .get("schema_version")?
        .and_then(|bytes| <[u8; 4]>::try_from(bytes.as_ref()).ok())
        .map(u32::from_be_bytes)
        .ok_or_else(|| super::foreign(path, "its schema version is missing or malformed"))?;
    if !(super::OLDEST_UPGRADABLE..=super::SCHEMA_VERSION).contains(&found) {
        return Err(StoreError::UnsupportedSchema {
            path: path.to_owned(),
            found,
            supported: super::SCHEMA_VERSION,
        });
    }
    Ok(found)
}
