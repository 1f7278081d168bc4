//! Raw header access without a full parse: where the header block ends and the raw value
//! of the first occurrence of a header. Used where a message must be looked at before it
//! is parsed (the date probe of `--limit`) and for part headers in the MIME walk.

use memchr::memmem;

/// Offset where the body starts (after the blank line ending the header block); the
/// input length when there is no blank line.
pub fn body_offset(bytes: &[u8]) -> usize {
    if bytes.starts_with(b"\n") {
        return 1;
    }
    if bytes.starts_with(b"\r\n") {
        return 2;
    }
    let lf = memmem::find(bytes, b"\n\n").map(|i| i + 2);
    let crlf = memmem::find(bytes, b"\n\r\n").map(|i| i + 3);
    match (lf, crlf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(bytes.len()),
    }
}

/// The raw value of the first `name:` header (case-insensitive) in a header block,
/// continuation lines included, up to and including the final line terminator.
pub fn first_header<'a>(block: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut line_start = 0;
    while line_start < block.len() {
        let line_end =
            memchr::memchr(b'\n', &block[line_start..]).map_or(block.len(), |i| line_start + i + 1);
        let line = &block[line_start..line_end];
        if line.len() > name.len()
            && line[name.len()] == b':'
            && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            let value_start = line_start + name.len() + 1;
            let mut end = line_end;
            while end < block.len() && matches!(block[end], b' ' | b'\t') {
                end = memchr::memchr(b'\n', &block[end..]).map_or(block.len(), |i| end + i + 1);
            }
            return Some(&block[value_start..end]);
        }
        line_start = line_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_folded_header_case_insensitively() {
        let block = b"Received: from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\nDATE: x\n\nbody";
        assert_eq!(
            first_header(block, "received").unwrap(),
            b" from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n"
        );
        assert_eq!(first_header(block, "Date").unwrap(), b" x\n");
        assert_eq!(first_header(block, "Subject"), None);
        assert_eq!(body_offset(block), block.len() - 4);
        assert_eq!(body_offset(b"\r\nbody"), 2);
        assert_eq!(body_offset(b"A: b\r\n\r\nc"), 8);
    }
}
