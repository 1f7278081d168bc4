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
use std::thread::LocalKey;

/// Entries kept per thread and per question.
pub const MAX_REMEMBERED: usize = 4096;

/// What one thread remembers of one question.
pub type Memory<V> = RefCell<HashMap<Box<str>, V>>;

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
        static LENGTHS: Memory<usize> = RefCell::new(HashMap::new());
        static CAPPED: Memory<usize> = RefCell::new(HashMap::new());
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
