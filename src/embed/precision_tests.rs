//! The rewritten encoder against candle-transformers' BERT (f32 must agree)
//! and the q8_0 projections against f32 (cosine ≥ 0.99), on real sentences:
//! the demo library's statements and CheckThat!-style tweets.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};

use super::tests::{embedder, f32_embedder, model_dir};
use super::*;

/// The demo library's statement texts (real news sentences) plus a few
/// claims of other shapes: a short question, a tweet, a number-heavy line.
fn sentences() -> Vec<String> {
    let mut texts: Vec<String> = include_str!("../demo_statements.jsonl")
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|value| value.get("text")?.as_str().map(str::to_owned))
        .collect();
    assert!(texts.len() >= 10, "demo statements missing");
    texts.extend(
        [
            "Is Alibaba Cloud the largest cloud in China?",
            "Sen. Mitch McConnell: \"As recently as October, now-President Biden said you \
             can't legislate by executive action unless you are a dictator. Well, in one week, \
             he signed more than 30 unilateral actions.\"",
            "Unemployment fell from 10.2% in 2009 to 3.5% in 2019, the lowest in 50 years.",
            "",
        ]
        .map(str::to_owned),
    );
    texts
}

#[test]
fn q8_vectors_stay_within_cosine_099_of_f32() {
    let (Some(q8), Some(f32)) = (embedder(), f32_embedder()) else {
        return;
    };
    let texts = sentences();
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let exact = f32.embed_batch(&borrowed).expect("f32");
    let quantised = q8.embed_batch(&borrowed).expect("q8");
    let cosines: Vec<f32> = exact
        .iter()
        .zip(&quantised)
        .map(|(a, b)| cosine(a, b))
        .collect();
    let lowest = cosines.iter().copied().fold(f32::INFINITY, f32::min);
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    eprintln!(
        "q8 vs f32 over {} texts: lowest {lowest:.5}, mean {mean:.5}",
        texts.len()
    );
    for (text, cos) in texts.iter().zip(&cosines) {
        assert!(*cos >= 0.99, "cosine {cos} for {text:?}");
    }
}

#[test]
fn q8_keeps_the_nearest_neighbour() {
    let (Some(q8), Some(f32)) = (embedder(), f32_embedder()) else {
        return;
    };
    let texts = sentences();
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let nearest = |vectors: &[Vec<f32>], i: usize| {
        (0..vectors.len())
            .filter(|&j| j != i)
            .max_by(|&a, &b| {
                cosine(&vectors[i], &vectors[a]).total_cmp(&cosine(&vectors[i], &vectors[b]))
            })
            .expect("more than one text")
    };
    let exact = f32.embed_batch(&borrowed).expect("f32");
    let quantised = q8.embed_batch(&borrowed).expect("q8");
    let same = (0..texts.len())
        .filter(|&i| nearest(&exact, i) == nearest(&quantised, i))
        .count();
    assert!(
        same + 1 >= texts.len(),
        "{same} of {} nearest neighbours kept",
        texts.len()
    );
}

/// The f32 encoder is a rewrite of the forward pass (fused projections,
/// folded scale, own GELU): it must give candle-transformers' vectors.
#[test]
fn f32_encoder_matches_candle_transformers_bert() {
    let (Some(ours), Some(dir)) = (f32_embedder(), model_dir()) else {
        return;
    };
    let config: Config =
        serde_json::from_slice(&std::fs::read(dir.join("config.json")).expect("config.json"))
            .expect("config");
    let weights = std::fs::read(dir.join("model.safetensors")).expect("weights");
    let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
        .expect("safetensors");
    let reference = BertModel::load(vb, &config).expect("candle-transformers bert");
    let texts = sentences();
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let expected = reference_vectors(&reference, ours, &borrowed);
    let got = ours.embed_batch(&borrowed).expect("ours");
    for ((text, a), b) in texts.iter().zip(&expected).zip(&got) {
        let diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-4, "{text:?}: max abs diff {diff}");
    }
}

/// Mean-pooled, normalised vectors from candle-transformers' `BertModel`,
/// on the same tokenisation.
fn reference_vectors(model: &BertModel, ours: &Embedder, texts: &[&str]) -> Vec<Vec<f32>> {
    let (ids, types, mask) = ours.tokenise(texts).expect("tokenise");
    let hidden = model.forward(&ids, &types, Some(&mask)).expect("forward");
    let mask = mask
        .to_dtype(DType::F32)
        .and_then(|m| m.unsqueeze(2))
        .expect("mask");
    let pooled = hidden
        .broadcast_mul(&mask)
        .and_then(|h| h.sum(1))
        .and_then(|s| s.broadcast_div(&mask.sum(1)?))
        .expect("pool");
    let norms = pooled
        .sqr()
        .and_then(|p| p.sum_keepdim(1))
        .and_then(|p| p.sqrt())
        .expect("norms");
    let unit: Tensor = pooled.broadcast_div(&norms).expect("normalise");
    unit.to_vec2::<f32>().expect("vectors")
}
