//! The `--csv` value list: one value per row in the first column, or `key,value` rows for
//! a headers search.
//!
//! - A first row whose first cell is a header word (`value`, `link`, `url`, `hash`,
//!   `email`, `keyword`, … see [`HEADER_WORDS`]), in any case, is a header row and
//!   skipped; for headers, `key,value` / `header,value` / `name,value` (or the first
//!   word alone). To search for such a word, give it with `--value`.
//! - Rows whose cells are all empty or whitespace (blank lines, a spreadsheet's `,,`) are
//!   skipped. Text in a later column with none in the first is an `empty value` (or, for
//!   headers, `empty header name`) error.
//! - Columns after the first (after the second for headers) must be empty: a comma inside
//!   a value has to be quoted (`"Smith, John"`), and silently taking the first piece of
//!   an unquoted one would search for the wrong thing.
//! - Quoted cells may hold commas and quotes (`""`); a UTF-8 byte order mark is ignored;
//!   anything else that is not UTF-8 is an error.
//!
//! Errors name the row as `path:line`, the line the row starts on.

use std::path::Path;

use super::{parse, Origin, RawValue, ValueError, ValueProblem};
use crate::search::SearchKind;

/// First cells that mark a header row.
const HEADER_WORDS: [&str; 18] = [
    "value", "link", "url", "links", "file", "hash", "sha256", "md5", "sha1", "sender", "email",
    "address", "keyword", "keywords", "phrase", "header", "key", "name",
];

/// First cells that mark a header row of a headers search (with `value` after them).
const HEADERS_HEADER_WORDS: [&str; 3] = ["key", "header", "name"];

/// Reads every value in the CSV at `path` for a `kind` search.
pub(super) fn read(kind: SearchKind, path: &Path) -> Result<Vec<RawValue>, ValueError> {
    // Read whole: value lists are small, and the csv crate leaves a byte order mark in
    // the first cell, where it would hide a header word.
    let bytes = std::fs::read(path).map_err(|source| ValueError::Read {
        option: "--csv",
        path: path.to_path_buf(),
        source,
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut values = Vec::new();
    let mut first_row = true;
    let mut lines = Lines::new(body);
    for record in reader.byte_records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.of_record_at(p.byte()));
            invalid(path, line, ValueProblem::Csv(e.to_string()))
        })?;
        let line = record
            .position()
            .map_or(0, |p| lines.of_record_at(p.byte()));
        let cells = record
            .iter()
            .map(|cell| std::str::from_utf8(cell).map(str::trim))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| invalid(path, line, ValueProblem::NotUtf8))?;
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if std::mem::replace(&mut first_row, false) && is_header_row(kind, &cells) {
            continue;
        }
        let source = format!("{}:{line}", path.display());
        values.push(row_value(kind, &cells, source).map_err(|p| invalid(path, line, p))?);
    }
    Ok(values)
}

/// Line numbers of records. The csv crate's own position of a record lags: it is where
/// the previous record ended, before the line terminators and skipped blank lines after
/// it; so the line is counted here, up to the first byte after those terminators.
struct Lines<'a> {
    body: &'a [u8],
    /// A counted prefix of `body` and the line its end is on.
    counted: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(body: &'a [u8]) -> Self {
        Self {
            body,
            counted: 0,
            line: 1,
        }
    }

    /// The line of a record that begins at byte `start` or after the line terminators
    /// there. Records come in order, so each call counts on from the last.
    fn of_record_at(&mut self, start: u64) -> u64 {
        let mut start = usize::try_from(start).map_or(self.body.len(), |s| s.min(self.body.len()));
        while matches!(self.body.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.counted {
            self.line += memchr::memchr_iter(b'\n', &self.body[self.counted..start]).count() as u64;
            self.counted = start;
        }
        self.line
    }
}

fn invalid(path: &Path, line: u64, problem: ValueProblem) -> ValueError {
    ValueError::Invalid {
        origin: Origin::Csv {
            path: path.to_path_buf(),
            line,
        },
        problem,
    }
}

/// Whether a first row names its columns rather than holding a value.
fn is_header_row(kind: SearchKind, cells: &[&str]) -> bool {
    let is_one_of = |cell: &str, words: &[&str]| words.iter().any(|w| cell.eq_ignore_ascii_case(w));
    match kind {
        SearchKind::Headers => {
            is_one_of(cells[0], &HEADERS_HEADER_WORDS)
                && cells
                    .get(1)
                    .is_none_or(|c| c.is_empty() || c.eq_ignore_ascii_case("value"))
        }
        _ => is_one_of(cells[0], &HEADER_WORDS),
    }
}

/// The value of a row that is not blank. `cells` are trimmed.
fn row_value(kind: SearchKind, cells: &[&str], source: String) -> Result<RawValue, ValueProblem> {
    // A value in a later column than its own is reported as missing from its own: that
    // is the mistake to fix, not the column count.
    let (columns, expected, missing) = match kind {
        SearchKind::Headers => (2, "key,value", ValueProblem::EmptyHeaderName),
        _ => (1, "one value per row", ValueProblem::Empty),
    };
    if cells[0].is_empty() {
        return Err(missing);
    }
    if cells.iter().skip(columns).any(|c| !c.is_empty()) {
        return Err(ValueProblem::Columns {
            expected,
            found: cells.len(),
        });
    }
    match kind {
        SearchKind::Headers => parse::header(cells[0], cells.get(1).copied().unwrap_or(""), source),
        _ => parse::from_text(kind, cells[0], source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `body` as `name` in a fresh directory and reads it.
    fn read_csv(
        kind: SearchKind,
        name: &str,
        body: &[u8],
    ) -> (tempfile::TempDir, Result<Vec<RawValue>, ValueError>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let values = read(kind, &path);
        (dir, values)
    }

    fn pairs(values: &[RawValue]) -> Vec<(&str, &str)> {
        values
            .iter()
            .map(|v| (v.refanged.as_str(), v.source.rsplit(':').next().unwrap()))
            .collect()
    }

    #[test]
    fn reads_one_value_per_row_with_or_without_a_header() {
        let (dir, values) = read_csv(
            SearchKind::Links,
            "links.csv",
            b"URL\nhxxps://evil[.]example/login\n\"https://a.example/?x=1,2\"\n",
        );
        let values = values.unwrap();
        assert_eq!(
            pairs(&values),
            [
                ("https://evil.example/login", "2"),
                ("https://a.example/?x=1,2", "3")
            ]
        );
        assert_eq!(values[0].value, "hxxps://evil[.]example/login");
        assert_eq!(
            values[0].source,
            format!("{}:2", dir.path().join("links.csv").display())
        );
        let (_dir, values) = read_csv(
            SearchKind::Keywords,
            "k.csv",
            b"[URGENT] invoice\n\"wire, transfer\"\n",
        );
        assert_eq!(
            pairs(&values.unwrap()),
            [("[URGENT] invoice", "1"), ("wire, transfer", "2")]
        );
    }

    #[test]
    fn skips_blank_rows_and_a_byte_order_mark_keeping_line_numbers() {
        let (_dir, values) = read_csv(
            SearchKind::Sender,
            "s.csv",
            b"\xEF\xBB\xBFEmail\r\n\r\nuser[@]evil.example\r\n   \r\n,,\r\nceo@evil.example,\r\n",
        );
        assert_eq!(
            pairs(&values.unwrap()),
            [("user@evil.example", "3"), ("ceo@evil.example", "6")]
        );
    }

    #[test]
    fn a_header_word_is_a_value_after_the_first_row() {
        let (_dir, values) = read_csv(SearchKind::Keywords, "k.csv", b"invoice\nkeyword\n");
        assert_eq!(
            pairs(&values.unwrap()),
            [("invoice", "1"), ("keyword", "2")]
        );
    }

    #[test]
    fn reads_header_rows() {
        let (_dir, values) = read_csv(
            SearchKind::Headers,
            "h.csv",
            b"Name,Value\nX-Mailer,\"Evil, Inc. Mailer\"\nX-Evil,\nx-spam-flag , YES \nX-Other\n",
        );
        let values = values.unwrap();
        let rows: Vec<_> = values
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
            rows,
            [
                (
                    "X-Mailer",
                    "Evil, Inc. Mailer",
                    "X-Mailer: Evil, Inc. Mailer"
                ),
                ("X-Evil", "", "X-Evil"),
                ("x-spam-flag", "YES", "x-spam-flag: YES"),
                ("X-Other", "", "X-Other"),
            ]
        );
        assert!(values[0].source.ends_with("h.csv:2"));
        // Without a header row the first row is a header to search for.
        let (_dir, values) = read_csv(SearchKind::Headers, "h.csv", b"X-Mailer,Evil\n");
        assert_eq!(values.unwrap()[0].key.as_deref(), Some("X-Mailer"));
    }

    #[test]
    fn bad_rows_are_errors_naming_path_and_line() {
        let cases: [(SearchKind, &[u8], &str); 7] = [
            (
                SearchKind::Links,
                b"url\na.example\n\nb.example,c.example,d.example\n",
                "bad.csv:4: expected one value per row, found 3 columns",
            ),
            (
                SearchKind::Keywords,
                b"one\ntwo\nthree\n,four\n",
                "bad.csv:4: empty value",
            ),
            (
                SearchKind::Keywords,
                b"one\n\"multi\nline\"\n",
                "bad.csv:2: \"multi\\nline\" spans several lines (an unbalanced quote in the CSV?)",
            ),
            (
                SearchKind::Keywords,
                b"one\ntw\xFFo\n",
                "bad.csv:2: not valid UTF-8 (save the CSV as UTF-8)",
            ),
            (
                SearchKind::Headers,
                b"key,value\nX-A,1\nX-B,2,3\n",
                "bad.csv:3: expected key,value, found 3 columns",
            ),
            (
                SearchKind::Headers,
                b"key,value\n,Evil\n",
                "bad.csv:2: empty header name",
            ),
            (
                SearchKind::Files,
                b"hash\nevil.exe\n",
                "bad.csv:2: \"evil.exe\" is not an MD5, SHA-1 or SHA-256 hash \
                 (32, 40 or 64 hex digits); for a file name, search keywords instead",
            ),
        ];
        for (kind, body, message) in cases {
            let (dir, values) = read_csv(kind, "bad.csv", body);
            let err = values.unwrap_err().to_string();
            let path = dir.path().display().to_string();
            assert_eq!(
                err.strip_prefix(&format!("{path}/")),
                Some(message),
                "{err}"
            );
        }
    }

    #[test]
    fn a_missing_csv_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let err = read(SearchKind::Keywords, &path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("--csv {}: ", path.display())),
            "{err}"
        );
    }
}
