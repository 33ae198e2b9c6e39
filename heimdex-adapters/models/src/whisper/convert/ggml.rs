//! Writing whisper.cpp's ggml model file from a parsed CTranslate2 `WhisperSpec`.

use std::io::Write;

use super::ct2::{Ct2Model, Variable};
use super::hparams::Hparams;
use super::q8;
use super::{mel, ImportError, WeightType};

/// `ggml` in ASCII, read as a little-endian u32.
pub(crate) const MAGIC: u32 = 0x6767_6d6c;

/// Writes the ggml file: header, mel filters, `vocab`, then every tensor. Returns the number of
/// tensors written.
pub(crate) fn write(
    model: &Ct2Model,
    hp: &Hparams,
    vocab: &[Vec<u8>],
    weights: WeightType,
    out: &mut dyn Write,
) -> Result<usize, ImportError> {
    let mut w = Writer {
        out,
        tensors: 0,
        weights,
    };
    w.u32(MAGIC)?;
    let fields = [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
        weights.ftype(),
    ];
    for field in fields {
        w.i32(field)?;
    }
    let bins = mel::N_FFT / 2 + 1;
    w.i32(hp.n_mels)?;
    w.i32(bins)?;
    for x in mel::filterbank(hp.n_mels) {
        w.bytes(&x.to_le_bytes())?;
    }
    w.i32(vocab.len())?;
    for token in vocab {
        w.i32(token.len())?;
        w.bytes(token)?;
    }
    encoder(model, hp, &mut w)?;
    decoder(model, hp, &mut w)?;
    Ok(w.tensors)
}

fn encoder(model: &Ct2Model, hp: &Hparams, w: &mut Writer<'_>) -> Result<(), ImportError> {
    let pos = model.get("encoder/position_encodings/encodings")?;
    w.tensor_f32("encoder.positional_embedding", &pos.dims, pos)?;
    for conv in ["conv1", "conv2"] {
        let weight = model.get(&format!("encoder/{conv}/weight"))?;
        w.tensor_f16(&format!("encoder.{conv}.weight"), &weight.dims, weight)?;
        let bias = model.get(&format!("encoder/{conv}/bias"))?;
        // whisper.cpp keeps conv biases as [n, 1].
        let shape = [bias.dims[0], 1];
        w.tensor_f32(&format!("encoder.{conv}.bias"), &shape, bias)?;
    }
    for i in 0..hp.n_audio_layer {
        let (ct2, ggml) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
        self_attention(model, &ct2, &ggml, w)?;
        ffn(model, &ct2, &ggml, w)?;
    }
    layer_norm(model, "encoder/layer_norm", "encoder.ln_post", w)
}

fn decoder(model: &Ct2Model, hp: &Hparams, w: &mut Writer<'_>) -> Result<(), ImportError> {
    let embed = model.get("decoder/embeddings/weight")?;
    w.tensor_weight("decoder.token_embedding.weight", &embed.dims, embed)?;
    let pos = model.get("decoder/position_encodings/encodings")?;
    w.tensor_f32("decoder.positional_embedding", &pos.dims, pos)?;
    for i in 0..hp.n_text_layer {
        let (ct2, ggml) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
        self_attention(model, &ct2, &ggml, w)?;
        let cross = format!("{ct2}/attention");
        linear(
            model,
            &format!("{cross}/linear_0"),
            &format!("{ggml}.cross_attn.query"),
            w,
        )?;
        split_linear(
            model,
            &format!("{cross}/linear_1"),
            &format!("{ggml}.cross_attn"),
            &["key", "value"],
            w,
        )?;
        linear(
            model,
            &format!("{cross}/linear_2"),
            &format!("{ggml}.cross_attn.out"),
            w,
        )?;
        layer_norm(
            model,
            &format!("{cross}/layer_norm"),
            &format!("{ggml}.cross_attn_ln"),
            w,
        )?;
        ffn(model, &ct2, &ggml, w)?;
    }
    layer_norm(model, "decoder/layer_norm", "decoder.ln", w)
}

/// Self-attention: CTranslate2's fused Q|K|V in `linear_0`, the output in `linear_1`.
fn self_attention(
    model: &Ct2Model,
    ct2: &str,
    ggml: &str,
    w: &mut Writer<'_>,
) -> Result<(), ImportError> {
    let att = format!("{ct2}/self_attention");
    let parts = ["query", "key", "value"];
    split_linear(
        model,
        &format!("{att}/linear_0"),
        &format!("{ggml}.attn"),
        &parts,
        w,
    )?;
    linear(
        model,
        &format!("{att}/linear_1"),
        &format!("{ggml}.attn.out"),
        w,
    )?;
    layer_norm(
        model,
        &format!("{att}/layer_norm"),
        &format!("{ggml}.attn_ln"),
        w,
    )
}

fn ffn(model: &Ct2Model, ct2: &str, ggml: &str, w: &mut Writer<'_>) -> Result<(), ImportError> {
    linear(
        model,
        &format!("{ct2}/ffn/linear_0"),
        &format!("{ggml}.mlp.0"),
        w,
    )?;
    linear(
        model,
        &format!("{ct2}/ffn/linear_1"),
        &format!("{ggml}.mlp.2"),
        w,
    )?;
    layer_norm(
        model,
        &format!("{ct2}/ffn/layer_norm"),
        &format!("{ggml}.mlp_ln"),
        w,
    )
}

fn linear(model: &Ct2Model, ct2: &str, ggml: &str, w: &mut Writer<'_>) -> Result<(), ImportError> {
    let weight = model.get(&format!("{ct2}/weight"))?;
    w.tensor_weight(&format!("{ggml}.weight"), &weight.dims, weight)?;
    let bias = model.get(&format!("{ct2}/bias"))?;
    w.tensor_f32(&format!("{ggml}.bias"), &bias.dims, bias)
}

/// A fused projection whose rows stack `parts` in order, written as `{ggml}.{part}`; keys get
/// no bias (whisper.cpp's key projections have none; CTranslate2 stores zeros there).
fn split_linear(
    model: &Ct2Model,
    ct2: &str,
    ggml: &str,
    parts: &[&str],
    w: &mut Writer<'_>,
) -> Result<(), ImportError> {
    let weight = model.get(&format!("{ct2}/weight"))?;
    let bias = model.get(&format!("{ct2}/bias"))?;
    let (rows, cols) = match weight.dims[..] {
        [rows, cols] if rows % parts.len() == 0 && bias.dims == [rows] => (rows, cols),
        _ => {
            return Err(ImportError::Format(format!(
                "`{ct2}` has shape {:?} (bias {:?}): cannot split it into {parts:?}",
                weight.dims, bias.dims
            )))
        }
    };
    let n = rows / parts.len();
    let w_size = n * cols * weight.dtype.size();
    let b_size = n * bias.dtype.size();
    for (k, part) in parts.iter().enumerate() {
        let piece = slice(weight, vec![n, cols], k * w_size, w_size);
        w.tensor_weight(&format!("{ggml}.{part}.weight"), &piece.dims, &piece)?;
        if *part != "key" {
            let piece = slice(bias, vec![n], k * b_size, b_size);
            w.tensor_f32(&format!("{ggml}.{part}.bias"), &piece.dims, &piece)?;
        }
    }
    Ok(())
}

fn slice(var: &Variable, dims: Vec<usize>, start: usize, len: usize) -> Variable {
    Variable {
        dims,
        dtype: var.dtype,
        data: var.data[start..start + len].to_vec(),
    }
}

fn layer_norm(
    model: &Ct2Model,
    ct2: &str,
    ggml: &str,
    w: &mut Writer<'_>,
) -> Result<(), ImportError> {
    let gamma = model.get(&format!("{ct2}/gamma"))?;
    w.tensor_f32(&format!("{ggml}.weight"), &gamma.dims, gamma)?;
    let beta = model.get(&format!("{ct2}/beta"))?;
    w.tensor_f32(&format!("{ggml}.bias"), &beta.dims, beta)
}

struct Writer<'a> {
    out: &'a mut dyn Write,
    tensors: usize,
    /// How weight matrices are stored.
    weights: WeightType,
}

impl Writer<'_> {
    fn bytes(&mut self, b: &[u8]) -> Result<(), ImportError> {
        self.out.write_all(b).map_err(ImportError::Write)
    }

    fn u32(&mut self, x: u32) -> Result<(), ImportError> {
        self.bytes(&x.to_le_bytes())
    }

    fn i32(&mut self, x: usize) -> Result<(), ImportError> {
        let x = i32::try_from(x)
            .map_err(|_| ImportError::Format(format!("{x} does not fit the file's i32")))?;
        self.bytes(&x.to_le_bytes())
    }

    /// A tensor header: rank, name length, type (0 f32, 1 f16, 8 q8_0), dims innermost first,
    /// name.
    fn header(&mut self, name: &str, dims: &[usize], ftype: usize) -> Result<(), ImportError> {
        self.i32(dims.len())?;
        self.i32(name.len())?;
        self.i32(ftype)?;
        for &d in dims.iter().rev() {
            self.i32(d)?;
        }
        self.tensors += 1;
        self.bytes(name.as_bytes())
    }

    fn tensor_f32(
        &mut self,
        name: &str,
        dims: &[usize],
        var: &Variable,
    ) -> Result<(), ImportError> {
        let data = var.to_f32().map_err(|e| bad(name, e))?;
        self.header(name, dims, 0)?;
        let raw: Vec<u8> = data.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.bytes(&raw)
    }

    fn tensor_f16(
        &mut self,
        name: &str,
        dims: &[usize],
        var: &Variable,
    ) -> Result<(), ImportError> {
        let raw = var.to_f16_bytes().map_err(|e| bad(name, e))?;
        self.header(name, dims, 1)?;
        self.bytes(&raw)
    }

    /// A weight matrix (a linear layer's or the token embedding), stored as `self.weights` says.
    /// whisper.cpp creates these, and only these, with the file's weight type; convolution
    /// kernels stay f16 whatever it is.
    fn tensor_weight(
        &mut self,
        name: &str,
        dims: &[usize],
        var: &Variable,
    ) -> Result<(), ImportError> {
        match self.weights {
            WeightType::F16 => self.tensor_f16(name, dims, var),
            WeightType::Q8_0 => {
                let data = var.to_f32().map_err(|e| bad(name, e))?;
                let raw = q8::quantize(&data).ok_or_else(|| {
                    let why = format!("rows of {dims:?} are not whole blocks of {}", q8::BLOCK);
                    bad(name, why)
                })?;
                self.header(name, dims, q8::GGML_TYPE_Q8_0)?;
                self.bytes(&raw)
            }
        }
    }
}

fn bad(name: &str, why: String) -> ImportError {
    ImportError::Format(format!("tensor `{name}`: {why}"))
}
