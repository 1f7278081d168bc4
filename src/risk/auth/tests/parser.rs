//! The RFC 8601 parser: the RFC's examples, real writers' quirks, unreadable values.

use super::*;

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

#[test]
fn lexer_undoes_quoted_pairs_and_borrows_the_rest() {
    use super::super::results::{lex, Tok};
    use std::borrow::Cow;
    let text = "a=\"x\\\"y\" ( c\\)d (e) ) w\u{a0}v \"plain\" ( spaced ) (open \\";
    let toks: Vec<Tok> = lex(text).into_iter().map(|t| t.tok).collect();
    assert_eq!(
        toks,
        [
            Tok::Word("a".into()),
            Tok::Eq,
            Tok::Quoted("x\"y".into()),
            Tok::Comment("c)d (e)".into()),
            Tok::Word("w".into()),
            Tok::Word("v".into()),
            Tok::Quoted("plain".into()),
            Tok::Comment("spaced".into()),
            Tok::Comment("open".into()),
        ]
    );
    // Text without quoted pairs is a slice of the value, not a copy.
    for tok in &toks {
        if let Tok::Word(t) | Tok::Quoted(t) | Tok::Comment(t) = tok {
            let undone = ["x\"y", "c)d (e)", "open"].contains(&t.as_ref());
            assert_eq!(matches!(t, Cow::Owned(_)), undone, "{t:?}");
        }
    }
    // An unterminated quoted string runs to the end; a lone `\` at the end is dropped.
    let open: Vec<Tok> = lex("\"ab\\").into_iter().map(|t| t.tok).collect();
    assert_eq!(open, [Tok::Quoted("ab".into())]);
}
