//! Proofpoint URL Defense decoding (the `u=` encodings of v1 and v2, and v3's
//! `__url__;tail!` form), following the logic of Proofpoint's published decoder
//! (URLDefenseDecode.py, 3.0.1).

use super::html::decode_entities;
use super::normalize::percent_decode;

/// Which URL Defense encoding a wrapper URL uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Version {
    V1,
    V2,
    V3,
}

/// The URL Defense version of a URL on Proofpoint's hosts, told by its path.
pub(super) fn version(host: &str, path: &str) -> Option<Version> {
    if !matches!(host, "urldefense.proofpoint.com" | "urldefense.com") {
        return None;
    }
    if path.starts_with("/v3/__") {
        Some(Version::V3)
    } else if path == "/v2/url" {
        Some(Version::V2)
    } else if path == "/v1/url" {
        Some(Version::V1)
    } else {
        None
    }
}

/// v1: the `u` parameter (already percent-decoded as a query parameter) is the URL, as
/// it stood in the message, so HTML entities are decoded too.
pub(super) fn decode_v1(u: &str) -> String {
    decode_entities(u).into_owned()
}

/// v2: the `u` parameter is the URL percent-encoded with `-` for `%` and `_` for `/`
/// (a literal `-` or `_` is itself encoded, as `-2D` and `-5F`).
pub(super) fn decode_v2(u: &str) -> String {
    let translated: String = u
        .chars()
        .map(|c| match c {
            '-' => '%',
            '_' => '/',
            c => c,
        })
        .collect();
    decode_entities(&percent_decode(&translated)).into_owned()
}

/// v3: `…/v3/__<url>__;<tail>!…`. The URL is percent-decoded, then each `*` in it stands
/// for the next character of the base64url-decoded tail, and each `**X` for the next
/// run of characters, X giving the run's length (`A` = 2 … `_` = 65). Characters, not
/// bytes: the tail is UTF-8 text. `None` when the URL is not of that form or its tail
/// runs out, as Proofpoint's decoder then fails too.
pub(super) fn decode_v3(raw: &str) -> Option<String> {
    let start = raw.find("v3/__")? + "v3/__".len();
    let rest = &raw[start..];
    // The URL is at least one character long, up to the first "__;".
    let first = rest.chars().next()?.len_utf8();
    let url_end = first + rest[first..].find("__;")?;
    let after = &rest[url_end + "__;".len()..];
    let tail = &after[..after.find('!')?];
    let url = percent_decode(&restore_double_slash(&rest[..url_end]));
    let replacements: Vec<char> = String::from_utf8(base64url_decode(tail)?)
        .ok()?
        .chars()
        .collect();
    substitute(&url, &replacements)
}

/// Proofpoint writes `https:/host` for `https://host` in some v3 URLs: put the slash back.
fn restore_double_slash(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(colon) = url.find(":/") else {
        return url.into();
    };
    let scheme_ok = colon > 0
        && url[..colon]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'));
    let rest = &url[colon + 2..];
    let mut chars = rest.chars();
    let single = matches!(chars.next(), Some(c) if c != '/') && chars.next().is_some();
    if scheme_ok && single {
        format!("{}/{rest}", &url[..colon + 2]).into()
    } else {
        url.into()
    }
}

/// Replaces the `*` and `**X` tokens of `url` from `replacements`, in order.
fn substitute(url: &str, replacements: &[char]) -> Option<String> {
    let mut out = String::with_capacity(url.len());
    let mut next = 0;
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' {
            out.push(c);
            continue;
        }
        let mut lookahead = chars.clone();
        let run = match (lookahead.next(), lookahead.next()) {
            (Some('*'), Some(x)) if x != '\n' => Some(x),
            _ => None,
        };
        match run {
            Some(x) => {
                let len = run_length(x)?;
                // A run past the tail's end is cut short (a Python slice), not an error.
                let end = (next + len).min(replacements.len());
                out.extend(replacements.get(next..end).unwrap_or_default());
                next += len;
                chars.next();
                chars.next();
            }
            None => {
                out.push(*replacements.get(next)?);
                next += 1;
            }
        }
    }
    Some(out)
}

/// `A`..`Z` are runs of 2..27, `a`..`z` 28..53, `0`..`9` 54..63, `-` 64 and `_` 65.
fn run_length(x: char) -> Option<usize> {
    const RUNS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let at = RUNS.iter().position(|&b| char::from(b) == x)?;
    Some(at + 2)
}

/// Lenient base64url (also accepting `+` and `/`), as Python's `urlsafe_b64decode` with
/// padding added: stops at `=`, skips characters outside the alphabet, fails only on a
/// dangling single character.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    let mut count = 0usize;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        count += 1;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (count % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_told_by_host_and_path() {
        assert_eq!(
            version("urldefense.com", "/v3/__https://a.example__;!!x$"),
            Some(Version::V3)
        );
        assert_eq!(
            version("urldefense.proofpoint.com", "/v2/url"),
            Some(Version::V2)
        );
        assert_eq!(
            version("urldefense.proofpoint.com", "/v1/url"),
            Some(Version::V1)
        );
        assert_eq!(version("urldefense.com", "/v4/url"), None);
        assert_eq!(version("urldefense.example", "/v2/url"), None);
    }

    #[test]
    fn v1_decodes_entities_left_in_the_parameter() {
        assert_eq!(
            decode_v1("http://evil.example/a?b=1&amp;c=2"),
            "http://evil.example/a?b=1&c=2"
        );
    }

    #[test]
    fn v2_translates_dash_and_underscore() {
        // "-3A" is ":" once "-" reads "%"; "_" is "/"; "-5F" is a literal "_".
        assert_eq!(
            decode_v2("https-3A__evil.example_log-5Fin-3Fuser-3Dbob-26id-3D7"),
            "https://evil.example/log_in?user=bob&id=7"
        );
    }

    #[test]
    fn v3_single_star_takes_one_character_each() {
        // Tail "JSM" is base64 for the bytes 0x25 0x23: "%" then "#". Percent-decoding
        // happens before substitution, so "*2F" ends as the text "%2F".
        let raw = "https://urldefense.com/v3/__https://evil.example/owa*2Findex.html*user@corp.example__;JSM!!AbCdEf!GhIjKl$";
        assert_eq!(
            decode_v3(raw).unwrap(),
            "https://evil.example/owa%2Findex.html#user@corp.example"
        );
    }

    #[test]
    fn v3_run_token_takes_a_run() {
        // "**B" is a run of 3; tail "JSYmJg" is "%&&&": "*" takes "%", "**B" takes "&&&".
        let raw = "https://urldefense.com/v3/__https://evil.example/p*41?a=1**Bb=2__;JSYmJg!!x!y$";
        assert_eq!(
            decode_v3(raw).unwrap(),
            "https://evil.example/p%41?a=1&&&b=2"
        );
    }

    #[test]
    fn v3_counts_characters_not_bytes() {
        // "w7w" is the two bytes of "ü" (C3 BC): one character for one "*".
        let raw = "https://urldefense.com/v3/__https://evil.example/m*nchen__;w7w!!x$";
        assert_eq!(decode_v3(raw).unwrap(), "https://evil.example/münchen");
    }

    #[test]
    fn v3_restores_a_single_slash_and_percent_decodes() {
        let raw = "https://urldefense.com/v3/__https:/evil.example/a*20b__;JQ!!x$";
        assert_eq!(decode_v3(raw).unwrap(), "https://evil.example/a%20b");
        let raw = "https://urldefense.com/v3/__http://evil.example/caf%C3%A9__;!!x$";
        assert_eq!(decode_v3(raw).unwrap(), "http://evil.example/café");
    }

    #[test]
    fn v3_fails_when_the_tail_runs_out_or_the_form_is_wrong() {
        assert_eq!(
            decode_v3("https://urldefense.com/v3/__https://a.example/**__;JQ!!x$"),
            None
        );
        assert_eq!(
            decode_v3("https://urldefense.com/v3/__https://a.example/__;!!"),
            Some("https://a.example/".into())
        );
        assert_eq!(
            decode_v3("https://urldefense.com/v3/__https://a.example/__;JQ"),
            None
        );
        assert_eq!(
            decode_v3("https://urldefense.com/v3/https://a.example/"),
            None
        );
        // An unknown run letter fails, as a KeyError does in Proofpoint's decoder.
        assert_eq!(
            decode_v3("https://urldefense.com/v3/__https://a.example/**!__;JQ!!x$"),
            None
        );
    }

    #[test]
    fn run_lengths_follow_the_alphabet() {
        assert_eq!(run_length('A'), Some(2));
        assert_eq!(run_length('Z'), Some(27));
        assert_eq!(run_length('a'), Some(28));
        assert_eq!(run_length('0'), Some(54));
        assert_eq!(run_length('-'), Some(64));
        assert_eq!(run_length('_'), Some(65));
        assert_eq!(run_length('!'), None);
    }

    #[test]
    fn base64url_is_lenient_like_python() {
        assert_eq!(base64url_decode("JSM").unwrap(), b"%#");
        assert_eq!(base64url_decode("JSM=").unwrap(), b"%#");
        assert_eq!(base64url_decode("QQ==QQ==").unwrap(), b"A");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xFB, 0xFF]);
        assert_eq!(base64url_decode("JSMxA"), None);
    }
}
