//! The `--dkim-keys` file: `selector._domainkey.domain` TXT records the responder
//! vouches for (exported from a zone, a DNS history service or the sender's admin),
//! parsed once into mail-auth's key type so every message's check is a map lookup.
//!
//! Accepted, one record per line (a zone-file record may continue over lines inside
//! `( … )`):
//!
//! ```text
//! ; comment            # comment            (blank lines too)
//! sel._domainkey.example.org. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIB…"   ; comment
//! sel._domainkey.example.org IN TXT ( "v=DKIM1; k=ed25519; "
//!                                     "p=11qY…" )
//! sel._domainkey.example.org "v=DKIM1; p=MIIB…"
//! sel._domainkey.example.org v=DKIM1; k=rsa; p=MIIB…         (bare: the rest of the line)
//! ```
//!
//! Quoted parts are concatenated (as DNS does with a TXT record's strings), with the
//! zone-file escapes `\"`, `\\` and `\DDD`. A record with an empty `p=` is kept: it
//! says the key was revoked.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::resolver::ToFqdn;
use mail_auth::common::verify::DomainKey;
use mail_auth::dkim::DkimError;
use mail_auth::Txt;

/// Why a keys file could not be used; every message names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum DkimKeysError {
    #[error("cannot read DKIM keys file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{origin}:{line}: {reason}")]
    Syntax {
        origin: String,
        line: usize,
        reason: String,
    },
    /// mail-auth's verifier could not be set up (it needs a resolver value, never used).
    #[error("cannot set up the offline DKIM verifier: {0}")]
    Verifier(String),
}

/// One key record as stored: the parsed key, or the revocation mail-auth reports.
pub(super) type Records = HashMap<Box<str>, Txt>;

/// Reads and parses a keys file (see the module documentation for the forms).
pub(super) fn load_records(path: &Path) -> Result<Records, DkimKeysError> {
    let text = std::fs::read_to_string(path).map_err(|source| DkimKeysError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_records(&text, &path.display().to_string())
}

/// Parses keys-file text; `origin` names it in errors (usually the path).
pub(super) fn parse_records(text: &str, origin: &str) -> Result<Records, DkimKeysError> {
    let mut records = Records::new();
    let mut first_line_of: HashMap<Box<str>, usize> = HashMap::new();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line));
    while let Some((number, line)) = lines.next() {
        let syntax = |reason: String| DkimKeysError::Syntax {
            origin: origin.to_owned(),
            line: number,
            reason,
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        let logical = join_parenthesised(line, &mut lines).map_err(syntax)?;
        let (name, data) = parse_record(&logical).map_err(syntax)?;
        let key = key_name(name).map_err(syntax)?;
        if let Some(first) = first_line_of.get(&key) {
            return Err(syntax(format!(
                "a second record for {name} (the first is on line {first})"
            )));
        }
        let record = parse_key(&data).map_err(syntax)?;
        first_line_of.insert(key.clone(), number);
        records.insert(key, record);
    }
    Ok(records)
}

/// The record's name as the verifier asks for it: lower case, ending in a dot.
fn key_name(name: &str) -> Result<Box<str>, String> {
    let fqdn = name.to_fqdn();
    let well_formed = fqdn
        .split_once("._domainkey.")
        .is_some_and(|(selector, domain)| !selector.is_empty() && !domain.is_empty());
    if !well_formed {
        return Err(format!(
            "{name:?} is not a DKIM key name (selector._domainkey.domain)"
        ));
    }
    Ok(fqdn.into_owned().into_boxed_str())
}

/// The key record's text as mail-auth's key (or its revocation).
fn parse_key(data: &[u8]) -> Result<Txt, String> {
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err("the TXT data is empty".to_owned());
    }
    match DomainKey::parse(data) {
        Ok(key) => Ok(Txt::DomainKey(Arc::new(key))),
        Err(revoked @ mail_auth::Error::Dkim(DkimError::RevokedPublicKey)) => {
            Ok(Txt::Error(revoked))
        }
        Err(error) => Err(format!("not a usable DKIM key record: {error}")),
    }
}

/// The record starting on `first`, with the following lines appended while a zone-file
/// `(` is still open (outside quotes and comments).
fn join_parenthesised<'a>(
    first: &'a str,
    rest: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<String, String> {
    let mut logical = first.to_owned();
    let mut depth = paren_depth(first)?;
    while depth > 0 {
        let Some((_, next)) = rest.next() else {
            return Err("a '(' is never closed".to_owned());
        };
        logical.push('\n');
        logical.push_str(next);
        depth += paren_depth(next)?;
    }
    Ok(logical)
}

/// How many more `(` than `)` one line opens, outside quotes and comments.
fn paren_depth(line: &str) -> Result<i64, String> {
    let mut depth = 0i64;
    let mut quoted = false;
    let mut escaped = false;
    for byte in line.bytes() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b';' if !quoted => break,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    if quoted {
        return Err("a quoted string is not closed on its line".to_owned());
    }
    Ok(depth)
}

/// Splits one logical record into its name and TXT data.
fn parse_record(logical: &str) -> Result<(&str, Vec<u8>), String> {
    let logical = logical.trim_start();
    let name_end = logical
        .find(|c: char| c.is_ascii_whitespace())
        .ok_or("a name without a record")?;
    let (name, mut rest) = logical.split_at(name_end);
    // Zone-file TTL and class may come in either order before the type.
    loop {
        rest = rest.trim_start();
        let token_end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        if is_ttl(token) || token.eq_ignore_ascii_case("IN") {
            rest = &rest[token_end..];
        } else if token.eq_ignore_ascii_case("TXT") {
            rest = rest[token_end..].trim_start();
            break;
        } else {
            break;
        }
    }
    let data = if rest.starts_with('"') || rest.starts_with('(') {
        quoted_parts(rest)?
    } else {
        // A bare record: the rest of the line, `;` being the tag separator here.
        rest.trim().as_bytes().to_vec()
    };
    Ok((name, data))
}

/// A zone-file TTL: digits, or BIND's units (`1h30m`).
fn is_ttl(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_digit())
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || b"smhdwSMHDW".contains(&b))
}

/// The concatenated quoted strings of a zone-file TXT record; `;` outside quotes starts a
/// comment that runs to the end of its line.
fn quoted_parts(text: &str) -> Result<Vec<u8>, String> {
    let mut data = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'"' => read_quoted(&mut bytes, &mut data)?,
            b'(' | b')' => {}
            b';' => {
                // Skip the comment: up to the next line of the record.
                for skipped in bytes.by_ref() {
                    if skipped == b'\n' {
                        break;
                    }
                }
            }
            _ if byte.is_ascii_whitespace() => {}
            other => {
                return Err(format!(
                    "unexpected {:?} outside the quoted TXT strings",
                    char::from(other)
                ))
            }
        }
    }
    Ok(data)
}

/// One quoted string after its opening quote, unescaped onto `data`.
fn read_quoted(bytes: &mut impl Iterator<Item = u8>, data: &mut Vec<u8>) -> Result<(), String> {
    while let Some(byte) = bytes.next() {
        match byte {
            b'"' => return Ok(()),
            b'\\' => data.push(read_escape(bytes)?),
            other => data.push(other),
        }
    }
    Err("a quoted string is not closed".to_owned())
}

/// A zone-file escape after its backslash: `\X` is X, `\DDD` the byte with that decimal
/// value.
fn read_escape(bytes: &mut impl Iterator<Item = u8>) -> Result<u8, String> {
    let first = bytes.next().ok_or("a backslash at the end of a string")?;
    if !first.is_ascii_digit() {
        return Ok(first);
    }
    let mut value = u32::from(first - b'0');
    for _ in 0..2 {
        match bytes.next() {
            Some(digit) if digit.is_ascii_digit() => value = value * 10 + u32::from(digit - b'0'),
            _ => return Err("a \\DDD escape needs three digits".to_owned()),
        }
    }
    u8::try_from(value).map_err(|_| format!("\\{value} is not a byte"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    fn data_of(logical: &str) -> (String, String) {
        let (name, data) = parse_record(logical).unwrap();
        (name.to_owned(), String::from_utf8(data).unwrap())
    }

    #[test]
    fn zone_forms_give_the_same_record() {
        let expected = ("s._domainkey.example.org.".to_owned(), ED25519.to_owned());
        for line in [
            format!("s._domainkey.example.org. 3600 IN TXT \"{ED25519}\""),
            format!("s._domainkey.example.org. IN 1h TXT \"{ED25519}\" ; note"),
            "s._domainkey.example.org. TXT \"v=DKIM1; k=ed25519; \" \"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"".to_owned(),
            format!("s._domainkey.example.org. \"{ED25519}\""),
            format!("s._domainkey.example.org. {ED25519}"),
            format!("s._domainkey.example.org. txt {ED25519}"),
        ] {
            assert_eq!(data_of(&line), expected, "{line}");
        }
    }

    #[test]
    fn escapes_are_undone() {
        let (_, data) = data_of(r#"n._domainkey.d "a\"b\\c\059d""#);
        assert_eq!(data, "a\"b\\c;d");
    }

    #[test]
    fn parentheses_continue_a_record_over_lines_and_comments_end_at_the_line() {
        let text = "; opendkim-genkey style\n\
            s._domainkey.example.org. IN TXT ( \"v=DKIM1; k=ed25519; \" ; first half\n\
            \t\"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\" )  ; ----- DKIM key s\n\
            # another comment\n";
        let records = parse_records(text, "keys.txt").unwrap();
        assert_eq!(records.len(), 1);
        assert!(matches!(
            records.get("s._domainkey.example.org."),
            Some(Txt::DomainKey(_))
        ));
    }

    #[test]
    fn names_are_case_folded_and_revoked_keys_kept() {
        let text = format!(
            "S._DomainKey.Example.ORG {ED25519}\nold._domainkey.example.org \"v=DKIM1; p=\"\n"
        );
        let records = parse_records(&text, "k").unwrap();
        assert!(matches!(
            records.get("s._domainkey.example.org."),
            Some(Txt::DomainKey(_))
        ));
        assert!(matches!(
            records.get("old._domainkey.example.org."),
            Some(Txt::Error(mail_auth::Error::Dkim(
                DkimError::RevokedPublicKey
            )))
        ));
    }

    #[test]
    fn errors_name_the_origin_and_line() {
        for (text, line, needle) in [
            ("\n\nexample.org \"v=DKIM1; p=\"", 3, "not a DKIM key name"),
            ("s._domainkey.example.org", 1, "without a record"),
            ("s._domainkey.example.org \"v=DKIM1; p=abc", 1, "not closed"),
            (
                "s._domainkey.example.org IN TXT ( \"v=DKIM1; p=\"",
                1,
                "never closed",
            ),
            (
                "s._domainkey.example.org IN TXT \"v=DKIM1; \" junk",
                1,
                "unexpected 'j'",
            ),
            (
                "s._domainkey.example.org v=DKIM1; k=rsa; p=AAAA",
                1,
                "not a usable",
            ),
            ("s._domainkey.example.org v=spf1 -all", 1, "not a usable"),
            ("s._domainkey.example.org \"\"", 1, "empty"),
            (
                &format!(
                    "s._domainkey.example.org {ED25519}\n#\nS._domainkey.example.org. {ED25519}"
                ),
                3,
                "first is on line 1",
            ),
        ] {
            let error = parse_records(text, "keys.zone").err().unwrap().to_string();
            assert!(error.starts_with(&format!("keys.zone:{line}: ")), "{error}");
            assert!(error.contains(needle), "{error}");
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let error = load_records(Path::new("/nonexistent/dkim.keys"))
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("/nonexistent/dkim.keys"), "{error}");
    }
}
