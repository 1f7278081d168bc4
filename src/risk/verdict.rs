//! The verdict on one message: which categories its evidence raises, the level the
//! policy gives each, and where the seed's risk levels send it.
//!
//! - High → **Jail**, even from a trusted contact;
//! - Moderate → **Junk**, unless the sender is trusted;
//! - Low → an insight only, and the **Review** folder if the sender is unknown;
//! - nothing raised → the message stays.
//!
//! The most severe category decides. A sender the policy blocks is jailed whatever was
//! found; a sender it allows is not held to the spam-like categories (their evidence is
//! kept, as insights) but is to Virus and the dangerous results. An allowed sender is a
//! known sender.
//!
//! Trust and allowance rest on the From address, which anyone can write: when the
//! message failed authentication (Unauthorized or Forged raised), the address is not
//! believed, so the sender is neither trusted nor allowed (a forged "trusted contact" is
//! junked like any stranger). Blocking still applies: a forged blocked address is
//! jailed, which errs on the safe side.

use super::policy::{Policy, Standing};
use super::{Category, Evidence, Level};

/// Where the verdict sends a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Disposition {
    Stays,
    Review,
    Junk,
    Jail,
}

impl Disposition {
    pub const ALL: [Disposition; 4] = [Self::Jail, Self::Junk, Self::Review, Self::Stays];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stays => "stays",
            Self::Review => "review",
            Self::Junk => "junk",
            Self::Jail => "jail",
        }
    }

    /// The manifest action of a disposition that moves the message.
    pub fn action(self) -> Option<&'static str> {
        (self != Self::Stays).then(|| self.as_str())
    }
}

/// A category raised in one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Raised {
    pub category: Category,
    pub level: Level,
    /// The highest score of its evidence.
    pub score: f32,
    /// Indices into [`Verdict::evidence`].
    pub evidence: Vec<usize>,
}

/// Everything the rescan concluded about one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub evidence: Vec<Evidence>,
    /// In category order.
    pub raised: Vec<Raised>,
    /// The highest level raised.
    pub level: Option<Level>,
    pub disposition: Disposition,
    /// A trusted contact of the mailbox's owner, or a sender the policy trusts or allows.
    pub sender_trusted: bool,
    pub standing: Standing,
}

/// Who the message is from and for, as the policy needs it.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    /// The mailbox owner's address.
    pub owner: Option<&'a str>,
    /// The From address.
    pub sender: Option<&'a str>,
    /// The sender is among the addresses the owner wrote to.
    pub contact: bool,
}

/// Turns a message's evidence into its verdict under `policy`.
pub fn decide(mut evidence: Vec<Evidence>, policy: &Policy, parties: Parties) -> Verdict {
    let listed = policy.standing(parties.owner, parties.sender);
    let authenticated = !evidence
        .iter()
        .any(|e| matches!(e.category, Some(Category::Unauthorized | Category::Forged)));
    let (standing, sender_trusted) = if authenticated || listed == Standing::Blocked {
        let trusted = parties.contact || matches!(listed, Standing::Trusted | Standing::Allowed);
        (listed, trusted)
    } else {
        if parties.contact || listed != Standing::Unlisted {
            evidence.push(Evidence::insight(
                "policy.unauthenticated_sender",
                format!(
                    "sender {:?} failed authentication: not treated as a trusted contact or a listed sender",
                    parties.sender.unwrap_or("")
                ),
            ));
        }
        (Standing::Unlisted, false)
    };
    if standing == Standing::Allowed {
        for e in evidence.iter_mut() {
            if e.category.is_some_and(Category::spam_like) {
                let skipped = e.category.take().expect("checked above");
                e.detail = format!(
                    "{} (not counted: allowed sender) {}",
                    skipped.label(),
                    e.detail
                );
            }
        }
    }
    let raised = raise(&evidence, policy, parties);
    let level = raised.iter().map(|r| r.level).max();
    let disposition = if standing == Standing::Blocked {
        Disposition::Jail
    } else {
        match level {
            Some(Level::High) => Disposition::Jail,
            Some(Level::Moderate) if !sender_trusted => Disposition::Junk,
            Some(_) if !sender_trusted => Disposition::Review,
            _ => Disposition::Stays,
        }
    };
    if standing == Standing::Blocked {
        evidence.push(Evidence::insight(
            "policy.blocked_sender",
            format!(
                "sender {:?} is on the policy's block list",
                parties.sender.unwrap_or("")
            ),
        ));
    }
    Verdict {
        evidence,
        raised,
        level,
        disposition,
        sender_trusted,
        standing,
    }
}

/// Groups evidence by category (category order) and levels each by the policy.
fn raise(evidence: &[Evidence], policy: &Policy, parties: Parties) -> Vec<Raised> {
    let mut raised: Vec<Raised> = Vec::new();
    let mut by_category: Vec<(Category, usize)> = evidence
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.category.map(|c| (c, i)))
        .collect();
    by_category.sort_by_key(|&(c, i)| (c, i));
    for (category, i) in by_category {
        match raised.last_mut() {
            Some(r) if r.category == category => {
                r.score = r.score.max(evidence[i].score);
                r.evidence.push(i);
            }
            _ => raised.push(Raised {
                category,
                level: policy.level(category, parties.owner, parties.sender),
                score: evidence[i].score,
                evidence: vec![i],
            }),
        }
    }
    raised
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parties(contact: bool) -> Parties<'static> {
        Parties {
            owner: Some("alice@example.com"),
            sender: Some("bob@example.org"),
            contact,
        }
    }

    fn verdict(categories: &[Category], contact: bool) -> Verdict {
        let evidence = categories
            .iter()
            .map(|&c| Evidence::raise(c, "test.rule", "seen"))
            .collect();
        decide(evidence, &Policy::default(), parties(contact))
    }

    #[test]
    fn the_seeds_levels_decide_where_mail_goes() {
        // Default levels: Virus high, Unauthorized moderate, Bulk low.
        for (categories, contact, expected) in [
            (vec![Category::Virus], true, Disposition::Jail),
            (vec![Category::Virus], false, Disposition::Jail),
            (vec![Category::Unauthorized], false, Disposition::Junk),
            // A contact whose mail failed authentication is not believed to be one.
            (vec![Category::Unauthorized], true, Disposition::Junk),
            (vec![Category::BadReputation], true, Disposition::Stays),
            (vec![Category::Bulk], false, Disposition::Review),
            (vec![Category::Bulk], true, Disposition::Stays),
            (vec![], false, Disposition::Stays),
            (
                vec![Category::Bulk, Category::Unauthorized],
                false,
                Disposition::Junk,
            ),
            (
                vec![Category::Bulk, Category::DangerousFile],
                true,
                Disposition::Jail,
            ),
        ] {
            let v = verdict(&categories, contact);
            assert_eq!(v.disposition, expected, "{categories:?} contact={contact}");
            let authenticated = !categories.contains(&Category::Unauthorized);
            assert_eq!(v.sender_trusted, contact && authenticated);
        }
    }

    #[test]
    fn evidence_is_grouped_per_category_with_its_highest_score() {
        let evidence = vec![
            Evidence::raise(Category::Bulk, "bulk.a", "a"),
            Evidence::insight("auth.dkim_pass", "pass"),
            Evidence {
                score: 0.4,
                ..Evidence::raise(Category::Forged, "auth.dkim_fail", "fail")
            },
            Evidence {
                score: 0.5,
                ..Evidence::raise(Category::Bulk, "bulk.b", "b")
            },
        ];
        let v = decide(evidence, &Policy::default(), parties(false));
        let got: Vec<_> = v
            .raised
            .iter()
            .map(|r| (r.category, r.score, r.evidence.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Category::Forged, 0.4, vec![2]),
                (Category::Bulk, 1.0, vec![0, 3]),
            ]
        );
        assert_eq!(v.level, Some(Level::Moderate));
        assert_eq!(v.evidence.len(), 4, "insights are kept");
    }

    fn policy() -> Policy {
        Policy::parse(
            r#"
[organisation]
allow_senders = ["news@shop.example"]
block_senders = ["@bad.example"]
trusted_contacts = ["boss@example.org"]
"#,
            "test.toml",
        )
        .expect("valid policy")
    }

    fn from(sender: &'static str, categories: &[Category]) -> Verdict {
        let evidence = categories
            .iter()
            .map(|&c| Evidence::raise(c, "test.rule", "seen"))
            .collect();
        let parties = Parties {
            owner: Some("alice@example.com"),
            sender: Some(sender),
            contact: false,
        };
        decide(evidence, &policy(), parties)
    }

    #[test]
    fn allow_and_block_lists() {
        // Allowed: spam-like categories are not counted, dangerous results are.
        let v = from("news@shop.example", &[Category::Bulk, Category::Spam]);
        assert_eq!((v.disposition, v.level), (Disposition::Stays, None));
        assert!(v.evidence.iter().all(|e| e.category.is_none()));
        assert_eq!(
            from("news@shop.example", &[Category::Virus]).disposition,
            Disposition::Jail
        );
        let v = from(
            "news@shop.example",
            &[Category::DangerousFile, Category::Bulk],
        );
        assert_eq!(v.disposition, Disposition::Jail);
        assert_eq!(v.raised.len(), 1);
        // Blocked: jailed with nothing raised.
        let v = from("x@mail.bad.example", &[]);
        assert_eq!(
            (v.disposition, v.standing),
            (Disposition::Jail, Standing::Blocked)
        );
        // Trusted by the policy: moderate stays, high is jailed.
        assert_eq!(
            from("boss@example.org", &[Category::Spam]).disposition,
            Disposition::Stays
        );
        assert_eq!(
            from("boss@example.org", &[Category::Phishing]).disposition,
            Disposition::Jail
        );
        // An unlisted stranger with the same spam is junked.
        assert_eq!(
            from("x@example.net", &[Category::Spam]).disposition,
            Disposition::Junk
        );
    }

    #[test]
    fn a_sender_that_failed_authentication_is_not_believed() {
        // Forged mail claiming to be an allowed sender: its spam counts, it is junked.
        let v = from("news@shop.example", &[Category::Forged, Category::Bulk]);
        assert_eq!(v.disposition, Disposition::Junk);
        assert!(!v.sender_trusted);
        assert_eq!(v.raised.len(), 2);
        assert!(v
            .evidence
            .iter()
            .any(|e| e.rule == "policy.unauthenticated_sender"));
        // A forged policy-trusted contact: junked like a stranger.
        let v = from("boss@example.org", &[Category::Unauthorized]);
        assert_eq!(v.disposition, Disposition::Junk);
    }
}
