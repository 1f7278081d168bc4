//! Impersonation: a message that pretends to come from someone the owner knows. The
//! people and domains it may pretend to be are the organisation's (the mailbox owner's
//! domain, the `--directory` people and their domains) and the owner's trusted contacts
//! (whom the owner wrote to, with the display names the owner wrote them under).
//!
//! Rules (category when it fires):
//! - `imp.display_name_of_contact`: the From display name is exactly that of a
//!   directory person or a contact (names compared without case, punctuation or word
//!   order), but the address is none of theirs, not in their domain, not the
//!   organisation's and not itself a contact → Impersonation for a directory person
//!   (the organisation's people write from its domains), Possible impersonation for a
//!   contact (outside people do write from a second, private address: on the
//!   SpamAssassin ham, with every train-split sender as a contact, 0.8% of messages
//!   came under a known name from another domain, all genuine); the name only looks
//!   like theirs (same confusables skeleton, or one edit away for long names) →
//!   Possible impersonation. Role names ("Mail Delivery System", "IT Support Team")
//!   name nobody and are skipped.
//! - `imp.display_name_address`: the display name shows a known address (a person's,
//!   a contact's, or one in the organisation's domain) other than the sender's →
//!   Possible impersonation.
//! - `imp.lookalike_domain`: the From domain looks like a known domain without being
//!   related to it (not equal, not a subdomain, not the same registrable domain): the
//!   same UTS #39 skeleton (homoglyphs, punycode decoded first) → Impersonation; an edit
//!   distance of 1 (2 for names of 9+ characters) → Possible impersonation. Free-mail
//!   domains are never lookalikes (gmx.com is not a typo of gmail.com).
//! - `imp.punycode_domain`: the From domain is internationalised (punycode or raw
//!   Unicode) and uses Cyrillic or Greek letters drawn like Latin ones, without
//!   looking like a known domain → Possible impersonation (a lookalike of a domain the
//!   owner does not know).
//! - `imp.reply_to_diverted`: Reply-To goes to a domain unrelated to the From domain
//!   and outside the organisation: to a lookalike of a known or the From domain →
//!   Impersonation; to free mail from a sender that is not free mail → Impersonation
//!   when the From claims the organisation or a known person, Possible impersonation
//!   otherwise.

mod confusables;
mod directory;
mod known;

pub use directory::{Directory, DirectoryError};
pub use known::Known;

use super::content::Content;
use super::{Category, Evidence};
use crate::message::decoded::SenderField;
use confusables::{is_foreign_confusable, skeleton};

/// Nothing beyond what every rescan decodes: Reply-To comes with the senders.
pub fn wants(_name: &str) -> bool {
    false
}

/// Free-mail providers: anyone can open an address there, so a reply diverted to one
/// reaches a stranger. Matched on the registrable domain.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "ymail.com",
    "rocketmail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "mail.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "gmx.at",
    "web.de",
    "t-online.de",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "tutanota.com",
    "zoho.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "naver.com",
    "hanmail.net",
    "rediffmail.com",
    "libero.it",
    "laposte.net",
    "orange.fr",
    "free.fr",
    "wanadoo.fr",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "usa.net",
    "lycos.com",
    "excite.com",
    "juno.com",
    "earthlink.net",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "btinternet.com",
    "mail.bg",
    "abv.bg",
    "gmx.fr",
    "yahoo.fr",
    "yahoo.de",
];

pub fn is_free_mail(domain: &str) -> bool {
    let base = base_domain(domain);
    FREE_MAIL.contains(&base)
        // yahoo.co.uk, hotmail.fr, outlook.de, live.co.uk...
        || ["yahoo.", "hotmail.", "outlook.", "live.", "gmx.", "aol."]
            .iter()
            .any(|p| base.starts_with(p))
}

/// A display name as compared: lower-case words of letters and digits, sorted (so
/// "Smith, John" is "John Smith"). `None` for names that cannot identify a person:
/// fewer than two words, shorter than 5 characters, or holding an address.
pub fn name_key(name: &str) -> Option<String> {
    if name.contains('@') || name.len() > 200 {
        return None;
    }
    let lower = name.to_lowercase();
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    let key = words.join(" ");
    (words.len() >= 2 && key.len() >= 5).then_some(key)
}

/// Words that make a display name a role rather than a person.
const ROLE_WORDS: &[&str] = &[
    "admin",
    "administrator",
    "alert",
    "alerts",
    "billing",
    "daemon",
    "delivery",
    "desk",
    "helpdesk",
    "info",
    "mailer",
    "news",
    "newsletter",
    "no",
    "noreply",
    "notification",
    "notifications",
    "office",
    "postmaster",
    "reply",
    "sales",
    "security",
    "service",
    "services",
    "subsystem",
    "support",
    "system",
    "team",
];

fn is_role_name(key: &str) -> bool {
    key.split(' ').any(|w| ROLE_WORDS.contains(&w))
}

/// The registrable part of a domain, approximately: its last two labels, or three
/// under a two-letter country code with a short second level (`example.co.uk`).
pub fn base_domain(domain: &str) -> &str {
    // No allocation: every message is compared with every known domain.
    let mut dots = domain.rmatch_indices('.').map(|(i, _)| i);
    let (Some(d1), Some(d2)) = (dots.next(), dots.next()) else {
        return domain;
    };
    let (tld, second) = (&domain[d1 + 1..], &domain[d2 + 1..d1]);
    if tld.len() == 2 && second.len() <= 3 {
        dots.next().map_or(domain, |d3| &domain[d3 + 1..])
    } else {
        &domain[d2 + 1..]
    }
}

/// The same organisation's domains: equal, one under the other, or the same
/// registrable domain.
pub fn related(a: &str, b: &str) -> bool {
    a == b || base_domain(a) == base_domain(b)
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// Reads the message's From and Reply-To against the organisation's directory and the
/// mailbox's contacts.
pub fn check(content: &Content, directory: &Directory, out: &mut Vec<Evidence>) {
    let Some(from) = content.from.map(str::to_lowercase) else {
        return;
    };
    let from_domain = domain_of(&from);
    if from_domain.is_empty() {
        return;
    }
    let owner_domain = content.owner.map(domain_of).filter(|d| !d.is_empty());
    let contacts = content.contacts.known();
    let org =
        |d: &str| owner_domain.is_some_and(|o| related(o, d)) || directory.known().has_related(d);
    let ctx = Ctx {
        owner_domain,
        from: &from,
        from_domain,
        org: &org,
        directory: directory.known(),
        contacts,
        contact: content.contacts.contains(&from),
    };
    let claims_known = display_name(&ctx, content.from_name, out);
    let lookalike = lookalike_domain(&ctx, out);
    if !lookalike {
        punycode_domain(&ctx, out);
    }
    reply_to(&ctx, content, claims_known, out);
}

/// What the rules share about one message.
struct Ctx<'a> {
    owner_domain: Option<&'a str>,
    from: &'a str,
    from_domain: &'a str,
    org: &'a dyn Fn(&str) -> bool,
    directory: &'a Known,
    contacts: &'a Known,
    /// The From address is itself a trusted contact.
    contact: bool,
}

impl Ctx<'_> {
    /// The sender is one of these addresses, or writes from their domain, from the
    /// organisation's domain, or from an address the owner wrote to: not an impostor.
    fn is_one_of(&self, addresses: &[String]) -> bool {
        self.contact
            || (self.org)(self.from_domain)
            || addresses
                .iter()
                .any(|a| a == self.from || related(domain_of(a), self.from_domain))
    }
}

/// `imp.display_name_of_contact` and `imp.display_name_address`. Returns whether the
/// From claims a known person (its name is one), for the Reply-To rule.
fn display_name(ctx: &Ctx, name: Option<&str>, out: &mut Vec<Evidence>) -> bool {
    let Some(name) = name else {
        return false;
    };
    if name.contains('@') {
        display_name_address(ctx, name, out);
        return false;
    }
    let Some(key) = name_key(name).filter(|k| !is_role_name(k)) else {
        return false;
    };
    let people = [
        (
            "directory person",
            ctx.directory,
            Category::Impersonation,
            1.0,
        ),
        (
            "contact",
            ctx.contacts,
            Category::PossibleImpersonation,
            0.7,
        ),
    ];
    for (whose, known, category, score) in people {
        let addresses = known.named(&key);
        if addresses.is_empty() {
            continue;
        }
        if ctx.is_one_of(addresses) {
            return true;
        }
        out.push(Evidence {
            score,
            ..Evidence::raise(
                category,
                "imp.display_name_of_contact",
                format!(
                    "display name {name:?} is that of {whose} {:?}, but sent from {:?}",
                    addresses[0], ctx.from
                ),
            )
        });
        return true;
    }
    for (whose, known) in [
        ("directory person", ctx.directory),
        ("contact", ctx.contacts),
    ] {
        let Some((like, addresses)) = known.named_like(&key) else {
            continue;
        };
        if ctx.is_one_of(addresses) {
            return false;
        }
        out.push(Evidence {
            score: 0.6,
            ..Evidence::raise(
                Category::PossibleImpersonation,
                "imp.display_name_of_contact",
                format!(
                    "display name {name:?} looks like {whose} {like:?} ({:?}), sent from {:?}",
                    addresses.first().map_or("", String::as_str),
                    ctx.from
                ),
            )
        });
        return true;
    }
    false
}

/// A display name that shows an address: one of a known person or of the organisation
/// and not the sender's.
fn display_name_address(ctx: &Ctx, name: &str, out: &mut Vec<Evidence>) {
    let shown = name
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '(' | ')'))
        .find(|w| w.contains('@'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        });
    let Some(shown) = shown else {
        return;
    };
    let domain = domain_of(&shown);
    if domain.is_empty() || shown == ctx.from || related(domain, ctx.from_domain) || ctx.contact {
        return;
    }
    let known = (ctx.org)(domain)
        || ctx.directory.domains().contains(domain)
        || ctx.contacts.domains().contains(domain);
    if known && !is_free_mail(domain) {
        out.push(Evidence {
            score: 0.7,
            ..Evidence::raise(
                Category::PossibleImpersonation,
                "imp.display_name_address",
                format!(
                    "display name shows {shown:?}, a known domain's address, but sent from {:?}",
                    ctx.from
                ),
            )
        });
    }
}

/// The domain as a person reads it: punycode labels decoded.
fn readable(domain: &str) -> String {
    if domain.split('.').any(|l| l.starts_with("xn--")) {
        url::quirks::domain_to_unicode(domain)
    } else {
        domain.to_string()
    }
}

/// A known domain `domain` looks like (`true`: same skeleton): the owner's, the
/// directory's or a contact's.
fn lookalike(ctx: &Ctx, domain: &str) -> Option<(String, bool)> {
    if is_free_mail(domain) || (ctx.org)(domain) || ctx.contacts.domains().contains(domain) {
        return None;
    }
    let shown = readable(domain);
    let skel = skeleton(&shown);
    if let Some(o) = ctx
        .owner_domain
        .filter(|o| !related(o, domain) && skeleton(o) == skel)
    {
        return Some((o.to_string(), true));
    }
    [ctx.directory, ctx.contacts]
        .iter()
        .filter_map(|k| k.lookalike_of(domain, &skel))
        .max_by_key(|(_, homoglyph)| *homoglyph)
        .map(|(d, h)| (d.to_string(), h))
}

/// `imp.lookalike_domain` on the From domain. Returns whether it fired.
fn lookalike_domain(ctx: &Ctx, out: &mut Vec<Evidence>) -> bool {
    let Some((like, homoglyph)) = lookalike(ctx, ctx.from_domain) else {
        return false;
    };
    let shown = readable(ctx.from_domain);
    let detail = format!(
        "From domain {shown:?} looks like {like:?} ({})",
        if homoglyph {
            "same letters to the eye"
        } else {
            "a few letters apart"
        }
    );
    out.push(if homoglyph {
        Evidence::raise(Category::Impersonation, "imp.lookalike_domain", detail)
    } else {
        Evidence {
            score: 0.6,
            ..Evidence::raise(
                Category::PossibleImpersonation,
                "imp.lookalike_domain",
                detail,
            )
        }
    });
    true
}

/// `imp.punycode_domain`: Cyrillic or Greek letters drawn like Latin ones in the From
/// domain.
fn punycode_domain(ctx: &Ctx, out: &mut Vec<Evidence>) {
    if ctx.from_domain.is_ascii() && !ctx.from_domain.contains("xn--") {
        return;
    }
    let shown = readable(ctx.from_domain);
    let foreign: String = shown
        .chars()
        .filter(|&c| is_foreign_confusable(c))
        .collect();
    if foreign.is_empty() {
        return;
    }
    out.push(Evidence {
        score: 0.7,
        ..Evidence::raise(
            Category::PossibleImpersonation,
            "imp.punycode_domain",
            format!(
                "From domain {:?} reads {shown:?}: letters {foreign:?} are not Latin but look it",
                ctx.from_domain
            ),
        )
    });
}

/// `imp.reply_to_diverted`.
fn reply_to(ctx: &Ctx, content: &Content, claims_known: bool, out: &mut Vec<Evidence>) {
    let replies = content
        .decoded
        .senders
        .iter()
        .filter(|(f, _)| *f == SenderField::ReplyTo);
    for (_, address) in replies {
        let address = address.to_lowercase();
        let domain = domain_of(&address);
        if domain.is_empty()
            || related(domain, ctx.from_domain)
            || (ctx.org)(domain)
            || content.contacts.contains(&address)
        {
            continue;
        }
        let from_like = (skeleton(&readable(domain)) == skeleton(&readable(ctx.from_domain)))
            .then(|| (ctx.from_domain.to_string(), true));
        if let Some((like, _)) = from_like.or_else(|| lookalike(ctx, domain)) {
            out.push(Evidence::raise(
                Category::Impersonation,
                "imp.reply_to_diverted",
                format!("Reply-To {address:?} goes to a lookalike of {like:?}"),
            ));
            return;
        }
        if is_free_mail(domain) && !is_free_mail(ctx.from_domain) {
            let claims = claims_known || (ctx.org)(ctx.from_domain) || ctx.contact;
            let detail = format!(
                "Reply-To {address:?} diverts replies from {:?} to free mail",
                ctx.from
            );
            out.push(if claims {
                Evidence::raise(Category::Impersonation, "imp.reply_to_diverted", detail)
            } else {
                Evidence {
                    score: 0.6,
                    ..Evidence::raise(
                        Category::PossibleImpersonation,
                        "imp.reply_to_diverted",
                        detail,
                    )
                }
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_punctuation_or_order() {
        assert_eq!(name_key("Smith, John").as_deref(), Some("john smith"));
        assert_eq!(name_key("\"JOHN  SMITH\"").as_deref(), Some("john smith"));
        assert_eq!(name_key("Support"), None);
        assert_eq!(name_key("a b"), None);
        assert_eq!(name_key("john@example.com"), None);
        assert!(is_role_name("delivery mail system"));
        assert!(!is_role_name("john smith"));
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(base_domain("mail.example.com"), "example.com");
        assert_eq!(base_domain("example.com"), "example.com");
        assert_eq!(base_domain("a.b.example.co.uk"), "example.co.uk");
        assert_eq!(base_domain("localhost"), "localhost");
        assert!(related("mail.example.com", "example.com"));
        assert!(!related("example.com", "example.org"));
    }

    #[test]
    fn free_mail_by_registrable_domain() {
        assert!(is_free_mail("gmail.com"));
        assert!(is_free_mail("yahoo.co.uk"));
        assert!(is_free_mail("mx.hotmail.fr"));
        assert!(!is_free_mail("example.com"));
        assert!(!is_free_mail("livestock.example"));
    }
}
