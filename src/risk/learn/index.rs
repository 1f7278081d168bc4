//! The classifier's token index: feature id by the 64-bit hash of its token, in one flat
//! open-addressed table whose slots hold the hash and the id side by side.
//!
//! It is looked up once per word of every message (about 80% of them are features), and
//! the table (a quarter of a megabyte for the shipped 10,000 features) does not stay in
//! the core's nearest caches beside the message. A `HashMap` keeps its control bytes
//! apart from its keys, so a lookup missed the cache twice (perf put two thirds of the
//! classifier's lookup time on those two loads); here a lookup reads one slot, and its
//! neighbours for a collision are in the same cache line.

/// A slot: a token's hash and its feature id, or [`EMPTY`] as the id.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot {
    hash: u64,
    id: u32,
}

const EMPTY: u32 = u32::MAX;

pub(super) struct TokenIndex {
    slots: Box<[Slot]>,
    mask: usize,
}

impl TokenIndex {
    /// An index of `hashes` (feature id = position); the first of two equal hashes wins.
    pub(super) fn new(hashes: impl ExactSizeIterator<Item = u64>) -> TokenIndex {
        // At most 5/8 full (the shipped model: 61%): linear probing then reads about two
        // slots per hit and four per miss, four slots to a cache line.
        let capacity = (hashes.len() * 8 / 5 + 1).next_power_of_two();
        let mut index = TokenIndex {
            slots: vec![Slot { hash: 0, id: EMPTY }; capacity].into_boxed_slice(),
            mask: capacity - 1,
        };
        for (id, hash) in hashes.enumerate() {
            let id = u32::try_from(id).expect("fewer than 2^32 features");
            let at = index.slot_of(hash);
            if index.slots[at].id == EMPTY {
                index.slots[at] = Slot { hash, id };
            }
        }
        index
    }

    /// The feature id of a token's hash.
    pub(super) fn get(&self, hash: u64) -> Option<u32> {
        let slot = self.slots[self.slot_of(hash)];
        (slot.id != EMPTY).then_some(slot.id)
    }

    /// The slot that holds `hash`, or the empty slot where it would go.
    fn slot_of(&self, hash: u64) -> usize {
        let mut at = hash as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot.id == EMPTY || slot.hash == hash {
                return at;
            }
            at = (at + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Against a `HashMap` that keeps the first id of each hash: hashes drawn from a small
    /// range collide in their slots and repeat, so probing and first-wins are exercised.
    #[test]
    fn finds_what_a_hash_map_finds() {
        for size in [0, 1, 7, 100, 10_000] {
            let hashes: Vec<u64> = crate::random_for_tests::numbers(size, 40_000, size as u64)
                .into_iter()
                .map(|n| n * 0x1_0000)
                .collect();
            let index = TokenIndex::new(hashes.iter().copied());
            let mut reference = HashMap::new();
            for (id, &h) in hashes.iter().enumerate() {
                reference.entry(h).or_insert(id as u32);
            }
            for probe in 0..40_000u64 {
                let h = probe * 0x1_0000;
                assert_eq!(
                    index.get(h),
                    reference.get(&h).copied(),
                    "size {size}, {h:#x}"
                );
            }
        }
    }
}
