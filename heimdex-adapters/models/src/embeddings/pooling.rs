//! Sentence-transformers' pooling for all-MiniLM-L6-v2: the mean of the token vectors the
//! attention mask keeps, then L2 normalisation.

use candle_core::{DType, Result, Tensor, D};

/// Mean of `hidden` (`[batch, tokens, dim]`) over the tokens whose `mask` (`[batch, tokens]`,
/// 1 keep / 0 padding) is 1, as sentence-transformers' `Pooling(mode="mean")`: the sum of kept
/// vectors divided by their count, clamped below at 1e-9.
pub(crate) fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let mask = mask.to_dtype(hidden.dtype())?.unsqueeze(D::Minus1)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9, f64::INFINITY)?;
    summed.broadcast_div(&counts)
}

/// Each row of `x` (`[batch, dim]`) divided by its L2 norm, clamped below at 1e-12, as
/// `torch.nn.functional.normalize` (sentence-transformers' `Normalize` module).
pub(crate) fn l2_normalize(x: &Tensor) -> Result<Tensor> {
    let norms = x
        .sqr()?
        .sum_keepdim(D::Minus1)?
        .sqrt()?
        .clamp(1e-12, f64::INFINITY)?;
    x.broadcast_div(&norms)
}

/// `[batch, dim]` f32 rows as vectors.
pub(crate) fn rows(x: &Tensor) -> Result<Vec<Vec<f32>>> {
    x.to_dtype(DType::F32)?.to_vec2::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn padding_does_not_count_in_the_mean() {
        let hidden = Tensor::new(
            &[
                [[1f32, 2.0], [3.0, 4.0], [100.0, 100.0]],
                [[2.0, 0.0], [0.0, 2.0], [4.0, 4.0]],
            ],
            &Device::Cpu,
        )
        .unwrap();
        let mask = Tensor::new(&[[1u32, 1, 0], [1, 1, 1]], &Device::Cpu).unwrap();
        let pooled = rows(&mean_pool(&hidden, &mask).unwrap()).unwrap();
        assert_eq!(pooled, vec![vec![2.0, 3.0], vec![2.0, 2.0]]);
    }

    #[test]
    fn rows_become_unit_length_and_zero_stays_zero() {
        let x = Tensor::new(&[[3f32, 4.0], [0.0, 0.0]], &Device::Cpu).unwrap();
        let normed = rows(&l2_normalize(&x).unwrap()).unwrap();
        assert_eq!(normed, vec![vec![0.6, 0.8], vec![0.0, 0.0]]);
    }
}
