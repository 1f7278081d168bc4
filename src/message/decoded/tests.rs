//! The file walk is skipped only when the text walk saw every part as a text body in a
//! structure every reader splits alike: hand-written messages where mail-parser (the
//! file walk) finds an attachment that a strict split would not see must still yield it.

use super::*;

fn decode(raw: &str) -> Decoded {
    let want = Want {
        headers: None,
        header_places_only: None,
        senders: false,
        body_text: true,
        names_and_html_text: true,
        html: true,
        files: true,
    };
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
