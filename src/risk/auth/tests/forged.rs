//! Forged: DKIM failures, and what a pass for the From domain outweighs.

use super::*;

#[test]
fn fastmail_dkim_fail_is_forged() {
    let out = run(
        &[
            (
                AR,
                "mx5.messagingengine.com;\r\n    dkim=fail (message has been altered; 2048-bit rsa key sha256) \
                 header.d=bank.example header.i=@bank.example header.b=AbCdEf header.a=rsa-sha256 header.s=fm1;\r\n    \
                 dmarc=fail policy.published-domain-policy=reject policy.applied-disposition=reject \
                 policy.evaluated-disposition=reject (p=reject,d=reject,d.eval=reject) policy.policy-from=p \
                 header.from=bank.example;\r\n    spf=fail smtp.mailfrom=bank.example smtp.helo=evil.example",
            ),
            ("From", "Bank <alerts@bank.example>"),
        ],
        &[],
    );
    assert_eq!(
        raised(&out),
        [
            (Category::Forged, "auth.dkim_fail"),
            (Category::Unauthorized, "auth.dmarc_fail"),
            (Category::Unauthorized, "auth.spf_fail"),
        ]
    );
}

#[test]
fn dkim_fail_outweighed_only_by_a_pass_for_the_from_domain() {
    let header = |passes: &str| {
        format!(
            "mx.example.net; dkim=fail (body hash did not verify) header.d=esp.example; {passes}"
        )
    };
    let from = ("From", "\"News\" <news@mail.bank.example>");
    // The parent domain signs: aligned (relaxed).
    let out = run(
        &[(AR, &header("dkim=pass header.d=bank.example")), from],
        &[],
    );
    assert_eq!(raised(&out), []);
    assert!(detail(&out, "auth.dkim_fail_vouched")
        .ends_with("(outweighed by dkim=pass header.d=bank.example)"));
    // header.i names the signer when header.d is absent.
    let out = run(
        &[(AR, &header("dkim=pass header.i=@mail.bank.example")), from],
        &[],
    );
    assert_eq!(raised(&out), []);
    // DMARC passed for the From domain.
    let out = run(
        &[
            (AR, &header("dmarc=pass header.from=mail.bank.example")),
            from,
        ],
        &[],
    );
    assert_eq!(raised(&out), []);
    // An attacker's own domain passing does not vouch for the bank.
    for other in [
        "attacker.example",
        "bank.example.attacker.example",
        "ank.example",
        "example",
    ] {
        let out = run(
            &[(AR, &header(&format!("dkim=pass header.d={other}"))), from],
            &[],
        );
        assert_eq!(
            raised(&out),
            [(Category::Forged, "auth.dkim_fail")],
            "{other}"
        );
    }
    // The receiver's dmarc header.from wins over the From header it read.
    let out = run(
        &[
            (
                AR,
                &header("dkim=pass header.d=x.example; dmarc=fail header.from=x.example"),
            ),
            from,
        ],
        &[],
    );
    assert_eq!(raised(&out), []);
    // No From domain known: any pass outweighs.
    let out = run(&[(AR, &header("dkim=pass header.d=x.example"))], &[]);
    assert_eq!(raised(&out), []);
    // Two From headers: ambiguous, treated as unknown.
    let out = run(
        &[
            (AR, &header("dkim=pass header.d=x.example")),
            ("From", "a@bank.example"),
            ("From", "b@x.example"),
        ],
        &[],
    );
    assert_eq!(raised(&out), []);
}

#[test]
fn dkim_other_than_fail_is_an_insight() {
    for result in [
        "pass",
        "none",
        "neutral",
        "policy",
        "temperror",
        "permerror",
        "perm_fail",
    ] {
        let out = run(
            &[(
                AR,
                &format!("mx.example.net; dkim={result} header.d=a.example"),
            )],
            &[],
        );
        assert_eq!(raised(&out), [], "{result}");
        assert_eq!(rules(&out), ["auth.dkim"], "{result}");
    }
}
