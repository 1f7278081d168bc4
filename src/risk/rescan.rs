//! The rescan of one message: decodes what the detectors read, runs every detector and
//! turns the evidence into a [`Verdict`]. Built once per run from the policy, the lists
//! and the DKIM keys; shared by every worker. Pure: no I/O.

use std::path::Path;

use mail_parser::MessageParser;

use super::contacts::Contacts;
use super::content::Content;
use super::dkim::DkimKeys;
use super::impersonation::Directory;
use super::learn::Model;
use super::links::Links;
use super::lists::{self, Lists};
use super::policy::Policy;
use super::unwanted::Filing;
use super::verdict::{decide, Parties, Verdict};
use super::{
    auth, bulk, files, impersonation, memo, phishing, spam, unwanted, Evidence, RiskError,
};
use crate::message::decoded::{self, Decoded, Want};
use crate::message::zip::ZipCaps;

/// What a run's rescan consults: loaded once, before the run.
pub struct Rescanner {
    policy: Policy,
    lists: Lists,
    dkim_keys: Option<DkimKeys>,
    /// The organisation's people (`--directory`), whom impostors copy.
    directory: Directory,
    parser: MessageParser,
    zip_caps: ZipCaps,
    /// The text classifier (the embedded default unless `--model`; none with
    /// `--no-classifier`).
    model: Option<std::sync::Arc<Model>>,
}

/// One message as the rescan sees it.
#[derive(Clone, Copy)]
pub struct MessageFacts<'a> {
    /// The message as delivered (mbox quoting undone).
    pub bytes: &'a [u8],
    pub owner: Option<&'a str>,
    /// The From address and display name.
    pub from: Option<&'a str>,
    pub from_name: Option<&'a str>,
    /// Decoded subject.
    pub subject: Option<&'a str>,
    pub envelope_sender: Option<&'a str>,
    /// To and Cc addresses.
    pub recipients: usize,
    /// The message may carry files: the inventory's MIME skeleton lists attachments, or
    /// the message is a multipart or has a repeated or unreadable Content-Type (see
    /// `Inventory::may_have_parts`). Otherwise mail-parser's full parse, the costliest
    /// step, is skipped: a single-part text message has no files.
    pub may_have_files: bool,
    /// Seconds since the epoch: DKIM expiry is judged at this date.
    pub date: Option<i64>,
    /// The mailbox owner's trusted contacts.
    pub contacts: &'a Contacts,
    /// What the owner filed where (learned per mailbox), and this message's folder.
    pub filing: Filing<'a>,
}

/// A verdict and the parts of the message that could not be decoded.
pub struct Assessment {
    pub verdict: Verdict,
    pub problems: Vec<String>,
}

/// Header fields some detector reads (the others are not decoded).
fn wanted_header(name: &str) -> bool {
    thread_local! {
        static WANTED: memo::Memory<bool> = Default::default();
    }
    memo::recall(&WANTED, name, asked_by_a_rule)
}

fn asked_by_a_rule(name: &str) -> bool {
    auth::wants(name)
        || bulk::wants(name)
        || name.eq_ignore_ascii_case("received")
        || spam::wants(name)
        || phishing::wants(name)
        || impersonation::wants(name)
        || unwanted::wants(name)
}

impl Rescanner {
    pub fn new(policy: Policy, lists: Lists, dkim_keys: Option<DkimKeys>) -> Rescanner {
        Rescanner {
            policy,
            lists,
            dkim_keys,
            directory: Directory::default(),
            parser: decoded::parser(),
            zip_caps: ZipCaps::default(),
            model: Some(Model::default_model()),
        }
    }

    /// Uses another text classifier than the embedded default.
    pub fn with_model(mut self, model: Model) -> Rescanner {
        self.model = Some(std::sync::Arc::new(model));
        self
    }

    /// No text classifier: the spam tiers and the phishing class are not computed, and
    /// only rules raise categories (deterministic evidence only), the spam rules too.
    pub fn without_classifier(mut self) -> Rescanner {
        self.model = None;
        self
    }

    /// Loads what a run consults: the policy file (documented defaults without one),
    /// the list directory (only the built-in EICAR signature without one) and the DKIM
    /// keys file (no offline DKIM verification without one) and the directory of the
    /// organisation's people (impersonation then knows only the owners and contacts).
    pub fn load(
        policy: Option<&Path>,
        lists: Option<&Path>,
        dkim_keys: Option<&Path>,
        directory: Option<&Path>,
    ) -> Result<Rescanner, RiskError> {
        let policy = policy.map(Policy::load).transpose()?.unwrap_or_default();
        let lists = lists
            .map(Lists::load)
            .transpose()?
            .unwrap_or_else(Lists::empty);
        let dkim_keys = dkim_keys.map(DkimKeys::load).transpose()?;
        let directory = directory.map(Directory::load).transpose()?;
        Ok(Rescanner::new(policy, lists, dkim_keys).with_directory(directory.unwrap_or_default()))
    }

    pub fn with_directory(mut self, directory: Directory) -> Rescanner {
        self.directory = directory;
        self
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn lists(&self) -> &Lists {
        &self.lists
    }

    pub fn dkim_keys(&self) -> Option<&DkimKeys> {
        self.dkim_keys.as_ref()
    }

    pub fn assess(&self, m: &MessageFacts) -> Assessment {
        // The content detectors read the subject, bodies (as text and HTML) and names.
        // Authentication reads where the Received fields are; only the origin-IP lookup
        // reads their values.
        let received_place_only = |name: &str| name.eq_ignore_ascii_case("received");
        let want = Want {
            headers: Some(&wanted_header),
            header_places_only: (!self.lists.lists_networks())
                .then_some(&received_place_only as &dyn Fn(&str) -> bool),
            senders: true,
            body_text: true,
            names_and_html_text: true,
            html: true,
            files: m.may_have_files,
        };
        let decoded = Decoded::parse(&self.parser, m.bytes, &self.zip_caps, want);
        let mut evidence: Vec<Evidence> = Vec::new();
        auth::check(
            &decoded.headers,
            self.policy.trusted_authserv_ids(),
            &mut evidence,
        );
        if let Some(keys) = &self.dkim_keys {
            evidence.extend(super::dkim::verify(m.bytes, keys, m.date));
        }
        bulk::check(&decoded.headers, m.recipients, &mut evidence);
        files::check(&decoded.files, &mut evidence);
        self.lists.viruses(&decoded.files, &mut evidence);
        let links = Links::read(&decoded);
        self.reputation(&decoded, &links, m, &mut evidence);
        let content = Content {
            decoded: &decoded,
            links: &links,
            from: m.from,
            from_name: m.from_name,
            subject: m.subject,
            owner: m.owner,
            contacts: m.contacts,
            filing: m.filing,
        };
        // Scored once; the spam tiers and the phishing class both read these scores.
        let scores = self.model.as_ref().map(|model| model.score(&content));
        spam::check(&content, scores.as_ref(), &mut evidence);
        phishing::check(&content, &self.lists, &mut evidence);
        impersonation::check(&content, &self.directory, &mut evidence);
        unwanted::check(&content, &mut evidence);
        let parties = Parties {
            owner: m.owner,
            sender: m.from,
            // The owner's own mail (in Sent, say) is as known as a contact's; a forged
            // one fails authentication and is then not believed (`verdict`).
            contact: m.from.is_some_and(|f| {
                m.contacts.contains(f) || m.owner.is_some_and(|o| o.eq_ignore_ascii_case(f))
            }),
        };
        Assessment {
            verdict: decide(evidence, &self.policy, parties),
            problems: decoded.problems,
        }
    }

    /// Looks the senders, the origin IP and the link hosts up in the lists.
    fn reputation(
        &self,
        decoded: &Decoded,
        links: &Links,
        m: &MessageFacts,
        out: &mut Vec<Evidence>,
    ) {
        // Nothing to look names up in (no list, or only signatures and URL lists):
        // normalising every sender and link host would be work for nothing.
        if !self.lists.names_listed() {
            return;
        }
        let mut senders: Vec<&str> = decoded.senders.iter().map(|(_, a)| a.as_str()).collect();
        senders.extend(m.envelope_sender);
        senders.sort_unstable();
        senders.dedup();
        let received: Vec<&str> = decoded
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("received"))
            .map(|h| h.value.as_str())
            .collect();
        let origin = lists::origin_ip(&received, self.policy.trusted_relays());
        self.lists.reputation(&senders, origin, &links.hosts(), out);
    }
}
