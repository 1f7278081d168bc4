//! Sender search: an exact address, a domain (`@evil.example` or `evil.example`, which
//! also matches its subdomains) or a wildcard pattern (`*`, `?`: `ceo*@*.example`),
//! against the From, Sender, Reply-To and Return-Path addresses and the mbox envelope
//! sender. Case-insensitive. Each hit names the field that matched.
//!
//! Exact addresses and domains are hash lookups and wildcards are one compiled glob
//! set, so the cost per address hardly grows with the number of values.

use std::collections::HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::hit::Hits;
use super::SearchError;
use crate::message::decoded::Decoded;

/// What a sender value means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderValue {
    Address(String),
    Domain(String),
    Pattern(String),
}

impl SenderValue {
    /// Classifies a (refanged) value; the result's `Display` is the indicator's `normalized`.
    pub fn parse(value: &str) -> Result<SenderValue, SearchError> {
        let v = value
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_lowercase();
        let bad = |why: &str| SearchError::BadValue {
            value: value.to_string(),
            why: why.to_string(),
        };
        if v.is_empty() || v.contains(char::is_whitespace) {
            return Err(bad(
                "a sender is an address, @domain, domain or pattern without spaces",
            ));
        }
        if v.contains(['*', '?']) {
            return Ok(SenderValue::Pattern(v));
        }
        match v.rfind('@') {
            Some(0) => Ok(SenderValue::Domain(
                v[1..].trim_end_matches('.').to_string(),
            )),
            Some(at) if at + 1 < v.len() => Ok(SenderValue::Address(v)),
            Some(_) => Err(bad("an address needs a domain after @")),
            None if v.contains('.') => Ok(SenderValue::Domain(v.trim_end_matches('.').to_string())),
            None => Err(bad("not an address, @domain or domain")),
        }
    }
}

impl std::fmt::Display for SenderValue {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Self::Address(a) => write!(f, "address:{a}"),
            Self::Domain(d) => write!(f, "domain:{d}"),
            Self::Pattern(p) => write!(f, "pattern:{p}"),
        }
    }
}

pub struct SenderMatcher {
    addresses: HashMap<String, Vec<usize>>,
    domains: HashMap<String, Vec<usize>>,
    patterns: GlobSet,
    pattern_indicators: Vec<usize>,
}

impl SenderMatcher {
    pub fn new(values: &[(usize, SenderValue)]) -> Result<Self, SearchError> {
        let mut addresses: HashMap<String, Vec<usize>> = HashMap::new();
        let mut domains: HashMap<String, Vec<usize>> = HashMap::new();
        let mut globs = GlobSetBuilder::new();
        let mut pattern_indicators = Vec::new();
        for (indicator, value) in values {
            match value {
                SenderValue::Address(a) => addresses.entry(a.clone()).or_default().push(*indicator),
                SenderValue::Domain(d) => domains.entry(d.clone()).or_default().push(*indicator),
                SenderValue::Pattern(p) => {
                    let glob = GlobBuilder::new(p)
                        .literal_separator(false)
                        .backslash_escape(false)
                        .build()
                        .map_err(|e| SearchError::BadValue {
                            value: p.clone(),
                            why: e.to_string(),
                        })?;
                    globs.add(glob);
                    pattern_indicators.push(*indicator);
                }
            }
        }
        let patterns = globs
            .build()
            .map_err(|e| SearchError::Automaton(e.to_string()))?;
        Ok(SenderMatcher {
            addresses,
            domains,
            patterns,
            pattern_indicators,
        })
    }

    /// Every sender value matching the message's sender fields or `envelope` sender.
    pub fn find(&self, message: &Decoded, envelope: Option<&str>, hits: &mut Hits) {
        let fields = message
            .senders
            .iter()
            .map(|(field, address)| (field.as_str(), address.as_str()))
            .chain(envelope.map(|e| ("envelope_from", e)));
        for (field, address) in fields {
            let address = address.trim().to_lowercase();
            for indicator in self.matching(&address) {
                hits.add(indicator, field, "", || address.clone());
            }
        }
    }

    fn matching(&self, address: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self.addresses.get(address).cloned().unwrap_or_default();
        if let Some((_, domain)) = address.rsplit_once('@') {
            // The domain and each parent: mail.evil.example, evil.example, example.
            let mut rest = domain.trim_end_matches('.');
            loop {
                out.extend(self.domains.get(rest).into_iter().flatten());
                match rest.split_once('.') {
                    Some((_, parent)) => rest = parent,
                    None => break,
                }
            }
        }
        out.extend(
            self.patterns
                .matches(address)
                .into_iter()
                .map(|i| self.pattern_indicators[i]),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decoded::SenderField;

    fn message(senders: &[(SenderField, &str)]) -> Decoded {
        Decoded {
            senders: senders.iter().map(|(f, a)| (*f, a.to_string())).collect(),
            ..Decoded::default()
        }
    }

    fn found(values: &[&str], m: &Decoded, envelope: Option<&str>) -> Vec<(usize, String)> {
        let parsed: Vec<(usize, SenderValue)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i, SenderValue::parse(v).unwrap()))
            .collect();
        let matcher = SenderMatcher::new(&parsed).unwrap();
        let mut hits = Hits::default();
        matcher.find(m, envelope, &mut hits);
        hits.into_vec()
            .into_iter()
            .map(|h| (h.indicator, h.field))
            .collect()
    }

    #[test]
    fn classifies_values() {
        assert_eq!(
            SenderValue::parse(" <Bob@Evil.Example> ")
                .unwrap()
                .to_string(),
            "address:bob@evil.example"
        );
        assert_eq!(
            SenderValue::parse("@evil.example").unwrap().to_string(),
            "domain:evil.example"
        );
        assert_eq!(
            SenderValue::parse("evil.example.").unwrap().to_string(),
            "domain:evil.example"
        );
        assert_eq!(
            SenderValue::parse("ceo*@*").unwrap().to_string(),
            "pattern:ceo*@*"
        );
        assert!(SenderValue::parse("bob@").is_err());
        assert!(SenderValue::parse("localhost").is_err());
        assert!(SenderValue::parse("a b@c.d").is_err());
    }

    #[test]
    fn matches_each_field_and_names_it() {
        let m = message(&[
            (SenderField::From, "CEO@Corp.Example"),
            (SenderField::ReplyTo, "ceo.corp@mail.evil.example"),
        ]);
        assert_eq!(
            found(
                &[
                    "evil.example",
                    "ceo@corp.example",
                    "ceo*@*",
                    "x@evil.example"
                ],
                &m,
                Some("bounce@evil.example")
            ),
            vec![
                (0, "envelope_from".into()),
                (0, "reply_to".into()),
                (1, "from".into()),
                (2, "from".into()),
                (2, "reply_to".into()),
            ]
        );
    }

    #[test]
    fn domains_do_not_match_lookalikes() {
        let m = message(&[
            (SenderField::From, "a@notevil.example"),
            (SenderField::Sender, "b@evil.example.com"),
        ]);
        assert!(found(&["@evil.example", "a@evil.example"], &m, None).is_empty());
    }
}
