//! The people and domains a message may pretend to come from, indexed for the checks
//! every message goes through: names by key and by skeleton, domains and their
//! skeletons. Built once (the directory) or once per mailbox (the trusted contacts).

use std::collections::{HashMap, HashSet};

use super::confusables::skeleton;
use super::{base_domain, name_key};

#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Name key → the addresses written under that name, lower-cased.
    names: HashMap<String, Vec<String>>,
    /// Skeleton of a name key → the key.
    name_skeletons: HashMap<String, String>,
    domains: HashSet<String>,
    /// Skeleton of a domain → the domain.
    domain_skeletons: HashMap<String, String>,
    /// The registrable parts of the domains (see `base_domain`), once each, with their
    /// length in characters: what every message's domain is compared with.
    bases: HashSet<String>,
    base_list: Vec<(String, usize)>,
}

impl Known {
    /// Adds an address (lower-cased) and the display name it was written with.
    pub fn add(&mut self, address: &str, name: Option<&str>) {
        if let Some((_, domain)) = address.rsplit_once('@') {
            self.add_domain(domain);
        }
        let Some(key) = name.and_then(name_key) else {
            return;
        };
        let addresses = self.names.entry(key.clone()).or_default();
        if !addresses.iter().any(|a| a == address) {
            addresses.push(address.to_string());
        }
        self.name_skeletons.entry(skeleton(&key)).or_insert(key);
    }

    pub fn add_domain(&mut self, domain: &str) {
        if domain.is_empty() || self.domains.contains(domain) {
            return;
        }
        self.domains.insert(domain.to_string());
        let base = base_domain(domain);
        if self.bases.insert(base.to_string()) {
            self.base_list
                .push((base.to_string(), base.chars().count()));
        }
        self.domain_skeletons
            .entry(skeleton(domain))
            .or_insert_with(|| domain.to_string());
    }

    /// The addresses written under the name with this key.
    pub fn named(&self, key: &str) -> &[String] {
        self.names.get(key).map_or(&[], Vec::as_slice)
    }

    /// A name that looks like `key` without being it (same skeleton, or one edit away
    /// for names of 10 characters or more), and its addresses.
    pub fn named_like(&self, key: &str) -> Option<(&str, &[String])> {
        if let Some(k) = self.name_skeletons.get(&skeleton(key)) {
            if k != key {
                return Some((k, self.named(k)));
            }
        }
        if key.len() < 10 {
            return None;
        }
        self.names
            .iter()
            .filter(|(k, _)| k.len() >= 10 && k.as_str() != key)
            .find(|(k, _)| super::confusables::distance_within(k, key, 1).is_some())
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn domains(&self) -> &HashSet<String> {
        &self.domains
    }

    /// Whether `domain` is related to a known domain (the same registrable domain).
    pub fn has_related(&self, domain: &str) -> bool {
        self.bases.contains(base_domain(domain))
    }

    /// A known domain `domain` looks like without being related to it: the same
    /// skeleton (`true`: a homoglyph) or, for names long enough that a typo is no
    /// accident, an edit distance of 1 (2 from 9 characters) between the registrable
    /// parts (`false`).
    pub fn lookalike_of(&self, domain: &str, domain_skeleton: &str) -> Option<(&str, bool)> {
        if let Some(d) = self.domain_skeletons.get(domain_skeleton) {
            if !super::related(d, domain) {
                return Some((d, true));
            }
        }
        let base = base_domain(domain);
        let label = base.split('.').next().unwrap_or(base);
        if label.len() < 5 {
            return None;
        }
        let max = if label.len() >= 9 { 2 } else { 1 };
        let n = base.chars().count();
        self.base_list
            .iter()
            .filter(|(b, len)| len.abs_diff(n) <= max && b != base)
            .find(|(b, _)| {
                b.split('.').next().unwrap_or(b).len() >= 5
                    && super::confusables::distance_within(b, base, max).is_some()
            })
            .map(|(b, _)| (b.as_str(), false))
    }
}
