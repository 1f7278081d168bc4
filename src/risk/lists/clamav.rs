//! Whole-file hash signatures in ClamAV's formats, and the EICAR test file.
//!
//! `*.hdb`: `md5:size:name`; `*.hsb`: `sha256:size:name` (or SHA-1, by the hash's
//! length, as ClamAV reads them), either optionally followed by `:flevel` and
//! `:max_flevel` (ignored). `size` may be `*` (any size; ClamAV then wants a minimum
//! flevel, we accept it with or without). Lines starting with `#` and blank lines are
//! skipped.
//!
//! Signatures are indexed by size first: a file is hashed only when some signature of
//! that kind lists its size (or any size), so most attachments need no hash at all.

use std::collections::{HashMap, HashSet};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::Origin;

/// The EICAR test file's 68 bytes (written in two halves so that this source file is
/// not itself taken for the test file by a scanner reading it).
pub(super) const EICAR: &[u8] = concat!(
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
    "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
)
.as_bytes();
/// The EICAR definition: the string may be followed by whitespace up to this length.
const EICAR_MAX_LEN: usize = 128;

/// Whether `data` is the EICAR test file: it starts with the 68-byte string, followed
/// only by whitespace (space, tab, CR, LF, Ctrl-Z), 128 bytes at most in all.
pub(super) fn is_eicar(data: &[u8]) -> bool {
    data.len() <= EICAR_MAX_LEN
        && data.starts_with(EICAR)
        && data[EICAR.len()..]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x1a))
}

/// The digest a signature is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum HashKind {
    Md5,
    Sha1,
    Sha256,
}

impl HashKind {
    pub(super) const ALL: [HashKind; 3] = [Self::Md5, Self::Sha1, Self::Sha256];

    fn of_hex_len(len: usize) -> Option<HashKind> {
        match len {
            32 => Some(Self::Md5),
            40 => Some(Self::Sha1),
            64 => Some(Self::Sha256),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Md5 => Md5::digest(data).to_vec(),
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    /// The rule a match of this kind is reported under.
    pub(super) fn rule(self) -> &'static str {
        match self {
            Self::Md5 => "virus.clamav_md5",
            Self::Sha1 => "virus.clamav_sha1",
            Self::Sha256 => "virus.clamav_sha256",
        }
    }
}

/// The signature file formats, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SigFormat {
    /// `.hdb`: MD5.
    Hdb,
    /// `.hsb`: SHA-256 or SHA-1.
    Hsb,
}

/// One parsed signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SigLine {
    pub kind: HashKind,
    pub digest: Vec<u8>,
    /// `None` for `*` (any size).
    pub size: Option<u64>,
    pub name: String,
}

/// A signature line: `None` for a blank or `#` comment line, an error message otherwise.
pub(super) fn sig_line(format: SigFormat, line: &str) -> Result<Option<SigLine>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let fields: Vec<&str> = line.split(':').collect();
    let [hash, size, name, flevels @ ..] = fields.as_slice() else {
        return Err(format!("expected hash:size:name, found {line:?}"));
    };
    if flevels.len() > 2 || flevels.iter().any(|f| f.parse::<u32>().is_err()) {
        return Err(format!(
            "after hash:size:name only :flevel[:max_flevel] numbers may follow, found {line:?}"
        ));
    }
    let kind = HashKind::of_hex_len(hash.len())
        .filter(|k| match format {
            SigFormat::Hdb => *k == HashKind::Md5,
            SigFormat::Hsb => *k != HashKind::Md5,
        })
        .ok_or_else(|| match format {
            SigFormat::Hdb => format!("not an MD5 (32 hex digits): {hash:?}"),
            SigFormat::Hsb => format!("not a SHA-256 or SHA-1 (64 or 40 hex digits): {hash:?}"),
        })?;
    let digest = hex::decode(hash).map_err(|_| format!("not hexadecimal: {hash:?}"))?;
    let size = match *size {
        "*" => None,
        s => Some(
            s.parse::<u64>()
                .map_err(|_| format!("size is neither a number nor `*`: {s:?}"))?,
        ),
    };
    if name.is_empty() {
        return Err("empty signature name".to_string());
    }
    Ok(Some(SigLine {
        kind,
        digest,
        size,
        name: name.to_string(),
    }))
}

/// A loaded signature: what a match reports.
#[derive(Debug)]
pub(super) struct Signature {
    pub size: Option<u64>,
    pub name: Box<str>,
    pub origin: Origin,
}

/// The signatures of one hash kind, by digest, and the sizes they list.
#[derive(Debug, Default)]
struct KindIndex {
    sizes: HashSet<u64>,
    any_size: bool,
    by_digest: HashMap<Box<[u8]>, Vec<Signature>>,
}

/// Every loaded hash signature.
#[derive(Debug, Default)]
pub(super) struct Signatures {
    kinds: HashMap<HashKind, KindIndex>,
    count: usize,
}

impl Signatures {
    pub(super) fn insert(&mut self, line: SigLine, origin: Origin) {
        let index = self.kinds.entry(line.kind).or_default();
        match line.size {
            Some(size) => {
                index.sizes.insert(size);
            }
            None => index.any_size = true,
        }
        index
            .by_digest
            .entry(line.digest.into_boxed_slice())
            .or_default()
            .push(Signature {
                size: line.size,
                name: line.name.into_boxed_str(),
                origin,
            });
        self.count += 1;
    }

    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// The signatures `data` matches (hash and size), each with its kind; a kind's
    /// digest is computed only if one of its signatures could match this size.
    pub(super) fn matches(&self, data: &[u8]) -> Vec<(HashKind, &Signature)> {
        let size = data.len() as u64;
        let mut out = Vec::new();
        for kind in HashKind::ALL {
            let Some(index) = self.kinds.get(&kind) else {
                continue;
            };
            if !(index.any_size || index.sizes.contains(&size)) {
                continue;
            }
            let digest = kind.digest(data);
            if let Some(sigs) = index.by_digest.get(digest.as_slice()) {
                out.extend(
                    sigs.iter()
                        .filter(|s| s.size.is_none_or(|s| s == size))
                        .map(|s| (kind, s)),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD5_ABC: &str = "900150983cd24fb0d6963f7d28e17f72";
    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA1_ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

    fn sigs(lines: &[(SigFormat, &str)]) -> Signatures {
        let mut s = Signatures::default();
        for (i, (format, line)) in lines.iter().enumerate() {
            let sig = sig_line(*format, line).unwrap().unwrap();
            s.insert(
                sig,
                Origin {
                    file: 0,
                    line: i as u32 + 1,
                    note: None,
                },
            );
        }
        s
    }

    fn names(s: &Signatures, data: &[u8]) -> Vec<(HashKind, String)> {
        s.matches(data)
            .into_iter()
            .map(|(k, s)| (k, s.name.to_string()))
            .collect()
    }

    #[test]
    fn eicar_and_its_near_misses() {
        assert_eq!(EICAR.len(), 68);
        assert!(is_eicar(EICAR));
        let mut padded = EICAR.to_vec();
        padded.extend_from_slice(b"\r\n \t\x1a");
        assert!(is_eicar(&padded));
        padded.resize(128, b' ');
        assert!(is_eicar(&padded));
        padded.push(b' ');
        assert!(!is_eicar(&padded), "129 bytes is past the definition");
        let mut trailing = EICAR.to_vec();
        trailing.extend_from_slice(b"\nmore text");
        assert!(!is_eicar(&trailing), "only whitespace may follow");
        let mut inside = b"Here it is: ".to_vec();
        inside.extend_from_slice(EICAR);
        assert!(
            !is_eicar(&inside),
            "the string inside a longer file is not EICAR"
        );
        assert!(!is_eicar(&EICAR[..67]));
        assert!(!is_eicar(&EICAR.to_ascii_lowercase()));
        assert!(!is_eicar(b""));
    }

    #[test]
    fn signature_lines() {
        let l = sig_line(SigFormat::Hdb, &format!("{MD5_ABC}:3:Test.Abc-1"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (l.kind, l.size, l.name.as_str()),
            (HashKind::Md5, Some(3), "Test.Abc-1")
        );
        let l = sig_line(
            SigFormat::Hsb,
            &format!("{}:*:Test.Any:73", SHA256_ABC.to_uppercase()),
        )
        .unwrap()
        .unwrap();
        assert_eq!((l.kind, l.size), (HashKind::Sha256, None));
        assert_eq!(hex::encode(&l.digest), SHA256_ABC);
        let l = sig_line(SigFormat::Hsb, &format!("{SHA1_ABC}:3:Test.Sha1:51:255"))
            .unwrap()
            .unwrap();
        assert_eq!(l.kind, HashKind::Sha1);
        assert_eq!(sig_line(SigFormat::Hdb, "# comment"), Ok(None));
        assert_eq!(sig_line(SigFormat::Hdb, "  "), Ok(None));
    }

    #[test]
    fn malformed_signature_lines_are_errors() {
        for (format, bad) in [
            (SigFormat::Hdb, format!("{SHA256_ABC}:3:Sha256.In.Hdb")),
            (SigFormat::Hsb, format!("{MD5_ABC}:3:Md5.In.Hsb")),
            (SigFormat::Hdb, format!("{MD5_ABC}:3")),
            (SigFormat::Hdb, format!("{MD5_ABC}:three:X")),
            (SigFormat::Hdb, format!("{MD5_ABC}:3:")),
            (SigFormat::Hdb, format!("{MD5_ABC}:3:X:level")),
            (SigFormat::Hdb, format!("{MD5_ABC}:3:X:1:2:3")),
            (SigFormat::Hdb, format!("{}zz:3:X", &MD5_ABC[..30])),
            (SigFormat::Hdb, "-3:X".to_string()),
        ] {
            assert!(sig_line(format, &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hash_and_size_must_both_match() {
        let s = sigs(&[
            (SigFormat::Hdb, &format!("{MD5_ABC}:3:Md5.Abc")),
            (SigFormat::Hsb, &format!("{SHA256_ABC}:4:Sha256.WrongSize")),
            (SigFormat::Hsb, &format!("{SHA1_ABC}:*:Sha1.AnySize:73")),
        ]);
        assert_eq!(s.len(), 3);
        assert_eq!(
            names(&s, b"abc"),
            [
                (HashKind::Md5, "Md5.Abc".to_string()),
                (HashKind::Sha1, "Sha1.AnySize".to_string())
            ]
        );
        assert!(names(&s, b"abd").is_empty(), "same size, other hash");
        assert!(names(&s, b"abc ").is_empty(), "other size, other hash");
    }
}
