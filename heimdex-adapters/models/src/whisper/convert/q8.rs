//! ggml's `Q8_0` quantization: rows cut into blocks of 32 values, each stored as an f16 scale
//! `d = max|x| / 127` and 32 signed bytes `round(x / d)` (34 bytes for 32 values).

/// Values per block.
pub(crate) const BLOCK: usize = 32;

/// ggml's type number for `Q8_0` tensors.
pub(crate) const GGML_TYPE_Q8_0: usize = 8;

/// `values` (a whole number of blocks) as `Q8_0` blocks, as ggml's reference
/// `quantize_row_q8_0` writes them. `None` when the length is not a multiple of [`BLOCK`].
pub(crate) fn quantize(values: &[f32]) -> Option<Vec<u8>> {
    if !values.len().is_multiple_of(BLOCK) {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() / BLOCK * (2 + BLOCK));
    for block in values.chunks_exact(BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let inverse = if d == 0.0 { 0.0 } else { 1.0 / d };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|x| (x * inverse).round() as i8 as u8));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values a `Q8_0` buffer stands for, as ggml's `dequantize_row_q8_0` reads them.
    fn dequantize(bytes: &[u8]) -> Vec<f32> {
        bytes
            .chunks_exact(2 + BLOCK)
            .flat_map(|b| {
                let d = half::f16::from_le_bytes([b[0], b[1]]).to_f32();
                b[2..].iter().map(move |&q| f32::from(q as i8) * d)
            })
            .collect()
    }

    #[test]
    fn blocks_round_trip_within_half_a_step_of_their_scale() {
        let values: Vec<f32> = (0..96)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let bytes = quantize(&values).unwrap();
        assert_eq!(bytes.len(), 3 * 34);
        let back = dequantize(&bytes);
        for (block, restored) in values.chunks(BLOCK).zip(back.chunks(BLOCK)) {
            let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            // Half a step, plus the f16 rounding of the scale (relative 2^-11) at full scale.
            let bound = amax / 127.0 * 0.5 + amax * 2f32.powi(-10);
            for (x, y) in block.iter().zip(restored) {
                assert!((x - y).abs() <= bound, "{x} became {y} (bound {bound})");
            }
        }
    }

    #[test]
    fn the_largest_value_maps_to_127_and_zero_blocks_stay_zero() {
        let mut values = vec![0.0f32; 64];
        values[5] = -3.0;
        values[6] = 1.5;
        let bytes = quantize(&values).unwrap();
        assert_eq!(bytes[2 + 5] as i8, -127);
        assert_eq!(
            bytes[2 + 6] as i8,
            64,
            "1.5 / (3 / 127) = 63.5 rounds away from zero"
        );
        assert!(
            bytes[34..].iter().all(|&b| b == 0),
            "an all-zero block: scale 0, values 0"
        );
    }

    #[test]
    fn a_row_that_is_not_whole_blocks_is_refused() {
        assert!(quantize(&[1.0; 33]).is_none());
    }
}
