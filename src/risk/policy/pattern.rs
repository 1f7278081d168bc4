//! Address patterns of the policy's lists and sender sections: an address
//! (`ceo@partner.example`) or a domain (`@partner.example`, which also covers its
//! subdomains).
//!
//! Addresses compare case-insensitively, the local part too. RFC 5321 lets a server
//! treat `Alice@` and `alice@` as different mailboxes, but no mail system in use does,
//! and a case-sensitive block list would be evaded by `Spammer@bad.example`; the only
//! cost is conflating two mailboxes that differ in case alone, which do not exist.

/// An entry of a list or the key of a sender section, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pattern {
    Address(String),
    /// The domain without its `@`.
    Domain(String),
}

/// The longest domain name (RFC 1035).
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;
/// The longest local part (RFC 5321).
const MAX_LOCAL: usize = 64;

impl Pattern {
    /// Reads a policy entry; the error says why it is neither an address nor `@domain`.
    pub(super) fn parse(text: &str) -> Result<Pattern, &'static str> {
        let text = text.trim();
        if let Some(domain) = text.strip_prefix('@') {
            check_domain(domain)?;
            return Ok(Pattern::Domain(domain.to_lowercase()));
        }
        parse_address(text).map(Pattern::Address)
    }

    /// How specifically this pattern covers `address` (already normalised): `None` when
    /// it does not, more for a closer match (an address beats any domain, a subdomain
    /// its parent).
    pub(super) fn specificity(&self, address: &str) -> Option<usize> {
        match self {
            Pattern::Address(a) => (a == address).then_some(usize::MAX),
            Pattern::Domain(d) => {
                let (_, domain) = address.rsplit_once('@')?;
                in_domain(domain, d).then_some(d.len())
            }
        }
    }

    pub(super) fn matches(&self, address: &str) -> bool {
        self.specificity(address).is_some()
    }
}

/// A user key: a whole address, lower-cased.
pub(super) fn parse_address(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err("no @ (write an address, or @domain for a whole domain)");
    };
    if local.is_empty() {
        return Err("empty local part");
    }
    if local.len() > MAX_LOCAL {
        return Err("local part longer than 64 bytes");
    }
    if local.contains('@') {
        return Err("more than one @");
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
    {
        return Err("spaces, quotes, <>, commas or semicolons in the local part");
    }
    check_domain(domain)?;
    Ok(text.to_lowercase())
}

/// An address from a message or a caller, as the patterns compare it.
pub(super) fn normalise(address: &str) -> String {
    address.trim().to_lowercase()
}

/// `domain` is `parent` or a subdomain of it (label-wise: `badexample.com` is not under
/// `example.com`).
fn in_domain(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|head| head.ends_with('.'))
}

/// A host name of two labels or more: a one-label "domain" in a mail policy is almost
/// always a slip (`@gmail`). Non-ASCII labels are accepted as written (IDN).
fn check_domain(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("empty domain");
    }
    if domain.len() > MAX_DOMAIN {
        return Err("domain longer than 253 bytes");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("the domain has a single label (write example.com, not example)");
    }
    for label in labels {
        if label.is_empty() || label.len() > MAX_LABEL {
            return Err("an empty or over-long label in the domain");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a domain label starts or ends with a hyphen");
        }
        if !label
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || (!c.is_ascii() && !c.is_control()))
        {
            return Err("characters other than letters, digits and hyphens in the domain");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_domains_parse_lower_cased() {
        assert_eq!(
            Pattern::parse("CEO@Partner.Example"),
            Ok(Pattern::Address("ceo@partner.example".into()))
        );
        assert_eq!(
            Pattern::parse("@Partner.Example"),
            Ok(Pattern::Domain("partner.example".into()))
        );
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "",
            "partner.example",
            "@",
            "@example",
            "a@",
            "@a..b",
            "a@b@c.example",
            "a b@c.example",
            "<a@c.example>",
            "a@-c.example",
            "a@c_d.example",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn domains_cover_subdomains_label_wise() {
        let p = Pattern::Domain("example.com".into());
        assert!(p.matches("x@example.com"));
        assert!(p.matches("x@mail.example.com"));
        assert!(!p.matches("x@badexample.com"));
        assert!(!p.matches("x@example.com.evil"));
        assert!(!p.matches("example.com"));
        let deeper = Pattern::Domain("mail.example.com".into());
        assert!(deeper.specificity("x@mail.example.com") > p.specificity("x@mail.example.com"));
        let exact = Pattern::Address("x@mail.example.com".into());
        assert!(exact.specificity("x@mail.example.com") > deeper.specificity("x@mail.example.com"));
        assert_eq!(exact.specificity("y@mail.example.com"), None);
    }
}
