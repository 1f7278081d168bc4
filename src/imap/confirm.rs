//! Is this server copy the manifest's message? A [`Fingerprint`] answers by hashing the
//! bytes the server returns for `BODY.PEEK[]`.
//!
//! The manifest's `sha256` is of the stored bytes at the locator, and those differ from
//! what an IMAP server holds in two ways:
//! - **Line ends.** IMAP sends CRLF; exported files are often LF. Both sides are compared
//!   after normalising line ends (every lone LF becomes CRLF, or every CRLF becomes LF),
//!   which only ever equates copies that differ in nothing but line ends.
//! - **mbox framing.** An mbox locator's bytes include the `From ` line, the separator
//!   line after the message, and `>From ` quoting of body lines; no server copy has them,
//!   so the manifest's hash alone can never confirm an mbox message. With the stored bytes
//!   at hand ([`Fingerprint::from_stored`]), the parsed view is hashed instead (the
//!   message without `From ` line and separator, as `corpus::mbox::parsed_view` cuts it),
//!   both as stored and with `>From ` quoting undone, since the server's copy may have
//!   either, each normalised to CRLF.
//!
//! For a file locator (Maildir, `.eml`) the stored bytes are the whole message, so the
//! manifest's `sha256` is compared with the server's bytes as they are, made CRLF, and
//! made LF ([`Fingerprint::from_manifest`]).
//!
//! The server's `RFC822.SIZE` must equal the length of the bytes it sent (checked by the
//! caller), so a copy the server reports inconsistently is never acted on.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use crate::corpus::mbox::parsed_view;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Norm {
    AsIs,
    Crlf,
    Lf,
}

/// The hashes a server copy may match, each with how the server's bytes are normalised
/// before hashing. Empty: the message cannot be confirmed (an mbox message known only
/// from the manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    hashes: Vec<(Norm, [u8; 32])>,
}

impl Fingerprint {
    /// From a manifest row alone: `locator_kind` (`file`, `mbox`, `mbox.gz`) and its
    /// hex `sha256`. None when the hash is not 64 hex digits.
    pub fn from_manifest(locator_kind: &str, sha256_hex: &str) -> Option<Fingerprint> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(sha256_hex, &mut hash).ok()?;
        let hashes = if locator_kind == "file" {
            vec![(Norm::AsIs, hash), (Norm::Crlf, hash), (Norm::Lf, hash)]
        } else {
            Vec::new()
        };
        Some(Fingerprint { hashes })
    }

    /// From the stored bytes at the locator (the caller has checked them against the
    /// manifest's `sha256`). For a file locator this is [`Self::from_manifest`]'s rule;
    /// for mbox, the parsed view, quoted and unquoted, made CRLF.
    pub fn from_stored(locator_kind: &str, stored: &[u8]) -> Fingerprint {
        if locator_kind == "file" {
            let hash: [u8; 32] = Sha256::digest(stored).into();
            return Fingerprint {
                hashes: vec![(Norm::AsIs, hash), (Norm::Crlf, hash), (Norm::Lf, hash)],
            };
        }
        let view = parsed_view(stored, true);
        let mut hashes = vec![(Norm::Crlf, sha256(&to_crlf(&view.bytes)))];
        let unquoted = (Norm::Crlf, sha256(&to_crlf(&view.unquoted())));
        if unquoted != hashes[0] {
            hashes.push(unquoted);
        }
        Fingerprint { hashes }
    }

    /// Whether nothing can confirm a copy (the caller skips the row and says why).
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether the server's bytes are this message.
    pub fn matches(&self, server: &[u8]) -> bool {
        let mut cache: Vec<(Norm, [u8; 32])> = Vec::new();
        self.hashes.iter().any(|&(norm, want)| {
            let got = match cache.iter().find(|(n, _)| *n == norm) {
                Some(&(_, h)) => h,
                None => {
                    let h = sha256(&normalise(server, norm));
                    cache.push((norm, h));
                    h
                }
            };
            got == want
        })
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn normalise(bytes: &[u8], norm: Norm) -> Cow<'_, [u8]> {
    match norm {
        Norm::AsIs => Cow::Borrowed(bytes),
        Norm::Crlf => to_crlf(bytes),
        Norm::Lf => to_lf(bytes),
    }
}

/// Every LF not preceded by CR becomes CRLF; CRLF and lone CR stay.
pub fn to_crlf(bytes: &[u8]) -> Cow<'_, [u8]> {
    let lone_lf = |i: usize| bytes[i] == b'\n' && (i == 0 || bytes[i - 1] != b'\r');
    if !(0..bytes.len()).any(lone_lf) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    for (i, &b) in bytes.iter().enumerate() {
        if lone_lf(i) {
            out.push(b'\r');
        }
        out.push(b);
    }
    Cow::Owned(out)
}

/// Every CRLF becomes LF; lone CR stays.
fn to_lf(bytes: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memmem::find(bytes, b"\r\n").is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LF: &[u8] = b"From: a@b\nSubject: x\n\nbody\n";
    const CRLF: &[u8] = b"From: a@b\r\nSubject: x\r\n\r\nbody\r\n";

    #[test]
    fn line_ends() {
        assert_eq!(&*to_crlf(LF), CRLF);
        assert_eq!(&*to_crlf(CRLF), CRLF);
        assert_eq!(&*to_lf(CRLF), LF);
        assert_eq!(&*to_crlf(b"a\r\rb\n"), b"a\r\rb\r\n");
    }

    #[test]
    fn file_locators_match_either_line_end() {
        let lf = Fingerprint::from_manifest("file", &hex::encode(sha256(LF))).unwrap();
        assert!(lf.matches(CRLF) && lf.matches(LF));
        assert!(!lf.matches(b"From: a@b\r\nSubject: y\r\n\r\nbody\r\n"));
        let crlf = Fingerprint::from_stored("file", CRLF);
        assert!(crlf.matches(CRLF) && crlf.matches(LF));
        assert!(Fingerprint::from_manifest("file", "abc").is_none());
    }

    #[test]
    fn mbox_needs_the_stored_bytes() {
        let stored = b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b\n\n>From here\nbye\n\n";
        let manifest = Fingerprint::from_manifest("mbox", &hex::encode(sha256(stored))).unwrap();
        assert!(manifest.is_empty());
        let fp = Fingerprint::from_stored("mbox", stored);
        assert!(fp.matches(b"From: a@b\r\n\r\n>From here\r\nbye\r\n"));
        assert!(fp.matches(b"From: a@b\r\n\r\nFrom here\r\nbye\r\n"));
        assert!(!fp.matches(b"From: a@b\r\n\r\nFrom here\r\nbye\r\n\r\n"));
    }
}
