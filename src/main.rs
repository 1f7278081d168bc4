//! The `mailsweep` binary: runs the CLI and turns errors into one line and an exit code.

use std::process::ExitCode;

/// Parsing allocates many small strings per message on every core; mimalloc's
/// thread-local free lists cost less than glibc malloc there (measured in ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match mailsweep::cli::run() {
        Ok(code) => code,
        Err(error) => {
            let code = error.exit_code();
            eprintln!("mailsweep: error: {:#}", anyhow::Error::from(error));
            ExitCode::from(code)
        }
    }
}
