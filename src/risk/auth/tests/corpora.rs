//! Real messages from `../shared/corpora` whose headers were read by hand.

use super::*;

fn corpus_headers(relative: &str) -> Vec<HeaderText> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let want = Want {
        headers: Some(&|n: &str| wants(n)),
        ..Default::default()
    };
    Decoded::parse(&parser(), &bytes, &ZipCaps::default(), want).headers
}

fn corpus_run(relative: &str, trusted: &[&str]) -> Vec<Evidence> {
    let trusted: Vec<String> = trusted.iter().map(|t| t.to_string()).collect();
    let mut out = Vec::new();
    check(&corpus_headers(relative), &trusted, &mut out);
    out
}

/// Messages whose headers were read by hand; what they say is in the comments.
#[test]
fn real_messages_read_by_hand() {
    // Topmost `authrestest1int`: spf=pass, dkim=pass for example.org, dkim=fail for
    // another.signing.domain.example; From is ximian.com, which nothing vouches for.
    // Seven headers below it (spf=fail among them) are not believed.
    let authres = corpus_run("spamassassin-testdata/nice/authres", &[]);
    assert_eq!(raised(&authres), [(Category::Forged, "auth.dkim_fail")]);
    assert_eq!(
        rules(&authres)
            .iter()
            .filter(|r| **r == "auth.untrusted_results")
            .count(),
        7
    );
    // Trusting two of the lower servers instead: their spf=fail results.
    let trusting = corpus_run(
        "spamassassin-testdata/nice/authres",
        &["AuthResTest3Int", "authrestest7tru"],
    );
    assert_eq!(
        raised(&trusting),
        [
            (Category::Unauthorized, "auth.spf_fail"),
            (Category::Unauthorized, "auth.spf_fail"),
        ]
    );

    // Gmail, forwarded through Outlook: everything passes, ARC i=2 sealed cv=pass.
    let arcallow = corpus_run("rspamd-test-messages/arcallow.eml", &[]);
    assert_eq!(raised(&arcallow), []);
    assert_eq!(
        detail(&arcallow, "auth.arc_seal"),
        "ARC-Seal i=2 d=google.com cv=pass (as sealed, not verified)"
    );
    assert!(detail(&arcallow, "auth.dmarc").ends_with("dmarc=pass header.from=outlook.com"));

    // A FreeBSD list broke outlook.com's signature and signed as freebsd.org; DMARC
    // failed with policy none: Forged (nothing vouches for outlook.com), not Unauthorized.
    let arcbad = corpus_run("rspamd-test-messages/arcbad.eml", &[]);
    assert_eq!(raised(&arcbad), [(Category::Forged, "auth.dkim_fail")]);
    assert!(detail(&arcbad, "auth.dmarc_fail_unenforced").ends_with("(stated policy=none)"));

    // SpamAssassin's ARC fixture: dkim=pass, a property with no method skipped.
    let ok01 = corpus_run("spamassassin-testdata/dkim/arc/ok01.eml", &[]);
    assert_eq!(raised(&ok01), []);
    assert_eq!(
        rules(&ok01),
        [
            "auth.unparsed",
            "auth.dkim",
            "auth.arc_results",
            "auth.arc_seal"
        ]
    );

    // Gmail added no Authentication-Results, only ARC and Received-SPF; the topmost
    // Authentication-Results is the submission server's auth=pass.
    let no_dkim = corpus_run("rspamd-test-messages/dmarc/no_dkim_valid_spf.eml", &[]);
    assert_eq!(raised(&no_dkim), []);
    assert_eq!(
        detail(&no_dkim, "auth.received_spf"),
        "Received-SPF: pass client-ip=88.99.142.95"
    );

    // Exchange Online: dmarc=fail action=oreject for yahoo.com, compauth=fail reason=000.
    let s144 = corpus_run("phishing-pot/email/sample-144.eml", &[]);
    assert_eq!(
        raised(&s144),
        [
            (Category::Unauthorized, "auth.dmarc_fail"),
            (Category::Unauthorized, "auth.compauth_fail"),
        ]
    );
    // spf=fail; compauth=fail reason=001 (implicit) stays an insight.
    let s1200 = corpus_run("phishing-pot/email/sample-1200.eml", &[]);
    assert_eq!(raised(&s1200), [(Category::Unauthorized, "auth.spf_fail")]);
    // dkim=fail (no key for signature) for the From domain ganmorfan.com, dmarc=none.
    let s102 = corpus_run("phishing-pot/email/sample-102.eml", &[]);
    assert_eq!(raised(&s102), [(Category::Forged, "auth.dkim_fail")]);
    // Exchange Online wrote the whole value as RFC 2047 words (its header.from is
    // "✔️Kommer-Bitcoin✔️"); decoded it says spf=fail for the HELO name.
    let s6075 = corpus_run("phishing-pot/email/sample-6075.eml", &[]);
    assert_eq!(raised(&s6075), [(Category::Unauthorized, "auth.spf_fail")]);
    assert_eq!(
        detail(&s6075, "auth.spf_fail"),
        "Authentication-Results (no authserv-id): spf=fail \
         smtp.helo=DM1PR04CU001.outbound.protection.outlook.com"
    );
    // dkim=fail for the From domain; dmarc=bestguesspass is not a DMARC pass; ARC i=2
    // sealed by microsoft.com with cv=fail.
    let s1053 = corpus_run("phishing-pot/email/sample-1053.eml", &[]);
    assert_eq!(raised(&s1053), [(Category::Forged, "auth.dkim_fail")]);
    assert_eq!(
        detail(&s1053, "auth.arc_seal"),
        "ARC-Seal i=2 d=microsoft.com cv=fail (as sealed, not verified)"
    );
}

/// Every message of phishing-pot that carries Authentication-Results, against counts of
/// the topmost header's statements made independently (Python: unfolded raw headers,
/// RFC 2047 words decoded with `email.header` (Exchange Online encodes the whole value
/// when header.from is not ASCII: samples 6075 and 7200), comments stripped, a regex
/// per `;` statement).
#[test]
fn phishing_pot_counts_match_an_independent_reading() {
    let files = crate::corpora_for_tests::corpus_files("phishing-pot/email");
    let mut messages = 0;
    let (mut spf_fail, mut dmarc_fail, mut compauth_fail, mut forged) = (0, 0, 0, 0);
    for path in &files {
        let relative = format!(
            "phishing-pot/email/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let out = corpus_run(&relative, &[]);
        if !out
            .iter()
            .any(|e| e.detail.starts_with("Authentication-Results"))
        {
            continue;
        }
        messages += 1;
        let has = |rule: &str| out.iter().any(|e| e.rule == rule);
        spf_fail += usize::from(has("auth.spf_fail"));
        dmarc_fail += usize::from(has("auth.dmarc_fail"));
        compauth_fail += usize::from(has("auth.compauth_fail"));
        forged += usize::from(has("auth.dkim_fail"));
    }
    assert_eq!(messages, 2640);
    assert_eq!(spf_fail, 187);
    assert_eq!(dmarc_fail, 67);
    assert_eq!(compauth_fail, 64);
    // 249 messages with a dkim=fail, 222 of them without any dkim=pass or dmarc=pass:
    // Forged lies between (a pass for another domain does not vouch).
    assert!((222..=249).contains(&forged), "{forged}");
}
