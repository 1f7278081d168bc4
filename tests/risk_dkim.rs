//! Offline DKIM re-verification over real signed messages: rspamd's copy of RFC 8463's
//! example verified with the RFC's published keys, and every DKIM-signed test message of
//! the SpamAssassin and rspamd suites judged against an empty keys file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mailsweep::risk::dkim::{verify, DkimKeys};
use mailsweep::risk::{Category, Evidence};

fn corpora() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

fn rfc8463_keys() -> DkimKeys {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/risk/dkim/rfc8463.zone");
    DkimKeys::load(&path).unwrap()
}

/// Fri, 11 Jul 2003 21:00:37 -0700, the example's Date.
const RFC8463_DATE: i64 = 1_057_982_437;

fn rspamd(name: &str) -> Vec<u8> {
    std::fs::read(corpora().join("rspamd-test-messages").join(name)).unwrap()
}

fn rules(evidence: &[Evidence]) -> Vec<&'static str> {
    evidence.iter().map(|e| e.rule).collect()
}

#[test]
fn rfc8463_example_verifies_offline_with_the_rfc_keys() {
    let keys = rfc8463_keys();
    assert_eq!(keys.len(), 2);
    let evidence = verify(&rspamd("ed25519.eml"), &keys, Some(RFC8463_DATE));
    assert_eq!(
        rules(&evidence),
        ["dkim.offline_pass", "dkim.offline_pass"],
        "{evidence:?}"
    );
    assert!(
        evidence[0].detail.contains("s=\"brisbane\""),
        "{evidence:?}"
    );
    assert!(evidence[1].detail.contains("s=\"test\""), "{evidence:?}");
    assert!(evidence.iter().all(|e| e.category.is_none()));
}

#[test]
fn rfc8463_example_with_a_changed_from_fails_both_signatures() {
    // rspamd's ed25519-broken.eml: the same message, From rewritten to evil.example.com.
    let evidence = verify(
        &rspamd("ed25519-broken.eml"),
        &rfc8463_keys(),
        Some(RFC8463_DATE),
    );
    assert_eq!(
        rules(&evidence),
        ["dkim.offline_fail", "dkim.offline_fail"],
        "{evidence:?}"
    );
    for e in &evidence {
        assert_eq!(e.category, Some(Category::Forged));
        assert!(e.detail.contains("signature mismatch"), "{e:?}");
    }
}

/// Every file under `dir` (recursively) with DKIM-Signature header lines, and how many.
fn dkim_signed_files(dir: &Path, found: &mut Vec<(PathBuf, usize)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            dkim_signed_files(&path, found);
        } else {
            let headers = std::fs::read(&path).map_or(0, |bytes| dkim_headers(&bytes));
            if headers > 0 {
                found.push((path, headers));
            }
        }
    }
}

/// DKIM-Signature header lines in the header block, counted without mail-auth.
fn dkim_headers(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .take_while(|line| !line.is_empty() && *line != b"\r")
        .filter(|line| line.len() >= 15 && line[..15].eq_ignore_ascii_case(b"dkim-signature:"))
        .count()
}

/// Over every DKIM-signed message of the two test suites: the files, their signatures,
/// and the count of each rule.
fn verdicts(keys: &DkimKeys) -> (usize, usize, BTreeMap<&'static str, usize>) {
    let mut files = Vec::new();
    for suite in ["spamassassin-testdata", "rspamd-test-messages"] {
        dkim_signed_files(&corpora().join(suite), &mut files);
    }
    let mut counts = BTreeMap::new();
    for (file, _) in &files {
        let message = std::fs::read(file).unwrap();
        for e in verify(&message, keys, None) {
            *counts.entry(e.rule).or_default() += 1;
        }
    }
    let signatures = files.iter().map(|(_, headers)| headers).sum();
    (files.len(), signatures, counts)
}

/// 81 signed files, 95 signatures: 19 are not verifiable by any key (hand-checked:
/// SpamAssassin's nice/dkim/* are pre-RFC DomainKeys-era signatures without bh= (one
/// with v=DKIM1), rspamd's dkim_many_sigs / dkim_sigs_at_limit carry junk signatures
/// without bh= and b=); each of the other 76 is reported as having no key given.
#[test]
fn with_no_keys_no_real_signature_is_judged() {
    let empty = DkimKeys::parse("", "empty").unwrap();
    let (files, signatures, counts) = verdicts(&empty);
    assert_eq!((files, signatures), (81, 95));
    assert_eq!(
        counts,
        BTreeMap::from([
            ("dkim.offline_no_key", 76),
            ("dkim.offline_unverifiable", 19)
        ])
    );
}

/// With RFC 8463's keys, its example's two signatures pass, the broken copy's two fail,
/// and nothing else changes.
#[test]
fn with_the_rfc_keys_only_the_rfc_example_is_judged() {
    let (_, signatures, counts) = verdicts(&rfc8463_keys());
    assert_eq!(
        counts,
        BTreeMap::from([
            ("dkim.offline_fail", 2),
            ("dkim.offline_no_key", 72),
            ("dkim.offline_pass", 2),
            ("dkim.offline_unverifiable", 19),
        ])
    );
    assert_eq!(counts.values().sum::<usize>(), signatures);
}
