//! How the pipeline reports progress without knowing who shows it (the CLI draws a bar
//! on stderr).

pub trait Progress: Sync {
    /// A new phase begins with `total` units (messages).
    fn start(&self, phase: &str, total: u64);
    /// `n` more units are done.
    fn advance(&self, n: u64);
}
