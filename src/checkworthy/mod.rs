//! Check-worthiness: whether a sentence states something worth checking
//! (CheckThat! 2024 task 1; ClaimBuster lineage). A logistic regression
//! over cheap features of the repository's own text analysis, trained
//! reproducibly (`factdesk train-checkworthiness`) and shipped in the
//! repository as `model.tsv`, loaded by [`Model::builtin`].
//!
//! - `data`: the labelled TSV files ([`read_tsv`]).
//! - `features`: the features of one sentence ([`features()`]).
//! - `model`: [`Model`], scoring and the model file format.
//! - `train`: FTRL-Proximal logistic regression, the grid searched on dev,
//!   the F1-optimal threshold ([`train()`], [`tune`]).
//!
//! Scoring one sentence takes about 20 µs in a release build (no
//! embeddings); `factdesk eval-checkworthiness` prints the latency it
//! measures.

mod data;
mod features;
mod model;
mod train;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

pub use data::{parse_tsv, read_tsv, Labelled};
pub use features::features;
pub use model::Model;
pub use train::{best_threshold, grid, train, tune, Params, Trial, Tuning, MAX_MODEL_BYTES};

/// Where the shipped model file is in the source tree (the default output
/// of `factdesk train-checkworthiness`).
pub const SHIPPED_MODEL_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/src/checkworthy/model.tsv");

/// The shipped model file.
const SHIPPED_MODEL: &str = include_str!("model.tsv");

impl Model {
    /// The model shipped in the repository, parsed once.
    pub fn builtin() -> &'static Model {
        static BUILTIN: OnceLock<Model> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The shipped file is written by `Model::write`; a test parses it.
            Model::parse(SHIPPED_MODEL).expect("the shipped check-worthiness model parses")
        })
    }
}

/// Positive-class (check-worthy) precision, recall and F1, with the counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Check-worthy, predicted so.
    pub tp: usize,
    /// Not check-worthy, predicted check-worthy.
    pub fp: usize,
    /// Check-worthy, missed.
    pub fn_: usize,
    /// Not check-worthy, predicted so.
    pub tn: usize,
}

impl Scores {
    /// The figures of these counts (a ratio with nothing to divide by is 0).
    pub fn from_counts(tp: usize, fp: usize, fn_: usize, tn: usize) -> Scores {
        let ratio = |part: usize, whole: usize| {
            if whole == 0 {
                0.0
            } else {
                part as f64 / whole as f64
            }
        };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Scores {
            precision,
            recall,
            f1,
            tp,
            fp,
            fn_,
            tn,
        }
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "P {:.4}  R {:.4}  F1 {:.4}  (tp {} fp {} fn {} tn {})",
            self.precision, self.recall, self.f1, self.tp, self.fp, self.fn_, self.tn
        )
    }
}

/// Scores `model` on `rows` at [`Model::threshold`].
pub fn evaluate(model: &Model, rows: &[Labelled]) -> Scores {
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    for row in rows {
        match (model.is_checkworthy(&row.text), row.worthy) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    Scores::from_counts(tp, fp, fn_, tn)
}
