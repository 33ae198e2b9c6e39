//! The converter on a tiny synthetic CTranslate2 model written here: header, hyper-parameters,
//! filterbank, vocabulary and the split of fused projections.

use std::collections::HashMap;

use super::*;

const STATE: usize = 4;
const VOCAB: usize = 260;

/// A CTranslate2 string: u16 length, bytes, NUL.
fn string(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u16 + 1).to_le_bytes());
    out.extend(s.as_bytes());
    out.push(0);
}

/// A variable whose element `i` is `base + i` (f16 when `f16`).
fn var(out: &mut Vec<u8>, name: &str, dims: &[usize], base: f32, f16: bool) {
    string(out, name);
    out.push(dims.len() as u8);
    for d in dims {
        out.extend((*d as u32).to_le_bytes());
    }
    let n: usize = dims.iter().product();
    let data: Vec<u8> = (0..n)
        .flat_map(|i| {
            let x = base + i as f32;
            if f16 {
                half::f16::from_f32(x).to_le_bytes().to_vec()
            } else {
                x.to_le_bytes().to_vec()
            }
        })
        .collect();
    out.push(if f16 { 4 } else { 0 });
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
}

fn int16(out: &mut Vec<u8>, name: &str, value: i16) {
    string(out, name);
    out.push(0);
    out.push(2);
    out.extend(2u32.to_le_bytes());
    out.extend(value.to_le_bytes());
}

fn synthetic_model() -> Vec<u8> {
    let mut vars: Vec<(String, Vec<usize>, bool)> = Vec::new();
    let mut push = |name: String, dims: Vec<usize>, f16: bool| vars.push((name, dims, f16));
    let linear = |push: &mut dyn FnMut(String, Vec<usize>, bool), name: &str, rows: usize| {
        push(format!("{name}/weight"), vec![rows, STATE], true);
        push(format!("{name}/bias"), vec![rows], true);
    };
    let norm = |push: &mut dyn FnMut(String, Vec<usize>, bool), name: &str| {
        push(format!("{name}/gamma"), vec![STATE], false);
        push(format!("{name}/beta"), vec![STATE], false);
    };
    push("encoder/conv1/weight".into(), vec![STATE, 80, 3], true);
    push("encoder/conv1/bias".into(), vec![STATE], true);
    push("encoder/conv2/weight".into(), vec![STATE, STATE, 3], true);
    push("encoder/conv2/bias".into(), vec![STATE], true);
    push(
        "encoder/position_encodings/encodings".into(),
        vec![6, STATE],
        true,
    );
    push(
        "decoder/position_encodings/encodings".into(),
        vec![5, STATE],
        true,
    );
    push("decoder/embeddings/weight".into(), vec![VOCAB, STATE], true);
    norm(&mut push, "encoder/layer_norm");
    norm(&mut push, "decoder/layer_norm");
    for side in ["encoder", "decoder"] {
        let l = format!("{side}/layer_0");
        linear(
            &mut push,
            &format!("{l}/self_attention/linear_0"),
            3 * STATE,
        );
        linear(&mut push, &format!("{l}/self_attention/linear_1"), STATE);
        norm(&mut push, &format!("{l}/self_attention/layer_norm"));
        linear(&mut push, &format!("{l}/ffn/linear_0"), 2 * STATE);
        push(
            format!("{l}/ffn/linear_1/weight"),
            vec![STATE, 2 * STATE],
            true,
        );
        push(format!("{l}/ffn/linear_1/bias"), vec![STATE], true);
        norm(&mut push, &format!("{l}/ffn/layer_norm"));
    }
    linear(&mut push, "decoder/layer_0/attention/linear_0", STATE);
    linear(&mut push, "decoder/layer_0/attention/linear_1", 2 * STATE);
    linear(&mut push, "decoder/layer_0/attention/linear_2", STATE);
    norm(&mut push, "decoder/layer_0/attention/layer_norm");

    let mut out = Vec::new();
    out.extend(6u32.to_le_bytes());
    string(&mut out, "WhisperSpec");
    out.extend(3u32.to_le_bytes());
    out.extend((vars.len() as u32 + 2).to_le_bytes());
    for (name, dims, f16) in &vars {
        var(&mut out, name, dims, 0.0, *f16);
    }
    int16(&mut out, "encoder/num_heads", 2);
    int16(&mut out, "decoder/num_heads", 2);
    out.extend(1u32.to_le_bytes());
    string(&mut out, "decoder/projection/weight");
    string(&mut out, "decoder/embeddings/weight");
    out
}

fn vocabulary() -> String {
    // The 256 single-byte tokens, in GPT-2's byte-level spelling, then the specials.
    let printable = |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || b >= 174;
    let mut shifted = 0;
    let mut lines: Vec<String> = (0..256u32)
        .map(|b| {
            let c = if printable(b) {
                b
            } else {
                shifted += 1;
                255 + shifted
            };
            char::from_u32(c).unwrap().to_string()
        })
        .collect();
    lines.extend(
        [
            "<|endoftext|>",
            "<|startoftranscript|>",
            "<|notimestamps|>",
            "<|0.00|>",
        ]
        .map(String::from),
    );
    lines.join("\n") + "\n"
}

/// A parsed ggml file: hparams, filter shape, token count and tensors by name.
struct Ggml {
    magic: u32,
    hparams: Vec<i32>,
    mel: (i32, i32),
    tokens: Vec<Vec<u8>>,
    tensors: HashMap<String, (i32, Vec<i32>, Vec<u8>)>,
}

fn read_ggml(b: &[u8]) -> Ggml {
    let take = |at: &mut usize, n: usize| {
        let out = b[*at..*at + n].to_vec();
        *at += n;
        out
    };
    let int = |at: &mut usize| i32::from_le_bytes(take(at, 4).try_into().unwrap());
    let mut at = 0;
    let magic = int(&mut at) as u32;
    let hparams: Vec<i32> = (0..11).map(|_| int(&mut at)).collect();
    let mel = (int(&mut at), int(&mut at));
    at += 4 * (mel.0 * mel.1) as usize;
    let n_tokens = int(&mut at);
    let tokens = (0..n_tokens)
        .map(|_| {
            let len = int(&mut at) as usize;
            take(&mut at, len)
        })
        .collect();
    let mut tensors = HashMap::new();
    while at < b.len() {
        let (rank, len, ftype) = (int(&mut at), int(&mut at), int(&mut at));
        let dims: Vec<i32> = (0..rank).map(|_| int(&mut at)).collect();
        let name = String::from_utf8(take(&mut at, len as usize)).unwrap();
        let size = dims.iter().product::<i32>() as usize * if ftype == 0 { 4 } else { 2 };
        tensors.insert(name, (ftype, dims, take(&mut at, size)));
    }
    Ggml {
        magic,
        hparams,
        mel,
        tokens,
        tensors,
    }
}

fn f16s(raw: &[u8]) -> Vec<f32> {
    raw.chunks(2)
        .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
        .collect()
}

fn f32s(raw: &[u8]) -> Vec<f32> {
    raw.chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
fn a_synthetic_model_converts_to_the_ggml_layout() {
    let dir = std::env::temp_dir().join(format!("heimdex-whisper-convert-{}", std::process::id()));
    let model_dir = dir.join("pkg/model");
    std::fs::create_dir_all(&model_dir).unwrap();
    std::fs::write(model_dir.join("model.bin"), synthetic_model()).unwrap();
    std::fs::write(model_dir.join("vocabulary.txt"), vocabulary()).unwrap();
    let out = dir.join("out/ggml-test.bin");

    let report = import_whisper(&dir, &out, WeightType::F16).unwrap();
    assert_eq!(report.tensors, report_count());
    assert_eq!(report.vocab, 256);
    let g = read_ggml(&std::fs::read(&out).unwrap());
    assert_eq!(g.magic, 0x6767_6d6c);
    // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
    // n_text_head, n_text_layer, n_mels, ftype.
    assert_eq!(g.hparams, [260, 6, 4, 2, 1, 5, 4, 2, 1, 80, 1]);
    assert_eq!(g.mel, (80, 201));
    assert_eq!(g.tokens.len(), 256);
    // Each byte-level spelling decodes back to its byte.
    assert!(g.tokens.iter().zip(0u8..=255).all(|(t, b)| t == &[b]));
    assert_eq!(g.tensors.len(), report.tensors);

    // Q|K|V rows 0..4, 4..8, 8..12 of a matrix whose element i is i: K is elements 16..32.
    let (ftype, dims, raw) = &g.tensors["encoder.blocks.0.attn.key.weight"];
    assert_eq!((*ftype, dims.as_slice()), (1, &[4, 4][..]));
    assert_eq!(f16s(raw), (16..32).map(|i| i as f32).collect::<Vec<_>>());
    assert!(!g.tensors.contains_key("encoder.blocks.0.attn.key.bias"));
    let (ftype, _, raw) = &g.tensors["encoder.blocks.0.attn.value.bias"];
    assert_eq!((*ftype, f32s(raw)), (0, vec![8.0, 9.0, 10.0, 11.0]));
    // Cross-attention K|V: V is the second half.
    let (_, _, raw) = &g.tensors["decoder.blocks.0.cross_attn.value.weight"];
    assert_eq!(f16s(raw)[0], 16.0);
    assert!(!g
        .tensors
        .contains_key("decoder.blocks.0.cross_attn.key.bias"));
    // Conv biases are [n, 1] (written innermost first) in f32; conv weights stay f16.
    let (ftype, dims, _) = &g.tensors["encoder.conv1.bias"];
    assert_eq!((*ftype, dims.as_slice()), (0, &[1, 4][..]));
    let (ftype, dims, _) = &g.tensors["encoder.conv1.weight"];
    assert_eq!((*ftype, dims.as_slice()), (1, &[3, 80, 4][..]));
    let (ftype, dims, _) = &g.tensors["decoder.positional_embedding"];
    assert_eq!((*ftype, dims.as_slice()), (0, &[4, 5][..]));
    let (ftype, _, raw) = &g.tensors["decoder.ln.weight"];
    assert_eq!((*ftype, f32s(raw)), (0, vec![0.0, 1.0, 2.0, 3.0]));
    assert!(!out.with_extension("bin.part").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Tensors whisper.cpp expects for one encoder and one decoder layer.
fn report_count() -> usize {
    let top = 1 + 4 + 2 + 1 + 1 + 2; // enc pos, convs, ln_post, token emb, dec pos, dec ln
    let attn = 3 + 2 + 2 + 2; // q w+b, k w, v w+b, out w+b, ln w+b
    let mlp = 4 + 2;
    top + (attn + mlp) + (attn + attn + mlp)
}

#[test]
fn a_folder_without_a_model_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("heimdex-whisper-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = import_whisper(&dir, &dir.join("x.bin"), WeightType::F16).unwrap_err();
    assert!(err.to_string().contains("model.bin"), "{err}");
    assert!(!dir.join("x.bin").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
