//! The BERT encoder forward pass, written for inference on a small CPU:
//! each layer's query, key and value projections are one matrix product
//! (the query pre-scaled by 1/√head), the projections can run on q8_0
//! weights through candle's quantized kernels (no weight packing per call),
//! GELU is a vectorisable rational approximation of erf fused with the bias
//! add, and a batch without padding skips the attention mask.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{Config, HiddenAct};

use super::kernels::gelu_erf_in_place;
use super::{EmbedError, Precision};

/// candle's fast x86 kernels for q8_0 (weights repacked once into tiles
/// for AVX-512 VNNI) take inner dimensions in multiples of this; others go
/// through a generic dot product several times slower than f32.
const QUANT_INNER_MULTIPLE: usize = 256;

/// A linear layer `x · Wᵀ + b` on f32 or q8_0 weights.
struct Dense {
    weight: QMatMul,
    bias: Tensor,
    /// Zero columns appended to the input so that its width matches the
    /// quantized weight's (zero weights there too: the product is unchanged).
    input_padding: usize,
}

impl Dense {
    /// `weight` is `(out, in)`, `bias` `(out)`.
    fn new(weight: Tensor, bias: Tensor, precision: Precision) -> candle_core::Result<Dense> {
        let (_, inputs) = weight.dims2()?;
        let (weight, input_padding) = match precision {
            Precision::F32 => (QMatMul::Tensor(weight), 0),
            Precision::Q8 => {
                let padding = inputs.next_multiple_of(QUANT_INNER_MULTIPLE) - inputs;
                let padded = weight.pad_with_zeros(1, 0, padding)?;
                let quantized = QTensor::quantize(&padded, GgmlDType::Q8_0)?;
                (QMatMul::from_qtensor(quantized)?, padding)
            }
        };
        Ok(Dense {
            weight,
            bias,
            input_padding,
        })
    }

    /// `x` is `(rows, in)`; returns `(rows, out)` without the bias.
    fn product(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if self.input_padding == 0 {
            return self.weight.forward(x);
        }
        self.weight
            .forward(&x.pad_with_zeros(1, 0, self.input_padding)?)
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.product(x)?.broadcast_add(&self.bias)
    }
}

/// Layer normalisation over the last dimension.
struct Norm {
    gamma: Tensor,
    beta: Tensor,
    eps: f32,
}

impl Norm {
    fn load(vb: &VarBuilder<'_>, size: usize, eps: f64) -> candle_core::Result<Norm> {
        Ok(Norm {
            gamma: vb.get(size, "weight")?,
            beta: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.gamma, &self.beta, self.eps)
    }
}

/// One transformer layer.
struct Layer {
    /// Query, key and value stacked: `(3·hidden, hidden)`.
    qkv: Dense,
    attention_out: Dense,
    attention_norm: Norm,
    intermediate: Dense,
    output: Dense,
    output_norm: Norm,
}

/// The encoder: embeddings, then the layers. Works on `(rows, hidden)`
/// matrices, `rows = batch · seq`, reshaping only around attention.
pub(super) struct Encoder {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_embeddings: Tensor,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    heads: usize,
    head_size: usize,
}

impl Encoder {
    /// Loads BERT weights from `vb` (with or without a `bert.` prefix).
    pub(super) fn load(
        vb: VarBuilder<'_>,
        config: &Config,
        precision: Precision,
    ) -> Result<Encoder, EmbedError> {
        if !matches!(config.hidden_act, HiddenAct::Gelu) {
            return Err(EmbedError::Unsupported(format!(
                "hidden_act {:?} (only exact GELU is supported)",
                config.hidden_act
            )));
        }
        let hidden = config.hidden_size;
        let heads = config.num_attention_heads;
        if heads == 0 || !hidden.is_multiple_of(heads) {
            return Err(EmbedError::Unsupported(format!(
                "{heads} attention heads for hidden_size {hidden}"
            )));
        }
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let emb = vb.pp("embeddings");
        let layers = (0..config.num_hidden_layers)
            .map(|i| load_layer(&vb.pp(format!("encoder.layer.{i}")), config, precision))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Encoder {
            word_embeddings: emb.get((config.vocab_size, hidden), "word_embeddings.weight")?,
            position_embeddings: emb.get(
                (config.max_position_embeddings, hidden),
                "position_embeddings.weight",
            )?,
            token_type_embeddings: emb.get(
                (config.type_vocab_size, hidden),
                "token_type_embeddings.weight",
            )?,
            embedding_norm: Norm::load(&emb.pp("LayerNorm"), hidden, config.layer_norm_eps)?,
            layers,
            heads,
            head_size: hidden / heads,
        })
    }

    /// Hidden states `(batch, seq, hidden)` for `(batch, seq)` token ids,
    /// type ids and attention mask (1 = token, 0 = padding).
    pub(super) fn forward(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        mask: &Tensor,
        padded: bool,
    ) -> candle_core::Result<Tensor> {
        let (batch, seq) = ids.dims2()?;
        let mut x = self.embed(ids, type_ids, batch, seq)?;
        // Additive mask (batch, 1, 1, seq): 0 for tokens, a large negative
        // for padding. A batch without padding needs none.
        let additive = if padded {
            let mask = mask.to_dtype(DType::F32)?;
            Some(((mask - 1.0)? * 1e9)?.reshape((batch, 1, 1, seq))?)
        } else {
            None
        };
        for layer in &self.layers {
            x = self.layer(layer, &x, batch, seq, additive.as_ref())?;
        }
        x.reshape((batch, seq, ()))
    }

    /// Word + position + token-type embeddings, normalised: `(rows, hidden)`.
    fn embed(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        batch: usize,
        seq: usize,
    ) -> candle_core::Result<Tensor> {
        let words = self.word_embeddings.index_select(&ids.flatten_all()?, 0)?;
        let types = self
            .token_type_embeddings
            .index_select(&type_ids.flatten_all()?, 0)?;
        let positions = self
            .position_embeddings
            .narrow(0, 0, seq)?
            .repeat((batch, 1))?;
        self.embedding_norm
            .forward(&((words + types)? + positions)?)
    }

    fn layer(
        &self,
        layer: &Layer,
        x: &Tensor,
        batch: usize,
        seq: usize,
        mask: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let context = self.attention(&layer.qkv, x, batch, seq, mask)?;
        let attended = layer
            .attention_norm
            .forward(&(layer.attention_out.forward(&context)? + x)?)?;
        let inner = layer.intermediate.product(&attended)?;
        let activated = bias_gelu(&inner, &layer.intermediate.bias)?;
        layer
            .output_norm
            .forward(&(layer.output.forward(&activated)? + attended)?)
    }

    /// Multi-head self-attention: `(rows, hidden)` in and out.
    fn attention(
        &self,
        qkv: &Dense,
        x: &Tensor,
        batch: usize,
        seq: usize,
        mask: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let hidden = self.heads * self.head_size;
        // (rows, 3·hidden) → (3, batch, heads, seq, head_size)
        let qkv = qkv
            .forward(x)?
            .reshape((batch, seq, 3, self.heads, self.head_size))?
            .permute((2, 0, 3, 1, 4))?
            .contiguous()?;
        let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
        let scores = q.matmul(&k.t()?)?;
        let scores = match mask {
            Some(mask) => scores.broadcast_add(mask)?,
            None => scores,
        };
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((batch * seq, hidden))
    }
}

fn load_layer(
    vb: &VarBuilder<'_>,
    config: &Config,
    precision: Precision,
) -> candle_core::Result<Layer> {
    let hidden = config.hidden_size;
    let inner = config.intermediate_size;
    let eps = config.layer_norm_eps;
    let attn = vb.pp("attention");
    let this = attn.pp("self");
    // Scores are q·kᵀ/√head_size: the scale is folded into the query weights.
    let scale = 1.0 / ((hidden / config.num_attention_heads) as f64).sqrt();
    let q_weight = (this.get((hidden, hidden), "query.weight")? * scale)?;
    let q_bias = (this.get(hidden, "query.bias")? * scale)?;
    let qkv_weight = Tensor::cat(
        &[
            q_weight,
            this.get((hidden, hidden), "key.weight")?,
            this.get((hidden, hidden), "value.weight")?,
        ],
        0,
    )?;
    let qkv_bias = Tensor::cat(
        &[
            q_bias,
            this.get(hidden, "key.bias")?,
            this.get(hidden, "value.bias")?,
        ],
        0,
    )?;
    Ok(Layer {
        qkv: Dense::new(qkv_weight, qkv_bias, precision)?,
        attention_out: dense(&attn.pp("output.dense"), hidden, hidden, precision)?,
        attention_norm: Norm::load(&attn.pp("output.LayerNorm"), hidden, eps)?,
        intermediate: dense(&vb.pp("intermediate.dense"), hidden, inner, precision)?,
        output: dense(&vb.pp("output.dense"), inner, hidden, precision)?,
        output_norm: Norm::load(&vb.pp("output.LayerNorm"), hidden, eps)?,
    })
}

fn dense(
    vb: &VarBuilder<'_>,
    inputs: usize,
    outputs: usize,
    precision: Precision,
) -> candle_core::Result<Dense> {
    Dense::new(
        vb.get((outputs, inputs), "weight")?,
        vb.get(outputs, "bias")?,
        precision,
    )
}

/// `gelu(x + bias)` in one pass over `(rows, n)` `x`.
fn bias_gelu(x: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    let (rows, n) = x.dims2()?;
    let bias = bias.to_vec1::<f32>()?;
    let mut values = x.flatten_all()?.to_vec1::<f32>()?;
    for row in values.chunks_exact_mut(n) {
        for (value, b) in row.iter_mut().zip(&bias) {
            *value += b;
        }
        gelu_erf_in_place(row);
    }
    Tensor::from_vec(values, (rows, n), &Device::Cpu)
}

/// Mean over the positions where `mask` is 1, of `(batch, seq, dim)`
/// hidden states.
pub(super) fn mean_pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = mask.to_dtype(hidden.dtype())?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
    summed.broadcast_div(&counts)
}

/// Scales each row of `(batch, dim)` to unit Euclidean length.
pub(super) fn l2_normalise(x: &Tensor) -> candle_core::Result<Tensor> {
    let norms = x
        .sqr()?
        .sum_keepdim(D::Minus1)?
        .sqrt()?
        .clamp(1e-12, f64::MAX)?;
    x.broadcast_div(&norms)
}
