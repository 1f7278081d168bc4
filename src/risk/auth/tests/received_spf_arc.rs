//! Received-SPF inside the receiving server's block, ARC recorded but never believed, and hostile values.

use super::*;

#[test]
fn received_spf_is_believed_inside_the_receiving_servers_block() {
    // Postfix: OpenDKIM's header on top, policyd-spf's Received-SPF, then Postfix's Received.
    let postfix = [
        (AR, "mail.example.net; dkim=none"),
        ("Received-SPF", "Fail (mailfrom) identity=mailfrom; client-ip=192.0.2.9; helo=x; envelope-from=a@b.example; receiver=<UNKNOWN>"),
        ("Received", "from x (x [192.0.2.9]) by mail.example.net (Postfix)"),
    ];
    assert_eq!(
        raised(&run(&postfix, &[])),
        [(Category::Unauthorized, "auth.received_spf_fail")]
    );
    // No Authentication-Results at all: only above the first Received.
    let above = [
        (
            "Received-SPF",
            "fail (example.net: domain of a@b.example does not designate 192.0.2.9)",
        ),
        ("Received", "from x by mail.example.net"),
    ];
    assert_eq!(
        raised(&run(&above, &[])),
        [(Category::Unauthorized, "auth.received_spf_fail")]
    );
    let below = [
        ("Received", "from relay by mail.example.net"),
        (
            "Received-SPF",
            "fail (relay.example: domain of a@b.example does not designate 192.0.2.9)",
        ),
    ];
    let out = run(&below, &[]);
    assert_eq!(raised(&out), []);
    assert_eq!(rules(&out), ["auth.untrusted_received_spf"]);
    // Only the topmost one.
    let two = [
        (
            "Received-SPF",
            "pass (example.net: domain of a@b.example designates 192.0.2.9)",
        ),
        ("Received-SPF", "fail (forged)"),
        ("Received", "from x by mail.example.net"),
    ];
    let out = run(&two, &[]);
    assert_eq!(raised(&out), []);
    assert_eq!(
        rules(&out),
        ["auth.received_spf", "auth.untrusted_received_spf"]
    );
}

#[test]
fn received_spf_is_superseded_by_a_believed_spf_result() {
    let out = run(
        &[
            (
                "Received-SPF",
                "Fail (protection.outlook.com: domain of a.example does not designate 192.0.2.1)",
            ),
            (AR, "mx.example.net; spf=pass smtp.mailfrom=a.example"),
        ],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert_eq!(rules(&out), ["auth.spf"]);
}

// ---- ARC ----

#[test]
fn arc_latest_instance_is_recorded_never_believed() {
    let out = run(
        &[
            (
                "ARC-Seal",
                "i=1; a=rsa-sha256; cv=none; d=first.example; s=s; b=abc==",
            ),
            (
                "ARC-Authentication-Results",
                "i=1; mx.first.example; dkim=pass header.d=bank.example",
            ),
            (
                "ARC-Seal",
                "i=2; a=rsa-sha256; t=1; cv=fail; d=second.example; s=s; b=de/f=",
            ),
            (
                "ARC-Authentication-Results",
                "i=2; mx.second.example; arc=fail; dkim=fail header.d=bank.example",
            ),
            (
                AR,
                "mx.example.net; arc=fail; dkim=fail header.d=bank.example",
            ),
            ("From", "a@bank.example"),
        ],
        &[],
    );
    // A sealed dkim=pass does not vouch for the From domain.
    assert_eq!(raised(&out), [(Category::Forged, "auth.dkim_fail")]);
    assert_eq!(
        detail(&out, "auth.arc_results"),
        "ARC-Authentication-Results i=2 from \"mx.second.example\": arc=fail; dkim=fail header.d=bank.example"
    );
    assert_eq!(
        detail(&out, "auth.arc_seal"),
        "ARC-Seal i=2 d=second.example cv=fail (as sealed, not verified)"
    );
    assert_eq!(
        detail(&out, "auth.arc"),
        "Authentication-Results from \"mx.example.net\": arc=fail"
    );
}

#[test]
fn unreadable_headers_are_insights() {
    let out = run(
        &[
            (AR, ";;; ((("),
            ("ARC-Authentication-Results", "mx.example; dkim=pass"),
            ("Received-SPF", "(nothing)"),
        ],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert_eq!(rules(&out), ["auth.unparsed"; 3]);
    assert_eq!(
        out[0].detail,
        "Authentication-Results cannot be read: \";;; (((\""
    );
}

#[test]
fn control_characters_are_quoted_in_details() {
    let out = run(
        &[(
            AR,
            "mx.example; spf=fail smtp.mailfrom=\"a\u{1b}[31m\"@b.example",
        )],
        &[],
    );
    assert_eq!(
        detail(&out, "auth.spf_fail"),
        "Authentication-Results from \"mx.example\": spf=fail smtp.mailfrom=\"a\\u{1b}[31m@b.example\""
    );
}

#[test]
fn an_encoded_word_copied_from_the_sender_cannot_add_a_result() {
    // A receiver copies the From domain into header.from; an encoded word there must not
    // decode into `; dmarc=pass` and vouch for the failed signature.
    for copied in [
        "header.from==?utf-8?q?x=3B_dmarc=3Dpass?=",
        "header.from= =?utf-8?q?x=3B_dmarc=3Dpass?=",
        "header.from=a@=?utf-8?q?x=3B_dmarc=3Dpass?=",
    ] {
        let header = format!("mx.example; dkim=fail header.d=x.example; dmarc=none {copied}");
        let out = run(&[(AR, &header), ("From", "a@x.example")], &[]);
        assert_eq!(
            raised(&out),
            [(Category::Forged, "auth.dkim_fail")],
            "{copied}"
        );
    }
}

#[test]
fn wants_the_headers_it_reads() {
    for name in [
        "Authentication-Results",
        "authentication-results",
        "ARC-Seal",
        "Received-SPF",
        "Received",
        "FROM",
    ] {
        assert!(wants(name), "{name}");
    }
    for name in [
        "Authentication-Results-Original",
        "X-Authentication-Results",
        "DKIM-Signature",
        "Subject",
    ] {
        assert!(!wants(name), "{name}");
    }
}
