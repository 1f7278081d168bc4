//! Link values: what a responder's value means (an exact URL, a URL prefix, or a host
//! and its subdomains), its canonical text for the indicators table, and the patterns
//! the matcher looks up for it.

use std::borrow::Cow;

use url::{Host, Url};

use super::normalize::{canonical, is_web_scheme, scheme_of, TrailingSlash};

/// Why a link value cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LinkValueError {
    #[error("empty link value")]
    Empty,
    #[error("link value {value:?} is not a URL or a host name: {source}")]
    NotUrlOrHost {
        value: String,
        #[source]
        source: url::ParseError,
    },
    #[error("link value {value:?}: scheme {scheme:?} is not http, https or ftp")]
    UnsupportedScheme { value: String, scheme: String },
}

/// One thing the matcher looks up, in canonical form (see [`canonical`]).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Pattern {
    /// The whole canonical URL.
    Exact(String),
    /// The start of the canonical URL.
    Prefix(String),
    /// The host, or any host it is a parent domain of.
    Host(String),
}

/// A value compiled: its canonical text and the patterns any of which makes a match.
#[derive(Debug)]
pub(super) struct CompiledValue {
    pub(super) canonical: String,
    pub(super) patterns: Vec<Pattern>,
}

/// The canonical form of one link value as recorded in the indicators table:
/// `host:evil.example`, `prefix:https://evil.example/login` or
/// `url:https://evil.example/a`.
pub fn normalized_value(value: &str) -> Result<String, LinkValueError> {
    compile(value).map(|compiled| compiled.canonical)
}

/// Reads one (already refanged) link value.
///
/// - `*.host` is a host value, as is a value with neither scheme nor path (`host`).
/// - A trailing `*` makes a prefix of the canonical URL.
/// - Anything else is an exact URL; without a scheme it is taken as http.
pub(super) fn compile(value: &str) -> Result<CompiledValue, LinkValueError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(LinkValueError::Empty);
    }
    if let Some(host) = v.strip_prefix("*.") {
        return compile_host(value, host);
    }
    if let Some(body) = v.strip_suffix('*') {
        return compile_prefix(value, body);
    }
    if is_host_only(v) {
        return compile_host(value, v);
    }
    let url = parse_url(value, v)?;
    let text = canonical(&url, TrailingSlash::Drop);
    Ok(CompiledValue {
        canonical: format!("url:{text}"),
        patterns: vec![Pattern::Exact(text)],
    })
}

fn compile_host(value: &str, host: &str) -> Result<CompiledValue, LinkValueError> {
    let invalid = |source| LinkValueError::NotUrlOrHost {
        value: value.to_owned(),
        source,
    };
    let key = match Host::parse(host).map_err(invalid)? {
        // Host::parse maps IDN to punycode and lowercases, as the URL parser does for
        // found URLs' hosts.
        Host::Domain(domain) => domain.trim_end_matches('.').to_owned(),
        ip => ip.to_string(),
    };
    if key.is_empty() {
        return Err(invalid(url::ParseError::EmptyHost));
    }
    Ok(CompiledValue {
        canonical: format!("host:{key}"),
        patterns: vec![Pattern::Host(key)],
    })
}

fn compile_prefix(value: &str, body: &str) -> Result<CompiledValue, LinkValueError> {
    let url = parse_url(value, body)?;
    // The typed text from the authority on (after `scheme:` and its slashes, if any).
    let after_scheme = scheme_of(body).map_or(0, |scheme| scheme.len() + 1);
    let rest = body[after_scheme..].trim_start_matches(['/', '\\']);
    let typed_path_at = rest.find(['/', '\\', '?', '#']);
    let ends_in_path = !rest.contains(['?', '#']);
    let mut text = match typed_path_at {
        // No path typed: the prefix is literal text on `scheme://host`, so that
        // `https://10.1.*` or `https://evil.exa*` keep meaning what they say (the parser
        // would complete them to an address or a root path).
        None if rest.is_ascii() => {
            let host_part = rest.rsplit('@').next().unwrap_or(rest);
            format!("{}://{}", url.scheme(), host_part.to_ascii_lowercase())
        }
        None => {
            let mut text = canonical(&url, TrailingSlash::Keep);
            text.pop(); // the root path's "/", which the user did not type
            text
        }
        Some(_) if ends_in_path => canonical(&url, TrailingSlash::Keep),
        Some(_) => {
            let mut text = canonical(&url, TrailingSlash::Drop);
            if body.ends_with('?') && url.query() == Some("") {
                text.push('?');
            }
            text
        }
    };
    // The root needs nothing more: a found URL's root path is always "/".
    let directory =
        ends_in_path && typed_path_at.is_some() && url.path() != "/" && text.ends_with('/');
    if !directory {
        return Ok(CompiledValue {
            canonical: format!("prefix:{text}"),
            patterns: vec![Pattern::Prefix(text)],
        });
    }
    // "Everything below /dir/": found URLs lose their trailing slash in canonical form,
    // so /dir itself and /dir?query are matched beside /dir/….
    let dir = text.trim_end_matches('/').to_owned();
    let dir_query = format!("{dir}?");
    let patterns = vec![
        Pattern::Prefix(text.clone()),
        Pattern::Exact(dir),
        Pattern::Prefix(dir_query),
    ];
    text.insert_str(0, "prefix:");
    Ok(CompiledValue {
        canonical: text,
        patterns,
    })
}

/// A value with neither scheme nor path, port or query: a host name or an IP address
/// (an IPv6 address is bracketed, as in a URL).
fn is_host_only(v: &str) -> bool {
    scheme_of(v).is_none()
        && !v.contains(['/', '\\', '?', '#'])
        && (!v.contains(':') || (v.starts_with('[') && v.ends_with(']')))
}

/// Parses a URL value: with a web scheme as it is; protocol-relative or scheme-less as
/// http (the normalisation rule for `www.host/path` found in text).
fn parse_url(value: &str, v: &str) -> Result<Url, LinkValueError> {
    let text: Cow<str> = match scheme_of(v) {
        Some(scheme) if is_web_scheme(&scheme.to_ascii_lowercase()) => Cow::Borrowed(v),
        Some(scheme) => {
            return Err(LinkValueError::UnsupportedScheme {
                value: value.to_owned(),
                scheme: scheme.to_owned(),
            })
        }
        None if v.starts_with("//") => Cow::Owned(format!("http:{v}")),
        None => Cow::Owned(format!("http://{v}")),
    };
    Url::parse(&text).map_err(|source| LinkValueError::NotUrlOrHost {
        value: value.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(value: &str) -> Vec<Pattern> {
        compile(value).expect(value).patterns
    }

    #[test]
    fn canonical_forms_of_the_three_kinds() {
        assert_eq!(
            normalized_value("evil.example").unwrap(),
            "host:evil.example"
        );
        assert_eq!(
            normalized_value(" *.Evil.Example. ").unwrap(),
            "host:evil.example"
        );
        assert_eq!(
            normalized_value("https://evil.example/login*").unwrap(),
            "prefix:https://evil.example/login"
        );
        assert_eq!(
            normalized_value("HTTPS://Evil.Example:443/a/").unwrap(),
            "url:https://evil.example/a"
        );
    }

    #[test]
    fn hosts_are_punycode_and_ips_are_canonical() {
        assert_eq!(
            normalized_value("bücher.example").unwrap(),
            "host:xn--bcher-kva.example"
        );
        assert_eq!(
            normalized_value("*.BÜCHER.example").unwrap(),
            "host:xn--bcher-kva.example"
        );
        assert_eq!(normalized_value("192.0.2.1").unwrap(), "host:192.0.2.1");
        assert_eq!(
            normalized_value("[2001:DB8::1]").unwrap(),
            "host:[2001:db8::1]"
        );
    }

    #[test]
    fn scheme_less_values_with_a_path_port_or_query_are_http_urls() {
        assert_eq!(
            normalized_value("www.evil.example/path").unwrap(),
            "url:http://www.evil.example/path"
        );
        assert_eq!(
            normalized_value("evil.example:8080").unwrap(),
            "url:http://evil.example:8080/"
        );
        assert_eq!(
            normalized_value("evil.example?id=1").unwrap(),
            "url:http://evil.example/?id=1"
        );
        assert_eq!(
            normalized_value("//evil.example/x").unwrap(),
            "url:http://evil.example/x"
        );
    }

    #[test]
    fn prefix_without_path_is_literal_text() {
        assert_eq!(
            patterns("https://evil.exa*"),
            [Pattern::Prefix("https://evil.exa".into())]
        );
        // The parser alone would have read "10.1." as the address 10.0.0.1.
        assert_eq!(
            patterns("http://10.1.*"),
            [Pattern::Prefix("http://10.1.".into())]
        );
        assert_eq!(
            patterns("https://BÜCHER.example*"),
            [Pattern::Prefix("https://xn--bcher-kva.example".into())]
        );
    }

    #[test]
    fn directory_prefix_also_matches_the_directory_itself() {
        assert_eq!(
            patterns("https://evil.example/kit/*"),
            [
                Pattern::Prefix("https://evil.example/kit/".into()),
                Pattern::Exact("https://evil.example/kit".into()),
                Pattern::Prefix("https://evil.example/kit?".into()),
            ]
        );
        assert_eq!(
            patterns("https://evil.example/*"),
            [Pattern::Prefix("https://evil.example/".into())]
        );
    }

    #[test]
    fn prefix_with_query_is_normalised_like_found_urls() {
        assert_eq!(
            patterns("https://evil.example/a/?id=%7e*"),
            [Pattern::Prefix("https://evil.example/a?id=~".into())]
        );
        assert_eq!(
            patterns("https://evil.example/a?*"),
            [Pattern::Prefix("https://evil.example/a?".into())]
        );
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        assert!(matches!(
            normalized_value("   "),
            Err(LinkValueError::Empty)
        ));
        let err = normalized_value("mailto:a@evil.example").unwrap_err();
        assert!(
            matches!(&err, LinkValueError::UnsupportedScheme { scheme, .. } if scheme == "mailto")
        );
        assert_eq!(
            err.to_string(),
            "link value \"mailto:a@evil.example\": scheme \"mailto\" is not http, https or ftp"
        );
        for bad in [
            "evil example",
            "*",
            "*.",
            "https://",
            "http://exa mple/",
            "a@b",
        ] {
            let err = normalized_value(bad).unwrap_err();
            assert!(
                matches!(&err, LinkValueError::NotUrlOrHost { value, .. } if value == bad),
                "{bad}: {err}"
            );
        }
    }
}
