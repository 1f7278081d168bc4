//! The `mailsweep` binary: runs the CLI and turns errors into one line and an exit code.

use std::process::ExitCode;

/// Parsing allocates many small strings per message on every core; mimalloc's
/// thread-local free lists cost less than glibc malloc there (measured in ARCHITECTURE.md).
/// Version 2 of mimalloc: v3 gave freed pages back sooner, so the Parquet writer's
/// regrown buffers made the kernel zero pages twice as often (8% against 4.6% of CPU).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc v2's `enum mi_option_e` (mimalloc.h), which
/// libmimalloc-sys does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// How long freed memory stays with mimalloc before it is given back to the kernel. The
/// default, 10 ms, is shorter than the time between two audit batches of one table, so
/// every batch's buffers came back as fresh pages the kernel zeroed again. A rescan of
/// the 1 GiB bench mbox on 2 threads: 18,000–32,000 page faults and 0.10–0.27 s of
/// system time, against 3,800 and 0.05–0.14 s at 200 ms, 1 s or never (1–3% of its
/// 4.4 s wall time).
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

fn main() -> ExitCode {
    // SAFETY: sets an option by its number; mimalloc reads it when it next purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    match mailsweep::cli::run() {
        Ok(code) => code,
        Err(error) => {
            let code = error.exit_code();
            // Every error's message already carries its cause: `{:#}` would repeat it.
            eprintln!("mailsweep: error: {}", anyhow::Error::from(error));
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libmimalloc_sys::{mi_option_eager_commit_delay, mi_option_get, mi_option_set};

    /// Option 15 is the purge delay: its neighbour 14, which libmimalloc-sys names, has
    /// its documented default (1), and 15 has the purge delay's (10 ms) until set.
    #[test]
    fn option_15_is_the_purge_delay() {
        // SAFETY: reads and sets options by number, as main does.
        unsafe {
            assert_eq!(mi_option_get(mi_option_eager_commit_delay), 1);
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(mi_option_get(MI_OPTION_PURGE_DELAY), 10);
            }
            mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
            assert_eq!(mi_option_get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
        }
    }
}
