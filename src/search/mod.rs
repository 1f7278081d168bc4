//! Search: the Threat Response searches (links, files, sender, headers, keywords) as
//! pure functions from a decoded message to hits. Values are loaded by [`values`] (the
//! only part that reads files: the CSV and uploaded files), compiled once into one
//! matcher per search, shared by all threads, and applied to each message.

mod files;
mod fold;
mod headers;
mod hit;
mod keywords;
pub mod links;
pub mod refang;
mod sender;
pub mod values;

pub use hit::Hit;
pub use values::{collect, RawValue, ValueError, ValueSources};

use files::FileMatcher;
use headers::HeaderMatcher;
use hit::Hits;
use keywords::KeywordMatcher;
use links::LinkMatcher;
use sender::{SenderMatcher, SenderValue};

use mail_parser::MessageParser;

use crate::message::decoded::{self, Decoded, TextField, Want};
use crate::message::zip::ZipCaps;

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

    /// The letter of this kind's indicator ids (`K1`, `K2`, …).
    fn id_letter(self) -> char {
        match self {
            Self::Links => 'L',
            Self::Files => 'F',
            Self::Sender => 'S',
            Self::Headers => 'H',
            Self::Keywords => 'K',
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{value:?}: {why}")]
    BadValue { value: String, why: String },
    #[error("{source_ref}: {error}")]
    BadLink {
        source_ref: String,
        error: links::LinkValueError,
    },
    #[error("cannot build the search automaton: {0}")]
    Automaton(String),
}

/// One value searched for: a row of `indicators.parquet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// `K1`, `L2`, …: the kind's letter and the value's position.
    pub id: String,
    pub kind: SearchKind,
    /// As given (for headers: `Name: value`, or `Name` for presence).
    pub value: String,
    /// The form it is matched in (refanged, folded, canonical URL, `sha256:<hex>`, …).
    pub normalized: String,
    /// `cli`, `values.csv:17` or `file:<path>`.
    pub source: String,
}

/// Switches that change how values match.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchOptions {
    /// Headers: the whole decoded value must equal the value.
    pub exact: bool,
    /// Keywords: only whole words (not inside a longer word).
    pub whole_word: bool,
}

/// One search, compiled: built once, shared by every worker.
pub struct Searcher {
    kind: SearchKind,
    indicators: Vec<Indicator>,
    matcher: Matcher,
    zip_caps: ZipCaps,
    parser: MessageParser,
}

enum Matcher {
    Links(LinkMatcher),
    Files(FileMatcher),
    Sender(SenderMatcher),
    Headers(HeaderMatcher),
    Keywords(KeywordMatcher),
}

/// What searching one message found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageHits {
    pub hits: Vec<Hit>,
    /// Parts that could not be decoded (the rest was searched).
    pub problems: Vec<String>,
}

impl Searcher {
    pub fn new(
        kind: SearchKind,
        values: &[RawValue],
        options: MatchOptions,
    ) -> Result<Searcher, SearchError> {
        let indexed = || values.iter().enumerate();
        let (matcher, normalized): (Matcher, Vec<String>) = match kind {
            SearchKind::Links => {
                let normalized = values
                    .iter()
                    .map(|v| {
                        links::normalized_value(&v.refanged).map_err(|error| SearchError::BadLink {
                            source_ref: v.source.clone(),
                            error,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let pairs: Vec<(usize, &str)> =
                    indexed().map(|(i, v)| (i, v.refanged.as_str())).collect();
                let matcher = LinkMatcher::new(&pairs).map_err(|error| SearchError::BadLink {
                    source_ref: "values".into(),
                    error,
                })?;
                (Matcher::Links(matcher), normalized)
            }
            SearchKind::Files => {
                let parsed = indexed()
                    .map(|(i, v)| files::parse_hash(&v.refanged).map(|h| (i, h)))
                    .collect::<Result<Vec<_>, _>>()?;
                let normalized = parsed
                    .iter()
                    .map(|(_, (k, hex))| format!("{}:{hex}", k.as_str()))
                    .collect();
                (Matcher::Files(FileMatcher::new(&parsed)), normalized)
            }
            SearchKind::Sender => {
                let parsed = indexed()
                    .map(|(i, v)| SenderValue::parse(&v.refanged).map(|s| (i, s)))
                    .collect::<Result<Vec<_>, _>>()?;
                let normalized = parsed.iter().map(|(_, s)| s.to_string()).collect();
                (Matcher::Sender(SenderMatcher::new(&parsed)?), normalized)
            }
            SearchKind::Headers => {
                let triples: Vec<(usize, &str, &str)> = indexed()
                    .map(|(i, v)| (i, v.key.as_deref().unwrap_or(""), v.refanged.as_str()))
                    .collect();
                let normalized = triples
                    .iter()
                    .map(|(_, k, v)| headers::normalized(k, v))
                    .collect();
                (
                    Matcher::Headers(HeaderMatcher::new(&triples, options.exact)?),
                    normalized,
                )
            }
            SearchKind::Keywords => {
                let pairs: Vec<(usize, &str)> =
                    indexed().map(|(i, v)| (i, v.refanged.as_str())).collect();
                let normalized = pairs.iter().map(|(_, v)| keywords::normalized(v)).collect();
                (
                    Matcher::Keywords(KeywordMatcher::new(&pairs, options.whole_word)?),
                    normalized,
                )
            }
        };
        let indicators = values
            .iter()
            .zip(normalized)
            .enumerate()
            .map(|(i, (v, normalized))| Indicator {
                id: format!("{}{}", kind.id_letter(), i + 1),
                kind,
                value: v.value.clone(),
                normalized,
                source: v.source.clone(),
            })
            .collect();
        Ok(Searcher {
            kind,
            indicators,
            matcher,
            zip_caps: ZipCaps::default(),
            parser: decoded::parser(),
        })
    }

    pub fn kind(&self) -> SearchKind {
        self.kind
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// Searches one message (its parsed view) and, for sender searches, its mbox
    /// envelope sender. Sender and header searches read only the header block.
    pub fn search(&self, message: &[u8], envelope_sender: Option<&str>) -> MessageHits {
        let decode = |w: Want| Decoded::parse(&self.parser, message, &self.zip_caps, w);
        let list_headers = |name: &str| {
            name.get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("list-"))
        };
        let decoded = match &self.matcher {
            Matcher::Sender(_) => decode(Want {
                senders: true,
                ..Want::default()
            }),
            Matcher::Headers(m) => decode(Want {
                headers: Some(&|name: &str| m.wants(name)),
                ..Want::default()
            }),
            Matcher::Links(_) => decode(Want {
                headers: Some(&list_headers),
                body_text: true,
                html: true,
                ..Want::default()
            }),
            Matcher::Files(_) => decode(Want {
                files: true,
                ..Want::default()
            }),
            Matcher::Keywords(_) => decode(Want {
                body_text: true,
                names_and_html_text: true,
                ..Want::default()
            }),
        };
        let mut hits = Hits::default();
        match &self.matcher {
            Matcher::Links(m) => find_links(m, &decoded, &mut hits),
            Matcher::Files(m) => m.find(&decoded, &mut hits),
            Matcher::Sender(m) => m.find(&decoded, envelope_sender, &mut hits),
            Matcher::Headers(m) => m.find(&decoded.headers, &mut hits),
            Matcher::Keywords(m) => m.find(&decoded.texts, &mut hits),
        }
        MessageHits {
            hits: hits.into_vec(),
            problems: decoded.problems,
        }
    }
}

/// Links in text bodies, HTML bodies and attachments, and `List-*` headers.
fn find_links(matcher: &LinkMatcher, message: &Decoded, hits: &mut Hits) {
    let mut check = |url: &str, field: &str, path: &str| {
        for hit in matcher.match_url(url) {
            hits.add(hit.indicator, field, path, || {
                let mut shown = url.to_string();
                for step in hit.chain.iter().skip(1) {
                    shown.push_str(" → ");
                    shown.push_str(step);
                }
                shown.chars().take(hit::SNIPPET_CHARS).collect()
            });
        }
    };
    // Only `List-*` headers were decoded (see `Searcher::search`).
    for header in &message.headers {
        let field = format!("header:{}", header.name.to_ascii_lowercase());
        for url in links::urls_in_header(&header.value) {
            check(&url, &field, "");
        }
    }
    for text in message
        .texts
        .iter()
        .filter(|t| t.field == TextField::BodyText)
    {
        for url in links::urls_in_text(&text.text) {
            check(&url, "body_text", &text.path);
        }
    }
    for html in &message.html {
        let field = if html.attachment {
            "attachment_html"
        } else {
            "body_html"
        };
        for url in links::urls_in_html(&html.html) {
            check(&url, field, &html.path);
        }
    }
}

/// What to do with a matched message (the seed's "Result"). Only `Review` never
/// changes a mailbox; `apply` carries the others out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultAction {
    Archive,
    Delete,
    Review,
}

impl ResultAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Archive => "archive",
            Self::Delete => "delete",
            Self::Review => "review",
        }
    }
}

impl std::fmt::Display for ResultAction {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
