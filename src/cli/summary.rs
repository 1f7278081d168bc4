//! The human summary printed after a scan, in the spirit of the seed's results window.

use crate::pipeline::ScanSummary;

pub fn print(s: &ScanSummary, limit: Option<usize>) {
    let scope = limit.map_or("all messages".to_string(), |n| {
        format!("newest {n} per mailbox")
    });
    println!("Scan complete  (run {})", s.run_id);
    println!("  Mailboxes scanned : {}", s.mailboxes);
    println!("  Messages scanned  : {} ({scope})", s.messages);
    println!(
        "  Data read         : {:.1} MB in {:.2} s  ({:.0} MB/s, {:.0} messages/s, {} threads)",
        s.bytes as f64 / 1e6,
        s.seconds,
        s.mb_per_s,
        s.messages_per_s,
        s.threads
    );
    println!("  Parse failures    : {}", s.parse_failures);
    println!("  Mailbox errors    : {}", s.mailbox_errors.len());
    println!("  Audit record      : {}", s.run_dir.display());
}
