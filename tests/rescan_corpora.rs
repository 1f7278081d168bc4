//! `mailsweep rescan` on real corpora: the EICAR test file hidden by broken MIME in
//! `mime-is-broken` (each message's `X-Payload-Id` names its validity level: 3 = valid
//! MIME … 0 = only some readers see the payload).
//!
//! Expected: Virus on every message whose payload the decoder recovers. The counts per
//! level are those `tests/risk_lists.rs` measures on the decoder directly (every
//! message decoded with attachment contents); the rescan must match them, so its
//! shortcut (mail-parser's full parse only for messages that may carry files) loses
//! nothing.

mod common;

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::Array;
use common::*;

/// (validity level → (messages, messages with Virus)) of one folder's rescan.
fn virus_per_level(folder: &str) -> BTreeMap<u32, (usize, usize)> {
    let out = tempfile::tempdir().unwrap();
    let dir = corpora().join("mime-is-broken").join(folder);
    let run = rescan(out.path(), &[dir.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mut per_level: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for b in read_batches(&run.dir.join("messages.parquet")) {
        let paths = b.column_by_name("path").unwrap().as_string::<i32>();
        let categories = b.column_by_name("categories").unwrap().as_list::<i32>();
        for r in 0..b.num_rows() {
            let bytes = std::fs::read(paths.value(r)).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let level: u32 = text
                .split("valid(")
                .nth(1)
                .and_then(|t| t.split(')').next())
                .and_then(|n| n.parse().ok())
                .expect("X-Payload-Id with valid(N)");
            let list = categories.value(r);
            let list = list.as_string::<i32>();
            let virus = (0..list.len()).any(|i| list.value(i) == "virus");
            let e = per_level.entry(level).or_default();
            e.0 += 1;
            e.1 += usize::from(virus);
        }
    }
    per_level
}

#[test]
fn eicar_hidden_by_broken_mime_is_a_virus_wherever_the_decoder_recovers_it() {
    let got = virus_per_level("hide-content.d");
    eprintln!("hide-content.d: validity level → (messages, Virus): {got:?}");
    let want = BTreeMap::from([(0, (288, 118)), (1, (65, 53)), (2, (17, 17)), (3, (2, 2))]);
    assert_eq!(got, want);
}
