//! Files search: the SHA-256 (or MD5, SHA-1) of every attached file's decoded contents,
//! of files inside zip attachments and of attached messages' attachments. Digests are
//! computed only for the algorithms some value uses, and only by this search.

use std::collections::HashMap;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::hit::Hits;
use super::SearchError;
use crate::message::decoded::Decoded;

/// The digest algorithm a hash value is in, by its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    Md5,
    Sha1,
    Sha256,
}

impl HashKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }

    fn digest(self, data: &[u8]) -> String {
        match self {
            Self::Md5 => hex::encode(Md5::digest(data)),
            Self::Sha1 => hex::encode(Sha1::digest(data)),
            Self::Sha256 => hex::encode(Sha256::digest(data)),
        }
    }
}

/// Classifies a lowercase hex digest: `sha256:<hex>`, the indicator's `normalized`.
pub fn parse_hash(value: &str) -> Result<(HashKind, String), SearchError> {
    let hex = value.trim().to_ascii_lowercase();
    let kind = match hex.len() {
        32 => HashKind::Md5,
        40 => HashKind::Sha1,
        64 => HashKind::Sha256,
        _ => {
            return Err(SearchError::BadValue {
                value: value.to_string(),
                why: "a file hash is 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex digits".into(),
            })
        }
    };
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SearchError::BadValue {
            value: value.to_string(),
            why: "a file hash is hex digits".into(),
        });
    }
    Ok((kind, hex))
}

pub struct FileMatcher {
    by_digest: HashMap<(HashKind, String), Vec<usize>>,
    kinds: Vec<HashKind>,
}

impl FileMatcher {
    /// `values`: (indicator, (algorithm, lowercase hex)).
    pub fn new(values: &[(usize, (HashKind, String))]) -> FileMatcher {
        let mut by_digest: HashMap<(HashKind, String), Vec<usize>> = HashMap::new();
        for (indicator, key) in values {
            by_digest.entry(key.clone()).or_default().push(*indicator);
        }
        let mut kinds: Vec<HashKind> = by_digest.keys().map(|(k, _)| *k).collect();
        kinds.sort_by_key(|k| k.as_str());
        kinds.dedup();
        FileMatcher { by_digest, kinds }
    }

    pub fn find(&self, message: &Decoded, hits: &mut Hits) {
        for file in &message.files {
            let Some(data) = &file.data else { continue };
            for &kind in &self.kinds {
                let digest = kind.digest(data);
                let found = self.by_digest.get(&(kind, digest));
                for &indicator in found.into_iter().flatten() {
                    let field = format!("attachment_{}", kind.as_str());
                    hits.add(indicator, &field, &file.path, || {
                        file.name.clone().unwrap_or_default()
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decoded::File;

    #[test]
    fn finds_files_by_each_algorithm() {
        let abc_sha256 = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        let abc_md5 = "900150983cd24fb0d6963f7d28e17f72";
        let abc_sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
        let values: Vec<(usize, (HashKind, String))> = [abc_sha256, abc_md5, abc_sha1]
            .iter()
            .enumerate()
            .map(|(i, v)| (i, parse_hash(v).unwrap()))
            .collect();
        let m = FileMatcher::new(&values);
        let message = Decoded {
            files: vec![
                File {
                    path: "2".into(),
                    name: Some("a.txt".into()),
                    data: Some(b"abc".to_vec()),
                    problem: None,
                },
                File {
                    path: "3".into(),
                    name: None,
                    data: Some(b"abd".to_vec()),
                    problem: None,
                },
                File {
                    path: "4".into(),
                    name: None,
                    data: None,
                    problem: Some("encrypted".into()),
                },
            ],
            ..Decoded::default()
        };
        let mut hits = Hits::default();
        m.find(&message, &mut hits);
        let got: Vec<_> = hits
            .into_vec()
            .into_iter()
            .map(|h| (h.indicator, h.field, h.path, h.snippet))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "attachment_sha256".into(), "2".into(), "a.txt".into()),
                (1, "attachment_md5".into(), "2".into(), "a.txt".into()),
                (2, "attachment_sha1".into(), "2".into(), "a.txt".into()),
            ]
        );
    }

    #[test]
    fn rejects_non_hashes() {
        assert!(parse_hash("invoice.pdf").is_err());
        assert!(parse_hash(&"g".repeat(64)).is_err());
    }
}
