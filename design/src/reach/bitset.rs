//! A fixed-size set of zone indices, one bit each.

/// A set of zone indices as bits; intersection is a few word operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZoneSet {
    words: Vec<u64>,
}

impl ZoneSet {
    /// An empty set able to hold `size` zones.
    pub(crate) fn new(size: usize) -> Self {
        Self {
            words: vec![0; size.div_ceil(64).max(1)],
        }
    }

    /// Adds zone `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// True when zone `i` is in the set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// True when the sets share a zone.
    pub(crate) fn intersects(&self, other: &ZoneSet) -> bool {
        self.words.iter().zip(&other.words).any(|(a, b)| a & b != 0)
    }

    /// True when the sets share a zone that is also in `mask`.
    pub(crate) fn intersects_within(&self, other: &ZoneSet, mask: &ZoneSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .zip(&mask.words)
            .any(|((a, b), m)| a & b & m != 0)
    }

    /// True when the sets share a zone that is not in `mask`.
    pub(crate) fn intersects_outside(&self, other: &ZoneSet, mask: &ZoneSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .zip(&mask.words)
            .any(|((a, b), m)| a & b & !m != 0)
    }

    /// The zones in both sets, ascending.
    pub(crate) fn common(&self, other: &ZoneSet) -> Vec<usize> {
        let mut out = Vec::new();
        for (w, (a, b)) in self.words.iter().zip(&other.words).enumerate() {
            let mut bits = a & b;
            while bits != 0 {
                let t = bits.trailing_zeros() as usize;
                out.push(w * 64 + t);
                bits &= bits - 1;
            }
        }
        out
    }
}
