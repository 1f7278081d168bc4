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
        "  Data read         : {} in {:.2} s  ({:.0} MB/s, {:.0} messages/s, {} threads)",
        human_bytes(s.bytes),
        s.seconds,
        s.mb_per_s,
        s.messages_per_s,
        s.threads
    );
    println!("  Parse failures    : {}", s.parse_failures);
    println!("  Mailbox errors    : {}", s.mailbox_errors.len());
    println!("  Audit record      : {}", s.run_dir.display());
}

/// Bytes in decimal units, as disk sizes are quoted.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_read_like_disk_sizes() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(14_900), "14.9 kB");
        assert_eq!(human_bytes(1_073_780_179), "1.1 GB");
    }
}
