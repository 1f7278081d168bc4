//! Hand-written headers in the forms real servers write (each checked against the
//! writer's documentation or a real message), near misses, hostile input, and real
//! messages from `../shared/corpora` whose headers were read by hand.

use std::path::Path;

use super::results::{parse, parse_arc, Prop};
use super::*;
use crate::message::decoded::{decode_unstructured, parser, Decoded, Want};
use crate::message::zip::ZipCaps;

/// Header fields as the pipeline hands them over: raw values decoded.
fn fields(raw: &[(&str, &str)]) -> Vec<HeaderText> {
    raw.iter()
        .map(|(name, value)| HeaderText {
            name: name.to_string(),
            value: decode_unstructured(value.as_bytes()),
        })
        .collect()
}

fn run(raw: &[(&str, &str)], trusted: &[&str]) -> Vec<Evidence> {
    let trusted: Vec<String> = trusted.iter().map(|t| t.to_string()).collect();
    let mut out = Vec::new();
    check(&fields(raw), &trusted, &mut out);
    out
}

/// `(category, rule)` of the evidence that raises a category, in order.
fn raised(evidence: &[Evidence]) -> Vec<(Category, &'static str)> {
    evidence
        .iter()
        .filter_map(|e| e.category.map(|c| (c, e.rule)))
        .collect()
}

fn rules(evidence: &[Evidence]) -> Vec<&'static str> {
    evidence.iter().map(|e| e.rule).collect()
}

fn detail<'e>(evidence: &'e [Evidence], rule: &str) -> &'e str {
    evidence
        .iter()
        .find(|e| e.rule == rule)
        .map(|e| e.detail.as_str())
        .unwrap_or_else(|| panic!("no {rule} in {evidence:#?}"))
}

const AR: &str = "Authentication-Results";

// ---- the parser ----

#[test]
fn rfc8601_examples_parse() {
    let none = parse("example.com; none").unwrap();
    assert_eq!(none.authserv_id.as_deref(), Some("example.com"));
    assert!(none.no_result && none.results.is_empty());

    // RFC 8601 appendix B.4 (a comment, two results).
    let two = parse(
        "example.com; auth=pass (cram-md5) smtp.auth=sender@example.net; \
         spf=pass smtp.mailfrom=example.net",
    )
    .unwrap();
    assert_eq!(two.results.len(), 2);
    assert_eq!(two.results[0].method, "auth");
    assert_eq!(two.results[0].comments, vec!["cram-md5".to_string()]);
    assert_eq!(
        two.results[0].prop("smtp", "auth"),
        Some("sender@example.net")
    );
    assert_eq!(two.results[1].prop("smtp", "mailfrom"), Some("example.net"));
    assert!(two.skipped.is_empty());

    let versioned = parse("example.com 1; dkim/1=pass header.d=example.com").unwrap();
    assert_eq!(versioned.version.as_deref(), Some("1"));
    assert_eq!(versioned.results[0].method, "dkim");
    assert_eq!(versioned.results[0].method_version.as_deref(), Some("1"));
}

#[test]
fn keywords_are_case_insensitive_and_values_kept() {
    let parsed = parse("MX.Example.ORG; SPF=FAIL SMTP.MailFrom=Bob@Example.COM").unwrap();
    let spf = &parsed.results[0];
    assert_eq!((spf.method.as_str(), spf.result.as_str()), ("spf", "fail"));
    assert_eq!(
        spf.props,
        vec![Prop {
            ptype: "smtp".into(),
            property: "mailfrom".into(),
            value: "Bob@Example.COM".into()
        }]
    );
    assert_eq!(parsed.authserv_id.as_deref(), Some("MX.Example.ORG"));
}

#[test]
fn comments_nest_and_hide_what_they_say() {
    let parsed = parse(
        "mx.example.org (a (nested; spf=fail) comment); spf=pass (no \"spf=fail\" here; \
         (dkim=fail) really) smtp.mailfrom=\"first last\"@example.org; dkim=pass(x)header.d=a.example",
    )
    .unwrap();
    assert_eq!(parsed.authserv_id.as_deref(), Some("mx.example.org"));
    let summary: Vec<String> = parsed.results.iter().map(|r| r.summary()).collect();
    assert_eq!(
        summary,
        vec![
            "spf=pass smtp.mailfrom=\"first last@example.org\"",
            "dkim=pass header.d=a.example"
        ]
    );
    assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
}

#[test]
fn spamassassin_reason_with_comment_and_version() {
    // From SpamAssassin's t/data/nice/authres.
    let parsed = parse(
        "authrestest4int 2; spf=fail reason (BAH) = \"just some (<>.%&! reason\" \
         smtp.mailfrom=dogma.slashnull.org",
    )
    .unwrap();
    assert_eq!(parsed.version.as_deref(), Some("2"));
    let spf = &parsed.results[0];
    assert_eq!(spf.reason.as_deref(), Some("just some (<>.%&! reason"));
    assert_eq!(spf.comments, vec!["BAH".to_string()]);
    assert_eq!(spf.prop("smtp", "mailfrom"), Some("dogma.slashnull.org"));
}

#[test]
fn lenient_on_real_world_junk() {
    // Exchange Online: no authserv-id, `action=` and no space after `;`.
    let eop = parse(
        "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=contoso.com; dkim=none \
         (message not signed) header.d=none;dmarc=fail action=oreject header.from=contoso.com;compauth=fail reason=000",
    )
    .unwrap();
    assert_eq!(eop.authserv_id, None);
    let methods: Vec<&str> = eop.results.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["spf", "dkim", "dmarc", "compauth"]);
    assert_eq!(eop.results[2].prop("", "action"), Some("oreject"));
    assert_eq!(eop.results[3].reason.as_deref(), Some("000"));

    // A forgotten `;` between two results.
    let glued =
        parse("mx.example; dkim=pass header.d=a.example spf=fail smtp.mailfrom=b.example").unwrap();
    assert_eq!(glued.results.len(), 2);
    assert_eq!(
        glued.results[1].summary(),
        "spf=fail smtp.mailfrom=b.example"
    );

    // A property with no method (SpamAssassin's DKIM fixtures) and a stray word.
    let odd =
        parse("mx.example; header.From=a@b.example; dkim=pass stray header.d=b.example;").unwrap();
    assert_eq!(odd.results.len(), 1);
    assert_eq!(odd.skipped, vec!["header.From=a@b.example", "stray"]);

    // base64 tails glue to their value.
    let b64 = parse("mx; dkim=pass header.b=ab+c/d== header.d=x.example").unwrap();
    assert_eq!(b64.results[0].prop("header", "b"), Some("ab+c/d=="));
}

#[test]
fn unreadable_values_give_none_and_nothing_panics() {
    for junk in ["", "   ", ";;;", "(((", "=====", "(spf=fail)", ") ; = \\"] {
        assert_eq!(parse(junk), None, "{junk:?}");
    }
    let deep = "(".repeat(100_000) + "x; spf=fail";
    assert_eq!(parse(&deep), None);
    // Every prefix of a rich header reads without a panic.
    let rich = "mx.example 1 (c); spf=fail reason=\"r (x\" smtp.mailfrom=\"a b\"@c.example; \
                dmarc=fail(p=REJECT) header.from=c.example; arc=pass (i=1); ü=ö";
    for (cut, _) in rich.char_indices() {
        let _ = parse(&rich[..cut]);
        let _ = parse_arc(&rich[..cut]);
    }
}

#[test]
fn arc_results_need_an_instance() {
    let (i, sealed) =
        parse_arc("i=2; mx.google.com; arc=pass (i=1); dkim=pass header.d=a.example").unwrap();
    assert_eq!(i, 2);
    assert_eq!(sealed.authserv_id.as_deref(), Some("mx.google.com"));
    assert_eq!(sealed.results.len(), 2);
    assert_eq!(parse_arc("mx.google.com; arc=pass"), None);
    assert_eq!(parse_arc("i=x; mx; arc=pass"), None);
}

#[test]
fn received_spf_rfc7208_example() {
    let spf = received_spf::parse(
        "Fail (mybox.example.org: domain of myname@example.com does not designate \
         192.0.2.1 as permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1; \
         envelope-from=\"myname@example.com\"; helo=foo.example.com;",
    )
    .unwrap();
    assert_eq!(spf.result, "fail");
    assert_eq!(
        spf.summary(),
        "fail envelope-from=myname@example.com client-ip=192.0.2.1 helo=foo.example.com receiver=mybox.example.org"
    );
    assert_eq!(received_spf::parse("(only a comment)"), None);
    assert_eq!(received_spf::parse(""), None);
}

// ---- Unauthorized ----

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

// ---- Forged ----

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

// ---- trust ----

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

// ---- Received-SPF ----

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

// ---- real messages ----

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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/phishing-pot/email");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
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
