//! `factdesk train-checkworthiness` (train on train.tsv, pick
//! hyper-parameters and the threshold on dev.tsv, write the model file) and
//! `factdesk eval-checkworthiness` (score the built-in model).

use std::path::PathBuf;
use std::time::Instant;

use super::args::{EvalCheckworthinessArgs, TrainCheckworthinessArgs};
use super::CliError;
use crate::checkworthy::{self, Labelled, Model, Scores, SHIPPED_MODEL_PATH};
use crate::error::FileError;

/// The header of the table both commands print.
const TABLE_HEADER: &str = "| split | rows | precision | recall | F1 | tp | fp | fn | tn |\n\
                            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

/// Trains, writes the model file and prints dev and dev-test figures.
pub fn run_train(args: TrainCheckworthinessArgs) -> Result<(), CliError> {
    let train = checkworthy::read_tsv(&args.data.join("train.tsv"))?;
    let dev = checkworthy::read_tsv(&args.data.join("dev.tsv"))?;
    let dev_test = checkworthy::read_tsv(&args.data.join("dev-test.tsv"))?;
    eprintln!("train {} rows, dev {} rows", train.len(), dev.len());
    let started = Instant::now();
    let grid = checkworthy::grid();
    let tuning = checkworthy::tune(&train, &dev, &grid);
    for (at, trial) in tuning.trials.iter().enumerate() {
        let mark = if at == tuning.chosen { "*" } else { " " };
        eprintln!(
            "{mark} dev F1 {:.4} at {:.4}, AP {:.4}, {} features, {} bytes: {}",
            trial.dev.f1,
            trial.threshold,
            trial.average_precision,
            trial.features,
            trial.bytes,
            trial.params
        );
    }
    eprintln!("trained in {:.1} s", started.elapsed().as_secs_f64());
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(SHIPPED_MODEL_PATH));
    let mut bytes = Vec::new();
    tuning.model.write(&mut bytes).map_err(CliError::Output)?;
    std::fs::write(&out, &bytes).map_err(CliError::Output)?;
    // Score what was written, as `Model::builtin` will read it.
    let text = String::from_utf8_lossy(&bytes);
    let written = Model::parse(&text).map_err(|reason| FileError::line(&out, 0, reason))?;
    println!(
        "wrote {} ({} bytes, {} features, threshold {:.4})",
        out.display(),
        bytes.len(),
        written.feature_count(),
        written.threshold()
    );
    println!("{TABLE_HEADER}");
    for (split, rows) in [("dev", &dev), ("dev-test", &dev_test)] {
        println!(
            "{}",
            row(split, rows.len(), &checkworthy::evaluate(&written, rows))
        );
    }
    Ok(())
}

/// Scores the built-in model on dev, dev-test, test (when present) and
/// `args.files`; prints one table row each and the scoring latency.
pub fn run_eval(args: EvalCheckworthinessArgs) -> Result<(), CliError> {
    let mut files: Vec<(String, PathBuf)> = ["dev", "dev-test", "test"]
        .iter()
        .map(|split| (split.to_string(), args.data.join(format!("{split}.tsv"))))
        .filter(|(split, path)| split != "test" || path.exists())
        .collect();
    files.extend(
        args.files
            .into_iter()
            .map(|path| (path.display().to_string(), path)),
    );
    let splits = files
        .into_iter()
        .map(|(name, path)| Ok((name, checkworthy::read_tsv(&path)?)))
        .collect::<Result<Vec<(String, Vec<Labelled>)>, FileError>>()?;
    let model = Model::builtin();
    println!(
        "built-in model: {} features, threshold {:.4}",
        model.feature_count(),
        model.threshold()
    );
    println!("{TABLE_HEADER}");
    for (split, rows) in &splits {
        println!(
            "{}",
            row(split, rows.len(), &checkworthy::evaluate(model, rows))
        );
    }
    let sentences: Vec<&str> = splits
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|row| row.text.as_str()))
        .collect();
    let started = Instant::now();
    let total: f32 = sentences.iter().map(|s| model.score(s)).sum();
    let micros = started.elapsed().as_secs_f64() * 1e6 / sentences.len().max(1) as f64;
    println!(
        "score latency: {micros:.1} µs/sentence over {} sentences (mean score {:.3})",
        sentences.len(),
        total / sentences.len().max(1) as f32
    );
    Ok(())
}

fn row(split: &str, rows: usize, scores: &Scores) -> String {
    format!(
        "| {split} | {rows} | {:.4} | {:.4} | {:.4} | {} | {} | {} | {} |",
        scores.precision, scores.recall, scores.f1, scores.tp, scores.fp, scores.fn_, scores.tn
    )
}
