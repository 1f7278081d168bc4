//! Unauthorized: SPF and DMARC failures in each writer's form, and what stays an insight.

use super::*;

#[test]
fn gmail_dmarc_fail_with_reject_policy_is_unauthorized() {
    let out = run(
        &[(
            AR,
            "mx.google.com;\r\n       dkim=pass header.i=@attacker.example header.s=s1 header.b=abc;\r\n       \
             spf=pass (google.com: domain of x@attacker.example designates 192.0.2.7 as permitted sender) \
             smtp.mailfrom=x@attacker.example;\r\n       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=paypal.com",
        )],
        &[],
    );
    assert_eq!(raised(&out), [(Category::Unauthorized, "auth.dmarc_fail")]);
    assert_eq!(
        detail(&out, "auth.dmarc_fail"),
        "Authentication-Results from \"mx.google.com\": dmarc=fail header.from=paypal.com (stated p=reject)"
    );
}

#[test]
fn dmarc_policy_forms_of_each_writer() {
    let enforced = [
        // Microsoft EOP, override and sampled forms.
        "dmarc=fail action=quarantine header.from=contoso.com",
        "dmarc=fail action=oreject header.from=contoso.com",
        "dmarc=fail action=pct.quarantine header.from=contoso.com",
        // OpenDMARC and Google.
        "dmarc=fail (p=quarantine dis=none) header.from=example.com",
        // Yahoo, comment glued to the result.
        "dmarc=fail(p=REJECT) header.from=example.com",
        // RFC 7489 property.
        "dmarc=fail policy.dmarc=reject header.from=example.com",
        // Fastmail/Cyrus.
        "dmarc=fail policy.published-domain-policy=reject policy.applied-disposition=reject \
         (p=reject,d=reject,d.eval=reject) policy.policy-from=p header.from=example.com",
        // rspamd.
        "dmarc=fail reason=\"No valid SPF, No valid DKIM\" header.from=example.com (policy=reject)",
    ];
    for statement in enforced {
        let out = run(&[(AR, &format!("mx.example.net; {statement}"))], &[]);
        assert_eq!(
            raised(&out),
            [(Category::Unauthorized, "auth.dmarc_fail")],
            "{statement}"
        );
    }
    let unenforced = [
        "dmarc=fail action=none header.from=contoso.com",
        "dmarc=fail (p=none dis=none) header.from=example.com",
        "dmarc=fail (p=NONE sp=QUARANTINE dis=NONE) header.from=example.com",
        "dmarc=fail header.from=example.com",
        "dmarc=fail (spf=fail p=rejected-later) header.from=example.com",
    ];
    for statement in unenforced {
        let out = run(&[(AR, &format!("mx.example.net; {statement}"))], &[]);
        assert_eq!(raised(&out), [], "{statement}");
        assert_eq!(rules(&out), ["auth.dmarc_fail_unenforced"], "{statement}");
    }
}

#[test]
fn exchange_online_spf_fail_and_compauth() {
    let out = run(
        &[
            (
                AR,
                "spf=fail (sender IP is 203.0.113.9)\r\n smtp.mailfrom=contoso.com; dkim=none (message not signed)\r\n \
                 header.d=none;dmarc=fail action=quarantine\r\n header.from=contoso.com;compauth=fail reason=000",
            ),
            (
                "Received-SPF",
                "Fail (protection.outlook.com: domain of contoso.com does not designate 203.0.113.9 as permitted sender) \
                 receiver=protection.outlook.com; client-ip=203.0.113.9; helo=evil.example;",
            ),
            ("From", "CEO <ceo@contoso.com>"),
        ],
        &[],
    );
    assert_eq!(
        raised(&out),
        [
            (Category::Unauthorized, "auth.spf_fail"),
            (Category::Unauthorized, "auth.dmarc_fail"),
            (Category::Unauthorized, "auth.compauth_fail"),
        ]
    );
    // Received-SPF said the same as the header that is believed: not repeated.
    assert!(!rules(&out).iter().any(|r| r.contains("received_spf")));
    assert_eq!(
        detail(&out, "auth.spf_fail"),
        "Authentication-Results (no authserv-id): spf=fail smtp.mailfrom=contoso.com"
    );
}

#[test]
fn implicit_compauth_fail_is_an_insight() {
    let out = run(
        &[(
            AR,
            "spf=none (sender IP is 192.0.2.1) smtp.mailfrom=a.example; dkim=none (message not signed) \
             header.d=none;dmarc=none action=none header.from=a.example;compauth=fail reason=001",
        )],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert_eq!(
        rules(&out),
        ["auth.spf", "auth.dkim", "auth.dmarc", "auth.compauth"]
    );
}

#[test]
fn spf_results_short_of_fail_are_insights() {
    for result in [
        "softfail",
        "neutral",
        "none",
        "temperror",
        "permerror",
        "pass",
        "policy",
    ] {
        let out = run(
            &[(
                AR,
                &format!("mx.example.net; spf={result} smtp.mailfrom=a@b.example"),
            )],
            &[],
        );
        assert_eq!(raised(&out), [], "{result}");
        assert_eq!(rules(&out), ["auth.spf"], "{result}");
    }
    let hard = run(
        &[(AR, "mx.example.net; spf=hardfail smtp.mailfrom=a@b.example")],
        &[],
    );
    assert_eq!(raised(&hard), [(Category::Unauthorized, "auth.spf_fail")]);
}

#[test]
fn comments_saying_fail_do_not_count() {
    let out = run(
        &[(
            AR,
            "mx.example.net (spf=fail; dkim=fail); spf=pass (not spf=fail; dmarc=fail (p=reject)) \
             smtp.mailfrom=a@b.example; dkim=pass (dkim=fail would be bad) header.d=b.example; \
             dmarc=pass (p=reject dis=none) header.from=b.example",
        )],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert_eq!(rules(&out), ["auth.spf", "auth.dkim", "auth.dmarc"]);
}
