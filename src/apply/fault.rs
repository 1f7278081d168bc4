//! Fault injection for the crash tests: `MAILSWEEP_FAULT_AFTER=N` ends the process
//! (exit status 86, no clean-up, as a kill would) right after the N-th durable step of
//! an apply or an undo. Every step that changes something on disk calls [`step`], so a
//! test can stop the process between any two of them and check that running the command
//! again finishes the job.

use std::sync::atomic::{AtomicU64, Ordering};

static STEPS: AtomicU64 = AtomicU64::new(0);

/// The exit status of a process stopped by fault injection.
pub const FAULT_EXIT: i32 = 86;

/// Marks one durable step done; stops the process here when the injection says so.
pub fn step(what: &str) {
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    let stop = std::env::var("MAILSWEEP_FAULT_AFTER")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    if stop == Some(n) {
        eprintln!("mailsweep: fault injected after step {n} ({what})");
        std::process::exit(FAULT_EXIT);
    }
}
