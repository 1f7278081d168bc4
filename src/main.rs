//! The `mailsweep` binary: runs the CLI and turns errors into one line and an exit code.

use std::process::ExitCode;

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
