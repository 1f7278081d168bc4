//! What a file's first bytes say it is, whatever its name says: the sniffing that decides
//! which (costlier) parser looks at it, and the executables a name can lie about.

use memchr::memmem;

/// The kinds of content the file rules tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Windows PE executable or DLL (`MZ` with a `PE\0\0` header where `e_lfanew` points).
    Pe,
    Elf,
    /// Mach-O (thin or fat; a fat header is also how a Java class file starts).
    MachO,
    /// Windows shortcut (.lnk), which runs whatever command line it holds.
    Lnk,
    /// A text file starting with `#!`.
    Script,
    /// OLE compound file: Office 97-2003 documents, encrypted OOXML, `vbaProject.bin`, MSI.
    Cfb,
    Zip,
    Pdf,
    Html,
    Svg,
    Other,
}

impl Kind {
    /// Native code or a shortcut: runs when opened.
    pub fn executable(self) -> bool {
        matches!(self, Kind::Pe | Kind::Elf | Kind::MachO | Kind::Lnk)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Pe => "a Windows executable (MZ/PE)",
            Kind::Elf => "an ELF executable",
            Kind::MachO => "a Mach-O executable or Java class",
            Kind::Lnk => "a Windows shortcut (LNK)",
            Kind::Script => "a #! script",
            Kind::Cfb => "an OLE compound file",
            Kind::Zip => "a zip archive",
            Kind::Pdf => "a PDF",
            Kind::Html => "HTML",
            Kind::Svg => "SVG",
            Kind::Other => "data",
        }
    }
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const LNK_MAGIC: &[u8] = b"\x4C\x00\x00\x00\x01\x14\x02\x00";
/// Readers accept a PDF header anywhere in the first KiB.
const PDF_HEADER_WINDOW: usize = 1024;
/// How far into a text file its markup is looked for.
const MARKUP_WINDOW: usize = 2048;

pub fn sniff(data: &[u8]) -> Kind {
    if is_pe(data) {
        Kind::Pe
    } else if data.starts_with(b"\x7FELF") {
        Kind::Elf
    } else if is_macho(data) {
        Kind::MachO
    } else if data.starts_with(LNK_MAGIC) {
        Kind::Lnk
    } else if data.starts_with(CFB_MAGIC) {
        Kind::Cfb
    } else if crate::message::zip::looks_like_zip(data) {
        Kind::Zip
    } else if memmem::find(&data[..data.len().min(PDF_HEADER_WINDOW)], b"%PDF-").is_some() {
        Kind::Pdf
    } else {
        text_kind(data)
    }
}

fn is_pe(data: &[u8]) -> bool {
    if !data.starts_with(b"MZ") {
        return false;
    }
    let Some(&[a, b, c, d]) = data.get(0x3C..0x40) else {
        return false;
    };
    let at = u32::from_le_bytes([a, b, c, d]) as usize;
    data.get(at..at.saturating_add(4)) == Some(b"PE\0\0")
}

fn is_macho(data: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 5] = [
        [0xFE, 0xED, 0xFA, 0xCE],
        [0xFE, 0xED, 0xFA, 0xCF],
        [0xCE, 0xFA, 0xED, 0xFE],
        [0xCF, 0xFA, 0xED, 0xFE],
        [0xCA, 0xFE, 0xBA, 0xBE],
    ];
    MAGICS.iter().any(|m| data.starts_with(m))
}

/// HTML, SVG or a `#!` script, by the first markup after a byte-order mark, blanks and
/// comments; anything else is `Other`.
fn text_kind(data: &[u8]) -> Kind {
    let start = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if start.starts_with(b"#!") {
        return Kind::Script;
    }
    let window = &start[..start.len().min(MARKUP_WINDOW)];
    let lower = window.to_ascii_lowercase();
    let trimmed = lower.trim_ascii_start();
    if !trimmed.starts_with(b"<") {
        return Kind::Other;
    }
    if memmem::find(&lower, b"<svg").is_some() && memmem::find(&lower, b"<html").is_none() {
        Kind::Svg
    } else if [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<meta",
    ]
    .iter()
    .any(|tag| memmem::find(&lower, tag).is_some())
    {
        Kind::Html
    } else {
        Kind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest PE header this sniffing accepts: `MZ`, `e_lfanew` = 0x40, `PE\0\0`.
    fn tiny_pe() -> Vec<u8> {
        let mut pe = vec![0u8; 0x60];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3C] = 0x40;
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        pe
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(&tiny_pe()), Kind::Pe);
        // "MZ" alone (a text starting so) is not an executable.
        assert_eq!(sniff(b"MZ is where the plans are"), Kind::Other);
        assert_eq!(sniff(b"\x7FELF\x02\x01\x01"), Kind::Elf);
        assert_eq!(sniff(b"\xCF\xFA\xED\xFE\x07"), Kind::MachO);
        assert_eq!(sniff(b"#!/bin/sh\ncurl x | sh"), Kind::Script);
        assert_eq!(sniff(b"garbage\n%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><p>"), Kind::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"),
            Kind::Svg
        );
        assert_eq!(sniff(b"<note>an XML file</note>"), Kind::Other);
        assert_eq!(sniff(b"Dear customer, <html> is a tag"), Kind::Other);
        assert_eq!(sniff(b""), Kind::Other);
        assert_eq!(sniff(b"PK\x03\x04"), Kind::Zip);
        assert_eq!(sniff(CFB_MAGIC), Kind::Cfb);
    }
}
