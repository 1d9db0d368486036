//! The model: a bias, a weight per feature name, and the decision
//! threshold; its text file format, written and parsed.
//!
//! The file is a header line, `#` note lines, then one `feature<TAB>weight`
//! line per feature, sorted by name:
//!
//! ```text
//! factdesk-checkworthy<TAB>1<TAB>bias<TAB>-1.2345<TAB>threshold<TAB>0.412345
//! # trained with ...
//! c:most<TAB>0.5123
//! ```
//!
//! Weights are kept at the precision they are written with, so a model
//! scores the same before it is written and after it is parsed back.

use std::collections::HashMap;

use super::features::features;

/// The first field of the header line.
const MAGIC: &str = "factdesk-checkworthy";
/// The file format this code writes and reads.
const FORMAT_VERSION: u32 = 1;

/// A logistic-regression check-worthiness model over [`features`].
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Added to every sentence's feature weights before the sigmoid.
    bias: f32,
    /// Sentences scoring at least this are check-worthy.
    threshold: f32,
    /// Weight per feature name; features not listed weigh nothing.
    weights: HashMap<String, f32>,
    /// `#` lines of the file (how it was trained), kept for the round trip.
    notes: Vec<String>,
}

impl Model {
    /// A model from raw weights: each is rounded to the written precision,
    /// and weights that round to zero are left out.
    pub fn new(
        bias: f64,
        threshold: f64,
        weights: impl IntoIterator<Item = (String, f64)>,
        notes: Vec<String>,
    ) -> Model {
        let weights = weights
            .into_iter()
            .map(|(name, weight)| (name, round_weight(weight)))
            .filter(|(_, weight)| *weight != 0.0)
            .collect();
        Model {
            bias: round_weight(bias),
            threshold: round_threshold(threshold),
            weights,
            notes,
        }
    }

    /// Probability-like score in 0..1 that `sentence` is worth checking.
    pub fn score(&self, sentence: &str) -> f32 {
        self.score_features(&features(sentence))
    }

    /// The score of a sentence with these (distinct) feature names.
    pub fn score_features(&self, names: &[String]) -> f32 {
        let sum: f32 = names
            .iter()
            .filter_map(|name| self.weights.get(name.as_str()))
            .sum();
        sigmoid(self.bias + sum)
    }

    /// The decision threshold chosen on the dev split (F1-optimal for the
    /// positive class); sentences scoring at least this are check-worthy.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Whether `sentence` scores at least [`Model::threshold`].
    pub fn is_checkworthy(&self, sentence: &str) -> bool {
        self.score(sentence) >= self.threshold
    }

    /// The same model with another threshold (rounded as written).
    pub fn with_threshold(mut self, threshold: f64) -> Model {
        self.threshold = round_threshold(threshold);
        self
    }

    /// How many features have a weight.
    pub fn feature_count(&self) -> usize {
        self.weights.len()
    }

    /// Writes the model file (see the module doc); the same model always
    /// gives the same bytes.
    pub fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{MAGIC}\t{FORMAT_VERSION}\tbias\t{:.4}\tthreshold\t{:.6}",
            self.bias, self.threshold
        )?;
        for note in &self.notes {
            writeln!(out, "# {note}")?;
        }
        let mut names: Vec<(&String, &f32)> = self.weights.iter().collect();
        names.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (name, weight) in names {
            debug_assert!(
                !name.contains(['\t', '\n', '\r']),
                "feature names are one field"
            );
            writeln!(out, "{name}\t{weight:.4}")?;
        }
        Ok(())
    }

    /// Reads a model file written by [`Model::write`].
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text.lines().enumerate();
        let (_, header) = lines.next().ok_or("the model file is empty")?;
        let (bias, threshold) = parse_header(header).map_err(|e| format!("line 1: {e}"))?;
        let mut model = Model {
            bias,
            threshold,
            weights: HashMap::new(),
            notes: Vec::new(),
        };
        for (index, line) in lines {
            if let Some(note) = line.strip_prefix('#') {
                model.notes.push(note.trim_start().to_owned());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let (name, weight) =
                parse_weight(line).map_err(|e| format!("line {}: {e}", index + 1))?;
            if model.weights.insert(name.to_owned(), weight).is_some() {
                return Err(format!("line {}: feature {name:?} listed twice", index + 1));
            }
        }
        Ok(model)
    }
}

/// Bias and threshold from the header line.
fn parse_header(header: &str) -> Result<(f32, f32), String> {
    let fields: Vec<&str> = header.split('\t').collect();
    if fields.first() != Some(&MAGIC) {
        return Err(format!("not a check-worthiness model (no {MAGIC} header)"));
    }
    if fields.get(1) != Some(&FORMAT_VERSION.to_string().as_str()) {
        return Err(format!(
            "format version {:?}, expected {FORMAT_VERSION}",
            fields.get(1)
        ));
    }
    let value = |key: &str| -> Result<f32, String> {
        let at = fields
            .iter()
            .position(|field| *field == key)
            .ok_or_else(|| format!("the header has no {key}"))?;
        let text = fields
            .get(at + 1)
            .ok_or_else(|| format!("{key} has no value"))?;
        finite(text)
    };
    Ok((value("bias")?, value("threshold")?))
}

/// One `feature<TAB>weight` line.
fn parse_weight(line: &str) -> Result<(&str, f32), String> {
    let (name, weight) = line.split_once('\t').ok_or("expected feature<TAB>weight")?;
    if name.is_empty() {
        return Err("empty feature name".to_owned());
    }
    Ok((name, finite(weight)?))
}

fn finite(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("{text:?} is not a finite number")),
    }
}

/// A weight at the precision [`Model::write`] writes it.
fn round_weight(weight: f64) -> f32 {
    let written = format!("{:.4}", weight as f32);
    written
        .parse::<f32>()
        .map_or(0.0, |w| if w == 0.0 { 0.0 } else { w })
}

/// A threshold at the precision [`Model::write`] writes it.
fn round_threshold(threshold: f64) -> f32 {
    format!("{:.6}", threshold as f32).parse().unwrap_or(0.5)
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}
