//! The same rows in the same order whatever the thread count, including a mbox large
//! enough to be split by several threads.

mod common;

use arrow_array::RecordBatch;
use common::*;

/// All batches of a table as one, without the run id (which differs per run).
fn content(path: &std::path::Path) -> RecordBatch {
    let batches = read_batches(path);
    let schema = batches[0].schema();
    let all = arrow_select::concat::concat_batches(&schema, &batches).unwrap();
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| schema.field(i).name() != "run_id")
        .collect();
    all.project(&keep).unwrap()
}

#[test]
fn one_thread_and_two_threads_write_identical_tables() {
    let work = tempfile::tempdir().unwrap();
    // A mbox over the parallel-split threshold (32 MiB), built from the real Nazario files.
    let big = work.path().join("big.mbox");
    let mut bytes = Vec::new();
    while bytes.len() < 40 << 20 {
        for name in ["phishing0.mbox", "20051114.mbox"] {
            bytes
                .extend(std::fs::read(corpora().join("nazario-phishing-mbox").join(name)).unwrap());
        }
    }
    std::fs::write(&big, &bytes).unwrap();
    let inputs = [
        big,
        testdata(),
        corpora().join("spamassassin-public/easy_ham"),
        corpora().join("mime-is-broken"),
        corpora().join("enmime-testdata"),
    ];
    let args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let one = scan(
        &work.path().join("one"),
        &[&args[..], &["--threads", "1"]].concat(),
    );
    let two = scan(
        &work.path().join("two"),
        &[&args[..], &["--threads", "2"]].concat(),
    );
    assert_eq!(one.json["threads"], 1);
    assert_eq!(two.json["threads"], 2);
    assert!(one.json["messages"].as_u64().unwrap() > 5_000);
    for table in ["messages", "mailboxes"] {
        let a = content(&one.dir.join(format!("{table}.parquet")));
        let b = content(&two.dir.join(format!("{table}.parquet")));
        assert_eq!(a.num_rows(), b.num_rows(), "{table}");
        assert!(a == b, "{table} differs between 1 and 2 threads");
    }
}
