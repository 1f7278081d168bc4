//! The organisation's directory (`--directory FILE.csv`): its people, one `name,address`
//! row each (a header row is allowed; fields may be quoted as in RFC 4180). The people's
//! display names are what impersonators copy; their domains are the organisation's.

use std::path::{Path, PathBuf};

use super::known::Known;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot read the directory {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// The organisation's people by name, and its domains.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    known: Known,
    people: usize,
}

impl Directory {
    pub fn load(path: &Path) -> Result<Directory, DirectoryError> {
        let text = std::fs::read_to_string(path).map_err(|source| DirectoryError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Directory::parse(&text).map_err(|(line, reason)| DirectoryError::Line {
            path: path.to_path_buf(),
            line,
            reason,
        })
    }

    /// Parses the CSV text; an error names the 1-based line.
    pub fn parse(text: &str) -> Result<Directory, (usize, String)> {
        let mut dir = Directory::default();
        for (i, line) in text.lines().enumerate() {
            let fields = csv_fields(line).map_err(|e| (i + 1, e.to_string()))?;
            let fields: Vec<&str> = fields.iter().map(|f| f.trim()).collect();
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            let [name, address, ..] = fields[..] else {
                return Err((i + 1, "expected `name,address`".into()));
            };
            let well_formed = address.rsplit_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !d.contains(char::is_whitespace)
            });
            if !well_formed {
                if i == 0 {
                    continue; // a header row
                }
                return Err((i + 1, format!("not an address: {address:?}")));
            }
            dir.known.add(&address.to_ascii_lowercase(), Some(name));
            dir.people += 1;
        }
        Ok(dir)
    }

    /// The people and the organisation's domains.
    pub fn known(&self) -> &Known {
        &self.known
    }

    /// People (rows) in the directory.
    pub fn len(&self) -> usize {
        self.people
    }

    pub fn is_empty(&self) -> bool {
        self.people == 0
    }
}

/// The fields of one CSV line: commas separate, double quotes quote (`""` is a quote).
fn csv_fields(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("never empty");
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.trim().is_empty() => quoted = true,
            (false, ',') => fields.push(String::new()),
            (_, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote");
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_header_and_quotes() {
        let dir = Directory::parse(
            "name,address\nAlice Example,Alice@Example.com\n\"Boss, Big\",ceo@example.com\n\n\"Jo \"\"JJ\"\" Smith\",jo@sub.example.net\n",
        )
        .unwrap();
        let known = dir.known();
        assert_eq!(known.named("alice example"), ["alice@example.com"]);
        assert_eq!(known.named("big boss"), ["ceo@example.com"]);
        assert_eq!(known.named("jj jo smith"), ["jo@sub.example.net"]);
        assert!(known.domains().contains("example.com"));
        assert!(known.domains().contains("sub.example.net"));
        assert_eq!(dir.len(), 3);
    }

    #[test]
    fn bad_rows_name_their_line() {
        assert_eq!(
            Directory::parse("Alice,alice@example.com\nBob,bob")
                .unwrap_err()
                .0,
            2
        );
        assert_eq!(Directory::parse("only-one-field\n").unwrap_err().0, 1);
        assert_eq!(Directory::parse("\"open,x@example.com").unwrap_err().0, 1);
    }
}
