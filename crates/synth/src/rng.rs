//! A small, seedable pseudo-random generator (SplitMix64).
//!
//! Every work draws from its own generator seeded from `(world seed, stream, index)`, so the output
//! does not depend on how the parts are scheduled across threads.

/// SplitMix64: tiny, fast and good enough for sampling a synthetic world. Not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

/// Mixes a 64-bit value (the SplitMix64 finaliser); used to derive independent seeds.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A value in [0, 1) that depends only on `(seed, stream, index)`.
pub fn unit_hash(seed: u64, stream: u64, index: u64) -> f64 {
    let h = mix(mix(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ index);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

impl Rng {
    /// A generator for one `(seed, stream, index)` triple.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Self {
        Rng {
            state: mix(mix(seed ^ stream.wrapping_mul(0xd6e8_feb8_6659_fd93))
                ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// An index in `0..n` as `usize`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// An integer in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A standard normal variate (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// An index drawn with probability proportional to `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.len() - 1
    }

    /// An index drawn from a cumulative table (last entry is the total).
    pub fn pick_cumulative(&mut self, cumulative: &[f64]) -> usize {
        let target = self.unit() * cumulative[cumulative.len() - 1];
        cumulative
            .partition_point(|c| *c <= target)
            .min(cumulative.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::for_item(7, 1, 42);
        let mut b = Rng::for_item(7, 1, 42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut c = Rng::for_item(7, 1, 43);
        assert_ne!(Rng::for_item(7, 1, 42).next_u64(), c.next_u64());
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::for_item(1, 2, 3);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let v = r.below(7);
            assert!(v < 7);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
