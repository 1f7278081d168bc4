//! Messages signed here with known keys (mail-auth's signer), verified offline.

use std::net::UdpSocket;
use std::path::PathBuf;

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256, SigningKey};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, DkimSigner};
use mail_parser::decoders::base64::base64_decode;

use super::*;

const MESSAGE: &str = "From: Alice <alice@example.org>\r\n\
    To: Bob <bob@example.net>\r\n\
    Subject: Quarterly numbers\r\n\
    Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\
    \r\n\
    Hello Bob,\r\n\
    \r\n\
    the numbers are attached.\r\n";

/// The message's Date, 2023-11-14T22:13:20Z.
const MESSAGE_DATE: i64 = 1_700_000_000;

/// RFC 8032 §7.1 test 1 (its public key is RFC 8463's example key).
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PUBLIC: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
/// RFC 8032 §7.1 test 2: a valid Ed25519 key that signed nothing here.
const OTHER_ED25519_PUBLIC: &str = "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=";

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/risk/dkim")
        .join(name)
}

fn ed25519_key() -> Ed25519Key {
    let public = base64_decode(ED25519_PUBLIC.as_bytes()).unwrap();
    Ed25519Key::from_seed_and_public_key(&hex::decode(ED25519_SEED).unwrap(), &public).unwrap()
}

/// The throwaway RSA test key of testdata/risk/dkim (README.md there).
fn rsa_key() -> RsaKey<Sha256> {
    let pem = std::fs::read_to_string(testdata("test-rsa-2048.pem")).unwrap();
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64_decode(body.as_bytes()).unwrap();
    RsaKey::<Sha256>::from_key_der(der.as_slice().try_into().unwrap()).unwrap()
}

/// Keys: the test RSA key (from its zone file) and the Ed25519 key, plus `extra` lines.
fn keys_with(extra: &str) -> DkimKeys {
    let zone = std::fs::read_to_string(testdata("test-keys.zone")).unwrap();
    let text = format!(
        "{zone}\ned._domainkey.example.org \"v=DKIM1; k=ed25519; p={ED25519_PUBLIC}\"\n{extra}"
    );
    DkimKeys::parse(&text, "test keys").unwrap()
}

fn signer<K: SigningKey<Hasher = Sha256>>(
    key: K,
    selector: &str,
    canonicalization: (Canonicalization, Canonicalization),
) -> DkimSigner<K, mail_auth::dkim::Done> {
    DkimSigner::from_key(key)
        .domain("example.org")
        .selector(selector)
        .headers(["From", "To", "Subject", "Date"])
        .header_canonicalization(canonicalization.0)
        .body_canonicalization(canonicalization.1)
}

const RELAXED: (Canonicalization, Canonicalization) =
    (Canonicalization::Relaxed, Canonicalization::Relaxed);

/// `message` with a DKIM-Signature by `signer` prepended.
fn signed<K: SigningKey<Hasher = Sha256>>(
    signer: &DkimSigner<K, mail_auth::dkim::Done>,
    message: &str,
) -> String {
    let signature = signer.sign(message.as_bytes()).unwrap();
    format!("{}{message}", signature.to_header())
}

/// `message` signed with the Ed25519 key and chosen `t=` and `x=` (mail-auth's signer
/// takes both from today's clock): the signature is recomputed over the same relaxed
/// header canonicalisation mail-auth's signer uses.
fn signed_at(message: &str, t: u64, x: u64) -> String {
    let key = ed25519_key();
    let mut signature = signer(ed25519_key(), "ed", RELAXED)
        .sign(message.as_bytes())
        .unwrap();
    signature.t = t;
    signature.x = x;
    signature.b = Vec::new();
    let parsed = AuthenticatedMessage::parse(message.as_bytes()).unwrap();
    let headers = signature.h.iter().map(|name| {
        *parsed
            .headers
            .iter()
            .rev()
            .find(|(header, _)| header.eq_ignore_ascii_case(name.as_bytes()))
            .unwrap()
    });
    let mut data = Vec::new();
    Canonicalization::Relaxed.canonicalize_headers(headers, &mut data);
    signature.write(&mut data, false);
    signature.b = key.sign(data.as_slice()).unwrap();
    format!("{}{message}", signature.to_header())
}

fn rules(evidence: &[Evidence]) -> Vec<&'static str> {
    evidence.iter().map(|e| e.rule).collect()
}

fn assert_single(evidence: &[Evidence], rule: &str, detail_has: &str) {
    assert_eq!(rules(evidence), [rule], "{evidence:?}");
    assert!(evidence[0].detail.contains(detail_has), "{evidence:?}");
    let forged = rule == "dkim.offline_fail";
    assert_eq!(
        evidence[0].category,
        forged.then_some(Category::Forged),
        "{evidence:?}"
    );
}

#[test]
fn an_ed25519_signature_verifies_against_the_given_key() {
    let message = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);
    let evidence = verify(message.as_bytes(), &keys_with(""), Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_pass", "d=\"example.org\" s=\"ed\"");
}

#[test]
fn rsa_signatures_verify_in_every_canonicalisation() {
    use Canonicalization::{Relaxed, Simple};
    let keys = keys_with("");
    for canonicalization in [
        (Relaxed, Relaxed),
        (Simple, Simple),
        (Relaxed, Simple),
        (Simple, Relaxed),
    ] {
        let message = signed(&signer(rsa_key(), "rsa", canonicalization), MESSAGE);
        let evidence = verify(message.as_bytes(), &keys, Some(MESSAGE_DATE));
        assert_single(&evidence, "dkim.offline_pass", "s=\"rsa\"");
        // The same message with its body altered fails, whatever the canonicalisation.
        let tampered = message.replace("numbers are attached", "numbers are below");
        let evidence = verify(tampered.as_bytes(), &keys, Some(MESSAGE_DATE));
        assert_single(&evidence, "dkim.offline_fail", "body hash mismatch");
    }
}

#[test]
fn a_tampered_body_or_signed_header_fails_and_an_unsigned_change_does_not() {
    let keys = keys_with("");
    let message = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);

    let body = message.replace("the numbers", "the invoice");
    let evidence = verify(body.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "body hash mismatch");

    let subject = message.replace("Quarterly numbers", "Urgent: new bank details");
    let evidence = verify(subject.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "signature mismatch");

    // Near misses: a header nobody signed, and whitespace relaxed canonicalisation
    // ignores, change nothing.
    let unsigned = format!("Received: from relay.example.net\r\n{message}");
    let evidence = verify(unsigned.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_pass", "");
    let spaced = message.replace("Hello Bob,", "Hello   Bob,  ");
    let evidence = verify(spaced.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_pass", "");
}

#[test]
fn simple_body_canonicalisation_counts_whitespace() {
    let simple = (Canonicalization::Relaxed, Canonicalization::Simple);
    let message = signed(&signer(ed25519_key(), "ed", simple), MESSAGE);
    let spaced = message.replace("Hello Bob,", "Hello   Bob,");
    let evidence = verify(spaced.as_bytes(), &keys_with(""), Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "body hash mismatch");
}

#[test]
fn a_wrong_key_or_a_key_of_another_type_fails() {
    let message = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);
    let wrong = DkimKeys::parse(
        &format!("ed._domainkey.example.org v=DKIM1; k=ed25519; p={OTHER_ED25519_PUBLIC}"),
        "wrong",
    )
    .unwrap();
    let evidence = verify(message.as_bytes(), &wrong, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "signature mismatch");

    // The RSA test key's record under the Ed25519 selector.
    let zone = std::fs::read_to_string(testdata("test-keys.zone")).unwrap();
    let rsa_as_ed =
        DkimKeys::parse(&zone.replace("rsa._domainkey", "ed._domainkey"), "swap").unwrap();
    let evidence = verify(message.as_bytes(), &rsa_as_ed, Some(MESSAGE_DATE));
    assert_single(
        &evidence,
        "dkim.offline_fail",
        "not of the signature's algorithm",
    );
}

#[test]
fn a_revoked_key_fails() {
    let message = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);
    let revoked = DkimKeys::parse("ed._domainkey.example.org \"v=DKIM1; p=\"", "revoked").unwrap();
    let evidence = verify(message.as_bytes(), &revoked, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "revoked");
}

#[test]
fn a_signature_without_a_key_is_reported_not_judged() {
    let message = signed(&signer(ed25519_key(), "other", RELAXED), MESSAGE);
    let evidence = verify(message.as_bytes(), &keys_with(""), Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_no_key", "s=\"other\"");
    // An empty keys file: the same.
    let none = DkimKeys::parse("; nothing\n", "empty").unwrap();
    assert!(none.is_empty());
    let evidence = verify(message.as_bytes(), &none, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_no_key", "no key given");
}

#[test]
fn expiry_is_judged_at_the_message_date_not_today() {
    let keys = keys_with("");
    let t = (MESSAGE_DATE - 60) as u64;

    // x= a day after the message date: long past today, valid when the message was sent.
    let valid_then = signed_at(MESSAGE, t, (MESSAGE_DATE + 86_400) as u64);
    let evidence = verify(valid_then.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_pass", "");

    // x= a second before the message date: expired when it was sent.
    let expired_then = signed_at(MESSAGE, t, (MESSAGE_DATE - 1) as u64);
    let evidence = verify(expired_then.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(
        &evidence,
        "dkim.offline_fail",
        "expired at the message date",
    );
    assert!(evidence[0].detail.contains("2023-11-14"), "{evidence:?}");

    // x= far in the future of today, but the message claims a date after it.
    let future_x = signed_at(MESSAGE, t, 4_000_000_000);
    let evidence = verify(future_x.as_bytes(), &keys, Some(4_000_000_001));
    assert_single(
        &evidence,
        "dkim.offline_fail",
        "expired at the message date",
    );
    let evidence = verify(future_x.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_pass", "");

    // The expiry check runs before the cryptography: it is the reason given even when
    // the signature is otherwise sound, and the signature itself is still checked
    // when not expired (a tampered body under a valid x= fails on its body).
    let tampered = valid_then.replace("the numbers", "the invoice");
    let evidence = verify(tampered.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_fail", "body hash mismatch");
}

#[test]
fn without_a_message_date_only_x_after_t_is_checked() {
    let keys = keys_with("");
    let t = (MESSAGE_DATE - 60) as u64;
    let past_x = signed_at(MESSAGE, t, (MESSAGE_DATE + 86_400) as u64);
    let evidence = verify(past_x.as_bytes(), &keys, None);
    assert_single(&evidence, "dkim.offline_pass", "");
    let x_before_t = signed_at(MESSAGE, t, t - 1);
    let evidence = verify(x_before_t.as_bytes(), &keys, None);
    assert_single(&evidence, "dkim.offline_fail", "is not after its t=");
}

#[test]
fn each_signature_gets_its_own_verdict() {
    let ed = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);
    let both = signed(&signer(rsa_key(), "unknown", RELAXED), &ed);
    let evidence = verify(both.as_bytes(), &keys_with(""), Some(MESSAGE_DATE));
    let mut rules = rules(&evidence);
    rules.sort_unstable();
    assert_eq!(
        rules,
        ["dkim.offline_no_key", "dkim.offline_pass"],
        "{evidence:?}"
    );
}

#[test]
fn unsigned_and_unparsable_messages_give_nothing() {
    let keys = keys_with("");
    assert!(verify(MESSAGE.as_bytes(), &keys, Some(MESSAGE_DATE)).is_empty());
    assert!(verify(b"", &keys, None).is_empty());
    assert!(verify(b"\xff\xfe\x00garbage", &keys, None).is_empty());
}

#[test]
fn body_length_and_malformed_signatures_are_unverifiable_insights() {
    let keys = keys_with("");
    let partial = signed(
        &signer(ed25519_key(), "ed", RELAXED).body_length(true),
        MESSAGE,
    );
    let evidence = verify(partial.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_single(&evidence, "dkim.offline_unverifiable", "l=");

    let malformed = format!("DKIM-Signature: v=1; a=rsa-sha256; d=example.org\r\n{MESSAGE}");
    let evidence = verify(malformed.as_bytes(), &keys, Some(MESSAGE_DATE));
    assert_eq!(
        rules(&evidence),
        ["dkim.offline_unverifiable"],
        "{evidence:?}"
    );
    assert_eq!(evidence[0].category, None);
}

#[test]
fn signatures_beyond_the_cap_are_counted_not_verified() {
    let one = signed(&signer(ed25519_key(), "ed", RELAXED), MESSAGE);
    let header_end = one.find("From: Alice").unwrap();
    let header = &one[..header_end];
    let many = format!("{}{MESSAGE}", header.repeat(MAX_SIGNATURES + 4));
    let evidence = verify(many.as_bytes(), &keys_with(""), Some(MESSAGE_DATE));
    let passes = evidence
        .iter()
        .filter(|e| e.rule == "dkim.offline_pass")
        .count();
    assert_eq!(passes, MAX_SIGNATURES, "{evidence:?}");
    let capped: Vec<_> = evidence
        .iter()
        .filter(|e| e.rule == "dkim.offline_unverifiable")
        .collect();
    assert_eq!(capped.len(), 1);
    assert!(
        capped[0].detail.starts_with("4 DKIM signatures beyond"),
        "{capped:?}"
    );
}

#[test]
fn the_key_cache_answers_every_name() {
    let keys = keys_with("");
    assert_eq!(keys.len(), 2);
    for name in [
        "ed._domainkey.example.org.",
        "absent._domainkey.example.org.",
        "x.",
    ] {
        assert!(keys.records.get::<str>(name).is_some(), "{name}");
    }
    assert!(matches!(
        keys.records.get::<str>("absent._domainkey.example.org."),
        Some(Txt::Error(Error::Dns(DnsError::RecordNotFound(_))))
    ));
}

/// The verifier's fallback resolver points at a socket this test owns; after verifying
/// passing, failing, keyless, revoked, expired, ATPS and report-requesting signatures, not
/// one datagram has arrived.
#[test]
fn no_network_is_touched() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_nonblocking(true).unwrap();
    let zone = std::fs::read_to_string(testdata("test-keys.zone")).unwrap();
    let text = format!(
        "{zone}\ned._domainkey.example.org \"v=DKIM1; k=ed25519; p={ED25519_PUBLIC}\"\n\
         old._domainkey.example.org \"v=DKIM1; p=\""
    );
    let records = keys::parse_records(&text, "watched").unwrap();
    let keys = DkimKeys::from_records(records, Some(socket.local_addr().unwrap())).unwrap();

    let ed = signer(ed25519_key(), "ed", RELAXED);
    let messages = [
        signed(&ed, MESSAGE),
        signed(&ed, MESSAGE).replace("the numbers", "the invoice"),
        signed(&signer(ed25519_key(), "missing", RELAXED), MESSAGE),
        signed(&signer(ed25519_key(), "old", RELAXED), MESSAGE),
        signed(&signer(rsa_key(), "rsa", RELAXED).reporting(true), MESSAGE),
        signed(
            &signer(ed25519_key(), "ed", RELAXED).atps("example.org"),
            MESSAGE,
        ),
        signed_at(MESSAGE, 10, 20),
    ];
    let mut seen = Vec::new();
    for message in &messages {
        seen.extend(rules(&verify(
            message.as_bytes(),
            &keys,
            Some(MESSAGE_DATE),
        )));
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            "dkim.offline_fail",
            "dkim.offline_fail",
            "dkim.offline_fail",
            "dkim.offline_no_key",
            "dkim.offline_pass",
            "dkim.offline_pass",
            "dkim.offline_pass",
        ]
    );
    let mut buffer = [0u8; 512];
    let received = socket.recv_from(&mut buffer);
    assert!(
        matches!(&received, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the resolver sent a query: {received:?}"
    );
}

#[test]
fn keys_are_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<DkimKeys>();
}

#[test]
fn utc_dates() {
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(MESSAGE_DATE), "2023-11-14");
    assert_eq!(utc_date(951_782_400), "2000-02-29");
    assert_eq!(utc_date(-86_400), "1969-12-31");
    // Extremes do not overflow.
    utc_date(i64::MAX);
    utc_date(i64::MIN);
}
