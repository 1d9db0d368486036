//! Element-wise kernels the encoder runs outside candle because candle's
//! version is scalar: GELU with erf from a rational approximation that the
//! compiler vectorises (the one Eigen and XLA use; within 1e-6 of the exact
//! erf on f32, see the test).

/// Beyond ±4, erf is ±1 in f32.
const ERF_CLAMP: f32 = 4.0;
/// Odd numerator coefficients, x¹ … x¹³.
const ALPHA: [f32; 7] = [
    -1.6096033e-02,
    -2.9546e-03,
    -7.3499064e-04,
    -5.6925062e-05,
    -2.101024e-06,
    2.7706815e-08,
    -2.7261424e-10,
];
/// Even denominator coefficients, x⁰ … x⁸.
const BETA: [f32; 5] = [
    -1.4264739e-02,
    -7.3733293e-03,
    -1.682827e-03,
    -2.1337405e-04,
    -1.45660715e-05,
];

/// erf(x), branch-free.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let x = x.clamp(-ERF_CLAMP, ERF_CLAMP);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for &a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let mut q = BETA[4];
    for &b in BETA[..4].iter().rev() {
        q = q * x2 + b;
    }
    x * p / q
}

/// `x · Φ(x) = x/2 · (1 + erf(x/√2))` on every element (BERT's exact GELU).
pub(super) fn gelu_erf_in_place(values: &mut [f32]) {
    for value in values.iter_mut() {
        let x = *value;
        *value = 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    #[test]
    fn gelu_matches_candles_exact_gelu() {
        let xs: Vec<f32> = (-1200..=1200).map(|i| i as f32 / 100.0).collect();
        let exact = Tensor::new(xs.as_slice(), &Device::Cpu)
            .and_then(|t| t.gelu_erf())
            .and_then(|t| t.to_vec1::<f32>())
            .expect("candle gelu_erf");
        let mut ours = xs.clone();
        gelu_erf_in_place(&mut ours);
        for ((x, a), b) in xs.iter().zip(&exact).zip(&ours) {
            let tolerance = 1e-6 * x.abs().max(1.0);
            assert!((a - b).abs() <= tolerance, "gelu({x}): exact {a}, ours {b}");
        }
    }

    #[test]
    fn erf_is_odd_and_saturates() {
        for x in [0.1f32, 0.5, 1.0, 2.0, 3.5] {
            assert_eq!(erf(-x), -erf(x));
        }
        assert_eq!(erf(0.0), 0.0);
        assert!((erf(10.0) - 1.0).abs() < 1e-6);
        assert!((erf(f32::MAX) - 1.0).abs() < 1e-6);
    }
}
