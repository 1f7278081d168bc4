//! Which Authentication-Results are believed: the topmost, the policy's trusted ids; forged ones lower down.

use super::*;

/// Postfix with OpenDMARC, OpenDKIM and an SPF filter, each prepending its own header,
/// below them the sender's own (forged) claim.
fn postfix_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        (AR, "mail.example.net; dmarc=fail (p=quarantine dis=none) header.from=example.com"),
        (
            AR,
            "mail.example.net; dkim=fail reason=\"signature verification failed\" (2048-bit key; unprotected) \
             header.d=example.com header.i=@example.com header.b=\"AbCd1234\"",
        ),
        (AR, "mail.example.net; spf=pass smtp.mailfrom=example.com"),
        ("Received", "from evil.example (evil.example [192.0.2.66]) by mail.example.net (Postfix)"),
        ("From", "Boss <boss@example.com>"),
        (AR, "mx.other.example; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"),
    ]
}

#[test]
fn by_default_only_the_topmost_results_are_believed() {
    let out = run(&postfix_headers(), &[]);
    assert_eq!(raised(&out), [(Category::Unauthorized, "auth.dmarc_fail")]);
    let ignored: Vec<&str> = out
        .iter()
        .filter(|e| e.rule == "auth.untrusted_results")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(ignored.len(), 3);
    assert_eq!(
        ignored[2],
        "ignored Authentication-Results from \"mx.other.example\" (not the topmost): \
         dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
    );
}

#[test]
fn trusted_ids_believe_every_header_of_theirs_case_insensitively() {
    let out = run(&postfix_headers(), &["MAIL.Example.NET"]);
    assert_eq!(
        raised(&out),
        [
            (Category::Unauthorized, "auth.dmarc_fail"),
            (Category::Forged, "auth.dkim_fail"),
        ]
    );
    assert_eq!(
        detail(&out, "auth.untrusted_results"),
        "ignored Authentication-Results from \"mx.other.example\" (authserv-id not trusted): \
         dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
    );
}

#[test]
fn a_forged_header_lower_down_is_not_believed() {
    let ours = (
        AR,
        "mx.ours.example; spf=pass smtp.mailfrom=a@b.example; dkim=pass header.d=b.example",
    );
    let forged_fail = (
        AR,
        "mx.ours.example; spf=fail smtp.mailfrom=a@b.example; dkim=fail header.d=b.example",
    );
    let out = run(
        &[ours, ("Received", "from x by mx.ours.example"), forged_fail],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert_eq!(
        rules(&out),
        ["auth.untrusted_results", "auth.spf", "auth.dkim"]
    );

    // The other way round: our server says fail; the sender's pass and dmarc=pass lower
    // down neither cancel nor vouch.
    let ours_fail = (
        AR,
        "mx.ours.example; dkim=fail header.d=b.example; spf=fail smtp.mailfrom=a@b.example",
    );
    let forged_pass = (
        AR,
        "mx.ours.example; dkim=pass header.d=b.example; dmarc=pass header.from=b.example",
    );
    let out = run(&[ours_fail, ("From", "a@b.example"), forged_pass], &[]);
    assert_eq!(
        raised(&out),
        [
            (Category::Forged, "auth.dkim_fail"),
            (Category::Unauthorized, "auth.spf_fail"),
        ]
    );
    // With trusted ids, a topmost header from someone else is not believed either.
    let other_pass = (
        AR,
        "mx.evil.example; dkim=pass header.d=b.example; dmarc=pass header.from=b.example",
    );
    let out = run(
        &[other_pass, ours_fail, ("From", "a@b.example")],
        &["mx.ours.example"],
    );
    assert_eq!(raised(&out).len(), 2);
    let out = run(&[other_pass, ours_fail], &["mx.elsewhere.example"]);
    assert_eq!(raised(&out), []);
    // But a forgery claiming our own id is believed with trusted ids: RFC 8601 §5 has
    // the border server remove such fields; the module doc says so.
    let out = run(
        &[ours_fail, ("From", "a@b.example"), forged_pass],
        &["mx.ours.example"],
    );
    assert_eq!(raised(&out), [(Category::Unauthorized, "auth.spf_fail")]);
}

#[test]
fn a_header_without_authserv_id_is_not_a_trusted_id() {
    let eop = (
        AR,
        "spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=a.example",
    );
    assert_eq!(
        raised(&run(&[eop], &[])),
        [(Category::Unauthorized, "auth.spf_fail")]
    );
    let out = run(&[eop], &["protection.outlook.com"]);
    assert_eq!(raised(&out), []);
    assert!(detail(&out, "auth.untrusted_results")
        .contains("(no authserv-id) (authserv-id not trusted)"));
}

#[test]
fn untrusted_headers_are_reported_up_to_a_cap() {
    let lower = (AR, "mx.evil.example; spf=pass smtp.mailfrom=a@b.example");
    let mut headers = vec![(AR, "mx.ours.example; none")];
    headers.extend(std::iter::repeat_n(lower, 25));
    let out = run(&headers, &[]);
    assert_eq!(
        rules(&out)
            .iter()
            .filter(|r| **r == "auth.untrusted_results")
            .count(),
        11
    );
    assert_eq!(
        out.last().unwrap().detail,
        "15 more authentication headers not believed"
    );
    assert!(rules(&out).contains(&"auth.no_results"));
}
