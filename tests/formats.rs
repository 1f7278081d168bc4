//! Every format the engine recognises, on the hand-checked fixtures in `testdata/`
//! (their truth is written down in testdata/README.md).

mod common;

use common::*;

fn scan_fixture(rel: &str) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().unwrap();
    let run = scan(out.path(), &[testdata().join(rel).to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{rel}: {}", run.stderr());
    (out, run)
}

fn subjects(messages: &[Msg]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m.subject.as_deref().unwrap_or(""))
        .collect()
}

#[test]
fn mboxo_splits_strictly_and_dates_from_the_from_line() {
    let (_out, run) = scan_fixture("mbox/mboxo-lf.mbox");
    let m = run.messages();
    assert_eq!(
        subjects(&m),
        [
            "Lunch on Monday?",
            "Club meeting schedule",
            "No date on this one"
        ]
    );
    assert_eq!(m[0].date, Some(1131969600));
    assert_eq!(m[0].date_source.as_deref(), Some("date_header"));
    assert_eq!(m[1].date, Some(1132065000), "zone -0500 applied");
    assert_eq!(m[2].date, Some(1132128900));
    assert_eq!(m[2].date_source.as_deref(), Some("from_line"));
    assert_eq!(m[2].envelope_sender.as_deref(), Some("carol@example.com"));
    let info = &run.mailboxes()[0];
    assert_eq!(
        (info.mailbox.as_str(), info.format.as_str()),
        ("mboxo-lf.mbox", "mbox")
    );
    assert_eq!(info.folders, ["INBOX"]);
}

#[test]
fn mboxrd_quoting_is_undone_in_the_view_never_in_the_stored_bytes() {
    let path = testdata().join("mbox/mboxrd.mbox");
    let bytes = std::fs::read(&path).unwrap();
    let ranges = mailsweep::corpus::mbox::split(&bytes);
    assert_eq!(ranges.len(), 2);
    let stored = &bytes[ranges[0].clone()];
    let view = mailsweep::corpus::mbox::parsed_view(stored, true);
    let text = String::from_utf8(view.unquoted().into_owned()).unwrap();
    assert!(text.contains("\nFrom x marks the spot."), "{text}");
    assert!(text.contains("\n>From y, quoted in a reply."), "{text}");
    assert!(
        !text.starts_with("From "),
        "the envelope line is not part of the view"
    );
    let stored_text = String::from_utf8_lossy(stored);
    assert!(stored_text.contains("\n>From x marks the spot."));
    assert!(stored_text.contains("\n>>From y, quoted in a reply."));
    let second = mailsweep::corpus::mbox::parsed_view(&bytes[ranges[1].clone()], true);
    let text = String::from_utf8(second.unquoted().into_owned()).unwrap();
    assert!(text.contains("\nFrom now on I use mboxrd."));
    assert!(
        text.contains("> >From y?"),
        "a `> >From` line is not quoting"
    );
    // The scan hashes the stored range, quoting and all.
    let (_out, run) = scan_fixture("mbox/mboxrd.mbox");
    assert_eq!(run.messages()[0].sha256, sha256_of(stored));
}

#[test]
fn crlf_and_cr_only_mboxes() {
    let (_o1, crlf) = scan_fixture("mbox/crlf.mbox");
    let m = crlf.messages();
    assert_eq!(subjects(&m), ["CRLF message one", "CRLF message two"]);
    assert_eq!(
        m[0].envelope_sender.as_deref(),
        Some("heidi@example.com"),
        "no trailing CR"
    );
    let (_o2, cr) = scan_fixture("mbox/cr-only.mbox");
    let m = cr.messages();
    assert_eq!(subjects(&m), ["Old Mac message one", "Old Mac message two"]);
    assert_eq!(m[0].date, Some(1144656610));
    assert_eq!(m[1].date, Some(1144823400));
    assert!(m.iter().all(|x| x.parse_error.is_none()));
}

#[test]
fn uw_imap_pseudo_message_is_skipped_and_counted() {
    let (_out, run) = scan_fixture("mbox/uw-imap.mbox");
    assert_eq!(
        subjects(&run.messages()),
        ["Folder test one", "Folder test two"]
    );
    assert_eq!(run.mailboxes()[0].internal_messages_skipped, 1);
}

#[test]
fn empty_and_one_byte_mboxes_have_no_messages_and_no_error() {
    for rel in ["mbox/empty.mbox", "mbox/one-byte.mbox"] {
        let (_out, run) = scan_fixture(rel);
        assert!(run.messages().is_empty(), "{rel}");
        let info = &run.mailboxes()[0];
        assert_eq!(
            (info.messages_total, info.error.as_deref()),
            (0, None),
            "{rel}"
        );
    }
}

#[test]
fn gzip_mbox_is_read_as_a_stream() {
    let (_out, run) = scan_fixture("mbox/compressed.mbox.gz");
    let m = run.messages();
    assert_eq!(
        subjects(&m),
        ["Compressed one", "Compressed two", "Compressed three"]
    );
    assert!(m.iter().all(|x| x.locator_kind == "mbox.gz"));
    // Offsets and hashes refer to the decompressed stream.
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(
            std::fs::File::open(testdata().join("mbox/compressed.mbox.gz")).unwrap(),
        ),
        &mut raw,
    )
    .unwrap();
    for x in &m {
        assert_eq!(
            x.sha256,
            sha256_of(&raw[x.offset as usize..(x.offset + x.length) as usize])
        );
    }
    assert_eq!(run.mailboxes()[0].format, "mbox.gz");
}

#[test]
fn maildir_plus_plus_folders_flags_and_owner() {
    let (_out, run) = scan_fixture("maildir/alice@example.com");
    let info = &run.mailboxes()[0];
    assert_eq!(info.owner.as_deref(), Some("alice@example.com"));
    assert_eq!(info.format, "maildir");
    let mut folders = info.folders.clone();
    folders.sort();
    assert_eq!(folders, ["Archive/2024", "INBOX", "Sent"]);
    let m = run.messages();
    assert_eq!(m.len(), 5, "tmp/ and metadata files are not messages");
    let flags = |subject: &str| {
        let x = m
            .iter()
            .find(|x| x.subject.as_deref() == Some(subject))
            .unwrap();
        (x.folder.clone(), x.maildir_flags.clone())
    };
    assert_eq!(
        flags("Quarterly report draft"),
        ("INBOX".into(), Some("FS".into()))
    );
    assert_eq!(
        flags("In cur, no flags (unread)"),
        ("INBOX".into(), Some("".into()))
    );
    assert_eq!(flags("Brand new message"), ("INBOX".into(), None));
    assert_eq!(
        flags("Re: Quarterly report draft"),
        ("Sent".into(), Some("S".into()))
    );
    assert_eq!(
        flags("Old thread, archived"),
        ("Archive/2024".into(), Some("RS".into()))
    );
    let sums = sha256sum(&m.iter().map(|x| x.path.clone()).collect::<Vec<_>>());
    for x in &m {
        assert_eq!(x.locator_kind, "file");
        assert_eq!(Some(&x.sha256), sums.get(&x.path), "{}", x.path);
        assert_eq!(x.length as u64, std::fs::metadata(&x.path).unwrap().len());
    }
}

#[test]
fn enron_layout_users_are_mailboxes_and_subfolders_are_folders() {
    let (_out, run) = scan_fixture("enron/maildir");
    let boxes = run.mailboxes();
    let ids: Vec<_> = boxes
        .iter()
        .map(|b| (b.mailbox.as_str(), b.messages_total))
        .collect();
    assert_eq!(ids, [("doe-a", 1), ("smith-j", 3)]);
    assert_eq!(boxes[1].folders, ["inbox", "sent_items"]);
    let m = run.messages();
    let gas = m
        .iter()
        .find(|x| x.subject.as_deref() == Some("Gas forecast for June"))
        .unwrap();
    assert_eq!((gas.folder.as_str(), gas.date), ("inbox", Some(989883540)));
}

#[test]
fn thunderbird_profile_folders_and_sbd_subfolders() {
    let (_out, run) = scan_fixture("thunderbird/profile");
    let info = &run.mailboxes()[0];
    assert_eq!(info.format, "thunderbird");
    let mut folders = info.folders.clone();
    folders.sort();
    assert_eq!(folders, ["Archives", "Archives/2024", "Inbox", "Sent"]);
    let m = run.messages();
    assert_eq!(m.len(), 5);
    assert_eq!(m.iter().filter(|x| x.folder == "Archives/2024").count(), 2);
    assert!(m.iter().all(|x| !x.path.ends_with(".msf")));
    assert_eq!(m[0].envelope_sender.as_deref(), Some("-"));
}

#[test]
fn apple_mail_bundle() {
    let (_out, run) = scan_fixture("apple/Exported.mbox");
    let info = &run.mailboxes()[0];
    assert_eq!(
        (info.mailbox.as_str(), info.format.as_str()),
        ("Exported.mbox", "apple-mbox")
    );
    assert_eq!(
        subjects(&run.messages()),
        ["Apple export one", "Apple export two"]
    );
}

#[test]
fn single_eml_decodes_subject_addresses_and_attachment_names() {
    let (_out, run) = scan_fixture("eml/single.eml");
    let m = &run.messages()[0];
    assert_eq!(m.subject.as_deref(), Some("Réunion budget 2024"));
    assert_eq!(m.from_name.as_deref(), Some("Nina Laurent"));
    assert_eq!(m.from_address.as_deref(), Some("nina@example.com"));
    assert_eq!(m.to, ["oscar@example.org", "paula@example.com"]);
    assert_eq!(m.cc, ["quentin@example.org"]);
    assert_eq!(m.date, Some(1710491400));
    assert_eq!(m.attachment_count, 2);
    assert_eq!(
        m.attachment_names,
        [
            Some("invoice.pdf".to_string()),
            Some("résumé.txt".to_string())
        ]
    );
    let path = testdata().join("eml/single.eml");
    assert_eq!(
        m.sha256,
        sha256sum(&[path.to_string_lossy().into_owned()])[path.to_str().unwrap()]
    );
}

#[test]
fn folder_of_messages_with_envelope_line_and_subfolder() {
    let (_out, run) = scan_fixture("eml/folder");
    let info = &run.mailboxes()[0];
    assert_eq!(
        (info.mailbox.as_str(), info.format.as_str()),
        ("folder", "eml")
    );
    let m = run.messages();
    assert_eq!(
        m.len(),
        4,
        "b.eml starts with a From_ line but is one message"
    );
    let b = m.iter().find(|x| x.path.ends_with("b.eml")).unwrap();
    assert_eq!(b.envelope_sender.as_deref(), Some("bob@example.org"));
    assert_eq!(b.subject.as_deref(), Some("Folder message B"));
    let d = m.iter().find(|x| x.path.ends_with("d.eml")).unwrap();
    assert_eq!(d.folder, "Projects");
}

#[test]
fn broken_messages_are_rows_with_their_error() {
    let (_out, run) = scan_fixture("broken");
    let m = run.messages();
    assert_eq!(m.len(), 3);
    let by_name = |n: &str| m.iter().find(|x| x.path.ends_with(n)).unwrap();
    assert!(by_name("no-headers.eml").parse_error.is_some());
    assert!(by_name("binary.eml").parse_error.is_some());
    let truncated = by_name("truncated-mime.eml");
    assert_eq!(truncated.parse_error, None);
    assert_eq!(truncated.attachment_names, [Some("cut.pdf".to_string())]);
    assert_eq!(run.json["parse_failures"], 2);
}

#[test]
fn a_collection_yields_every_mailbox_with_ids_relative_to_the_argument() {
    let out = tempfile::tempdir().unwrap();
    let run = scan(out.path(), &[testdata().to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let ids: Vec<String> = run.mailboxes().into_iter().map(|b| b.mailbox).collect();
    for expected in [
        "apple/Exported.mbox",
        "broken",
        "eml",
        "enron/maildir/doe-a",
        "enron/maildir/smith-j",
        "maildir/alice@example.com",
        "mbox/compressed.mbox.gz",
        "mbox/uw-imap.mbox",
        "thunderbird/profile",
    ] {
        assert!(
            ids.iter().any(|i| i == expected),
            "{expected} missing from {ids:?}"
        );
    }
    assert!(
        !ids.iter().any(|i| i == "testdata"),
        "README.md is not a message"
    );
    // 38 format fixtures, 37 search fixtures (testdata/search/), 18 rescan fixtures
    // (testdata/rescan/) and 18 of the learned detectors (testdata/rescan-learn/).
    assert_eq!(run.json["messages"], 111);
}
