//! Checking one value for its search kind and putting it in the form the search matches:
//! refanged links and senders, lower-case digests, header names split from values.

use super::{RawValue, ValueProblem};
use crate::search::refang::refang;
use crate::search::SearchKind;

/// Digest prefixes responders paste, with the hex length each names.
const HASH_PREFIXES: [(&str, usize); 3] = [("md5", 32), ("sha1", 40), ("sha256", 64)];

/// A value written as one piece of text (a `--value`, a CSV cell): `text` is trimmed and
/// not empty.
pub(super) fn from_text(
    kind: SearchKind,
    text: &str,
    source: String,
) -> Result<RawValue, ValueProblem> {
    if text.contains(['\n', '\r']) {
        return Err(ValueProblem::LineBreak { value: text.into() });
    }
    let (refanged, key) = match kind {
        // Only links and addresses are defanged in reports; `[.]` in a keyword or header
        // value may be the very text to find.
        SearchKind::Links | SearchKind::Sender => (refang(text), None),
        SearchKind::Keywords => (text.to_string(), None),
        SearchKind::Files => (hash(text)?, None),
        SearchKind::Headers => {
            let (name, value) = text.split_once(':').unwrap_or((text, ""));
            let name = header_name(name.trim())?;
            (value.trim().to_string(), Some(name))
        }
    };
    Ok(RawValue {
        value: text.into(),
        refanged,
        key,
        source,
    })
}

/// A header given as separate name and value (a CSV row); both trimmed, the name not
/// empty. `value` of the result is the row written as a `--value` would be.
pub(super) fn header(name: &str, value: &str, source: String) -> Result<RawValue, ValueProblem> {
    if value.contains(['\n', '\r']) {
        return Err(ValueProblem::LineBreak {
            value: value.into(),
        });
    }
    let name = header_name(name)?;
    Ok(RawValue {
        value: if value.is_empty() {
            name.clone()
        } else {
            format!("{name}: {value}")
        },
        refanged: value.into(),
        key: Some(name),
        source,
    })
}

/// A header field name (RFC 5322 §2.2: printable ASCII except `:`).
fn header_name(name: &str) -> Result<String, ValueProblem> {
    if name.is_empty() {
        return Err(ValueProblem::EmptyHeaderName);
    }
    if !name.bytes().all(|b| matches!(b, b'!'..=b'~') && b != b':') {
        return Err(ValueProblem::BadHeaderName { name: name.into() });
    }
    Ok(name.into())
}

/// A hex MD5, SHA-1 or SHA-256, optionally prefixed with its algorithm, lower-cased.
fn hash(text: &str) -> Result<String, ValueProblem> {
    let (prefix, digits) = match text.split_once(':') {
        Some((prefix, digits)) => {
            let Some(&(name, wanted)) = HASH_PREFIXES
                .iter()
                .find(|(name, _)| prefix.eq_ignore_ascii_case(name))
            else {
                return Err(ValueProblem::NotAHash { value: text.into() });
            };
            (Some((name, wanted)), digits)
        }
        None => (None, text),
    };
    if !matches!(digits.len(), 32 | 40 | 64) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ValueProblem::NotAHash { value: text.into() });
    }
    if let Some((prefix, wanted)) = prefix.filter(|&(_, wanted)| wanted != digits.len()) {
        return Err(ValueProblem::HashPrefixMismatch {
            value: text.into(),
            prefix,
            wanted,
            found: digits.len(),
        });
    }
    Ok(digits.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_lose_their_prefix_and_case() {
        assert_eq!(
            hash("MD5:900150983CD24FB0D6963F7D28E17F72").unwrap(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hash("sha1:a9993e364706816aba3e25717850c26c9cd0d89d").unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert!(matches!(hash("md5:"), Err(ValueProblem::NotAHash { .. })));
        assert!(matches!(
            hash("sha1:900150983cd24fb0d6963f7d28e17f72"),
            Err(ValueProblem::HashPrefixMismatch {
                prefix: "sha1",
                wanted: 40,
                found: 32,
                ..
            })
        ));
    }

    #[test]
    fn header_rows_read_like_a_value() {
        let row = header("X-Mailer", "Evil Mailer 1.0", "h.csv:2".into()).unwrap();
        assert_eq!(row.value, "X-Mailer: Evil Mailer 1.0");
        assert_eq!(row.refanged, "Evil Mailer 1.0");
        assert_eq!(row.key.as_deref(), Some("X-Mailer"));
        let present = header("X-Evil", "", "h.csv:3".into()).unwrap();
        assert_eq!(present.value, "X-Evil");
        assert_eq!(present.refanged, "");
        assert!(matches!(
            header("", "x", String::new()),
            Err(ValueProblem::EmptyHeaderName)
        ));
        assert!(matches!(
            header("X-Mailer:", "x", String::new()),
            Err(ValueProblem::BadHeaderName { .. })
        ));
    }
}
