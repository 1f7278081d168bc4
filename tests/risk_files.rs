//! The dangerous file and extension rules (`risk::files`) on whole messages: built ones
//! whose attachments are made here (a zip with the zip crate, a `vbaProject.bin` with the
//! cfb crate, PDFs, names with RLO), decoded the way the Rescan decodes them, and the real
//! corpora, where every rule that fires must be one of the hand-checked findings listed
//! below and every listed finding must fire.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use mailsweep::message::decoded::{self, Decoded, File, Want};
use mailsweep::message::zip::ZipCaps;
use mailsweep::risk::{files, Category, Evidence};

fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

fn evidence_of(message: &[u8]) -> Vec<Evidence> {
    let want = Want {
        files: true,
        ..Default::default()
    };
    let decoded = Decoded::parse(&decoded::parser(), message, &ZipCaps::default(), want);
    let mut out = Vec::new();
    files::check(&decoded.files, &mut out);
    out
}

/// (rule, location) of each piece of evidence; the location is the quoted file the
/// detail starts with.
fn findings(evidence: &[Evidence]) -> Vec<(&'static str, String)> {
    evidence
        .iter()
        .map(|e| {
            let location = e.detail.split("\": ").next().unwrap_or_default();
            (e.rule, format!("{}\"", location))
        })
        .collect()
}

fn category(evidence: &[Evidence], rule: &str) -> Option<Category> {
    evidence
        .iter()
        .find(|e| e.rule == rule)
        .and_then(|e| e.category)
}

// ---- Building messages -------------------------------------------------------------

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, chunk) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A multipart/mixed message: a text body, then each attachment base64-encoded under the
/// given Content-Disposition filename parameter (written as given, so RFC 2231 forms work).
fn message(body: &str, attachments: &[(&str, &[u8])]) -> Vec<u8> {
    let mut m = String::from(
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n",
    );
    m.push_str(body);
    m.push_str("\r\n");
    for (filename, data) in attachments {
        m.push_str(&format!(
            "--b1\r\nContent-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; {filename}\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64(data)
        ));
    }
    m.push_str("--b1--\r\n");
    m.into_bytes()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip member");
        writer.write_all(data).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

/// Sets the encryption flag of every member (local headers at offset 6, central directory
/// headers at offset 8): the archive a password-protected zip looks like to a reader
/// without the password (the contents are not really encrypted, which no reader checks).
fn flag_encrypted(archive: &mut [u8]) {
    for (signature, flags_at) in [(&b"PK\x03\x04"[..], 6), (&b"PK\x01\x02"[..], 8)] {
        let at: Vec<usize> = memchr::memmem::find_iter(archive, signature).collect();
        for i in at {
            archive[i + flags_at] |= 1;
        }
    }
}

/// `MZ`, `e_lfanew` = 0x40, `PE\0\0`: the header of a Windows executable.
fn tiny_pe() -> Vec<u8> {
    let mut pe = vec![0u8; 0x80];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3C] = 0x40;
    pe[0x40..0x44].copy_from_slice(b"PE\0\0");
    pe
}

/// An MS-OVBA compressed container holding `text` in uncompressed chunks.
fn ovba_container(text: &[u8]) -> Vec<u8> {
    let mut out = vec![0x01];
    for chunk in text.chunks(4096) {
        let mut padded = chunk.to_vec();
        padded.resize(4096, b' ');
        out.extend_from_slice(&0x3FFFu16.to_le_bytes());
        out.extend_from_slice(&padded);
    }
    out
}

/// A `vbaProject.bin`: a VBA storage at the root with a `dir` stream naming one module
/// whose source (after 8 bytes of stand-in p-code) is `source`.
fn vba_project(module: &str, source: &str) -> Vec<u8> {
    let mut dir = Vec::new();
    let mut record = |id: u16, data: &[u8]| {
        dir.extend_from_slice(&id.to_le_bytes());
        dir.extend_from_slice(&(data.len() as u32).to_le_bytes());
        dir.extend_from_slice(data);
    };
    record(0x0001, &1u32.to_le_bytes());
    record(0x000F, &1u16.to_le_bytes());
    record(0x0019, module.as_bytes());
    record(0x001A, module.as_bytes());
    record(0x0031, &8u32.to_le_bytes());
    record(0x002B, &[]);
    record(0x0010, &[]);
    let mut module_stream = vec![0u8; 8];
    module_stream.extend(ovba_container(source.as_bytes()));
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    file.create_storage("/VBA").expect("storage");
    for (name, bytes) in [("dir", ovba_container(&dir)), (module, module_stream)] {
        let mut s = file.create_stream(format!("/VBA/{name}")).expect("stream");
        s.write_all(&bytes).expect("write");
    }
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

/// An OOXML Word document; with `vba` its `word/vbaProject.bin`.
fn word_document(vba: Option<&[u8]>) -> Vec<u8> {
    let mut members: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
        (
            "word/document.xml",
            b"<w:document><w:body>Sub AutoOpen()</w:body></w:document>",
        ),
    ];
    if let Some(vba) = vba {
        members.push(("word/vbaProject.bin", vba));
    }
    zip_of(&members)
}

fn pdf(catalog_extra: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>\nendobj\n\
         2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
         trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

// ---- Built messages ----------------------------------------------------------------

#[test]
fn exe_inside_a_zip_is_named_by_its_member_path() {
    let archive = zip_of(&[("invoice.pdf.exe", &tiny_pe()), ("readme.txt", b"hello")]);
    let evidence = evidence_of(&message(
        "see attached",
        &[("filename=\"files.zip\"", &archive)],
    ));
    assert_eq!(
        findings(&evidence),
        vec![
            ("ext.risky", "\"2/files.zip/invoice.pdf.exe\"".to_string()),
            ("ext.double", "\"2/files.zip/invoice.pdf.exe\"".to_string()),
        ]
    );
    assert_eq!(
        category(&evidence, "ext.double"),
        Some(Category::DangerousExtension)
    );
}

#[test]
fn encrypted_zip_is_reported_once() {
    let mut archive = zip_of(&[("a.docm", b"x"), ("b.txt", b"y")]);
    flag_encrypted(&mut archive);
    let evidence = evidence_of(&message(
        "pw: 1234",
        &[("filename=\"secret.zip\"", &archive)],
    ));
    assert_eq!(
        findings(&evidence),
        vec![
            ("ext.risky", "\"2/secret.zip/a.docm\"".to_string()),
            ("file.encrypted_zip", "\"2/secret.zip\"".to_string()),
        ]
    );
    assert_eq!(
        category(&evidence, "file.encrypted_zip"),
        Some(Category::PossibleDangerousFile)
    );
}

#[test]
fn macro_document_with_autoexec_and_without() {
    let auto = word_document(Some(&vba_project(
        "ThisDocument",
        "Private Sub Document_Open()\r\nShell \"calc\"\r\nEnd Sub",
    )));
    let evidence = evidence_of(&message("", &[("filename=\"report.docm\"", &auto)]));
    assert_eq!(
        findings(&evidence),
        vec![
            ("ext.risky", "\"2/report.docm\"".to_string()),
            (
                "file.vba_autoexec",
                "\"2/report.docm/word/vbaProject.bin\"".to_string()
            ),
        ]
    );
    assert_eq!(
        category(&evidence, "file.vba_autoexec"),
        Some(Category::DangerousFile)
    );
    assert!(
        evidence[1].detail.contains("Document_Open"),
        "{}",
        evidence[1].detail
    );

    let plain = word_document(Some(&vba_project("Module1", "Sub Helper()\r\nEnd Sub")));
    let evidence = evidence_of(&message("", &[("filename=\"report.docx\"", &plain)]));
    assert_eq!(
        findings(&evidence),
        vec![(
            "file.vba_macro",
            "\"2/report.docx/word/vbaProject.bin\"".to_string()
        )]
    );
}

#[test]
fn a_lone_ooxml_file_is_opened_by_the_check() {
    let doc = word_document(Some(&vba_project(
        "ThisDocument",
        "Sub AutoOpen()\r\nEnd Sub",
    )));
    let file = File {
        path: "3".into(),
        name: Some("q.docm".into()),
        data: Some(doc),
        problem: None,
    };
    let mut out = Vec::new();
    files::check(&[file], &mut out);
    assert_eq!(
        findings(&out),
        vec![
            ("ext.risky", "\"3/q.docm\"".to_string()),
            (
                "file.vba_autoexec",
                "\"3/q.docm/word/vbaProject.bin\"".to_string()
            ),
        ]
    );
}

#[test]
fn pdf_rules_and_name_tricks_on_attachments() {
    let evidence = evidence_of(&message(
        "",
        &[
            (
                "filename=\"a.pdf\"",
                &pdf("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
            ),
            ("filename=\"statement.pdf\"", &tiny_pe()),
            // RFC 2231: "invoice" U+202E "fdp.exe", shown as "invoiceexe.pdf".
            ("filename*=utf-8''invoice%E2%80%AEfdp.exe", b"MZ"),
        ],
    ));
    assert_eq!(
        findings(&evidence),
        vec![
            ("file.pdf_autorun_javascript", "\"2/a.pdf\"".to_string()),
            ("ext.magic_mismatch", "\"3/statement.pdf\"".to_string()),
            ("ext.risky", "\"4/invoice\\u{202e}fdp.exe\"".to_string()),
            ("ext.rtlo", "\"4/invoice\\u{202e}fdp.exe\"".to_string()),
        ]
    );
    assert!(
        evidence[3].detail.contains("\"invoiceexe.pdf\""),
        "{}",
        evidence[3].detail
    );
}

#[test]
fn near_misses_raise_nothing() {
    let docx = word_document(None);
    let evidence = evidence_of(&message(
        "Please run setup.exe from the share; Sub Document_Open() is in the macro.\r\n\
         <html><script>x</script><input type=password></html>",
        &[
            ("filename=\"report.pdf\"", &pdf("/OpenAction [2 0 R /Fit]")),
            ("filename=\"notes.docx\"", &docx),
            ("filename=\"notes.txt\"", b"Private Sub Document_Open()\r\nEnd Sub\r\n/JavaScript /Launch"),
            ("filename=\"photo.jpg\"", b"\xFF\xD8\xFF\xE0 JFIF"),
            ("filename=\"page.html\"", b"<html><body><p>Your password is safe.</p><form action=\"#\"></form></body></html>"),
            ("filename=\"v1.2 report.pdf.zip\"", &zip_of(&[("report.pdf", &pdf(""))])),
        ],
    ));
    assert_eq!(findings(&evidence), vec![]);
}

// ---- Real corpora --------------------------------------------------------------------

/// Every finding the rules make on spamassassin-testdata, rspamd-test-messages and
/// phishing-pot, each checked by hand (the attachment decoded with Python's `email` and
/// `zipfile`, the PDFs' names and the HTML read), and, where the corpus's project tests
/// the same file, agreeing with its test: SpamAssassin's t/olevbmacro.t (macro.eml:
/// OLEMACRO_FOUND; malicemacro.eml: OLEMACRO_MALICE; renamedmacro.eml: a macro in a
/// renamed file; encrypted.eml: OLEMACRO_ENCRYPTED; zippwmacro.eml: OLEMACRO_ZIP_PW;
/// nomacro.eml and goodcsv.eml: nothing) and rspamd's attachment messages (exe_attm,
/// zip, zip-doublebad, next2last-*, pdf_js, pdf_encrypted).
const EXPECTED: &[(&str, &str, &str)] = &[
    // xl/vbaProject.bin with modules Modulo1, ThisWorkbook, Foglio1-3; no autoexec.
    (
        "spamassassin-testdata/spam/hashbl",
        "ext.risky",
        "2/macro.xlsm",
    ),
    (
        "spamassassin-testdata/spam/hashbl",
        "file.vba_macro",
        "2/macro.xlsm/xl/vbaProject.bin",
    ),
    (
        "spamassassin-testdata/spam/olevbmacro/macro.eml",
        "ext.risky",
        "2/macro.xlsm",
    ),
    (
        "spamassassin-testdata/spam/olevbmacro/macro.eml",
        "file.vba_macro",
        "2/macro.xlsm/xl/vbaProject.bin",
    ),
    // Its ThisWorkbook defines Workbook_Open, Modulo1 AutoExec.
    (
        "spamassassin-testdata/spam/olevbmacro/malicemacro.eml",
        "ext.risky",
        "2/automacro.xlsm",
    ),
    (
        "spamassassin-testdata/spam/olevbmacro/malicemacro.eml",
        "file.vba_autoexec",
        "2/automacro.xlsm/xl/vbaProject.bin",
    ),
    // An .xlsm with macros, named .jpg.
    (
        "spamassassin-testdata/spam/olevbmacro/renamedmacro.eml",
        "file.vba_macro",
        "2/renamed.jpg/xl/vbaProject.bin",
    ),
    // A CFB with EncryptionInfo and EncryptedPackage, named .docx.
    (
        "spamassassin-testdata/spam/olevbmacro/encrypted.eml",
        "file.encrypted_office",
        "2/encrypted_word_doc.docx",
    ),
    // macro.zip holds macro.xlsm, encrypted (flag bit 0).
    (
        "spamassassin-testdata/spam/olevbmacro/zippwmacro.eml",
        "ext.risky",
        "2/macro.zip/macro.xlsm",
    ),
    (
        "spamassassin-testdata/spam/olevbmacro/zippwmacro.eml",
        "file.encrypted_zip",
        "2/macro.zip",
    ),
    (
        "rspamd-test-messages/bad_ext.dotted_file_name.eml",
        "ext.risky",
        "1/bad_ext.dotted_file_name.exe",
    ),
    (
        "rspamd-test-messages/exe_attm.eml",
        "ext.risky",
        "2/hello_world.exe",
    ),
    (
        "rspamd-test-messages/next2last-digits_in_brackets.eml",
        "ext.risky",
        "1/PDF417(3.2.4).msi",
    ),
    (
        "rspamd-test-messages/next2last-digits_in_parens.eml",
        "ext.risky",
        "1/PDF417[3.2.4].msi",
    ),
    // "файл.scr.xz" (windows-1251 encoded word).
    (
        "rspamd-test-messages/next2last-doublebad.eml",
        "ext.risky",
        "1/файл.scr.xz",
    ),
    (
        "rspamd-test-messages/pdf_encrypted.eml",
        "file.encrypted_pdf",
        "2/990777.pdf",
    ),
    // /Names << /JavaScript 39 0 R >>, a "docOpened" script: runs on opening.
    (
        "rspamd-test-messages/pdf_js.eml",
        "file.pdf_autorun_javascript",
        "2/DynamicEmail_AcroForm.pdf",
    ),
    (
        "rspamd-test-messages/zip-doublebad.eml",
        "ext.risky",
        "1/f.zip/fake.pdf.exe",
    ),
    (
        "rspamd-test-messages/zip-doublebad.eml",
        "ext.double",
        "1/f.zip/fake.pdf.exe",
    ),
    (
        "rspamd-test-messages/zip.eml",
        "ext.risky",
        "1/f.zip/fake.exe",
    ),
    // PDFs with /Encrypt in the trailer.
    (
        "phishing-pot/email/sample-120.eml",
        "file.encrypted_pdf",
        "2/1.BTC.Jackpot.in.a.win-win.lottery-843438zVZPj4tAyw7Fc.pdf",
    ),
    (
        "phishing-pot/email/sample-1467.eml",
        "file.encrypted_pdf",
        "2/Caixa_Tem_PnhXzq9VgA.pdf",
    ),
    (
        "phishing-pot/email/sample-1629.eml",
        "file.encrypted_pdf",
        "2/3MDsFeNQ6L0KElIBT.pdf",
    ),
    (
        "phishing-pot/email/sample-1764.eml",
        "file.encrypted_pdf",
        "2/Informativo-Online_nMFMPPVC4Ye7Eek4CDBCy1uJFqpHeoaCgwN.pdf",
    ),
    (
        "phishing-pot/email/sample-1836.eml",
        "file.encrypted_pdf",
        "2/jSdPogT8yfmYr4337.pdf",
    ),
    (
        "phishing-pot/email/sample-1845.eml",
        "file.encrypted_pdf",
        "2/KyzB5otrM9nvM7mx2433.pdf",
    ),
    (
        "phishing-pot/email/sample-1935.eml",
        "file.encrypted_pdf",
        "2/sJswLOJPwC6Ql4337.pdf",
    ),
    (
        "phishing-pot/email/sample-1944.eml",
        "file.encrypted_pdf",
        "2/dPieDiYcwjxXrSApkEa4112.pdf",
    ),
    (
        "phishing-pot/email/sample-2046.eml",
        "file.encrypted_pdf",
        "2/YI6nl0xm9XDcs.pdf",
    ),
    (
        "phishing-pot/email/sample-3138.eml",
        "file.encrypted_pdf",
        "2/AtivePontosAgota_ZwdLKpiPxvo68U5y1n.pdf",
    ),
    (
        "phishing-pot/email/sample-351.eml",
        "file.encrypted_pdf",
        "2/O16jerkcV3.pdf",
    ),
    (
        "phishing-pot/email/sample-3641.eml",
        "file.encrypted_pdf",
        "2/FotoCivicas.rCNuVDM3in.pdf",
    ),
    (
        "phishing-pot/email/sample-3669.eml",
        "file.encrypted_pdf",
        "2/Details#623847.pdf",
    ),
    (
        "phishing-pot/email/sample-669.eml",
        "file.encrypted_pdf",
        "2/sKsgPs1dQH.pdf",
    ),
    (
        "phishing-pot/email/sample-693.eml",
        "file.encrypted_pdf",
        "2/a8UNMYlyVvll6STbEwI.pdf",
    ),
    (
        "phishing-pot/email/sample-717.eml",
        "file.encrypted_pdf",
        "2/Vl6s3kCIKaUvwaUAeY.pdf",
    ),
    (
        "phishing-pot/email/sample-768.eml",
        "file.encrypted_pdf",
        "2/swRoAODiQydAMcv1kzR.pdf",
    ),
    // A CapitalOne look-alike page: <script> and a password input.
    (
        "phishing-pot/email/sample-1250.eml",
        "file.html_script",
        "2/Secure_Payment_CapitalOne_Accont.html",
    ),
    (
        "phishing-pot/email/sample-1250.eml",
        "file.html_credential_form",
        "2/Secure_Payment_CapitalOne_Accont.html",
    ),
    // Excel-login kits posting to 000webhostapp.com.
    (
        "phishing-pot/email/sample-1258.eml",
        "file.html_credential_form",
        "2/PO#198945.html",
    ),
    (
        "phishing-pot/email/sample-1261.eml",
        "file.html_credential_form",
        "2/PO45638 - PO76483.Xls.htm",
    ),
    (
        "phishing-pot/email/sample-1266.eml",
        "ext.risky",
        "2/quotation.iso",
    ),
    // document.write(unescape(...)) loaders; a <body onload> auto-click.
    (
        "phishing-pot/email/sample-398.eml",
        "file.html_script",
        "2/Email.htm",
    ),
    (
        "phishing-pot/email/sample-402.eml",
        "file.html_script",
        "2/GDydFKtIKR.html",
    ),
    (
        "phishing-pot/email/sample-432.eml",
        "file.html_script",
        "2/HlGiLfODLD.html",
    ),
    (
        "phishing-pot/email/sample-896.eml",
        "file.html_script",
        "2/GET Bitcoin 34.html",
    ),
];

fn message_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            message_files(&path, out);
        } else if !matches!(name, "SOURCE.txt" | "SELECTED_FILES.txt") && !name.ends_with(".mbox") {
            out.push(path);
        }
    }
}

#[test]
fn corpora_fire_exactly_the_hand_checked_findings() {
    let root = corpora();
    let mut found = BTreeSet::new();
    let mut messages = 0;
    for corpus in [
        "spamassassin-testdata",
        "rspamd-test-messages",
        "phishing-pot",
    ] {
        let mut paths = Vec::new();
        message_files(&root.join(corpus), &mut paths);
        assert!(
            !paths.is_empty(),
            "corpus {corpus} missing under {}",
            root.display()
        );
        messages += paths.len();
        for path in paths {
            let bytes = std::fs::read(&path).expect("read message");
            let relative = path
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            for (rule, location) in findings(&evidence_of(&bytes)) {
                found.insert((relative.clone(), rule, location));
            }
        }
    }
    let expected: BTreeSet<(String, &str, String)> = EXPECTED
        .iter()
        .map(|(file, rule, location)| (file.to_string(), *rule, format!("{location:?}")))
        .collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "unexpected {unexpected:#?}\nmissing {missing:#?}"
    );
    let flagged: BTreeSet<&String> = found.iter().map(|(f, _, _)| f).collect();
    println!(
        "{} findings in {} of {messages} messages",
        found.len(),
        flagged.len()
    );
}

/// The SpamAssassin messages its own test says carry no macro: an Office document
/// without one, and a CSV.
#[test]
fn spamassassin_near_misses() {
    for name in ["nomacro.eml", "goodcsv.eml", "target_uri.eml"] {
        let path = corpora()
            .join("spamassassin-testdata/spam/olevbmacro")
            .join(name);
        let bytes = std::fs::read(&path).expect("read message");
        assert_eq!(findings(&evidence_of(&bytes)), vec![], "{name}");
    }
}

/// Truncated and corrupted attachments of every kind the rules parse: no panic.
#[test]
fn damaged_files_never_panic() {
    let samples = [
        word_document(Some(&vba_project(
            "ThisDocument",
            "Sub AutoOpen()\r\nEnd Sub",
        ))),
        vba_project("Module1", "Sub Workbook_Open()\r\nEnd Sub"),
        pdf("/OpenAction << /S /JavaScript /JS (x) >>"),
        zip_of(&[("a.exe", &tiny_pe())]),
    ];
    for sample in samples {
        let step = (sample.len() / 60).max(1);
        for cut in (0..sample.len()).step_by(step) {
            let mut corrupt = sample.clone();
            for i in (cut..corrupt.len()).step_by(step * 7 + 1) {
                corrupt[i] ^= 0xA5;
            }
            for data in [&sample[..cut], &corrupt[..]] {
                let file = File {
                    path: "2".into(),
                    name: Some("x.docm".into()),
                    data: Some(data.to_vec()),
                    problem: None,
                };
                files::check(&[file], &mut Vec::new());
            }
        }
    }
}
