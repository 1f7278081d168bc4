//! Header search: a header name (case-insensitive) and a value searched in the decoded,
//! unfolded value of every occurrence of that header at the top of the message. By
//! default the value is a case-insensitive substring (folded as keywords are); with
//! `exact` the whole value must be equal after folding. An empty value matches any
//! occurrence of the header (presence).

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::fold::fold;
use super::hit::{Hits, SNIPPET_CHARS};
use super::SearchError;
use crate::message::decoded::HeaderText;

pub struct HeaderMatcher {
    /// Lowercase names of every header any value is about.
    keys: HashSet<String>,
    /// Values that only ask for presence, by lowercase key.
    presence: HashMap<String, Vec<usize>>,
    /// Substring mode: one automaton over the distinct folded values; each pattern
    /// lists its (key, indicator) pairs.
    automaton: Option<AhoCorasick>,
    pattern_owners: Vec<Vec<(String, usize)>>,
    /// Exact mode: (key, folded value) → indicators.
    exact: Option<HashMap<(String, String), Vec<usize>>>,
}

impl HeaderMatcher {
    /// `values`: (indicator, header name, value).
    pub fn new(values: &[(usize, &str, &str)], exact: bool) -> Result<Self, SearchError> {
        let mut keys = HashSet::new();
        let mut presence: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_owners: Vec<Vec<(String, usize)>> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut exact_map: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for &(indicator, key, value) in values {
            let key = key.trim().to_ascii_lowercase();
            keys.insert(key.clone());
            let value = fold(value.trim());
            if value.is_empty() {
                presence.entry(key).or_default().push(indicator);
            } else if exact {
                exact_map.entry((key, value)).or_default().push(indicator);
            } else {
                let id = *pattern_ids.entry(value.clone()).or_insert_with(|| {
                    patterns.push(value);
                    pattern_owners.push(Vec::new());
                    patterns.len() - 1
                });
                pattern_owners[id].push((key, indicator));
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::DFA))
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| SearchError::Automaton(e.to_string()))?,
            )
        };
        Ok(HeaderMatcher {
            keys,
            presence,
            automaton,
            pattern_owners,
            exact: exact.then_some(exact_map),
        })
    }

    /// Whether a header of this name is searched (only those are decoded).
    pub fn wants(&self, name: &str) -> bool {
        self.keys.contains(&name.to_ascii_lowercase())
    }

    pub fn find(&self, headers: &[HeaderText], hits: &mut Hits) {
        for header in headers {
            let key = header.name.to_ascii_lowercase();
            if !self.keys.contains(&key) {
                continue;
            }
            let field = format!("header:{key}");
            let shown = || header.value.chars().take(SNIPPET_CHARS).collect::<String>();
            for &indicator in self.presence.get(&key).into_iter().flatten() {
                hits.add(indicator, &field, "", shown);
            }
            let folded = fold(&header.value);
            if let Some(exact) = &self.exact {
                let found = exact.get(&(key.clone(), folded.trim().to_string()));
                for &indicator in found.into_iter().flatten() {
                    hits.add(indicator, &field, "", shown);
                }
            }
            let Some(automaton) = &self.automaton else {
                continue;
            };
            for m in automaton.find_overlapping_iter(&folded) {
                for (owner_key, indicator) in &self.pattern_owners[m.pattern().as_usize()] {
                    if *owner_key == key {
                        hits.add(*indicator, &field, "", shown);
                    }
                }
            }
        }
    }
}

/// The form a header value is searched in: `name: folded value` (or `name` alone for
/// presence), recorded as the indicator's `normalized`.
pub fn normalized(key: &str, value: &str) -> String {
    let value = fold(value.trim());
    let key = key.trim().to_ascii_lowercase();
    if value.is_empty() {
        key
    } else {
        format!("{key}: {value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value: &str) -> HeaderText {
        HeaderText {
            name: name.into(),
            value: value.into(),
        }
    }

    fn found(m: &HeaderMatcher, headers: &[HeaderText]) -> Vec<(usize, String, u32)> {
        let mut hits = Hits::default();
        m.find(headers, &mut hits);
        hits.into_vec()
            .into_iter()
            .map(|h| (h.indicator, h.field, h.occurrences))
            .collect()
    }

    #[test]
    fn substring_on_the_named_header_only() {
        let m = HeaderMatcher::new(
            &[
                (0, "X-Mailer", "evil mailer"),
                (1, "x-evil", ""),
                (2, "Subject", "evil"),
            ],
            false,
        )
        .unwrap();
        let headers = [
            header("X-MAILER", "The EVIL Mailer 2.0"),
            header("Received", "from evil mailer"),
            header("X-Evil", "1"),
            header("X-Evil", "2"),
        ];
        assert_eq!(
            found(&m, &headers),
            vec![
                (0, "header:x-mailer".into(), 1),
                (1, "header:x-evil".into(), 2)
            ]
        );
    }

    #[test]
    fn exact_needs_the_whole_value() {
        let m = HeaderMatcher::new(&[(0, "X-Mailer", "Evil Mailer")], true).unwrap();
        assert!(found(&m, &[header("X-Mailer", "Evil Mailer 2")]).is_empty());
        assert_eq!(found(&m, &[header("x-mailer", "evil  MAILER")]).len(), 1);
    }
}
