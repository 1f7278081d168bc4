//! One line of a reputation list, and the host and address forms lists and messages
//! are compared in.
//!
//! Text lists (`*.txt`, `*.list`) hold one entry per line, optionally followed by a
//! comment that starts with `;` or `#` (kept as the entry's note: Spamhaus DROP's
//! `1.10.16.0/20 ; SBL256894`); lines that start with `;` or `#` and blank lines are
//! skipped. An entry is
//! - an address when it holds `@` (`bad@evil.example`), or a whole domain when it
//!   starts with it (`@evil.example`);
//! - a network: an IPv4 or IPv6 address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`);
//! - otherwise a domain, which lists itself and every subdomain.
//!
//! JSON lists (`*.json`) are Spamhaus DROP v4/v6 JSON lines
//! (`{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}`); the metadata line
//! (`{"type":"metadata",...}`) is skipped.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;

/// Longest note kept from a line's comment (an SBL id, a reason).
const MAX_NOTE_CHARS: usize = 80;

/// What one list line lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Entry {
    Address(String),
    Domain(String),
    Network(IpNet),
}

/// A parsed line: the entry and the comment after it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    pub entry: Entry,
    pub note: Option<String>,
}

/// A text list line: `None` for a blank or comment line, an error message otherwise.
pub(super) fn text_line(line: &str) -> Result<Option<Line>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
        return Ok(None);
    }
    let (token, rest) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(t, r)| (t, r.trim_start()));
    let (token, rest) = match token.find([';', '#']) {
        // `1.2.3.0/24;SBL1`: a comment glued to the entry.
        Some(at) => (&token[..at], &line[at..]),
        None => (token, rest),
    };
    let note = match rest.chars().next() {
        None => None,
        Some(';' | '#') => note(&rest[1..]),
        Some(_) => {
            return Err(format!(
                "one entry per line (then optionally a `;` or `#` comment), found {line:?}"
            ))
        }
    };
    Ok(Some(Line {
        entry: entry(token)?,
        note,
    }))
}

fn note(comment: &str) -> Option<String> {
    let comment = comment.trim();
    (!comment.is_empty()).then(|| comment.chars().take(MAX_NOTE_CHARS).collect())
}

/// Classifies one entry.
pub(super) fn entry(token: &str) -> Result<Entry, String> {
    if let Some(domain) = token.strip_prefix('@') {
        return host(domain)
            .map(Entry::Domain)
            .ok_or_else(|| format!("not a domain: {token:?}"));
    }
    if token.contains('@') {
        return address(token)
            .map(Entry::Address)
            .ok_or_else(|| format!("not an address: {token:?}"));
    }
    if let Ok(ip) = token.parse::<IpAddr>() {
        return Ok(Entry::Network(IpNet::from(ip.to_canonical())));
    }
    if token.contains('/') {
        return token
            .parse::<IpNet>()
            .map(|n| Entry::Network(n.trunc()))
            .map_err(|_| format!("not a CIDR block: {token:?}"));
    }
    host(token)
        .map(Entry::Domain)
        .ok_or_else(|| format!("not an address, network or domain: {token:?}"))
}

/// The fields of a Spamhaus DROP JSON line we read.
#[derive(Deserialize)]
struct DropJson {
    cidr: Option<String>,
    sblid: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// A Spamhaus DROP JSON line: `None` for a blank or the metadata line.
pub(super) fn json_line(line: &str) -> Result<Option<Line>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let record: DropJson =
        serde_json::from_str(line).map_err(|e| format!("not a DROP JSON line: {e}"))?;
    let Some(cidr) = record.cidr else {
        return match record.kind.as_deref() {
            Some("metadata") => Ok(None),
            _ => Err("a DROP JSON line without \"cidr\"".to_string()),
        };
    };
    let net = cidr
        .parse::<IpNet>()
        .or_else(|_| cidr.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not a CIDR block: {cidr:?}"))?;
    Ok(Some(Line {
        entry: Entry::Network(net.trunc()),
        note: record.sblid.as_deref().and_then(note),
    }))
}

/// A host name as lists and lookups compare it: lower case, no trailing dot, IDNs in
/// punycode (`Bücher.Example.` → `xn--bcher-kva.example`). `None` when it is no host
/// name (empty labels, spaces, characters no DNS name holds).
pub(super) fn host(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.');
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    let ascii = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        match url::Host::parse(name).ok()? {
            url::Host::Domain(d) => d,
            _ => return None,
        }
    };
    let valid = ascii.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    valid.then_some(ascii)
}

/// An address as lists and lookups compare it: `local@host`, the whole address in
/// lower case (mailbox names are case-insensitive in practice), the domain as [`host`]
/// makes it. Angle brackets around it are dropped.
pub(super) fn address(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = text.rsplit_once('@')?;
    if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(format!("{}@{}", local.to_lowercase(), host(domain)?))
}

/// `host` and each domain above it, narrowest first (`a.b.c`, `b.c`, `c`).
pub(super) fn domain_and_parents(host: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(host), |h| h.split_once('.').map(|(_, parent)| parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> (Entry, Option<String>) {
        let l = text_line(line).unwrap().unwrap();
        (l.entry, l.note)
    }

    fn net(s: &str) -> Entry {
        Entry::Network(s.parse().unwrap())
    }

    #[test]
    fn entries_by_shape() {
        assert_eq!(
            parsed("Bad@Evil.Example").0,
            Entry::Address("bad@evil.example".into())
        );
        assert_eq!(
            parsed("@Evil.Example").0,
            Entry::Domain("evil.example".into())
        );
        assert_eq!(
            parsed("evil.example.").0,
            Entry::Domain("evil.example".into())
        );
        assert_eq!(parsed("198.51.100.7").0, net("198.51.100.7/32"));
        assert_eq!(parsed("2001:db8::1").0, net("2001:db8::1/128"));
        assert_eq!(parsed("::ffff:198.51.100.7").0, net("198.51.100.7/32"));
        assert_eq!(parsed("10.1.2.3/8").0, net("10.0.0.0/8"));
        assert_eq!(parsed("2001:db8::/32").0, net("2001:db8::/32"));
        assert_eq!(
            parsed("bücher.example").0,
            Entry::Domain("xn--bcher-kva.example".into())
        );
    }

    #[test]
    fn drop_text_lines_and_comments() {
        assert_eq!(
            parsed("1.10.16.0/20 ; SBL256894"),
            (net("1.10.16.0/20"), Some("SBL256894".into()))
        );
        assert_eq!(
            parsed("1.10.16.0/20;SBL256894"),
            (net("1.10.16.0/20"), Some("SBL256894".into()))
        );
        assert_eq!(
            parsed("  evil.example   # phishing kit, 2024  "),
            (
                Entry::Domain("evil.example".into()),
                Some("phishing kit, 2024".into())
            )
        );
        assert_eq!(parsed("evil.example ;").1, None);
        for skipped in [
            "",
            "   ",
            "; Spamhaus DROP List 2024/01/01",
            "# comment",
            "\t# x",
        ] {
            assert_eq!(text_line(skipped), Ok(None), "{skipped:?}");
        }
    }

    #[test]
    fn malformed_lines_are_errors() {
        for bad in [
            "0.0.0.0 evil.example", // hosts-file format: two entries
            "evil.example extra",
            "10.0.0.0/33",
            "300.1.1.1/8",
            "bad@",
            "@",
            "a b@evil.example",
            "evil..example",
            "evil.example/24",
            "ev!l.example",
        ] {
            assert!(text_line(bad).is_err(), "{bad:?} should be an error");
        }
    }

    #[test]
    fn drop_json_lines() {
        let l = json_line(r#"{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(l.entry, net("1.10.16.0/20"));
        assert_eq!(l.note.as_deref(), Some("SBL256894"));
        let v6 = json_line(r#"{"cidr":"2a06:e480::/29","sblid":"SBL301771","rir":"ripencc"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(v6.entry, net("2a06:e480::/29"));
        assert_eq!(
            json_line(r#"{"type":"metadata","timestamp":1700000000,"size":1,"records":1}"#),
            Ok(None)
        );
        assert!(json_line(r#"{"sblid":"SBL1"}"#).is_err());
        assert!(json_line(r#"{"cidr":"not-an-ip"}"#).is_err());
        assert!(json_line("1.10.16.0/20 ; SBL256894").is_err());
    }

    #[test]
    fn hosts_and_addresses_normalise_the_same_way_on_both_sides() {
        assert_eq!(host("A.Evil.Example."), Some("a.evil.example".into()));
        assert_eq!(host(""), None);
        assert_eq!(host("."), None);
        assert_eq!(host("a b.example"), None);
        assert_eq!(
            address("<Bad.Guy@Bücher.Example>"),
            Some("bad.guy@xn--bcher-kva.example".into())
        );
        assert_eq!(address("no-at-sign"), None);
        assert_eq!(
            domain_and_parents("a.b.evil.example").collect::<Vec<_>>(),
            [
                "a.b.evil.example",
                "b.evil.example",
                "evil.example",
                "example"
            ]
        );
    }
}
