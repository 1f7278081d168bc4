//! Search: the Threat Response searches (links, files, sender, headers, keywords) as
//! pure functions from a decoded message to matches. No I/O here: values are loaded by
//! [`values`] (the only part that reads files: the CSV and uploaded files), compiled
//! once into matchers shared by all threads, and applied to each message's decoded view.

pub mod links;
pub mod refang;
pub mod values;

/// What a search looks for (the seed's "Search links / files / sender / headers /
/// keywords").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchKind {
    Links,
    Files,
    Sender,
    Headers,
    Keywords,
}

impl SearchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Links => "links",
            Self::Files => "files",
            Self::Sender => "sender",
            Self::Headers => "headers",
            Self::Keywords => "keywords",
        }
    }
}
