//! The policy: a TOML file (docs/policy.md) that sets risk levels per organisation, per
//! user (mailbox owner) and per sender of a user, names the servers whose verdicts and
//! relays are trusted, and lists trusted contacts and allowed and blocked senders.
//!
//! Loaded once before a run; the result is immutable and shared by the workers. Every
//! rule of the seed the file could break is checked here, so a loaded policy is always
//! one the seed allows: dangerous results are changed only in user sections an
//! administrator set, and Virus is always High. Errors name the file and line.

mod pattern;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;
use toml::Spanned;

use super::{Category, Level};
use pattern::{normalise, parse_address, Pattern};

/// The loaded policy. `Default` is the documented default levels
/// ([`Category::default_level`]), nothing trusted and no lists.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    trusted_authserv_ids: Vec<String>,
    trusted_relays: Vec<IpNet>,
    organisation: Section,
    /// By lower-cased owner address.
    users: HashMap<String, User>,
}

/// What the policy's lists say of a sender. Block wins over allow, allow over trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// On a block list: the message is jailed.
    Blocked,
    /// On an allow list: spam-like categories are skipped (never Virus or a dangerous
    /// result, nor Unauthorized or Forged).
    Allowed,
    /// A trusted contact by the policy: Moderate-level categories do not junk it.
    Trusted,
    Unlisted,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{origin}:{line}: {problem}")]
    At {
        origin: String,
        /// 1-based.
        line: usize,
        problem: Problem,
    },
}

/// What is wrong at a line of a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// TOML syntax, an unknown key or a value of the wrong type (toml's message).
    #[error("{0}")]
    Toml(String),
    #[error("unknown category {0:?} (the categories: docs/policy.md)")]
    UnknownCategory(String),
    #[error("{0:?} is not a risk level: use low, moderate or high")]
    BadLevel(String),
    #[error(
        "{category} is a dangerous result: its level may only be changed in a user section \
         with set_by_admin = true"
    )]
    DangerousNotAdmin { category: &'static str },
    #[error("virus is always high risk: it cannot be set to {0:?}")]
    VirusNotHigh(String),
    #[error("{value:?} is not an address or @domain: {why}")]
    BadPattern { value: String, why: &'static str },
    #[error("user {value:?} is not an e-mail address: {why}")]
    BadUser { value: String, why: &'static str },
    #[error("{value:?} appears twice (addresses compare case-insensitively)")]
    Duplicate { value: String },
    #[error("{0:?} is not an IP address or CIDR network")]
    BadRelay(String),
    #[error("{value:?} has bits set past its prefix: did you mean {network}?")]
    RelayHostBits { value: String, network: IpNet },
    #[error("{0:?} is not an authserv-id (a host name as written in Authentication-Results)")]
    BadAuthservId(String),
}

/// Levels and lists at one layer (the organisation or a user).
#[derive(Debug, Clone, Default)]
struct Section {
    levels: Levels,
    trusted_contacts: Vec<Pattern>,
    allow_senders: Vec<Pattern>,
    block_senders: Vec<Pattern>,
}

#[derive(Debug, Clone, Default)]
struct User {
    section: Section,
    senders: Vec<(Pattern, Levels)>,
}

/// The categories a layer sets; the others fall through to the layer below.
#[derive(Debug, Clone, Default)]
struct Levels(BTreeMap<Category, Level>);

impl Policy {
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Policy::parse(&text, &path.display().to_string())
    }

    /// Parses policy text; `origin` names it in errors (the file name).
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let at = |span: Range<usize>, problem| PolicyError::At {
            origin: origin.to_string(),
            line: line_of(text, span.start),
            problem,
        };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            at(span, Problem::Toml(e.message().to_string()))
        })?;
        let mut build = Build::default();
        let policy = build.policy(raw);
        match build.first {
            Some((span, problem)) => Err(at(span, problem)),
            None => Ok(policy),
        }
    }

    /// The level of `category` for mail from `sender` to the mailbox owned by `owner`:
    /// the sender-of-user sections (an address before a domain, a subdomain before its
    /// parent),
    /// then the user, then the organisation, then the default.
    pub fn level(&self, category: Category, owner: Option<&str>, sender: Option<&str>) -> Level {
        let user = self.user(owner);
        let sender = sender.map(normalise);
        let from_sender = user
            .zip(sender.as_deref())
            .and_then(|(u, s)| u.sender_level(s, category));
        from_sender
            .or_else(|| user.and_then(|u| u.section.levels.get(category)))
            .or_else(|| self.organisation.levels.get(category))
            .unwrap_or_else(|| category.default_level())
    }

    /// Authentication-Results authserv-ids to believe, lower-cased (compare
    /// case-insensitively); empty: believe none.
    pub fn trusted_authserv_ids(&self) -> &[String] {
        &self.trusted_authserv_ids
    }

    /// Our own mail servers: a message's origin is the first hop outside these.
    pub fn trusted_relays(&self) -> &[IpNet] {
        &self.trusted_relays
    }

    /// What the lists say of `sender` for `owner`. A user's lists add to the
    /// organisation's (a user cannot unblock what the organisation blocks); block wins
    /// over allow, allow over trusted contact.
    pub fn standing(&self, owner: Option<&str>, sender: Option<&str>) -> Standing {
        let Some(sender) = sender.map(normalise) else {
            return Standing::Unlisted;
        };
        let sections: Vec<&Section> = std::iter::once(&self.organisation)
            .chain(self.user(owner).map(|u| &u.section))
            .collect();
        let listed = |list: fn(&Section) -> &[Pattern]| {
            sections
                .iter()
                .any(|s| list(s).iter().any(|p| p.matches(&sender)))
        };
        if listed(|s| s.block_senders.as_slice()) {
            Standing::Blocked
        } else if listed(|s| s.allow_senders.as_slice()) {
            Standing::Allowed
        } else if listed(|s| s.trusted_contacts.as_slice()) {
            Standing::Trusted
        } else {
            Standing::Unlisted
        }
    }

    fn user(&self, owner: Option<&str>) -> Option<&User> {
        self.users.get(&normalise(owner?))
    }
}

impl User {
    /// The level the sender sections covering `sender` set for `category`, the most
    /// specific section first (a section that leaves the category out defers to the
    /// next, as the layers do).
    fn sender_level(&self, sender: &str, category: Category) -> Option<Level> {
        let mut covering: Vec<(usize, &Levels)> = self
            .senders
            .iter()
            .filter_map(|(p, levels)| p.specificity(sender).map(|s| (s, levels)))
            .collect();
        covering.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
        covering.iter().find_map(|(_, levels)| levels.get(category))
    }
}

impl Levels {
    fn get(&self, category: Category) -> Option<Level> {
        self.0.get(&category).copied()
    }
}

/// A table's entries in the order the file has them (a repeated address is then
/// reported where it is repeated).
fn in_file_order<V>(table: &BTreeMap<Spanned<String>, V>) -> Vec<(&Spanned<String>, &V)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

// The file as written. Every table refuses unknown keys: a misspelt key would otherwise
// be a rule silently not applied.

type RawLevels = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    organisation: RawOrganisation,
    #[serde(default)]
    users: BTreeMap<Spanned<String>, RawUser>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    #[serde(default)]
    trusted_authserv_ids: Vec<Spanned<String>>,
    #[serde(default)]
    trusted_relays: Vec<Spanned<String>>,
    #[serde(default)]
    trusted_contacts: Vec<Spanned<String>>,
    #[serde(default)]
    allow_senders: Vec<Spanned<String>>,
    #[serde(default)]
    block_senders: Vec<Spanned<String>>,
    #[serde(default)]
    levels: RawLevels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    #[serde(default)]
    set_by_admin: bool,
    #[serde(default)]
    trusted_contacts: Vec<Spanned<String>>,
    #[serde(default)]
    allow_senders: Vec<Spanned<String>>,
    #[serde(default)]
    block_senders: Vec<Spanned<String>>,
    #[serde(default)]
    levels: RawLevels,
    #[serde(default)]
    senders: BTreeMap<Spanned<String>, RawSender>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSender {
    #[serde(default)]
    levels: RawLevels,
}

/// Checks the file as written and builds the policy, keeping the problem that comes
/// first in the file (tables are visited in key order, not file order).
#[derive(Default)]
struct Build {
    first: Option<(Range<usize>, Problem)>,
}

/// Where a levels table is: dangerous results may be changed only in an admin's user.
#[derive(Clone, Copy)]
enum Layer {
    Organisation,
    User { set_by_admin: bool },
}

impl Build {
    fn fail(&mut self, span: Range<usize>, problem: Problem) {
        if self
            .first
            .as_ref()
            .is_none_or(|(first, _)| span.start < first.start)
        {
            self.first = Some((span, problem));
        }
    }

    fn policy(&mut self, raw: RawPolicy) -> Policy {
        let org = raw.organisation;
        let trusted_authserv_ids = org
            .trusted_authserv_ids
            .iter()
            .filter_map(|id| self.authserv_id(id))
            .collect();
        let trusted_relays = org
            .trusted_relays
            .iter()
            .filter_map(|r| self.relay(r))
            .collect();
        let organisation = Section {
            levels: self.levels(&org.levels, Layer::Organisation),
            trusted_contacts: self.patterns(&org.trusted_contacts),
            allow_senders: self.patterns(&org.allow_senders),
            block_senders: self.patterns(&org.block_senders),
        };
        let mut users = HashMap::new();
        for (key, raw_user) in in_file_order(&raw.users) {
            let owner = match parse_address(key.get_ref()) {
                Ok(a) => a,
                Err(why) => {
                    let value = key.get_ref().clone();
                    self.fail(key.span(), Problem::BadUser { value, why });
                    continue;
                }
            };
            let user = self.user(raw_user);
            if users.insert(owner, user).is_some() {
                let value = key.get_ref().clone();
                self.fail(key.span(), Problem::Duplicate { value });
            }
        }
        Policy {
            trusted_authserv_ids,
            trusted_relays,
            organisation,
            users,
        }
    }

    fn user(&mut self, raw: &RawUser) -> User {
        let layer = Layer::User {
            set_by_admin: raw.set_by_admin,
        };
        let section = Section {
            levels: self.levels(&raw.levels, layer),
            trusted_contacts: self.patterns(&raw.trusted_contacts),
            allow_senders: self.patterns(&raw.allow_senders),
            block_senders: self.patterns(&raw.block_senders),
        };
        let mut senders: Vec<(Pattern, Levels)> = Vec::new();
        for (key, sender) in in_file_order(&raw.senders) {
            let Some(pattern) = self.pattern(key) else {
                continue;
            };
            let levels = self.levels(&sender.levels, layer);
            if senders.iter().any(|(p, _)| *p == pattern) {
                let value = key.get_ref().clone();
                self.fail(key.span(), Problem::Duplicate { value });
            }
            senders.push((pattern, levels));
        }
        User { section, senders }
    }

    fn levels(&mut self, raw: &RawLevels, layer: Layer) -> Levels {
        let mut levels = BTreeMap::new();
        for (key, value) in raw {
            let Some(category) = Category::parse(key.get_ref()) else {
                self.fail(key.span(), Problem::UnknownCategory(key.get_ref().clone()));
                continue;
            };
            let Some(level) = Level::parse(value.get_ref()) else {
                self.fail(value.span(), Problem::BadLevel(value.get_ref().clone()));
                continue;
            };
            if category == Category::Virus && level != Level::High {
                self.fail(value.span(), Problem::VirusNotHigh(value.get_ref().clone()));
                continue;
            }
            let admin = matches!(layer, Layer::User { set_by_admin: true });
            if category.dangerous() && !admin {
                let problem = Problem::DangerousNotAdmin {
                    category: category.as_str(),
                };
                self.fail(key.span(), problem);
                continue;
            }
            levels.insert(category, level);
        }
        Levels(levels)
    }

    fn patterns(&mut self, raw: &[Spanned<String>]) -> Vec<Pattern> {
        raw.iter().filter_map(|p| self.pattern(p)).collect()
    }

    fn pattern(&mut self, raw: &Spanned<String>) -> Option<Pattern> {
        Pattern::parse(raw.get_ref())
            .map_err(|why| {
                let value = raw.get_ref().clone();
                self.fail(raw.span(), Problem::BadPattern { value, why });
            })
            .ok()
    }

    fn relay(&mut self, raw: &Spanned<String>) -> Option<IpNet> {
        let text = raw.get_ref().trim();
        let parsed = text
            .parse::<IpNet>()
            .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from));
        let Ok(net) = parsed else {
            self.fail(raw.span(), Problem::BadRelay(raw.get_ref().clone()));
            return None;
        };
        // `10.1.2.3/8` is more likely a slip for a /32 than a wish for all of 10/8.
        if net.trunc() != net {
            let problem = Problem::RelayHostBits {
                value: raw.get_ref().clone(),
                network: net.trunc(),
            };
            self.fail(raw.span(), problem);
            return None;
        }
        Some(net)
    }

    /// RFC 8601's authserv-id is a token, in practice the receiving host's name.
    fn authserv_id(&mut self, raw: &Spanned<String>) -> Option<String> {
        let id = raw.get_ref().trim();
        let token = !id.is_empty()
            && id
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !";\"()".contains(c));
        if !token {
            self.fail(raw.span(), Problem::BadAuthservId(raw.get_ref().clone()));
            return None;
        }
        Some(id.to_ascii_lowercase())
    }
}
