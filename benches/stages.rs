//! Per-stage throughput on real mail: split, parse (inventory), hash, the text
//! classifier's features, batch build and Parquet write. The input is an mbox built in
//! memory from `../shared/corpora` message files (up to 64 MiB;
//! `MAILSWEEP_BENCH_MBOX=FILE` uses an mbox of your own instead).
//! End-to-end figures against cat/ripgrep/Python are in `scripts/bench`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailsweep::audit::{messages_batch, messages_schema, MessageRow, TableWriter};
use mailsweep::corpus::{mbox, sha256_many};
use mailsweep::message::inventory;
use mailsweep::risk::learn::{self, Model};
use mailsweep::risk::links::Links;

const BENCH_BYTES: usize = 64 << 20;

fn corpus_mbox() -> Vec<u8> {
    if let Ok(path) = std::env::var("MAILSWEEP_BENCH_MBOX") {
        return std::fs::read(path).expect("MAILSWEEP_BENCH_MBOX is readable");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let mut files = Vec::new();
    for dir in ["spamassassin-public", "phishing-pot", "csdmc2010-spam"] {
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(!files.is_empty(), "no corpus under {}", root.display());
    let mut out = Vec::with_capacity(BENCH_BYTES + (1 << 20));
    for file in files.iter().cycle() {
        if out.len() >= BENCH_BYTES {
            break;
        }
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        if !bytes.starts_with(b"From ") {
            out.extend_from_slice(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2004\n");
        }
        out.extend_from_slice(&bytes);
        if !bytes.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".txt"))
        {
            out.push(path);
        }
    }
}

fn rows(data: &[u8], ranges: &[std::ops::Range<usize>]) -> Vec<MessageRow> {
    ranges
        .iter()
        .map(|r| {
            let stored = &data[r.clone()];
            let view = mbox::parsed_view(stored, true);
            let inv = inventory(&view.bytes, view.envelope.as_ref(), None);
            MessageRow {
                mailbox: "bench".into(),
                folder: "INBOX".into(),
                locator_kind: "mbox",
                path: "bench.mbox".into(),
                offset: r.start as i64,
                length: stored.len() as i64,
                sha256: hex::encode(sha256_many(&[stored])[0]),
                message_id: inv.message_id,
                date: inv.date,
                from_address: inv.from_address,
                subject: inv.subject,
                to: inv.to,
                attachment_names: inv.attachments.into_iter().map(|a| a.name).collect(),
                ..MessageRow::default()
            }
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let data = corpus_mbox();
    let ranges = mbox::split(&data);
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("split", |b| b.iter(|| mbox::split(&data).len()));
    let messages: Vec<&[u8]> = ranges.iter().map(|r| &data[r.clone()]).collect();
    // As the pipeline hashes: groups of 64 messages, four SHA-256 streams at a time.
    group.bench_function("hash", |b| {
        b.iter(|| {
            messages
                .chunks(64)
                .map(|g| sha256_many(g).len())
                .sum::<usize>()
        })
    });
    // The sha2 crate alone, one message at a time: the baseline of the lane code.
    group.bench_function("hash_single_stream", |b| {
        b.iter(|| {
            messages
                .iter()
                .map(|m| <sha2::Sha256 as sha2::Digest>::digest(m)[0] as usize)
                .sum::<usize>()
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            ranges
                .iter()
                .map(|r| {
                    let view = mbox::parsed_view(&data[r.clone()], true);
                    inventory(&view.bytes, view.envelope.as_ref(), None)
                        .attachments
                        .len()
                })
                .sum::<usize>()
        })
    });
    // The text classifier's own work in a rescan: each decoded message's tokens looked
    // up in the shipped model (decoding and links are read outside the timing).
    let model = Model::default_model();
    let decoded: Vec<_> = ranges
        .iter()
        .map(|r| learn::decode(&mbox::parsed_view(&data[r.clone()], true).bytes))
        .collect();
    let links: Vec<Links> = decoded.iter().map(Links::read).collect();
    group.bench_function("classify_features", |b| {
        b.iter(|| {
            decoded
                .iter()
                .zip(&links)
                .map(|(d, l)| model.features(d, l, learn::from_of(d)).len())
                .sum::<usize>()
        })
    });
    drop((decoded, links));
    let rows = rows(&data, &ranges);
    group.bench_function("batch_build", |b| {
        b.iter(|| messages_batch("bench", &rows).unwrap().num_rows())
    });
    let batch = messages_batch("bench", &rows).unwrap();
    let dir = tempfile::tempdir().unwrap();
    group.bench_function("write", |b| {
        b.iter(|| {
            let mut w =
                TableWriter::create(&dir.path().join("messages.parquet"), messages_schema())
                    .unwrap();
            w.write(&batch).unwrap();
            w.finish().unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
