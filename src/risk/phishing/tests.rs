//! The phishing signals' tests: each signal with fixtures that fire and near misses.
use super::*;
use crate::message::decoded::{Decoded, Html, Text, TextField};
use crate::risk::contacts::Contacts;
use crate::risk::links::Links;

/// A message: From address and display name, subject, text body and HTML body.
struct Mail<'a> {
    from: &'a str,
    name: &'a str,
    subject: &'a str,
    text: &'a str,
    html: &'a str,
}

const BLANK: Mail<'static> = Mail {
    from: "news@shop.example",
    name: "",
    subject: "Hello",
    text: "",
    html: "",
};

fn run_with(mail: &Mail, lists: &Lists) -> Vec<Evidence> {
    let mut decoded = Decoded::default();
    if !mail.text.is_empty() {
        decoded.texts.push(Text {
            field: TextField::BodyText,
            path: "1".into(),
            text: mail.text.into(),
        });
    }
    if !mail.html.is_empty() {
        decoded.html.push(Html {
            attachment: false,
            path: "2".into(),
            html: mail.html.into(),
        });
    }
    let contacts = Contacts::default();
    let links = Links::read(&decoded);
    let content = Content {
        decoded: &decoded,
        links: &links,
        from: Some(mail.from),
        from_name: (!mail.name.is_empty()).then_some(mail.name),
        subject: Some(mail.subject),
        owner: None,
        contacts: &contacts,
        filing: Default::default(),
    };
    let mut out = Vec::new();
    check(&content, lists, &mut out);
    out
}

fn run(mail: &Mail) -> Vec<Evidence> {
    run_with(mail, &Lists::empty())
}

fn rules(e: &[Evidence]) -> Vec<&'static str> {
    e.iter().map(|e| e.rule).collect()
}

fn category(e: &[Evidence]) -> Option<Category> {
    e.iter().filter_map(|e| e.category).max()
}

#[test]
fn anchor_showing_a_brand_going_elsewhere_is_phishing() {
    let e = run(&Mail {
        html: r#"<p>Sign in at <a href="http://login.evil.example/pp">https://www.paypal.com/signin</a></p>"#,
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.anchor_host_mismatch"]);
    assert_eq!(category(&e), Some(Category::Phishing));
    assert_eq!(
        e[0].detail,
        r#"link text shows "www.paypal.com" (PayPal), href goes to "login.evil.example""#
    );
    // Another unbranded host: a weak signal, an insight only.
    let e = run(&Mail {
        html: r#"<a href="http://evil.example/">www.shop.example</a>"#,
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.anchor_host_mismatch"]);
    assert_eq!(category(&e), None);
}

#[test]
fn anchor_near_misses() {
    for html in [
        // The same host, another host of the same domain, a wrapper holding it.
        r#"<a href="https://www.paypal.com/x">www.paypal.com</a>"#,
        r#"<a href="https://click.shop.example/t/123">www.shop.example</a>"#,
        r#"<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.paypal.com%2F&data=1">https://www.paypal.com/</a>"#,
        // Text that is not a host.
        r#"<a href="https://evil.example/">Click here</a>"#,
        r#"<a href="https://evil.example/">version 2.0</a>"#,
        r#"<a href="mailto:a@b.example">www.paypal.com</a>"#,
    ] {
        let e = run(&Mail { html, ..BLANK });
        assert!(e.is_empty(), "{html}: {e:?}");
    }
}

#[test]
fn ip_punycode_lookalike_shortener_links() {
    let e = run(&Mail {
        text: "Go to http://192.0.2.7/login and http://xn--pypal-4ve.example/ \
               or https://paypa1.com/ or https://bit.ly/abc",
        ..BLANK
    });
    assert_eq!(
        rules(&e),
        [
            "phish.ip_literal_link",
            "phish.punycode_host",
            "phish.lookalike_host",
            "phish.shortener"
        ]
    );
    // 0.9 for the look-alike alone: Phishing.
    assert_eq!(category(&e), Some(Category::Phishing));
    assert!(
        e[2].detail
            .contains(r#""paypa1.com" imitates PayPal's domain"#),
        "{}",
        e[2].detail
    );
    // A shortener alone is an insight.
    let e = run(&Mail {
        text: "slides: https://bit.ly/abc",
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.shortener"]);
    assert_eq!(category(&e), None);
}

#[test]
fn newsletter_tracking_redirect_to_its_own_domain_is_not_a_chain() {
    let own = run(&Mail {
        from: "news@shop.example",
        html: r#"<a href="https://click.shop.example/r?u=https%3A%2F%2Fwww.shop.example%2Fsale">Sale</a>"#,
        ..BLANK
    });
    assert!(own.is_empty(), "{own:?}");
    let chain = run(&Mail {
        html: r#"<a href="https://www.google.com/url?q=https://evil.example/login">Open</a>"#,
        ..BLANK
    });
    assert_eq!(rules(&chain), ["phish.redirect_chain"]);
}

#[test]
fn credential_forms() {
    let e = run(&Mail {
        html: r#"<form action="https://collect.evil.example/p.php" method=post>
            <input name=user><input type=password name=pass></form>"#,
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.credential_form"]);
    assert_eq!(category(&e), Some(Category::Phishing));
    assert_eq!(
        e[0].detail,
        r#"HTML body asks for a password and posts to "collect.evil.example""#
    );
    // A search box posting off-site is next to nothing.
    let e = run(&Mail {
        html: r#"<form action="https://www.search.example/q"><input name=q></form>"#,
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.credential_form"]);
    assert_eq!(category(&e), None);
}

#[test]
fn brand_in_display_name_from_another_domain() {
    let e = run(&Mail {
        from: "service@secure-mail.example",
        name: "PayPal Service",
        subject: "Your account",
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.brand_mismatch"]);
    assert_eq!(category(&e), Some(Category::PossiblePhishing));
    // With urgency and a link: Phishing.
    let e = run(&Mail {
        from: "service@secure-mail.example",
        name: "PayPal Service",
        subject: "Your account has been limited",
        text: "Please verify your account within 24 hours: https://secure-mail.example/x",
        ..BLANK
    });
    assert_eq!(
        rules(&e),
        ["phish.brand_mismatch", "phish.urgency_with_links"]
    );
    assert_eq!(category(&e), Some(Category::Phishing));
    // The real PayPal, by name, from paypal.com (or a country's PayPal domain).
    for from in ["service@paypal.com", "service@mail.paypal.de"] {
        let e = run(&Mail {
            from,
            name: "PayPal",
            subject: "Your PayPal receipt",
            text: "Receipt: https://www.paypal.com/activity",
            ..BLANK
        });
        assert!(e.is_empty(), "{from}: {e:?}");
    }
    // A news subject naming a brand is a weak insight.
    let e = run(&Mail {
        subject: "Microsoft redesign",
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.brand_mismatch"]);
    assert_eq!(category(&e), None);
}

#[test]
fn urgency_needs_links() {
    let statement = Mail {
        from: "statements@bank.example",
        subject: "Your statement",
        text: "Please verify your account details within 24 hours by calling us.",
        ..BLANK
    };
    assert!(run(&statement).is_empty());
    let e = run(&Mail {
        text:
            "Please verify your account details within 24 hours: https://bank.example.evil.example/",
        ..statement
    });
    assert_eq!(rules(&e), ["phish.urgency_with_links"]);
    assert_eq!(category(&e), Some(Category::PossiblePhishing));
    assert!(
        e[0].detail
            .starts_with(r#"2 urgency phrase(s) ("verify your account", "within 24 hours")"#),
        "{}",
        e[0].detail
    );
}

/// Urgency read in what a reader sees: the HTML body when it has text, so a phrase
/// only in the plain alternative nobody is shown does not count; without HTML text,
/// the plain body is what is shown.
#[test]
fn urgency_is_read_in_the_body_a_reader_sees() {
    let text = |field, text: &str| Text {
        field,
        path: "1".into(),
        text: text.into(),
    };
    let check_with = |plain: &str, html: &str| {
        let mut decoded = Decoded::default();
        decoded.texts.push(text(TextField::BodyText, plain));
        decoded.texts.push(text(TextField::BodyHtml, html));
        let links = Links::read(&decoded);
        let contacts = Contacts::default();
        let content = Content {
            decoded: &decoded,
            links: &links,
            from: Some("statements@bank.example"),
            from_name: None,
            subject: Some("Your statement"),
            owner: None,
            contacts: &contacts,
            filing: Default::default(),
        };
        let mut out = Vec::new();
        check(&content, &Lists::empty(), &mut out);
        rules(&out)
    };
    let urgent = "Please verify your account within 24 hours: https://bank.example.evil.example/";
    let calm = "Your monthly statement is ready: https://bank.example.evil.example/";
    assert_eq!(check_with(calm, urgent), ["phish.urgency_with_links"]);
    assert!(check_with(urgent, calm).is_empty());
    assert_eq!(check_with(urgent, ""), ["phish.urgency_with_links"]);
}

#[test]
fn invalid_sender_addresses() {
    for from in [
        "noreply@theskimm,com",
        "Todays@Winner!",
        "x@pot@hotmail.com",
    ] {
        let e = run(&Mail { from, ..BLANK });
        assert_eq!(rules(&e), ["phish.sender_invalid"], "{from}");
        assert_eq!(category(&e), Some(Category::PossiblePhishing), "{from}");
    }
    // A brand's name with no top level imitates the brand, too.
    let e = run(&Mail {
        from: "avisos@correios",
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.lookalike_host", "phish.sender_invalid"]);
    assert_eq!(category(&e), Some(Category::Phishing));
    for from in ["a@b.example", "a@[192.0.2.1]", "a@xn--80ak6aa92e.xn--p1ai"] {
        assert!(valid_address(from), "{from}");
    }
}

#[test]
fn listed_urls_from_the_lists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("phish.urls"),
        "# feed\nhttps://Evil.Example/login\nhttp://kit.example/pp/*\n",
    )
    .unwrap();
    let lists = Lists::load(dir.path()).unwrap();
    let e = run_with(
        &Mail {
            text: "see http://kit.example/pp/index.php?u=1",
            ..BLANK
        },
        &lists,
    );
    assert_eq!(rules(&e), ["phish.listed_url"]);
    assert_eq!(category(&e), Some(Category::Phishing));
    assert_eq!(
        e[0].detail,
        r#"link "http://kit.example/pp/index.php?u=1" listed in phish.urls:3"#
    );
    let e = run_with(
        &Mail {
            text: "see https://evil.example/login/ and http://kit.example/other",
            ..BLANK
        },
        &lists,
    );
    assert_eq!(rules(&e), ["phish.listed_url"]);
    assert!(e[0].detail.ends_with("phish.urls:2"), "{}", e[0].detail);
    let e = run_with(
        &Mail {
            text: "see https://evil.example/logout http://kit.example/p",
            ..BLANK
        },
        &lists,
    );
    assert!(e.is_empty(), "{e:?}");
}

#[test]
fn hostile_input_is_bounded() {
    let html = "<a href=http://192.0.2.1/>x</a>".repeat(20_000);
    let e = run(&Mail {
        html: &html,
        ..BLANK
    });
    assert_eq!(rules(&e), ["phish.ip_literal_link"]);
    let e = run(&Mail {
        from: "@",
        name: "\u{0}",
        subject: "",
        text: "http://[::1 https://% <a href=",
        html: "<a href='",
    });
    assert_eq!(rules(&e), ["phish.sender_invalid"]);
}
