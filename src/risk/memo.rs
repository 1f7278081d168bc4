//! Per-thread memory of pure functions of short strings that the rules ask again and
//! again: header field names (is this field read by any rule?) and link hosts (does
//! this host imitate a brand?). The same few hundred names and hosts come back in
//! message after message, and answering afresh cost hundreds or thousands of
//! instructions each.
//!
//! Only a cache: the answer is the function's, whatever was asked before. Each thread's
//! memory is capped, so hostile mail with endless distinct names cannot grow it; past
//! the cap, answers are computed and not kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::thread::LocalKey;

/// Entries kept per thread and per question.
pub const MAX_REMEMBERED: usize = 4096;

/// What one thread remembers of one question.
pub type Memory<V> = RefCell<HashMap<Box<str>, V, BuildHasherDefault<KeyHasher>>>;

/// Hashes a key with one XXH3 call. std's SipHash, made for maps that grow without
/// bound under hostile keys, cost ~300 instructions a lookup here, more than some of
/// the answers it guards; a memory is capped, so keys made to collide can cost at most
/// a scan of [`MAX_REMEMBERED`] entries, and a hit still compares the whole key.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(17) ^ twox_hash::XxHash3_64::oneshot(bytes);
    }

    /// The end marker `str` hashes after its bytes: folded in without a second call.
    fn write_u8(&mut self, byte: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(byte);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `compute(key)`, from this thread's `memory` when it was asked before.
pub fn recall<V: Clone>(
    memory: &'static LocalKey<Memory<V>>,
    key: &str,
    compute: impl FnOnce(&str) -> V,
) -> V {
    memory.with(|cell| {
        if let Some(v) = cell.borrow().get(key) {
            return v.clone();
        }
        let v = compute(key);
        let mut remembered = cell.borrow_mut();
        if remembered.len() < MAX_REMEMBERED {
            remembered.insert(key.into(), v.clone());
        }
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static LENGTHS: Memory<usize> = Default::default();
        static CAPPED: Memory<usize> = Default::default();
    }

    #[test]
    fn computes_once_per_key_and_answers_the_same() {
        let calls = Cell::new(0);
        let len = |k: &str| {
            calls.set(calls.get() + 1);
            k.len()
        };
        assert_eq!(recall(&LENGTHS, "received", len), 8);
        assert_eq!(recall(&LENGTHS, "received", len), 8);
        assert_eq!(recall(&LENGTHS, "from", len), 4);
        assert_eq!(calls.get(), 2);
    }

    #[test]
    fn past_the_cap_answers_are_computed_and_not_kept() {
        for i in 0..MAX_REMEMBERED + 10 {
            assert_eq!(
                recall(&CAPPED, &format!("x-{i}"), |k| k.len()),
                format!("x-{i}").len()
            );
        }
        assert_eq!(CAPPED.with(|c| c.borrow().len()), MAX_REMEMBERED);
        let calls = Cell::new(0);
        let again = recall(&CAPPED, "x-not-kept-name", |k| {
            calls.set(calls.get() + 1);
            k.len()
        });
        recall(&CAPPED, "x-not-kept-name", |k| {
            calls.set(calls.get() + 1);
            k.len()
        });
        assert_eq!((again, calls.get()), (15, 2));
    }
}
