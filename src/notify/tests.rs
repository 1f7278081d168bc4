//! Offline unit tests that need no server: `--smtp` and address parsing, Message-IDs.
//! The tests that talk SMTP (to the scripted sink in `tests/common/smtp_sink.rs`) are in
//! `tests/notify.rs`.

use super::*;

/// A notification to `smtp` from the sender the SMTP tests use too.
fn notification(smtp: String, body: &str) -> Notification {
    Notification {
        smtp,
        from: "mailsweep@sweeper.example".into(),
        to: "SOC Team <soc@example.org>".into(),
        subject: "s".into(),
        body: body.into(),
    }
}

#[test]
fn parse_server_accepts_host_port_forms() {
    let ok = |s: &str| parse_server(s).unwrap();
    assert_eq!(ok("smtp.example:25"), ("smtp.example".into(), 25));
    assert_eq!(ok("127.0.0.1:2525"), ("127.0.0.1".into(), 2525));
    assert_eq!(ok("[::1]:2525"), ("::1".into(), 2525));
    assert_eq!(ok("[2001:DB8::1]:587"), ("2001:db8::1".into(), 587));
    assert_eq!(ok("Relay.Example.:65535"), ("relay.example.".into(), 65535));
    assert_eq!(
        ok("bücher.example:25"),
        ("xn--bcher-kva.example".into(), 25)
    );
}

#[test]
fn parse_server_rejects_bad_values_naming_them() {
    for bad in [
        "",
        "smtp.example",
        "smtp.example:",
        ":25",
        "smtp.example:0",
        "smtp.example:65536",
        "smtp.example:smtp",
        "smtp.example:-1",
        "::1:25",
        "[::1]",
        "[::1]2525",
        "[::1:25",
        "[smtp.example]:25",
        "smtp example:25",
        "smtp.example/x:25",
    ] {
        let err = parse_server(bad).unwrap_err();
        assert!(
            matches!(err, NotifyError::BadServer { .. }),
            "{bad:?}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("bad SMTP server \"{bad}\": ")),
            "{text}"
        );
    }
    let err = send(&notification("nowhere".into(), "body")).unwrap_err();
    assert!(matches!(err, NotifyError::BadServer { .. }), "{err:?}");
}

#[test]
fn bad_addresses_are_refused_before_connecting() {
    for (from, to, role) in [
        ("not an address", "soc@example.org", "sender"),
        ("mailsweep@sweeper.example", "", "recipient"),
        (
            "mailsweep@sweeper.example",
            "a@example.org, b@example.org",
            "recipient",
        ),
        (
            "mailsweep@sweeper.example",
            "soc@example.org trailing",
            "recipient",
        ),
        ("mailsweep@", "soc@example.org", "sender"),
    ] {
        let n = Notification {
            // Nothing listens here: an address error must come first.
            smtp: "127.0.0.1:9".into(),
            from: from.into(),
            to: to.into(),
            subject: "s".into(),
            body: "b".into(),
        };
        match send(&n) {
            Err(NotifyError::BadAddress { role: r, .. }) => assert_eq!(r, role, "{from} / {to}"),
            other => panic!("{from} / {to}: {other:?}"),
        }
    }
}

#[test]
fn one_mailbox_in_either_form() {
    for (value, address) in [
        ("soc@example.org", "soc@example.org"),
        (" <soc@example.org> ", "soc@example.org"),
        ("\"Doe, Jane\" <jane@example.org>", "jane@example.org"),
    ] {
        let mailbox = parse_mailbox("recipient", value).unwrap();
        assert_eq!(mailbox.email.to_string(), address, "{value:?}");
    }
    let err = parse_mailbox("recipient", "Doe, Jane <jane@example.org>").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bad recipient address \"Doe, Jane <jane@example.org>\": "),
        "{err}"
    );
}

#[test]
fn message_ids_differ() {
    assert_ne!(message_id("a.example"), message_id("a.example"));
    assert!(message_id("a.example").ends_with("@a.example>"));
}
