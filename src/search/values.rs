//! Loading search values: `--value` arguments, a `--csv` list and `--file` samples, checked
//! for the search kind and refanged, into one de-duplicated list. The only part of the
//! search layer that reads files; every problem is an error naming where it came from,
//! so a bad list stops the run before any mailbox is read.
//!
//! Rules, per value:
//! - Surrounding whitespace is trimmed; an empty or whitespace-only value is an error.
//! - Links and sender values are refanged ([`refang`](super::refang::refang)); keywords
//!   and header values are searched literally, because `[.]` or `(at)` can be real text
//!   in a subject or a header.
//! - Files: `--value`/CSV values are MD5, SHA-1 or SHA-256 hex digests (an optional
//!   `md5:`/`sha1:`/`sha256:` prefix, any case; the hex is lower-cased); a `--file` is
//!   read and stands for its SHA-256. File names are a keyword search.
//! - Headers: `Name: value` (split at the first `:`), or `Name` / `Name:` alone for
//!   "the header is present" (an empty value). The name must be a header field name.
//! - A value that spans lines is an error: in a CSV it is almost always an unbalanced
//!   quote swallowing the rows after it.
//!
//! The list is cli values, then CSV rows, then files, with duplicates (the same refanged
//! form and, for headers, the same name in any case) kept once, where first given. The
//! CSV format is described in `csv_rows`.

mod csv_rows;
mod parse;

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::Digest;

use super::SearchKind;

/// One value to search for, as given and in the form the search matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// Exactly as given, trimmed of surrounding whitespace: the `--value` argument
    /// (`X-Mailer: Evil` for headers), the CSV cell (`Name: value` for a headers row, or
    /// `Name` alone when its value is empty), or the `--file` path.
    pub value: String,
    /// What the search matches: the refanged link or sender, the keyword, the header
    /// value (empty: "present"), or the lower-case hex digest for files.
    pub refanged: String,
    /// Headers only: the header name, trimmed, as given.
    pub key: Option<String>,
    /// `cli`, `<csv path as given>:<line>`, or `file:<path as given>`.
    pub source: String,
}

/// Where a search's values come from (the command line's `--value`, `--csv`, `--file`).
#[derive(Debug, Clone, Copy)]
pub struct ValueSources<'a> {
    pub kind: SearchKind,
    pub cli: &'a [String],
    pub csv: Option<&'a Path>,
    pub files: &'a [PathBuf],
}

/// Where a bad value was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The `index`th `--value` (from 1).
    Cli { index: usize },
    /// A row of the `--csv` file, by its line (from 1).
    Csv { path: PathBuf, line: u64 },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cli { index } => write!(f, "value {index} on the command line"),
            Self::Csv { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

/// What is wrong with one value or CSV row.
#[derive(Debug, thiserror::Error)]
pub enum ValueProblem {
    #[error("empty value")]
    Empty,
    #[error("{value:?} spans several lines (an unbalanced quote in the CSV?)")]
    LineBreak { value: String },
    #[error(
        "{value:?} is not an MD5, SHA-1 or SHA-256 hash (32, 40 or 64 hex digits); \
         for a file name, search keywords instead"
    )]
    NotAHash { value: String },
    #[error("{value:?}: the {prefix}: prefix wants {wanted} hex digits, found {found}")]
    HashPrefixMismatch {
        value: String,
        prefix: &'static str,
        wanted: usize,
        found: usize,
    },
    #[error("empty header name")]
    EmptyHeaderName,
    #[error("{name:?} is not a header name (printable ASCII, no spaces or `:`)")]
    BadHeaderName { name: String },
    #[error("expected {expected}, found {found} columns")]
    Columns {
        expected: &'static str,
        found: usize,
    },
    #[error("not valid UTF-8 (save the CSV as UTF-8)")]
    NotUtf8,
    #[error("{0}")]
    Csv(String),
}

/// Why the values could not be collected; the search does not start.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error("--file is only for a files search, not a {} search", .kind.as_str())]
    FileNotAllowed { kind: SearchKind },
    #[error("value {index} on the command line is empty")]
    EmptyCliValue { index: usize },
    #[error("{origin}: {problem}")]
    Invalid {
        origin: Origin,
        problem: ValueProblem,
    },
    #[error("{option} {}: {source}", .path.display())]
    Read {
        option: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no values to search for: give {}", options_for(*.kind))]
    NoValues { kind: SearchKind },
}

/// The options that give values to a `kind` search, for the "no values" error.
fn options_for(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Files => "--value, --file or a --csv with at least one value row",
        _ => "--value or a --csv with at least one value row",
    }
}

/// Collects every value; any problem is an error naming the file and line (nothing runs).
pub fn collect(sources: &ValueSources) -> Result<Vec<RawValue>, ValueError> {
    let kind = sources.kind;
    if kind != SearchKind::Files && !sources.files.is_empty() {
        return Err(ValueError::FileNotAllowed { kind });
    }
    let mut values = Vec::new();
    for (i, text) in sources.cli.iter().enumerate() {
        let index = i + 1;
        let text = text.trim();
        if text.is_empty() {
            return Err(ValueError::EmptyCliValue { index });
        }
        let value =
            parse::from_text(kind, text, "cli".into()).map_err(|problem| ValueError::Invalid {
                origin: Origin::Cli { index },
                problem,
            })?;
        values.push(value);
    }
    if let Some(path) = sources.csv {
        values.extend(csv_rows::read(kind, path)?);
    }
    for path in sources.files {
        values.push(RawValue {
            value: path.display().to_string(),
            refanged: sha256_file(path)?,
            key: None,
            source: format!("file:{}", path.display()),
        });
    }
    let values = dedup(values);
    if values.is_empty() {
        return Err(ValueError::NoValues { kind });
    }
    Ok(values)
}

/// The lower-case hex SHA-256 of a file, read in blocks: a sample can be a large archive.
fn sha256_file(path: &Path) -> Result<String, ValueError> {
    let read_error = |source| ValueError::Read {
        option: "--file",
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(e)),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Keeps the first of values with the same refanged form and header name (names compare
/// case-insensitively, as mail header names do).
fn dedup(values: Vec<RawValue>) -> Vec<RawValue> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|v| {
            let key = v.key.as_ref().map(|k| k.to_ascii_lowercase());
            seen.insert((key, v.refanged.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn cli(kind: SearchKind, values: &[&str]) -> Result<Vec<RawValue>, ValueError> {
        collect(&ValueSources {
            kind,
            cli: &strings(values),
            csv: None,
            files: &[],
        })
    }

    fn refanged(values: &[RawValue]) -> Vec<&str> {
        values.iter().map(|v| v.refanged.as_str()).collect()
    }

    #[test]
    fn refangs_links_and_senders_only() {
        let links = cli(
            SearchKind::Links,
            &[" hxxps://evil[.]example/login ", "hXXp://1.2.3[.]4"],
        )
        .unwrap();
        assert_eq!(
            links[0],
            RawValue {
                value: "hxxps://evil[.]example/login".into(),
                refanged: "https://evil.example/login".into(),
                key: None,
                source: "cli".into(),
            }
        );
        assert_eq!(links[1].refanged, "http://1.2.3.4");
        let senders = cli(
            SearchKind::Sender,
            &[
                "user[@]evil.example",
                "user(at)evil(dot)example",
                "evil[.]example",
            ],
        )
        .unwrap();
        assert_eq!(
            refanged(&senders),
            ["user@evil.example", "evil.example"],
            "the second address is the first refanged, so it is kept once"
        );
        let keywords = cli(
            SearchKind::Keywords,
            &["[URGENT] invoice", "evil[.]example"],
        )
        .unwrap();
        assert_eq!(refanged(&keywords), ["[URGENT] invoice", "evil[.]example"]);
        assert_eq!(keywords[0].value, "[URGENT] invoice");
    }

    #[test]
    fn empty_values_are_errors() {
        let err = cli(SearchKind::Keywords, &["ok", "  "]).unwrap_err();
        assert_eq!(err.to_string(), "value 2 on the command line is empty");
        let err = cli(SearchKind::Links, &[""]).unwrap_err();
        assert_eq!(err.to_string(), "value 1 on the command line is empty");
    }

    #[test]
    fn no_values_at_all_is_an_error() {
        let err = cli(SearchKind::Keywords, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no values to search for: give --value or a --csv with at least one value row"
        );
        let err = cli(SearchKind::Files, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no values to search for: give --value, --file or a --csv with at least one value row"
        );
    }

    #[test]
    fn a_csv_with_only_a_header_gives_no_values() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("links.csv");
        std::fs::write(&csv, "link\n\n").unwrap();
        let err = collect(&ValueSources {
            kind: SearchKind::Links,
            cli: &[],
            csv: Some(&csv),
            files: &[],
        })
        .unwrap_err();
        assert!(matches!(err, ValueError::NoValues { .. }), "{err}");
    }

    #[test]
    fn cli_values_come_before_csv_rows_before_files() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("hashes.csv");
        std::fs::write(
            &csv,
            "sha256\nBA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\n",
        )
        .unwrap();
        let sample = dir.path().join("sample.bin");
        std::fs::write(&sample, "abc").unwrap();
        let values = collect(&ValueSources {
            kind: SearchKind::Files,
            cli: &strings(&["900150983cd24fb0d6963f7d28e17f72"]),
            csv: Some(&csv),
            files: std::slice::from_ref(&sample),
        })
        .unwrap();
        let sources: Vec<_> = values.iter().map(|v| v.source.clone()).collect();
        // The sample hashes to the CSV's digest, so the CSV row is kept and the file dropped.
        assert_eq!(sources, ["cli".to_string(), format!("{}:2", csv.display())]);
        assert_eq!(
            values[1].refanged,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn values_spanning_lines_are_errors() {
        let err = cli(SearchKind::Keywords, &["wire\ntransfer"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 1 on the command line: \"wire\\ntransfer\" spans several lines \
             (an unbalanced quote in the CSV?)"
        );
    }

    #[test]
    fn header_values_split_at_the_first_colon() {
        let values = cli(
            SearchKind::Headers,
            &[
                "X-Mailer: Evil Mailer 1.0",
                "X-Evil",
                "X-Other:",
                "X-Url:http://a:8080/",
            ],
        )
        .unwrap();
        let parts: Vec<_> = values
            .iter()
            .map(|v| {
                (
                    v.key.as_deref().unwrap(),
                    v.refanged.as_str(),
                    v.value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            [
                ("X-Mailer", "Evil Mailer 1.0", "X-Mailer: Evil Mailer 1.0"),
                ("X-Evil", "", "X-Evil"),
                ("X-Other", "", "X-Other:"),
                ("X-Url", "http://a:8080/", "X-Url:http://a:8080/"),
            ]
        );
    }

    #[test]
    fn bad_header_names_are_errors() {
        let err = cli(SearchKind::Headers, &["X-Ok", "Bad Name: x"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 2 on the command line: \"Bad Name\" is not a header name \
             (printable ASCII, no spaces or `:`)"
        );
        let err = cli(SearchKind::Headers, &[": value"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 1 on the command line: empty header name"
        );
        let err = cli(SearchKind::Headers, &["X-Ünï: v"]).unwrap_err();
        assert!(err.to_string().contains("is not a header name"), "{err}");
    }

    #[test]
    fn duplicates_are_kept_once_where_first_given() {
        let values = cli(
            SearchKind::Headers,
            &[
                "X-Mailer: Evil",
                "x-mailer: Evil",
                "X-Mailer:Evil",
                "X-Mailer: evil",
            ],
        )
        .unwrap();
        let kept: Vec<_> = values.iter().map(|v| v.value.as_str()).collect();
        // Names compare in any case; values as written.
        assert_eq!(kept, ["X-Mailer: Evil", "X-Mailer: evil"]);
        let values = cli(
            SearchKind::Files,
            &[
                "900150983CD24FB0D6963F7D28E17F72",
                "md5:900150983cd24fb0d6963f7d28e17f72",
            ],
        )
        .unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].value, "900150983CD24FB0D6963F7D28E17F72");
    }

    #[test]
    fn file_hashes_and_samples() {
        let dir = tempfile::tempdir().unwrap();
        let sample = dir.path().join("invoice.pdf");
        std::fs::write(&sample, "abc").unwrap();
        let values = collect(&ValueSources {
            kind: SearchKind::Files,
            cli: &strings(&[
                "SHA1:A9993E364706816ABA3E25717850C26C9CD0D89D",
                "900150983cd24fb0d6963f7d28e17f72",
            ]),
            csv: None,
            files: std::slice::from_ref(&sample),
        })
        .unwrap();
        assert_eq!(
            refanged(&values),
            [
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "900150983cd24fb0d6963f7d28e17f72",
                // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ]
        );
        assert_eq!(values[2].value, sample.display().to_string());
        assert_eq!(values[2].source, format!("file:{}", sample.display()));
        assert_eq!(values[2].key, None);
    }

    #[test]
    fn a_file_sample_and_its_hash_are_one_value() {
        let dir = tempfile::tempdir().unwrap();
        let sample = dir.path().join("empty.bin");
        std::fs::write(&sample, "").unwrap();
        let values = collect(&ValueSources {
            kind: SearchKind::Files,
            // SHA-256 of the empty string.
            cli: &strings(&[
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ]),
            csv: None,
            files: &[sample],
        })
        .unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].source, "cli");
    }

    #[test]
    fn unreadable_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.bin");
        let err = collect(&ValueSources {
            kind: SearchKind::Files,
            cli: &[],
            csv: None,
            files: std::slice::from_ref(&missing),
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("--file {}: ", missing.display())),
            "{err}"
        );
        assert!(matches!(
            err,
            ValueError::Read { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound
        ));
        let err = collect(&ValueSources {
            kind: SearchKind::Files,
            cli: &[],
            csv: None,
            files: &[dir.path().to_path_buf()],
        })
        .unwrap_err();
        assert!(matches!(err, ValueError::Read { .. }), "{err}");
    }

    #[test]
    fn files_only_go_with_a_files_search() {
        let err = collect(&ValueSources {
            kind: SearchKind::Keywords,
            cli: &strings(&["invoice"]),
            csv: None,
            files: &[PathBuf::from("sample.bin")],
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "--file is only for a files search, not a keywords search"
        );
    }

    #[test]
    fn bad_hashes_are_errors() {
        let err = cli(SearchKind::Files, &["invoice.pdf"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 1 on the command line: \"invoice.pdf\" is not an MD5, SHA-1 or SHA-256 \
             hash (32, 40 or 64 hex digits); for a file name, search keywords instead"
        );
        // 31 digits, a non-hex digit, a 64-digit value under an MD5 prefix.
        for bad in [
            "900150983cd24fb0d6963f7d28e17f7",
            "900150983cd24fb0d6963f7d28e17f7g",
            "sha512:900150983cd24fb0d6963f7d28e17f72",
        ] {
            let err = cli(SearchKind::Files, &[bad]).unwrap_err();
            assert!(err.to_string().contains("is not an MD5"), "{bad}: {err}");
        }
        let err = cli(
            SearchKind::Files,
            &["md5:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 1 on the command line: \"md5:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\": \
             the md5: prefix wants 32 hex digits, found 64"
        );
    }
}
