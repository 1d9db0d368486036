//! Training: logistic regression by FTRL-Proximal (McMahan et al., 2013:
//! per-feature AdaGrad-like learning rates, L1 and L2), whose L1 leaves most
//! weights exactly zero, so the shipped file stays small.
//!
//! Hyper-parameters are picked from a small grid by F1 on the dev split,
//! at each candidate's F1-optimal dev threshold; the decision threshold is
//! then picked on the latest debates of train, held out from a model
//! fitted on the earlier ones. The held-out splits are never looked at. Everything is deterministic: features are numbered in
//! sorted order, examples are shuffled by a seeded generator written here,
//! and one thread does the arithmetic, so the same data gives a
//! byte-identical model file.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::features::features;
use super::{Labelled, Model, Scores};

/// Features seen in fewer training sentences than this are left out.
const MIN_COUNT: usize = 2;
/// Largest model file accepted from the grid, in bytes.
pub const MAX_MODEL_BYTES: usize = 300_000;
/// Seed of the example order.
const SEED: u64 = 0x5eed_c0de;

/// One point of the hyper-parameter grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// FTRL learning rate scale.
    pub alpha: f64,
    /// FTRL learning rate smoothing.
    pub beta: f64,
    /// L1 strength: larger leaves fewer features.
    pub l1: f64,
    /// L2 strength.
    pub l2: f64,
    /// Passes over the training data.
    pub epochs: usize,
    /// Loss weight of a check-worthy example (others weigh 1).
    pub positive_weight: f64,
}

impl std::fmt::Display for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ftrl alpha={} beta={} l1={} l2={} epochs={} positive_weight={}",
            self.alpha, self.beta, self.l1, self.l2, self.epochs, self.positive_weight
        )
    }
}

/// The hyper-parameter grid, in the order it is tried (ties keep the first).
pub fn grid() -> Vec<Params> {
    let mut grid = Vec::new();
    for l1 in [2.0, 3.0, 4.0, 6.0] {
        for alpha in [0.05, 0.1, 0.2] {
            for epochs in [3, 5, 8] {
                for positive_weight in [1.0, 1.5] {
                    grid.push(Params {
                        alpha,
                        beta: 1.0,
                        l1,
                        l2: 1.0,
                        epochs,
                        positive_weight,
                    });
                }
            }
        }
    }
    grid
}

/// One grid point tried: its dev figures at its own best threshold.
#[derive(Clone, Debug)]
pub struct Trial {
    pub params: Params,
    pub dev: Scores,
    /// Average precision on dev (threshold-free).
    pub average_precision: f64,
    pub threshold: f32,
    pub features: usize,
    /// Size of the model file it would write.
    pub bytes: usize,
}

/// The chosen model and every grid point tried.
#[derive(Debug)]
pub struct Tuning {
    pub model: Model,
    pub trials: Vec<Trial>,
    /// Index of the chosen trial.
    pub chosen: usize,
}

/// Trains on `train`, picks hyper-parameters on `dev` and the threshold on
/// the latest debates of `train` (see `late_threshold`).
pub fn train(train: &[Labelled], dev: &[Labelled]) -> Model {
    tune(train, dev, &grid()).model
}

/// [`train`] over `grid`, reporting every trial.
pub fn tune(train: &[Labelled], dev: &[Labelled], grid: &[Params]) -> Tuning {
    assert!(!grid.is_empty(), "the grid has at least one point");
    let train_features = extract(train);
    let dev_features = extract(dev);
    let vocabulary = Vocabulary::new(&train_features);
    let examples: Vec<Vec<u32>> = train_features
        .iter()
        .map(|f| vocabulary.encode(f))
        .collect();
    let labels: Vec<bool> = train.iter().map(|row| row.worthy).collect();
    let mut best: Option<(usize, Model)> = None;
    let mut trials = Vec::new();
    for params in grid {
        let weights = fit(&examples, &labels, vocabulary.len(), params);
        let model = vocabulary.model(&weights, *params);
        let scored: Vec<(f32, bool)> = dev_features
            .iter()
            .zip(dev)
            .map(|(names, row)| (model.score_features(names), row.worthy))
            .collect();
        let (threshold, scores) = best_threshold(&scored);
        let model = model.with_threshold(f64::from(threshold));
        let bytes = file_size(&model);
        let better = best.as_ref().is_none_or(|(at, _)| {
            let best: &Trial = &trials[*at];
            scores.f1 > best.dev.f1
        });
        if bytes <= MAX_MODEL_BYTES && better {
            best = Some((trials.len(), model.clone()));
        }
        trials.push(Trial {
            params: *params,
            dev: scores,
            average_precision: average_precision(&scored),
            threshold: model.threshold(),
            features: model.feature_count(),
            bytes,
        });
    }
    let (chosen, model) = best.unwrap_or_else(|| {
        let smallest = (0..trials.len())
            .min_by_key(|&at| trials[at].bytes)
            .unwrap_or(0);
        let weights = fit(&examples, &labels, vocabulary.len(), &grid[smallest]);
        let model = vocabulary.model(&weights, grid[smallest]);
        (
            smallest,
            model.with_threshold(f64::from(trials[smallest].threshold)),
        )
    });
    let model = model.with_threshold(f64::from(late_threshold(train, &grid[chosen])));
    Tuning {
        model,
        trials,
        chosen,
    }
}

/// Share of the training sentences, the latest by id, that picks the
/// threshold.
const LATE_SHARE: f64 = 0.15;

/// The F1-optimal threshold over the latest debates in `train` (by sentence
/// id: CheckThat! numbers sentences in debate order) for a model fitted on
/// the earlier ones with `params`. The sentences to check come from new
/// debates; dev shares its debates with train and sets a threshold too
/// confident for them (its scores run higher than on unseen debates).
fn late_threshold(train: &[Labelled], params: &Params) -> f32 {
    let mut order: Vec<usize> = (0..train.len()).collect();
    order.sort_by_key(|&at| (train[at].id.parse::<u64>().unwrap_or(u64::MAX), at));
    let split = order.len() - (order.len() as f64 * LATE_SHARE) as usize;
    let (early, late) = order.split_at(split);
    let early: Vec<Labelled> = early.iter().map(|&at| train[at].clone()).collect();
    let early_features = extract(&early);
    let vocabulary = Vocabulary::new(&early_features);
    let examples: Vec<Vec<u32>> = early_features
        .iter()
        .map(|f| vocabulary.encode(f))
        .collect();
    let labels: Vec<bool> = early.iter().map(|row| row.worthy).collect();
    let weights = fit(&examples, &labels, vocabulary.len(), params);
    let model = vocabulary.model(&weights, *params);
    let late: Vec<Labelled> = late.iter().map(|&at| train[at].clone()).collect();
    let scored: Vec<(f32, bool)> = extract(&late)
        .iter()
        .zip(&late)
        .map(|(names, row)| (model.score_features(names), row.worthy))
        .collect();
    best_threshold(&scored).0
}

/// The features of every row (in parallel; order kept).
fn extract(rows: &[Labelled]) -> Vec<Vec<String>> {
    rows.par_iter().map(|row| features(&row.text)).collect()
}

fn file_size(model: &Model) -> usize {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    model.write(&mut bytes).expect("writing to memory succeeds");
    bytes.len()
}

/// Feature names numbered in sorted order; index 0 is the bias.
struct Vocabulary {
    index: BTreeMap<String, u32>,
    names: Vec<String>,
}

impl Vocabulary {
    /// The features of at least [`MIN_COUNT`] of `sentences`.
    fn new(sentences: &[Vec<String>]) -> Vocabulary {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for names in sentences {
            for name in names {
                *counts.entry(name).or_default() += 1;
            }
        }
        let mut names = vec![String::new()];
        names.extend(
            counts
                .into_iter()
                .filter(|(_, count)| *count >= MIN_COUNT)
                .map(|(name, _)| name.to_owned()),
        );
        let index = names
            .iter()
            .enumerate()
            .skip(1)
            .map(|(at, name)| (name.clone(), at as u32))
            .collect();
        Vocabulary { index, names }
    }

    /// Number of weights, the bias included.
    fn len(&self) -> usize {
        self.names.len()
    }

    /// The bias index followed by the known features of `names`.
    fn encode(&self, names: &[String]) -> Vec<u32> {
        let known = names
            .iter()
            .filter_map(|name| self.index.get(name).copied());
        std::iter::once(0).chain(known).collect()
    }

    /// A model (threshold still to pick) from weights by index.
    fn model(&self, weights: &[f64], params: Params) -> Model {
        let named = self.names.iter().zip(weights).skip(1);
        let named = named.map(|(name, weight)| (name.clone(), *weight));
        let note = format!("{params} min_count={MIN_COUNT} seed={SEED:#x}");
        Model::new(weights[0], 0.5, named, vec![note])
    }
}

/// FTRL-Proximal state per weight.
struct Ftrl {
    z: Vec<f64>,
    n: Vec<f64>,
    params: Params,
}

impl Ftrl {
    /// The weight of feature `at` (the bias, 0, is not regularised).
    fn weight(&self, at: usize) -> f64 {
        let (l1, l2) = if at == 0 {
            (0.0, 0.0)
        } else {
            (self.params.l1, self.params.l2)
        };
        let z = self.z[at];
        if z.abs() <= l1 {
            return 0.0;
        }
        let rate = (self.params.beta + self.n[at].sqrt()) / self.params.alpha + l2;
        -(z - z.signum() * l1) / rate
    }

    /// One step on one example with loss weight `importance`.
    fn step(&mut self, example: &[u32], worthy: bool, importance: f64) {
        let weights: Vec<f64> = example.iter().map(|&at| self.weight(at as usize)).collect();
        let margin: f64 = weights.iter().sum();
        let probability = 1.0 / (1.0 + (-margin).exp());
        let gradient = (probability - f64::from(u8::from(worthy))) * importance;
        for (&at, weight) in example.iter().zip(weights) {
            let at = at as usize;
            let n = self.n[at];
            let sigma = ((n + gradient * gradient).sqrt() - n.sqrt()) / self.params.alpha;
            self.z[at] += gradient - sigma * weight;
            self.n[at] = n + gradient * gradient;
        }
    }
}

/// Fits weights (index 0 the bias) to `examples` by FTRL-Proximal.
fn fit(examples: &[Vec<u32>], labels: &[bool], size: usize, params: &Params) -> Vec<f64> {
    let mut state = Ftrl {
        z: vec![0.0; size],
        n: vec![0.0; size],
        params: *params,
    };
    let mut rng = SplitMix64(SEED);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    for _ in 0..params.epochs {
        rng.shuffle(&mut order);
        for &at in &order {
            let importance = if labels[at] {
                params.positive_weight
            } else {
                1.0
            };
            state.step(&examples[at], labels[at], importance);
        }
    }
    (0..size).map(|at| state.weight(at)).collect()
}

/// The threshold with the best positive-class F1 over `scored` (score,
/// label) pairs, halfway between the lowest score taken and the next one
/// down; ties keep the higher threshold.
pub fn best_threshold(scored: &[(f32, bool)]) -> (f32, Scores) {
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = sorted.iter().filter(|(_, worthy)| *worthy).count();
    let negatives = sorted.len() - positives;
    let mut best = (
        f32::INFINITY,
        Scores::from_counts(0, 0, positives, negatives),
    );
    let (mut tp, mut fp) = (0, 0);
    for (at, (score, worthy)) in sorted.iter().enumerate() {
        if *worthy {
            tp += 1;
        } else {
            fp += 1;
        }
        let next = sorted.get(at + 1).map(|(s, _)| *s);
        if next == Some(*score) {
            continue;
        }
        let scores = Scores::from_counts(tp, fp, positives - tp, negatives - fp);
        if scores.f1 > best.1.f1 {
            let threshold = next.map_or(*score, |next| (score + next) / 2.0);
            best = (threshold, scores);
        }
    }
    best
}

/// A small seeded generator (SplitMix64), so the example order depends on
/// no crate's version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let pick = (self.next() % (last as u64 + 1)) as usize;
            items.swap(last, pick);
        }
    }
}

/// Average precision of `scored` (score, label) pairs: the mean, over the
/// check-worthy ones, of the precision at their rank (ties in input order
/// after sorting by score).
pub fn average_precision(scored: &[(f32, bool)]) -> f64 {
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut found = 0;
    let mut sum = 0.0;
    for (rank, (_, worthy)) in sorted.iter().enumerate() {
        if *worthy {
            found += 1;
            sum += f64::from(found) / (rank + 1) as f64;
        }
    }
    if found == 0 {
        0.0
    } else {
        sum / f64::from(found)
    }
}
