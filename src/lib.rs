//! mailsweep: an offline Threat Response engine for exported mail archives.
//!
//! Layers, bottom up (see ARCHITECTURE.md): [`corpus`] finds and splits mailboxes,
//! [`message`] parses one message, [`pipeline`] runs them in parallel into [`audit`]
//! tables, and [`cli`] is the command line on top.

pub mod apply;
pub mod audit;
pub mod cli;
pub mod corpus;
pub mod imap;
pub mod message;
pub mod notify;
pub mod pipeline;
pub mod report;
pub mod risk;
pub mod search;

#[cfg(test)]
mod corpora_for_tests;
#[cfg(test)]
mod random_for_tests;
