//! `mailsweep review RUN [-o FILE.html]`: writes a run's review report (see
//! `crate::report`) and says where, and whether every email could be verified.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::ReviewArgs;
use super::{CliError, EXIT_PARTIAL};
use crate::audit;
use crate::report::{self, ReportError};

pub fn review(args: &ReviewArgs) -> Result<ExitCode, CliError> {
    let dir = audit::find_run(&args.out, &args.run)?;
    let built = report::build(&dir).map_err(|e| match e {
        ReportError::Audit(a) => CliError::Audit(a),
    })?;
    let output = args.output.clone().unwrap_or_else(|| {
        let id = dir
            .file_name()
            .map_or_else(|| "run".to_string(), |n| n.to_string_lossy().into_owned());
        PathBuf::from(format!("review-{id}.html"))
    });
    write_atomically(&output, built.html.as_bytes()).map_err(|source| CliError::Write {
        path: output.clone(),
        source,
    })?;
    println!(
        "Review report: {} ({} emails to review)",
        output.display(),
        built.messages
    );
    if built.unverified > 0 {
        eprintln!(
            "mailsweep: warning: {} of {} emails changed since the run or could not be read: the report warns and shows no headers for them",
            built.unverified, built.messages
        );
        return Ok(ExitCode::from(EXIT_PARTIAL));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `FILE.partial` beside `path`, then renames it: a reader never sees half a
/// report.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}
