//! Risk: the Rescan's verdicts. Detectors are pure functions from a decoded message to
//! [`Evidence`] (no I/O; the policy, lists and DKIM keys they consult are loaded once,
//! before the run); the policy turns the categories raised into risk levels, and the
//! levels and the sender's standing into a disposition.
//!
//! - `category`: the categories, dangerous results and levels of the seed;
//! - `evidence`: what a detector saw;
//! - `auth`: Authentication-Results, Received-SPF and ARC as received (Unauthorized,
//!   Forged);
//! - `dkim`: offline DKIM re-verification against given keys (Forged);
//! - `bulk`: mass-mailing headers (Bulk);
//! - `files`: attachments and zip members (dangerous files and extensions);
//! - `lists`: reputation lists, ClamAV hash signatures and EICAR (Bad reputation,
//!   Virus), the message's origin IP;
//! - `content`: what the content detectors read (the decoded message, its parties);
//! - `learn`: the text classifier (ham / spam / phishing) the spam and phishing
//!   detectors read, its model file and training;
//! - `spam`, `phishing`, `impersonation`, `unwanted`: the learned half (issue 6);
//! - `policy`: the TOML policy (levels per organisation, user and sender of user,
//!   trusted servers, allow and block lists);
//! - `contacts`: the addresses a mailbox's owner wrote to (trusted contacts);
//! - `verdict`: evidence → categories → levels → disposition (Jail, Junk, Review);
//! - `rescan`: one message through every detector to its verdict.

mod category;
pub mod contacts;
pub mod content;
mod evidence;
mod memo;
mod rescan;
mod verdict;

pub mod auth;
pub mod bulk;
pub mod dkim;
pub mod files;
pub mod impersonation;
pub mod learn;
pub mod links;
pub mod lists;
pub mod phishing;
pub mod policy;
pub mod spam;
pub mod unwanted;

pub use category::{Category, Level};
pub use evidence::Evidence;
pub use rescan::{Assessment, MessageFacts, Rescanner};

/// What the rescan is given that can be wrong: the policy, the lists, the DKIM keys,
/// the directory, the model.
/// Each error names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Lists(#[from] lists::ListsError),
    #[error(transparent)]
    DkimKeys(#[from] dkim::DkimKeysError),
    #[error(transparent)]
    Directory(#[from] impersonation::DirectoryError),
    #[error(transparent)]
    Model(#[from] learn::LearnError),
}
pub use verdict::{decide, Disposition, Parties, Raised, Verdict};
