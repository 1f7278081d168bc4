//! Unit tests' pseudo-random inputs: a fixed sequence (xorshift64) of strings or byte
//! strings made of pieces of an alphabet, or of numbers, to check a fast path against
//! its reference on inputs nobody wrote by hand, the same on every run.

/// `count` sequences, each of up to `max_pieces` items drawn from `alphabet`.
pub fn sequences<T: Copy>(alphabet: &[T], count: usize, max_pieces: u64, seed: u64) -> Vec<Vec<T>> {
    let mut next = xorshift(seed);
    (0..count)
        .map(|_| {
            let pieces = next() % (max_pieces + 1);
            (0..pieces)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// `count` numbers below `bound`.
pub fn numbers(count: usize, bound: u64, seed: u64) -> Vec<u64> {
    let mut next = xorshift(seed);
    (0..count).map(|_| next() % bound).collect()
}

fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// `count` strings, each of up to `max_pieces` pieces drawn from `alphabet`.
pub fn strings(alphabet: &[&str], count: usize, max_pieces: u64, seed: u64) -> Vec<String> {
    sequences(alphabet, count, max_pieces, seed)
        .into_iter()
        .map(|pieces| pieces.concat())
        .collect()
}
