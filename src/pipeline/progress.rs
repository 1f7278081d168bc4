//! How the pipeline reports progress without knowing who shows it (the CLI draws a bar
//! on stderr; tests and benchmarks pass [`NoProgress`]).

pub trait Progress: Sync {
    /// A new phase begins with `total` units (messages).
    fn start(&self, phase: &str, total: u64);
    /// `n` more units are done.
    fn advance(&self, n: u64);
    /// The phase is over.
    fn finish(&self);
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
