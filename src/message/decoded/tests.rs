//! The file walk is skipped only when the text walk is sure of a message's files (a
//! structure every reader splits alike, each file's bytes read alike): hand-written
//! messages where mail-parser (the file walk) finds an attachment that a strict split
//! would not see must still yield it, and on the real corpora the text walk's files are
//! the full parse's, byte for byte.

use super::*;

/// Every text, the HTML and the files.
fn want_bodies_and_files() -> Want<'static> {
    Want {
        headers: None,
        header_places_only: None,
        senders: false,
        body_text: true,
        names_and_html_text: true,
        html: true,
        files: true,
    }
}

fn decode(raw: &str) -> Decoded {
    let want = want_bodies_and_files();
    Decoded::parse(&parser(), raw.as_bytes(), &ZipCaps::default(), want)
}

fn file_names(d: &Decoded) -> Vec<&str> {
    d.files.iter().filter_map(|f| f.name.as_deref()).collect()
}

const ATTACHMENT: &str = "Content-Type: application/octet-stream\n\
    Content-Disposition: attachment; filename=\"x.bin\"\n\
    Content-Transfer-Encoding: base64\n\nQUJD\n";

#[test]
fn text_only_alternative_has_no_files_and_both_texts() {
    let d = decode(
        "Content-Type: multipart/alternative; boundary=b\n\n--b\n\
         Content-Type: text/plain\n\nplain words\n--b\n\
         Content-Type: text/html\n\n<p>html words</p>\n--b--\n",
    );
    assert!(d.files.is_empty());
    assert_eq!(d.texts.len(), 2, "{:?}", d.texts);
    assert_eq!(d.html.len(), 1);
}

#[test]
fn an_attachment_of_a_clean_multipart_is_a_file() {
    let d = decode(&format!(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\
         Content-Type: text/plain\n\nhi\n--b\n{ATTACHMENT}--b--\n"
    ));
    assert_eq!(file_names(&d), ["x.bin"]);
    assert_eq!(d.files[0].data.as_deref(), Some(&b"ABC"[..]));
}

#[test]
fn indented_delimiters_send_the_message_to_the_file_walk() {
    // A strict split sees only the last part; mail-parser takes the indented lines
    // for delimiters and finds the attachment.
    let d = decode(&format!(
        "Content-Type: multipart/mixed; boundary=b\n\n \
         --b\nContent-Type: text/plain\n\nhi\n --b\n{ATTACHMENT}\n\
         --b\nContent-Type: text/plain\n\ninnocent\n--b--\n"
    ));
    assert_eq!(file_names(&d), ["x.bin"]);
}

#[test]
fn a_part_header_without_its_blank_line_sends_the_message_to_the_file_walk() {
    let d = decode(&format!(
        "Content-Type: multipart/mixed; boundary=\"outer:1\"\n\n--outer:1\n\
         Content-Type: multipart/mixed; boundary=inner\n--outer:1\n\n\
         --inner\nContent-Type: text/plain\n\nhi\n--inner\n{ATTACHMENT}--inner--\n--outer:1--\n"
    ));
    assert_eq!(file_names(&d), ["x.bin"]);
}

#[test]
fn a_truncated_multipart_sends_the_message_to_the_file_walk() {
    let d = decode(&format!(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\
         Content-Type: text/plain\n\nhi\n--b\n{ATTACHMENT}"
    ));
    assert_eq!(file_names(&d), ["x.bin"]);
}

#[test]
fn fields_wanted_for_their_place_keep_it_with_an_empty_value() {
    let wanted =
        |n: &str| n.eq_ignore_ascii_case("received") || n.eq_ignore_ascii_case("received-spf");
    let place_only = |n: &str| n.eq_ignore_ascii_case("received");
    let want = Want {
        headers: Some(&wanted),
        header_places_only: Some(&place_only),
        ..Want::default()
    };
    let raw = b"Received-SPF: pass (x)\nReceived: from a by b\nReceived-SPF: fail\n\nbody\n";
    let d = Decoded::parse(&parser(), raw, &ZipCaps::default(), want);
    let fields: Vec<(&str, &str)> = d
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Received-SPF", "pass (x)"),
            ("Received", ""),
            ("Received-SPF", "fail")
        ]
    );
}

#[test]
fn whitespace_collapses_as_split_whitespace_joins_it() {
    // ASCII whitespace (vertical tab and form feed too), Unicode whitespace (U+0085,
    // U+00A0, U+2003) and letters, in pseudo-random strings of both paths.
    let alphabet = [
        " ", "\t", "\n", "\r", "\x0b", "\x0c", "a", "Z", "=", "\u{85}", "\u{a0}", "\u{2003}", "é",
    ];
    // Half the strings are ASCII only: the fast path.
    let ascii = crate::random_for_tests::strings(&alphabet[..9], 10_000, 15, 0x9e37_79b9);
    let mixed = crate::random_for_tests::strings(&alphabet, 10_000, 15, 0x7f4a_7c15);
    for text in ascii.iter().chain(&mixed) {
        let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(collapse_whitespace(text), expected, "{text:?}");
    }
    assert_eq!(
        decode_unstructured(b"from a.example\r\n\tby b.example ;\x0b x"),
        "from a.example by b.example ; x"
    );
}

/// Every message of the corpora whose files the text walk finds (clean structures,
/// files unencoded or in clean base64) has exactly the files, bytes and problems that
/// mail-parser's full parse gives it.
#[test]
fn files_the_text_walk_finds_are_the_full_parse_files() {
    let want = want_bodies_and_files();
    let (parser, caps) = (parser(), ZipCaps::default());
    let (mut messages, mut with_files, mut files) = (0, 0, 0);
    for folder in [
        "phishing-pot/email",
        "spamassassin-public/spam",
        "spamassassin-public/spam_2",
        "spamassassin-public/easy_ham",
        "spamassassin-public/hard_ham",
        "csdmc2010-spam/TRAINING",
        "enron-palimpzest-sample/enron-eval-medium",
        "rspamd-test-messages",
        "mime-is-broken/hide-content.d/new",
        "mime-is-broken/hide-filename.d/cur",
        "enmime-testdata/mail",
        "enmime-testdata/parts",
        "enmime-testdata/low-quality",
        "stalwart-mail-parser/eml/rfc",
        "stalwart-mail-parser/eml/malformed",
        "stalwart-mail-parser/eml/thirdparty",
        "stalwart-mail-parser/eml/legacy",
        "nodemailer-mailparser",
        "spamscope-mail-parser",
        "spamassassin-testdata/spam",
        "spamassassin-testdata/nice",
    ] {
        for path in crate::corpora_for_tests::corpus_files(folder) {
            let bytes = std::fs::read(&path).unwrap();
            let fast = Decoded::parse_files_by(&parser, &bytes, &caps, want, false);
            let full = Decoded::parse_files_by(&parser, &bytes, &caps, want, true);
            let summary = |d: &Decoded| -> Vec<String> {
                let len = |f: &File| f.data.as_ref().map(Vec::len);
                let files = d.files.iter();
                files
                    .map(|f| format!("{} {:?} {:?} {:?}", f.path, f.name, len(f), f.problem))
                    .collect()
            };
            assert_eq!(summary(&fast), summary(&full), "{}", path.display());
            assert!(fast.files == full.files, "{}: bytes differ", path.display());
            // A message without files never takes the full parse, whose problems
            // (a text body mail-parser flags) it then does not report.
            if !full.files.is_empty() {
                assert_eq!(fast.problems, full.problems, "{}", path.display());
            }
            messages += 1;
            with_files += usize::from(!fast.files.is_empty());
            files += fast.files.len();
        }
    }
    eprintln!("{messages} messages, {with_files} with {files} files");
    assert!(with_files > 800, "{with_files} messages with files");
}
