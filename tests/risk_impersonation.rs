//! Impersonation, rule by rule, through the rescan of one message (`Rescanner::assess`)
//! with a directory and the contacts a Sent message gives; then `mailsweep rescan
//! --directory` on the hand-written Maildir++ in `testdata/rescan-learn/`, whose
//! expected categories (impersonation and unwanted) are in its `expected.csv`.

mod common;

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use common::*;
use mailsweep::message::inventory;
use mailsweep::risk::contacts::{recipients_if_sent, Contacts};
use mailsweep::risk::impersonation::Directory;
use mailsweep::risk::lists::Lists;
use mailsweep::risk::policy::Policy;
use mailsweep::risk::unwanted::Filing;
use mailsweep::risk::{Category, MessageFacts, Rescanner};

const OWNER: &str = "alice@example.com";

fn rescanner() -> Rescanner {
    let dir = Directory::parse(
        "name,address\nAlice Example,alice@example.com\nBob Boss,ceo@example.com\nSam Mitchell,sam@example.com\n",
    )
    .unwrap();
    Rescanner::new(Policy::default(), Lists::empty(), None).with_directory(dir)
}

/// Alice wrote to Carol Partner (under that name) and to a Gmail user.
fn contacts() -> Contacts {
    let sent = b"From: Alice <alice@example.com>\nTo: \"Carol Partner\" <carol@partner.example>, \"Gus Gmail\" <gus@gmail.com>\n\nhi";
    let mut c = Contacts::default();
    c.extend(recipients_if_sent(sent, Some(OWNER), true));
    c
}

/// The impersonation evidence of a message: (category, rule, detail).
fn imp(headers: &str) -> Vec<(Category, &'static str, String)> {
    let msg = format!("{headers}To: alice@example.com\nSubject: Hello\n\nBody text.\n");
    let inv = inventory(msg.as_bytes(), None, None);
    let contacts = contacts();
    let assessment = rescanner().assess(&MessageFacts {
        bytes: msg.as_bytes(),
        owner: Some(OWNER),
        from: inv.from_address.as_deref(),
        from_name: inv.from_name.as_deref(),
        subject: inv.subject.as_deref(),
        envelope_sender: None,
        recipients: 1,
        may_have_files: false,
        date: None,
        contacts: &contacts,
        filing: Filing::default(),
    });
    assessment
        .verdict
        .evidence
        .into_iter()
        .filter(|e| e.rule.starts_with("imp."))
        .map(|e| (e.category.unwrap(), e.rule, e.detail))
        .collect()
}

fn fires(headers: &str, category: Category, rule: &str) -> String {
    let got = imp(headers);
    let hit = got.iter().find(|(c, r, _)| *c == category && *r == rule);
    hit.unwrap_or_else(|| panic!("{rule} → {category:?} expected for {headers:?}, got {got:?}"))
        .2
        .clone()
}

fn silent(headers: &str) {
    let got = imp(headers);
    assert!(
        got.is_empty(),
        "nothing expected for {headers:?}, got {got:?}"
    );
}

#[test]
fn a_directory_persons_name_from_another_address_is_impersonation() {
    let detail = fires(
        "From: \"Bob Boss\" <bob.boss.office@gmail.com>\n",
        Category::Impersonation,
        "imp.display_name_of_contact",
    );
    assert!(
        detail.contains("\"ceo@example.com\"") && detail.contains("gmail.com"),
        "{detail}"
    );
    // Word order and case do not matter.
    fires(
        "From: \"BOSS, Bob\" <x@elsewhere.example>\n",
        Category::Impersonation,
        "imp.display_name_of_contact",
    );
}

#[test]
fn a_contacts_name_from_another_address_is_impersonation() {
    fires(
        "From: \"Carol Partner\" <carol.partner@carol-mail.example>\n",
        Category::Impersonation,
        "imp.display_name_of_contact",
    );
}

#[test]
fn a_name_that_only_looks_like_theirs_is_possible_impersonation() {
    // rn drawn as m.
    fires(
        "From: \"Sarn Mitchell\" <sam@mitchell.example>\n",
        Category::PossibleImpersonation,
        "imp.display_name_of_contact",
    );
    // One letter off a long name.
    fires(
        "From: \"Carol Partners\" <c@other.example>\n",
        Category::PossibleImpersonation,
        "imp.display_name_of_contact",
    );
}

#[test]
fn the_same_name_from_the_right_places_is_not_impersonation() {
    // A colleague with the same name in the organisation's own domain.
    silent("From: \"Bob Boss\" <bob.b@sales.example.com>\n");
    // The partner herself, and from another host of her organisation.
    silent("From: \"Carol Partner\" <carol@partner.example>\n");
    silent("From: \"Carol Partner\" <c.partner@mail.partner.example>\n");
    // A contact writing under another contact's name? No: Gus is a contact himself.
    silent("From: \"Carol Partner\" <gus@gmail.com>\n");
    // One-word names identify nobody.
    silent("From: \"Support\" <help@vendor.example>\n");
    // A different person with a different name.
    silent("From: \"Dan Dealer\" <dan@vendor.example>\n");
}

#[test]
fn a_display_name_showing_a_known_address_is_possible_impersonation() {
    fires(
        "From: \"ceo@example.com\" <boss@mailer.example>\n",
        Category::PossibleImpersonation,
        "imp.display_name_address",
    );
    silent("From: \"carol@partner.example\" <carol@partner.example>\n");
    silent("From: \"someone@unknown.example\" <x@mailer.example>\n");
}

#[test]
fn lookalike_domains() {
    // Homoglyphs of the owner's domain and of a contact's domain.
    for from in ["it@examp1e.com", "it@exarnple.com", "x@partner.exarnple"] {
        let detail = fires(
            &format!("From: <{from}>\n"),
            Category::Impersonation,
            "imp.lookalike_domain",
        );
        assert!(detail.contains("looks like"), "{detail}");
    }
    // Punycode with a Cyrillic а in "pаrtner.example".
    let detail = fires(
        "From: <x@xn--prtner-3nf.example>\n",
        Category::Impersonation,
        "imp.lookalike_domain",
    );
    assert!(detail.contains("pаrtner.example"), "{detail}");
    // A typo away.
    fires(
        "From: <x@partnre.example>\n",
        Category::PossibleImpersonation,
        "imp.lookalike_domain",
    );
}

#[test]
fn unrelated_or_related_domains_are_not_lookalikes() {
    silent("From: <x@painter.example>\n"); // two letters off a 7-letter name
    silent("From: <x@mail.example.com>\n"); // the owner's own, a subdomain
    silent("From: <x@example.org>\n");
    silent("From: <x@gmx.com>\n"); // free mail is never a lookalike of gmail.com
    silent("From: <x@xn--mnchen-3ya.example>\n"); // münchen: Latin letters only
}

#[test]
fn internationalised_domains_with_foreign_lookalike_letters() {
    // "аpple.example" with a Cyrillic а, not a domain the owner knows.
    let detail = fires(
        "From: <x@xn--pple-43d.example>\n",
        Category::PossibleImpersonation,
        "imp.punycode_domain",
    );
    assert!(detail.contains("\"а\""), "{detail}");
}

#[test]
fn reply_to_diverted() {
    fires(
        "From: \"Payroll\" <payroll@vendor.example>\nReply-To: payroll.vendor@gmail.com\n",
        Category::PossibleImpersonation,
        "imp.reply_to_diverted",
    );
    // Claiming the organisation and diverting to free mail.
    fires(
        "From: \"Bob Boss\" <ceo@example.com>\nReply-To: bob.boss.ceo@gmail.com\n",
        Category::Impersonation,
        "imp.reply_to_diverted",
    );
    // To a lookalike of the sender's own domain.
    fires(
        "From: <billing@vendor.example>\nReply-To: billing@vend0r.example\n",
        Category::Impersonation,
        "imp.reply_to_diverted",
    );
}

#[test]
fn reply_to_the_same_organisation_or_from_free_mail_is_not_diverted() {
    silent("From: \"Bob Boss\" <ceo@example.com>\nReply-To: assistant@example.com\n");
    silent("From: <news@shop.example>\nReply-To: replies@mail.shop.example\n");
    silent("From: <news@shop.example>\nReply-To: list@lists.other.example\n");
    silent("From: <someone@gmail.com>\nReply-To: someone@yahoo.com\n");
    silent("From: <a@vendor.example>\nReply-To: carol@partner.example\n"); // a contact
}

/// Categories of the impersonation and unwanted families per fixture, from the run's
/// risks table.
pub fn learned_categories(run: &Run) -> BTreeMap<String, Vec<String>> {
    let mut names = BTreeMap::new();
    for m in run.messages() {
        let file = m.path.rsplit('/').next().unwrap().to_string();
        let stem = file.split_once(":2,").map_or(file.as_str(), |(s, _)| s);
        let name = stem.split_once('.').map_or(stem, |(_, n)| n).to_string();
        names.insert(m.ordinal, name);
    }
    let mut out: BTreeMap<String, Vec<String>> =
        names.values().map(|n| (n.clone(), Vec::new())).collect();
    for b in read_batches(&run.dir.join("risks.parquet")) {
        let category = b.column_by_name("category").unwrap().as_string::<i32>();
        let ordinal = b
            .column_by_name("ordinal")
            .unwrap()
            .as_primitive::<Int64Type>();
        for r in 0..b.num_rows() {
            let c = category.value(r);
            if c.contains("impersonation") || c.contains("unwanted") {
                out.get_mut(&names[&ordinal.value(r)])
                    .unwrap()
                    .push(c.to_string());
            }
        }
    }
    out
}

#[test]
fn rescan_with_a_directory_gives_each_fixture_its_expected_categories() {
    let out = tempfile::tempdir().unwrap();
    let root = testdata().join("rescan-learn");
    let mailbox = root.join("alice@example.com");
    let directory = root.join("directory.csv");
    let run = rescan(
        out.path(),
        &[
            mailbox.to_str().unwrap(),
            "--directory",
            directory.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let expected: BTreeMap<String, Vec<String>> =
        std::fs::read_to_string(root.join("expected.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let (name, cats) = l.split_once(',').unwrap();
                let cats = cats.split(';').filter(|c| *c != "-").map(str::to_string);
                (name.to_string(), cats.collect())
            })
            .collect();
    assert_eq!(learned_categories(&run), expected);
}

#[test]
fn a_bad_directory_stops_the_run() {
    let out = tempfile::tempdir().unwrap();
    let bad = out.path().join("dir.csv");
    std::fs::write(&bad, "name,address\nBob Boss,not-an-address\n").unwrap();
    let mailbox = testdata().join("rescan-learn/alice@example.com");
    let o = mailsweep(&[
        "rescan",
        mailbox.to_str().unwrap(),
        "--directory",
        bad.to_str().unwrap(),
        "--out",
        out.path().join("audit").to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dir.csv:2"), "{err}");
    assert!(!out.path().join("audit").exists());
}
