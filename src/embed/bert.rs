//! The BERT sentence encoder, run in-process with candle (pure Rust, CPU)
//! from a sentence-transformers folder such as all-MiniLM-L6-v2: tokenise,
//! run the encoder (`encoder.rs`), mean-pool over the attention mask,
//! L2-normalise.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;
use tokenizers::{
    Encoding, PaddingParams, PaddingStrategy, Tokenizer, TruncationParams, TruncationStrategy,
};

use super::encoder::{l2_normalise, mean_pool, Encoder};
use super::{EmbedError, Precision, MAX_TOKENS};

pub(super) const CONFIG_FILE: &str = "config.json";
const TOKENIZER_FILE: &str = "tokenizer.json";
const WEIGHTS_FILE: &str = "model.safetensors";

/// A loaded sentence-embedding model; cheap to share behind an `Arc` and safe to
/// call from several threads at once (all methods take `&self`).
pub struct Embedder {
    encoder: Encoder,
    tokenizer: Tokenizer,
    device: Device,
    dimension: usize,
    precision: Precision,
    model_id: String,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model_id", &self.model_id)
            .field("dimension", &self.dimension)
            .field("precision", &self.precision)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads a sentence-transformers folder with the default
    /// [`Precision`]; see [`Self::load_with`].
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        Embedder::load_with(dir, Precision::default())
    }

    /// Loads a sentence-transformers folder: config.json, tokenizer.json,
    /// model.safetensors (BERT architecture), its projections kept at
    /// `precision`. Reads only local files.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Embedder, EmbedError> {
        let config_path = required_file(dir, CONFIG_FILE)?;
        let tokenizer_path = required_file(dir, TOKENIZER_FILE)?;
        let weights_path = required_file(dir, WEIGHTS_FILE)?;

        let config_bytes = read(&config_path)?;
        let config = parse_config(&config_path, &config_bytes)?;
        let tokenizer = load_tokenizer(&tokenizer_path, config.pad_token_id)?;

        let weights = read(&weights_path)?;
        let model_id = make_model_id(&config, weights.len() as u64, &config_bytes, precision);
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        let encoder = Encoder::load(vb, &config, precision)?;
        Ok(Embedder {
            encoder,
            tokenizer,
            device,
            dimension: config.hidden_size,
            precision,
            model_id,
        })
    }

    /// Vector length (384 for MiniLM-L6).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The precision the projections run at.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// A short stable identifier of the loaded model, for storing beside vectors:
    /// `<model_type>-<hidden>x<layers>-<16 hex digits of FNV-1a over the weights'
    /// size and config.json>`, then `-q8` for q8_0 projections (their vectors
    /// differ slightly from the f32 ones, so a database re-embeds when the
    /// precision changes). Two loads of the same folder give the same id.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// Embeds texts in one forward pass (padded to the longest in the batch, each
    /// truncated to at most [`MAX_TOKENS`] tokens), mean pooling over the attention
    /// mask, then L2 normalisation. Returns one vector of [`Self::dimension`] per
    /// input, in order; an empty slice gives an empty result.
    pub fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self.encode(texts)?;
        let padded = encodings
            .iter()
            .any(|e| e.get_attention_mask().contains(&0));
        let (input_ids, type_ids, mask) = self.batch_tensors(&encodings)?;
        let hidden = self.encoder.forward(&input_ids, &type_ids, &mask, padded)?;
        let pooled = mean_pool(&hidden, &mask)?;
        let normalised = l2_normalise(&pooled)?;
        Ok(normalised.to_vec2::<f32>()?)
    }

    /// Convenience for one text: the single vector of [`Self::embed_batch`].
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        self.embed_batch(&[text])?
            .pop()
            .ok_or_else(|| EmbedError::Internal("model returned no vector"))
    }

    /// The `(input_ids, token_type_ids, attention_mask)` tensors the encoder
    /// is given for `texts` (for comparing with other implementations).
    #[cfg(test)]
    pub(super) fn tokenise(&self, texts: &[&str]) -> Result<(Tensor, Tensor, Tensor), EmbedError> {
        self.batch_tensors(&self.encode(texts)?)
    }

    fn encode(&self, texts: &[&str]) -> Result<Vec<Encoding>, EmbedError> {
        self.tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(EmbedError::Tokenizer)
    }

    /// Tokens `text` becomes (special tokens included, at most [`MAX_TOKENS`]).
    pub fn token_count(&self, text: &str) -> Result<usize, EmbedError> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(EmbedError::Tokenizer)?;
        Ok(encoding.get_ids().len())
    }

    /// Builds `(input_ids, token_type_ids, attention_mask)` tensors of shape
    /// `(batch, seq)` from encodings already padded to a common length.
    fn batch_tensors(
        &self,
        encodings: &[Encoding],
    ) -> Result<(Tensor, Tensor, Tensor), EmbedError> {
        let rows = encodings.len();
        let seq = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(rows * seq);
        let mut types = Vec::with_capacity(rows * seq);
        let mut mask = Vec::with_capacity(rows * seq);
        for enc in encodings {
            if enc.get_ids().len() != seq {
                return Err(EmbedError::Internal("tokenizer returned an unpadded batch"));
            }
            ids.extend_from_slice(enc.get_ids());
            types.extend_from_slice(enc.get_type_ids());
            mask.extend_from_slice(enc.get_attention_mask());
        }
        let shape = (rows, seq);
        Ok((
            Tensor::from_vec(ids, shape, &self.device)?,
            Tensor::from_vec(types, shape, &self.device)?,
            Tensor::from_vec(mask, shape, &self.device)?,
        ))
    }
}

fn required_file(dir: &Path, file: &'static str) -> Result<PathBuf, EmbedError> {
    let path = dir.join(file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(EmbedError::MissingFile {
            file,
            dir: dir.to_path_buf(),
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    std::fs::read(path).map_err(|source| EmbedError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_config(path: &Path, bytes: &[u8]) -> Result<Config, EmbedError> {
    let config: Config = serde_json::from_slice(bytes).map_err(|source| EmbedError::Config {
        path: path.to_path_buf(),
        source,
    })?;
    match config.model_type.as_deref() {
        None | Some("bert") => {}
        Some(other) => {
            return Err(EmbedError::Unsupported(format!(
                "model_type {other:?} (only BERT is supported)"
            )))
        }
    }
    if config.hidden_size == 0 || config.max_position_embeddings < MAX_TOKENS {
        return Err(EmbedError::Unsupported(format!(
            "hidden_size {} / max_position_embeddings {}",
            config.hidden_size, config.max_position_embeddings
        )));
    }
    Ok(config)
}

/// Loads tokenizer.json and replaces whatever padding/truncation it carries with
/// "pad to the longest in the batch" and "truncate to [`MAX_TOKENS`]".
fn load_tokenizer(path: &Path, pad_token_id: usize) -> Result<Tokenizer, EmbedError> {
    let mut tokenizer = Tokenizer::from_file(path).map_err(EmbedError::Tokenizer)?;
    let padding = match tokenizer.get_padding() {
        Some(p) => PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            pad_to_multiple_of: None,
            ..p.clone()
        },
        None => PaddingParams {
            pad_id: u32::try_from(pad_token_id)
                .map_err(|_| EmbedError::Unsupported(format!("pad_token_id {pad_token_id}")))?,
            ..PaddingParams::default()
        },
    };
    tokenizer.with_padding(Some(padding));
    let truncation = TruncationParams {
        max_length: MAX_TOKENS,
        strategy: TruncationStrategy::LongestFirst,
        stride: 0,
        ..TruncationParams::default()
    };
    tokenizer
        .with_truncation(Some(truncation))
        .map_err(EmbedError::Tokenizer)?;
    Ok(tokenizer)
}

/// `<model_type>-<hidden>x<layers>-<fnv1a64(weights size ++ config.json)>`.
fn make_model_id(
    config: &Config,
    weights_len: u64,
    config_bytes: &[u8],
    precision: Precision,
) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = weights_len
        .to_le_bytes()
        .iter()
        .chain(config_bytes)
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    let suffix = match precision {
        Precision::F32 => "",
        Precision::Q8 => "-q8",
    };
    format!(
        "{}-{}x{}-{hash:016x}{suffix}",
        config.model_type.as_deref().unwrap_or("bert"),
        config.hidden_size,
        config.num_hidden_layers
    )
}
