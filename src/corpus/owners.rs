//! Mailbox owners: inferred from a mailbox named like an address, or given by the
//! `--mailboxes FILE.csv` map (`mailbox,owner` rows; `mailbox` is the mailbox id or its path).

use std::collections::HashMap;
use std::path::Path;

use super::CorpusError;

/// Mailbox id or path → owner address.
#[derive(Debug, Default, Clone)]
pub struct OwnerMap(HashMap<String, String>);

impl OwnerMap {
    /// The owner given for a mailbox, looked up by id first, then by path.
    pub fn get(&self, id: &str, path: &Path) -> Option<&str> {
        self.0
            .get(id)
            .or_else(|| self.0.get(path.to_string_lossy().as_ref()))
            .map(String::as_str)
    }
}

/// Reads a `mailbox,owner` CSV. A header row (`mailbox,owner` or `path,owner`) is optional.
pub fn load_owner_map(path: &Path) -> Result<OwnerMap, CorpusError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| owner_error(path, 0, e.to_string()))?;
    let mut map = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 1;
        let record = record.map_err(|e| owner_error(path, line, e.to_string()))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if line == 1
            && record
                .get(1)
                .is_some_and(|h| h.eq_ignore_ascii_case("owner"))
        {
            continue;
        }
        let (Some(mailbox), Some(owner), None) = (record.get(0), record.get(1), record.get(2))
        else {
            return Err(owner_error(
                path,
                line,
                "expected two columns: mailbox,owner".into(),
            ));
        };
        if mailbox.is_empty() || !looks_like_address(owner) {
            return Err(owner_error(
                path,
                line,
                format!("expected a mailbox and an owner address, got {mailbox:?},{owner:?}"),
            ));
        }
        map.insert(mailbox.to_string(), owner.to_ascii_lowercase());
    }
    Ok(OwnerMap(map))
}

fn owner_error(path: &Path, line: u64, message: String) -> CorpusError {
    CorpusError::BadOwnerMap {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The owner address a mailbox name spells, as exports name them: `alice@example.com`,
/// `alice@example.com.mbox`, `alice@example.com.mbox.gz`.
pub fn infer_owner(name: &str) -> Option<String> {
    let mut stem = name;
    for suffix in [".gz", ".mbox", ".mbx", ".eml"] {
        stem = stem.strip_suffix(suffix).unwrap_or(stem);
    }
    looks_like_address(stem).then(|| stem.to_ascii_lowercase())
}

fn looks_like_address(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_owner_from_address_names() {
        assert_eq!(
            infer_owner("alice@example.com").as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(
            infer_owner("Bob@Example.org.mbox.gz").as_deref(),
            Some("bob@example.org")
        );
        assert_eq!(infer_owner("inbox"), None);
        assert_eq!(infer_owner("smith-j"), None);
        assert_eq!(infer_owner("a@localhost"), None);
    }

    #[test]
    fn owner_map_rejects_bad_rows_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        std::fs::write(&good, "mailbox,owner\nsmith-j,john.smith@example.com\n").unwrap();
        let map = load_owner_map(&good).unwrap();
        assert_eq!(
            map.get("smith-j", Path::new("x")),
            Some("john.smith@example.com")
        );
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "smith-j,john@example.com\ndoe-a\n").unwrap();
        let err = load_owner_map(&bad).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
