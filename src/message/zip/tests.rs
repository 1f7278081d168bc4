//! Tests of the zip listing: built archives, bombs, damaged input and real corpora.

use std::io::Write;
use std::path::Path;

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, ZipWriter};
use mail_parser::MimeHeaders;

use super::local_headers::LOCAL_HEADER_LEN;
use super::*;

const STORED: CompressionMethod = CompressionMethod::Stored;
const DEFLATED: CompressionMethod = CompressionMethod::Deflated;

fn options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(method)
}

/// An archive as the zip crate writes it: sizes in the local headers, central directory.
fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for &(name, body, method) in entries {
        writer.start_file(name, options(method)).unwrap();
        writer.write_all(body).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// An archive as streaming writers make it: sizes and CRCs in data descriptors.
fn streamed_zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut writer = ZipWriter::new_stream(Vec::new());
    for &(name, body, method) in entries {
        writer.start_file(name, options(method)).unwrap();
        writer.write_all(body).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` with `to` (same length), returning how many.
fn patch_all(data: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let at: Vec<usize> = memchr::memmem::find_iter(data, from).collect();
    for &i in &at {
        data[i..i + to.len()].copy_from_slice(to);
    }
    at.len()
}

/// Destroys the central directory and its end record, leaving the local headers intact.
fn break_central_directory(data: &mut [u8]) {
    assert!(patch_all(data, b"PK\x01\x02", b"XX\x01\x02") > 0);
    assert_eq!(patch_all(data, b"PK\x05\x06", b"XX\x05\x06"), 1);
}

fn file(name: &str, data: &[u8]) -> ZipMember {
    ZipMember {
        name: name.to_owned(),
        encrypted: false,
        is_dir: false,
        data: Some(data.to_vec()),
        problem: None,
    }
}

fn listing(data: &[u8]) -> ZipListing {
    members(data, &ZipCaps::default()).unwrap()
}

fn problem(member: &ZipMember) -> &str {
    assert_eq!(member.data, None, "{}", member.name);
    member.problem.as_deref().unwrap()
}

/// Where the `n`th (from 0) occurrence of `needle` starts.
fn nth(data: &[u8], needle: &[u8], n: usize) -> usize {
    memchr::memmem::find_iter(data, needle).nth(n).unwrap()
}

#[test]
fn default_caps() {
    let caps = ZipCaps::default();
    assert_eq!(caps.max_members, 1000);
    assert_eq!(caps.max_member_bytes, 67_108_864);
    assert_eq!(caps.max_total_bytes, 268_435_456);
    assert_eq!(caps.max_ratio, 1000);
}

#[test]
fn sniffs_local_header_and_empty_archive() {
    assert!(looks_like_zip(b"PK\x03\x04\x14\x00"));
    assert!(looks_like_zip(b"PK\x05\x06"));
    assert!(!looks_like_zip(b"PK\x01\x02"));
    assert!(!looks_like_zip(b"PK\x03"));
    assert!(!looks_like_zip(b"%PDF-1.7"));
    assert!(!looks_like_zip(b""));
}

#[test]
fn stored_and_deflated_members_with_exact_contents() {
    let text = b"to: finance; the invoice is attached, the invoice is attached".repeat(20);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file("notes.txt", options(STORED)).unwrap();
    writer.write_all(b"hello, stored").unwrap();
    writer.add_directory("docs/", options(STORED)).unwrap();
    writer
        .start_file("docs/invoice.txt", options(DEFLATED))
        .unwrap();
    writer.write_all(&text).unwrap();
    writer.start_file("empty.txt", options(DEFLATED)).unwrap();
    let archive = writer.finish().unwrap().into_inner();
    // Deflated for real, not stored under another name.
    assert!(archive.len() < text.len());

    let dir = ZipMember {
        name: "docs/".to_owned(),
        encrypted: false,
        is_dir: true,
        data: None,
        problem: None,
    };
    let expected = vec![
        file("notes.txt", b"hello, stored"),
        dir,
        file("docs/invoice.txt", &text),
        file("empty.txt", b""),
    ];
    let listing = listing(&archive);
    assert_eq!(listing.members, expected);
    assert!(!listing.truncated);
    assert!(!listing.from_local_headers);
    assert!(looks_like_zip(&archive));
}

#[test]
fn utf8_and_cp437_names() {
    let mut archive = zip_of(&[
        ("Rechnung_Müller_€.pdf", b"%PDF", STORED),
        ("請求書.txt", b"x", STORED),
        ("X.txt", b"y", STORED),
    ]);
    // 0x81 is 'ü' in CP437; without the UTF-8 flag and not valid UTF-8, it is read as CP437.
    assert_eq!(patch_all(&mut archive, b"X.txt", b"\x81.txt"), 2);
    let expected = vec![
        file("Rechnung_Müller_€.pdf", b"%PDF"),
        file("請求書.txt", b"x"),
        file("ü.txt", b"y"),
    ];
    assert_eq!(listing(&archive).members, expected);
    // The local headers decode the same way.
    break_central_directory(&mut archive);
    let walked = listing(&archive);
    assert!(walked.from_local_headers);
    assert_eq!(walked.members, expected);
}

#[test]
fn encrypted_member_is_named_but_not_read() {
    let mut archive = zip_of(&[
        ("secret.docm", b"ciphertext stand-in", STORED),
        ("readme.txt", b"password: infected", STORED),
    ]);
    // Set the encryption flag (bit 0 of the general purpose flags) of the first member in
    // its local header (offset 6) and its central directory header (offset 8).
    archive[6] |= 1;
    let central = nth(&archive, b"PK\x01\x02", 0);
    archive[central + 8] |= 1;
    let secret = ZipMember {
        name: "secret.docm".to_owned(),
        encrypted: true,
        is_dir: false,
        data: None,
        problem: None,
    };
    let expected = vec![secret, file("readme.txt", b"password: infected")];
    assert_eq!(listing(&archive).members, expected);
    break_central_directory(&mut archive);
    assert_eq!(listing(&archive).members, expected);
}

#[test]
fn member_over_the_member_cap() {
    let archive = zip_of(&[
        ("ten.txt", b"0123456789", STORED),
        ("eleven.txt", b"0123456789a", DEFLATED),
    ]);
    let caps = ZipCaps {
        max_member_bytes: 10,
        ..ZipCaps::default()
    };
    let listing = members(&archive, &caps).unwrap();
    assert_eq!(listing.members[0], file("ten.txt", b"0123456789"));
    assert_eq!(listing.members[1].name, "eleven.txt");
    assert_eq!(
        problem(&listing.members[1]),
        "declares 11 bytes, over the 10-byte member cap"
    );
}

#[test]
fn total_cap_counts_inflated_bytes_across_members() {
    let archive = zip_of(&[
        ("a.txt", b"0123456789", STORED),
        ("b.txt", b"0123456789", DEFLATED),
        ("empty.txt", b"", STORED),
    ]);
    let caps = ZipCaps {
        max_total_bytes: 15,
        ..ZipCaps::default()
    };
    let listing = members(&archive, &caps).unwrap();
    assert_eq!(listing.members[0], file("a.txt", b"0123456789"));
    assert_eq!(
        problem(&listing.members[1]),
        "declares 10 bytes, over the 5 bytes left of the archive's 15-byte total cap"
    );
    // Nothing to inflate still fits.
    assert_eq!(listing.members[2], file("empty.txt", b""));
}

/// 50 MiB of zeros, deflated: about 1030:1, the most deflate gives.
fn bomb() -> &'static [u8] {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer.start_file("zeros.bin", options(DEFLATED)).unwrap();
        let mebibyte = vec![0u8; 1 << 20];
        for _ in 0..50 {
            writer.write_all(&mebibyte).unwrap();
        }
        writer.finish().unwrap().into_inner()
    })
}

#[test]
fn ratio_bomb_is_refused_from_its_declared_size() {
    let bomb = bomb();
    let packed = ZipArchive::new(Cursor::new(bomb))
        .unwrap()
        .by_index(0)
        .unwrap()
        .compressed_size();
    assert!(52_428_800 / packed > 1000, "{packed} bytes is not a bomb");
    let listing = listing(bomb);
    assert_eq!(listing.members[0].name, "zeros.bin");
    assert_eq!(
        problem(&listing.members[0]),
        format!("declares 52428800 bytes, from {packed} compressed, over the 1000:1 ratio cap (zip bomb)")
    );
}

#[test]
fn ratio_bomb_with_a_lying_header_stops_at_the_declared_size() {
    let mut bomb = bomb().to_vec();
    // Claim 1 MiB instead of 50 in both headers (uncompressed size: local header offset
    // 22, central directory header offset 24), so no cap refuses it up front.
    let honest = 52_428_800u32.to_le_bytes();
    let lie = (1u32 << 20).to_le_bytes();
    assert_eq!(patch_all(&mut bomb, &honest, &lie), 2);
    assert_eq!(
        problem(&listing(&bomb).members[0]),
        "corrupt: File is larger than its declared uncompressed size"
    );
}

#[test]
fn truncated_archive_keeps_what_its_local_headers_show() {
    let second: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
    let archive = zip_of(&[
        ("first.txt", b"first contents", STORED),
        ("second.bin", &second, DEFLATED),
    ]);
    let second_header = nth(&archive, LOCAL_HEADER_SIG, 1);
    let second_data = second_header + LOCAL_HEADER_LEN + "second.bin".len();

    // Cut inside the second member's data: named, but corrupt.
    let cut = listing(&archive[..second_data + 100]);
    assert!(cut.from_local_headers);
    assert_eq!(cut.members.len(), 2);
    assert_eq!(cut.members[0], file("first.txt", b"first contents"));
    assert_eq!(cut.members[1].name, "second.bin");
    assert!(problem(&cut.members[1]).starts_with("corrupt: "));

    // Cut inside the second member's header: only the first is left.
    let cut = listing(&archive[..second_header + 20]);
    assert_eq!(cut.members, vec![file("first.txt", b"first contents")]);

    // Cut inside the first header: nothing to recover.
    let err = members(&archive[..20], &ZipCaps::default()).unwrap_err();
    assert!(err.to_string().starts_with("not a readable zip archive ("));
}

#[test]
fn broken_central_directory_falls_back_to_local_headers() {
    let text = b"Please open the attached document and enable content.".repeat(10);
    let mut archive = zip_of(&[
        ("invoice.js", b"WScript.Echo(1)", STORED),
        ("readme.txt", &text, DEFLATED),
    ]);
    break_central_directory(&mut archive);
    let listing = listing(&archive);
    assert!(listing.from_local_headers);
    assert!(!listing.truncated);
    assert_eq!(
        listing.members,
        vec![
            file("invoice.js", b"WScript.Echo(1)"),
            file("readme.txt", &text)
        ]
    );
}

#[test]
fn data_descriptors_are_followed_when_walking_local_headers() {
    // A stored member whose contents hold a descriptor signature and a size that does not
    // match its distance: only the real descriptor, whose size does, ends the member
    // (the signature is 5 bytes in, the decoy claims 9).
    let decoy = b"head PK\x07\x08\x00\x00\x00\x00\x09\x00\x00\x00\x09\x00\x00\x00 tail";
    let text = b"streamed and deflated, streamed and deflated".repeat(8);
    let mut archive = streamed_zip_of(&[
        ("decoy.bin", decoy, STORED),
        ("streamed.txt", &text, DEFLATED),
    ]);
    // Really streamed: the local header says sizes follow the data.
    assert_ne!(archive[6] & 0x08, 0);
    let expected = vec![file("decoy.bin", decoy), file("streamed.txt", &text)];
    assert_eq!(listing(&archive).members, expected);
    break_central_directory(&mut archive);
    let walked = listing(&archive);
    assert!(walked.from_local_headers);
    assert_eq!(walked.members, expected);

    // Without its descriptor a streamed member is named, and the walk stops there.
    assert_eq!(patch_all(&mut archive, b"PK\x07\x08", b"XX\x07\x08"), 3);
    let blind = listing(&archive);
    assert_eq!(blind.members.len(), 1);
    assert_eq!(blind.members[0].name, "decoy.bin");
    assert_eq!(
        problem(&blind.members[0]),
        "size unknown: no data descriptor after the data"
    );
}

#[test]
fn duplicate_names_are_all_listed() {
    let mut archive = zip_of(&[
        ("invoice.pdf", b"%PDF decoy", STORED),
        ("invoice.exe", b"MZ payload", STORED),
    ]);
    assert_eq!(patch_all(&mut archive, b"invoice.exe", b"invoice.pdf"), 2);
    let listing = listing(&archive);
    assert!(listing.from_local_headers);
    assert_eq!(
        listing.members,
        vec![
            file("invoice.pdf", b"%PDF decoy"),
            file("invoice.pdf", b"MZ payload")
        ]
    );
}

#[test]
fn members_beyond_the_cap_are_not_listed() {
    let mut archive = zip_of(&[
        ("1.txt", b"one", STORED),
        ("2.txt", b"two", STORED),
        ("3.txt", b"three", STORED),
    ]);
    let caps = ZipCaps {
        max_members: 2,
        ..ZipCaps::default()
    };
    let expected = vec![file("1.txt", b"one"), file("2.txt", b"two")];
    let listing = members(&archive, &caps).unwrap();
    assert_eq!(listing.members, expected);
    assert!(listing.truncated);

    break_central_directory(&mut archive);
    let walked = members(&archive, &caps).unwrap();
    assert_eq!(walked.members, expected);
    assert!(walked.truncated);
    // Exactly at the cap is not truncated.
    let caps = ZipCaps {
        max_members: 3,
        ..ZipCaps::default()
    };
    assert!(!members(&archive, &caps).unwrap().truncated);
}

#[test]
fn empty_archive_has_no_members() {
    let empty = ZipWriter::new(Cursor::new(Vec::new()))
        .finish()
        .unwrap()
        .into_inner();
    // Just the end of central directory record: signature and 18 zero bytes.
    let mut expected = b"PK\x05\x06".to_vec();
    expected.resize(22, 0);
    assert_eq!(empty, expected);
    assert!(looks_like_zip(&empty));
    let listing = listing(&empty);
    assert_eq!(listing.members, vec![]);
    assert!(!listing.truncated);
    assert!(!listing.from_local_headers);
}

#[test]
fn garbage_is_an_error() {
    for garbage in [
        &b""[..],
        b"PK",
        b"not a zip archive at all",
        b"PK\x03\x04",
        &[0xFFu8; 100],
    ] {
        let err = members(garbage, &ZipCaps::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("not a readable zip archive ("),
            "{err}"
        );
    }
}

#[test]
fn unsupported_compression_method_is_a_problem() {
    let mut archive = zip_of(&[("old.txt", b"imploded", STORED)]);
    // Compression method 6 (implode) at local header offset 8 and central offset 10.
    archive[8] = 6;
    let central = nth(&archive, b"PK\x01\x02", 0);
    archive[central + 10] = 6;
    assert_eq!(
        problem(&listing(&archive).members[0]),
        "compression method Implode is not supported"
    );
}

/// Every truncation and every single-byte corruption of a few archives, read without
/// panicking and without breaking the caps.
#[test]
fn hostile_variants_never_panic() {
    let text = b"abcabcabcabc, deflate me".repeat(4);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file("a.txt", options(STORED)).unwrap();
    writer.write_all(b"stored").unwrap();
    writer.add_directory("d/", options(STORED)).unwrap();
    writer.start_file("d/b.txt", options(DEFLATED)).unwrap();
    writer.write_all(&text).unwrap();
    let plain = writer.finish().unwrap().into_inner();
    let streamed = streamed_zip_of(&[("s.txt", b"stored", STORED), ("t.txt", &text, DEFLATED)]);

    let caps = ZipCaps {
        max_members: 2,
        max_member_bytes: 64,
        max_total_bytes: 100,
        max_ratio: 1000,
    };
    let check = |data: &[u8]| {
        if let Ok(listing) = members(data, &caps) {
            assert!(listing.members.len() <= 2);
            let inflated: usize = listing
                .members
                .iter()
                .filter_map(|m| m.data.as_ref().map(Vec::len))
                .inspect(|&len| assert!(len <= 64))
                .sum();
            assert!(inflated <= 100);
        }
    };
    for archive in [&plain, &streamed] {
        for end in 0..archive.len() {
            check(&archive[..end]);
        }
        let mut mutant = archive.clone();
        for i in 0..archive.len() {
            for value in [0x00, 0xFF, archive[i] ^ 0x01, archive[i] ^ 0x80] {
                mutant[i] = value;
                check(&mutant);
            }
            mutant[i] = archive[i];
        }
    }
}

/// The zip attachment of a message from the real corpora (`../shared/corpora`), decoded in
/// memory only; `None` (the test is skipped) where the corpora are absent.
fn corpus_zip(message: &str) -> Option<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(message);
    let Ok(raw) = std::fs::read(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    };
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let zip = message
        .attachments()
        .find(|part| part.attachment_name().is_some_and(|n| n.ends_with(".zip")))
        .unwrap();
    Some(zip.contents().to_vec())
}

#[test]
fn real_password_protected_zip() {
    // SpamAssassin's Office macro inside a password-protected zip (deflated, streamed).
    let Some(archive) = corpus_zip("spamassassin-testdata/spam/olevbmacro/zippwmacro.eml") else {
        return;
    };
    let macro_doc = ZipMember {
        name: "macro.xlsm".to_owned(),
        encrypted: true,
        is_dir: false,
        data: None,
        problem: None,
    };
    assert_eq!(listing(&archive).members, vec![macro_doc]);
}

#[test]
fn real_eicar_zip() {
    // mime-is-broken's eicar.zip in a well-formed message (validity 3): the EICAR test file,
    // harmless by design, deflated.
    let Some(archive) = corpus_zip("mime-is-broken/hide-content.d/new/1652908061.nwiv") else {
        return;
    };
    let listing = listing(&archive);
    assert_eq!(listing.members.len(), 1);
    let eicar = &listing.members[0];
    assert_eq!(eicar.name, "eicar.com");
    let data = eicar.data.as_deref().unwrap();
    assert_eq!(data.len(), 68);
    assert!(data.starts_with(b"X5O!P%@AP"));
}
