//! URL normalisation: the one canonical text both link values and found URLs are reduced
//! to before they are compared, and the parsing that decides what counts as a web link.
//!
//! The WHATWG parser (`url`) already lowercases scheme and host, maps IDN hosts to
//! punycode, drops default ports, resolves dot segments and percent-encodes what a
//! browser would. On top of that the canonical text drops the user info and the
//! fragment, removes the host's trailing dot and the path's trailing slash, and
//! normalises percent escapes (unreserved characters decoded, hex in upper case), so
//! that two spellings a browser treats as the same address compare equal.

use std::fmt::Write as _;

use url::{Host, Url};

/// The schemes a link can have: the ones mail clients open in a browser or file client.
const WEB_SCHEMES: [&str; 3] = ["http", "https", "ftp"];

/// Parses a link as found in a message: `http:`, `https:` or `ftp:` URLs (in any of the
/// spellings a browser accepts, e.g. `https:\\host`), protocol-relative `//host/…` and
/// `www.host…` (both taken as http, as mail clients open them). Anything else (other
/// schemes, relative paths, text) is not a link: `None`.
pub(super) fn parse_link(raw: &str) -> Option<Url> {
    // Browsers strip leading and trailing C0 controls and spaces before parsing.
    let s = raw.trim_matches(|c: char| c <= ' ');
    let url = match link_start(s)? {
        LinkStart::Scheme => Url::parse(s),
        LinkStart::ProtocolRelative => Url::parse(&format!("http:{s}")),
        LinkStart::Www => Url::parse(&format!("http://{s}")),
    };
    // Web schemes are "special" to the WHATWG parser: it fails on a URL without a host.
    url.ok()
}

/// How a link's text starts, which decides how it is parsed.
enum LinkStart {
    /// `http:`, `https:` or `ftp:`.
    Scheme,
    /// `//host/…`.
    ProtocolRelative,
    /// `www.…`.
    Www,
}

fn link_start(s: &str) -> Option<LinkStart> {
    if WEB_SCHEMES.iter().any(|scheme| {
        starts_with_ignore_case(s, scheme) && s.as_bytes().get(scheme.len()) == Some(&b':')
    }) {
        Some(LinkStart::Scheme)
    } else if s.starts_with("//") {
        Some(LinkStart::ProtocolRelative)
    } else if starts_with_ignore_case(s, "www.") {
        Some(LinkStart::Www)
    } else {
        None
    }
}

/// Whether text starts like a link [`parse_link`] reads (a web scheme, `//` or `www.`).
pub(super) fn is_link_start(s: &str) -> bool {
    link_start(s).is_some()
}

/// Whether a parsed URL has one of the schemes links are matched on.
pub(super) fn is_web_scheme(scheme: &str) -> bool {
    WEB_SCHEMES.contains(&scheme)
}

/// How the path's trailing slash is treated by [`canonical`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TrailingSlash {
    /// Dropped (except for the root path): `/x/` and `/x` are the same page.
    Drop,
    /// Kept: a URL prefix ending in `/` means "below this directory".
    Keep,
}

/// The canonical text of a parsed URL: `scheme://host[:port]path[?query]`.
pub(super) fn canonical(url: &Url, slash: TrailingSlash) -> String {
    let mut out = String::with_capacity(url.as_str().len());
    out.push_str(url.scheme());
    out.push_str("://");
    // User info is left out on purpose: `https://bank.example@evil.example/` goes to
    // evil.example, and a value must match it whatever user name the sender put there.
    out.push_str(host_key(url).unwrap_or_default());
    if let Some(port) = url.port() {
        // Writing to a String cannot fail.
        let _ = write!(out, ":{port}");
    }
    let path = url.path();
    let path = match slash {
        TrailingSlash::Drop => match path.trim_end_matches('/') {
            "" if path.starts_with('/') => "/",
            trimmed => trimmed,
        },
        TrailingSlash::Keep => path,
    };
    push_normalized_escapes(&mut out, path);
    if let Some(query) = url.query().filter(|q| !q.is_empty()) {
        out.push('?');
        push_normalized_escapes(&mut out, query);
    }
    out
}

/// The host as compared with host values: punycode (the parser's domain form), without
/// the trailing dot of a fully qualified name.
pub(super) fn host_key(url: &Url) -> Option<&str> {
    match url.host()? {
        Host::Domain(domain) => Some(domain.trim_end_matches('.')),
        Host::Ipv4(_) | Host::Ipv6(_) => url.host_str(),
    }
}

/// Appends `s` with each `%XX` escape normalised: decoded when it stands for an
/// unreserved character (RFC 3986: letters, digits, `-._~`, which mean the same escaped
/// or not), otherwise kept with upper-case hex digits.
fn push_normalized_escapes(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut done = 0;
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'%', &bytes[i..]) {
        let at = i + offset;
        i = at + 1;
        let Some(byte) = bytes.get(at + 1..at + 3).and_then(hex_pair) else {
            continue;
        };
        out.push_str(&s[done..at]);
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
        done = at + 3;
        i = done;
    }
    out.push_str(&s[done..]);
}

/// Decodes every `%XX` escape of `s` (not `+`: that is form encoding, see
/// `url::form_urlencoded`). Bytes that do not form UTF-8 become U+FFFD.
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i + 1..i + 3).and_then(hex_pair) {
            Some(byte) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
}

/// The scheme a text starts with, if any (`scheme:`). `host:8080/…` is a host
/// with a port, not a scheme: no scheme's content starts with a digit.
pub(super) fn scheme_of(v: &str) -> Option<&str> {
    let colon = v.find(':')?;
    let scheme = &v[..colon];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let port_follows = v[colon + 1..].starts_with(|c: char| c.is_ascii_digit());
    (valid && !port_follows).then_some(scheme)
}

/// ASCII case-insensitive `starts_with` that never panics on a char boundary.
pub(super) fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(raw: &str) -> String {
        canonical(&parse_link(raw).expect(raw), TrailingSlash::Drop)
    }

    #[test]
    fn scheme_and_host_are_lowercased_userinfo_and_fragment_dropped() {
        assert_eq!(
            norm("HTTPS://User:Pw@EVIL.Example/Path?Q=1#frag"),
            "https://evil.example/Path?Q=1"
        );
    }

    #[test]
    fn idn_hosts_become_punycode() {
        assert_eq!(
            norm("https://bücher.example/a"),
            "https://xn--bcher-kva.example/a"
        );
        assert_eq!(
            norm("https://xn--bcher-kva.example/a"),
            "https://xn--bcher-kva.example/a"
        );
        assert_eq!(
            norm("https://BÜCHER.example"),
            "https://xn--bcher-kva.example/"
        );
    }

    #[test]
    fn default_ports_are_dropped_others_kept() {
        assert_eq!(norm("http://a.example:80/x"), "http://a.example/x");
        assert_eq!(norm("https://a.example:443/x"), "https://a.example/x");
        assert_eq!(norm("https://a.example:80/x"), "https://a.example:80/x");
        assert_eq!(norm("http://a.example:8080/x"), "http://a.example:8080/x");
    }

    #[test]
    fn percent_escapes_are_normalised() {
        // %41 is "A" and %7e is "~" (unreserved: decoded); %2f is "/" and %3d is "="
        // (reserved: kept, hex upper-cased).
        assert_eq!(
            norm("https://a.example/%41b%7e%2fc?x%3d%41"),
            "https://a.example/Ab~%2Fc?x%3DA"
        );
        // A lone or broken escape is left as it is.
        assert_eq!(
            norm("https://a.example/50%?q=%zz"),
            "https://a.example/50%?q=%zz"
        );
    }

    #[test]
    fn trailing_slash_and_dot_are_ignored() {
        assert_eq!(norm("https://a.example/x/"), "https://a.example/x");
        assert_eq!(norm("https://a.example/x//"), "https://a.example/x");
        assert_eq!(norm("https://a.example"), "https://a.example/");
        assert_eq!(norm("https://a.example/"), "https://a.example/");
        assert_eq!(norm("https://a.example./x"), "https://a.example/x");
        assert_eq!(norm("https://a.example/x/?q=1"), "https://a.example/x?q=1");
        let url = parse_link("https://a.example/x/").unwrap();
        assert_eq!(canonical(&url, TrailingSlash::Keep), "https://a.example/x/");
    }

    #[test]
    fn empty_query_is_no_query() {
        assert_eq!(norm("https://a.example/x?"), "https://a.example/x");
    }

    #[test]
    fn scheme_less_forms_are_http() {
        assert_eq!(norm("www.Example.com/path"), "http://www.example.com/path");
        assert_eq!(norm("//cdn.example/x.js"), "http://cdn.example/x.js");
        assert_eq!(
            norm("  https:\\\\evil.example\\a  "),
            "https://evil.example/a"
        );
        assert_eq!(norm("http:evil.example/a"), "http://evil.example/a");
    }

    #[test]
    fn non_links_are_rejected() {
        for raw in [
            "mailto:a@b.example",
            "javascript:alert(1)",
            "cid:part1@x",
            "data:text/html,hi",
            "#top",
            "/relative/path",
            "evil.example/path",
            "https://",
            "httpx://a.example",
        ] {
            assert!(parse_link(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn host_key_strips_trailing_dot_and_keeps_ip_literals() {
        let url = parse_link("http://Sub.Evil.Example./").unwrap();
        assert_eq!(host_key(&url), Some("sub.evil.example"));
        // The WHATWG parser reads hex and short IPv4 forms as the dotted address.
        let url = parse_link("http://0xC0.0.2.1/").unwrap();
        assert_eq!(host_key(&url), Some("192.0.2.1"));
        let url = parse_link("http://[2001:DB8::1]:8080/").unwrap();
        assert_eq!(host_key(&url), Some("[2001:db8::1]"));
    }

    #[test]
    fn scheme_of_tells_a_scheme_from_a_port() {
        assert_eq!(scheme_of("HTTPS://a.example"), Some("HTTPS"));
        assert_eq!(scheme_of("mailto:a@b.example"), Some("mailto"));
        assert_eq!(scheme_of("a.example:8080/x"), None);
        assert_eq!(scheme_of("a.example/x:y"), None);
        assert_eq!(scheme_of("1http://a.example"), None);
    }

    #[test]
    fn percent_decode_decodes_every_escape_but_not_plus() {
        assert_eq!(percent_decode("a%2Fb%3a+c%zz%"), "a/b:+c%zz%");
        assert_eq!(percent_decode("%C3%BC%FF"), "ü\u{FFFD}");
    }
}
