//! What the content detectors (spam tiers, phishing, impersonation, unwanted) read of
//! one message, decoded once and shared by all of them: the decoded message (subject,
//! text bodies, HTML as text and as HTML, attachment names, the header fields they
//! asked for, the sender addresses), its links and who it is from and for.

use super::contacts::Contacts;
use super::links::Links;
use super::unwanted::Filing;
use crate::message::decoded::Decoded;

/// One message, as the content detectors see it.
#[derive(Clone, Copy)]
pub struct Content<'a> {
    pub decoded: &'a Decoded,
    /// Its links, read once.
    pub links: &'a Links,
    /// The From address and display name.
    pub from: Option<&'a str>,
    pub from_name: Option<&'a str>,
    /// Decoded subject.
    pub subject: Option<&'a str>,
    /// The mailbox owner's address.
    pub owner: Option<&'a str>,
    /// Whom the owner wrote to.
    pub contacts: &'a Contacts,
    /// What the owner filed where, and where this message is filed.
    pub filing: Filing<'a>,
}
