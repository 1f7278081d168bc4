//! The run directory `<audit root>/<run id>/`. Run ids sort by time: a UTC timestamp to
//! the millisecond, then a few hex digits that keep two runs in the same millisecond apart.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::AuditError;

/// A new run id for a run started at `now`: `20261122T211053.123Z-1a2b`.
pub fn new_run_id(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let t = mail_parser::DateTime::from_timestamp(since.as_secs() as i64);
    let salt = (std::process::id() ^ since.subsec_nanos()) & 0xffff;
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z-{salt:04x}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        since.subsec_millis()
    )
}

/// A created, empty run directory.
#[derive(Debug, Clone)]
pub struct RunDir {
    pub run_id: String,
    pub path: PathBuf,
}

impl RunDir {
    /// Creates `<root>/<run_id>/`; an existing directory is never reused.
    pub fn create(root: &Path, run_id: &str) -> Result<Self, AuditError> {
        std::fs::create_dir_all(root).map_err(|source| AuditError::Io {
            path: root.to_path_buf(),
            source,
        })?;
        let path = root.join(run_id);
        std::fs::create_dir(&path).map_err(|source| AuditError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Self {
            run_id: run_id.to_string(),
            path,
        })
    }

    pub fn table(&self, name: &str) -> PathBuf {
        self.path.join(format!("{name}.parquet"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn run_ids_sort_by_time() {
        let a = new_run_id(UNIX_EPOCH + Duration::from_millis(1_795_000_000_123));
        let b = new_run_id(UNIX_EPOCH + Duration::from_millis(1_795_000_001_001));
        assert!(a.starts_with("20261118T"), "{a}");
        assert!(a < b);
    }
}
