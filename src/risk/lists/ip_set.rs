//! Networks (CIDR blocks and single addresses) as sorted address ranges, looked up by
//! binary search: tens of thousands of networks cost one `partition_point` and a short
//! walk up the enclosing blocks per lookup.
//!
//! CIDR blocks are either nested or disjoint, never partly overlapping, so sorted by
//! start (and the wider block first on a tie) every block's enclosing blocks come before
//! it; each range keeps the index of the nearest one (`parent`). The last range starting
//! at or before an address either holds it or, if not, only its enclosing blocks can
//! (any block that starts earlier and reaches past the address contains that range's
//! start, so contains the whole range).

use std::net::IpAddr;

use ipnet::IpNet;

use super::Origin;

/// No enclosing block.
const NO_PARENT: usize = usize::MAX;

#[derive(Debug)]
struct Range<K> {
    start: K,
    end: K,
    parent: usize,
    net: IpNet,
    origin: Origin,
}

/// One address family's ranges.
#[derive(Debug)]
struct Ranges<K> {
    ranges: Vec<Range<K>>,
}

impl<K: Ord + Copy> Ranges<K> {
    fn build(mut ranges: Vec<Range<K>>) -> Ranges<K> {
        // Wider first on equal starts, so a block's parents precede it; the first of
        // identical blocks (from an earlier file or line) is the one reported.
        ranges.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        ranges.dedup_by(|later, earlier| later.start == earlier.start && later.end == earlier.end);
        let mut open: Vec<usize> = Vec::new();
        for i in 0..ranges.len() {
            while open
                .last()
                .is_some_and(|&o| ranges[o].end < ranges[i].start)
            {
                open.pop();
            }
            ranges[i].parent = open.last().copied().unwrap_or(NO_PARENT);
            open.push(i);
        }
        Ranges { ranges }
    }

    /// The narrowest listed block holding `key`.
    fn find(&self, key: K) -> Option<&Range<K>> {
        let after = self.ranges.partition_point(|r| r.start <= key);
        let mut i = after.checked_sub(1)?;
        // Parents have strictly smaller indices: the walk ends.
        loop {
            let range = &self.ranges[i];
            if key <= range.end {
                return Some(range);
            }
            if range.parent == NO_PARENT {
                return None;
            }
            i = range.parent;
        }
    }
}

/// IPv4 and IPv6 networks, each with the list entry it came from.
#[derive(Debug)]
pub(super) struct IpSet {
    v4: Ranges<u32>,
    v6: Ranges<u128>,
}

/// Networks collected while loading, before sorting.
#[derive(Debug, Default)]
pub(super) struct IpSetBuilder {
    v4: Vec<Range<u32>>,
    v6: Vec<Range<u128>>,
}

impl IpSetBuilder {
    /// Adds a network (host bits are ignored: `10.1.2.3/8` is `10.0.0.0/8`).
    pub(super) fn insert(&mut self, net: IpNet, origin: Origin) {
        let net = net.trunc();
        match net {
            IpNet::V4(n) => self.v4.push(Range {
                start: u32::from(n.network()),
                end: u32::from(n.broadcast()),
                parent: NO_PARENT,
                net,
                origin,
            }),
            IpNet::V6(n) => self.v6.push(Range {
                start: u128::from(n.network()),
                end: u128::from(n.broadcast()),
                parent: NO_PARENT,
                net,
                origin,
            }),
        }
    }

    pub(super) fn build(self) -> IpSet {
        IpSet {
            v4: Ranges::build(self.v4),
            v6: Ranges::build(self.v6),
        }
    }
}

impl IpSet {
    /// The narrowest listed network holding `ip`; an IPv4-mapped IPv6 address
    /// (`::ffff:1.2.3.4`) is looked up as the IPv4 address it is.
    pub(super) fn find(&self, ip: IpAddr) -> Option<(IpNet, &Origin)> {
        match ip.to_canonical() {
            IpAddr::V4(a) => self.v4.find(u32::from(a)).map(|r| (r.net, &r.origin)),
            IpAddr::V6(a) => self.v6.find(u128::from(a)).map(|r| (r.net, &r.origin)),
        }
    }

    /// Distinct networks listed.
    pub(super) fn len(&self) -> usize {
        self.v4.ranges.len() + self.v6.ranges.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(line: u32) -> Origin {
        Origin {
            file: 0,
            line,
            note: None,
        }
    }

    fn set(nets: &[&str]) -> IpSet {
        let mut b = IpSetBuilder::default();
        for (i, n) in nets.iter().enumerate() {
            b.insert(n.parse().unwrap(), origin(i as u32 + 1));
        }
        b.build()
    }

    fn hit(s: &IpSet, ip: &str) -> Option<(String, u32)> {
        s.find(ip.parse().unwrap())
            .map(|(net, o)| (net.to_string(), o.line))
    }

    #[test]
    fn cidr_bounds_are_exact() {
        let s = set(&["10.0.0.0/8", "192.0.2.7/32"]);
        assert_eq!(hit(&s, "10.0.0.0"), Some(("10.0.0.0/8".into(), 1)));
        assert_eq!(hit(&s, "10.255.255.255"), Some(("10.0.0.0/8".into(), 1)));
        assert_eq!(hit(&s, "11.0.0.1"), None);
        assert_eq!(hit(&s, "9.255.255.255"), None);
        assert_eq!(hit(&s, "192.0.2.7"), Some(("192.0.2.7/32".into(), 2)));
        assert_eq!(hit(&s, "192.0.2.8"), None);
        assert_eq!(hit(&s, "192.0.2.6"), None);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn nested_blocks_report_the_narrowest_and_fall_back_to_the_wider() {
        // 10.0.0.0/8 holds 10.1.0.0/16 and 10.200.0.0/16; an address after the last
        // inner block but inside the outer one must still be found via the parent.
        let s = set(&["10.1.0.0/16", "10.0.0.0/8", "10.200.0.0/16", "10.1.2.0/24"]);
        assert_eq!(hit(&s, "10.1.2.3").unwrap().0, "10.1.2.0/24");
        assert_eq!(hit(&s, "10.1.3.3").unwrap().0, "10.1.0.0/16");
        assert_eq!(hit(&s, "10.2.0.1").unwrap().0, "10.0.0.0/8");
        assert_eq!(hit(&s, "10.250.0.1").unwrap().0, "10.0.0.0/8");
        assert_eq!(hit(&s, "11.0.0.0"), None);
    }

    #[test]
    fn host_bits_are_dropped_and_duplicates_keep_the_first() {
        let s = set(&["10.1.2.3/8", "10.0.0.0/8"]);
        assert_eq!(s.len(), 1);
        assert_eq!(hit(&s, "10.9.9.9"), Some(("10.0.0.0/8".into(), 1)));
    }

    #[test]
    fn ipv6_and_mapped_ipv4() {
        let s = set(&["2001:db8::/32", "2001:db8:1::/48", "198.51.100.0/24"]);
        assert_eq!(hit(&s, "2001:db8:1::5").unwrap().0, "2001:db8:1::/48");
        assert_eq!(hit(&s, "2001:db8:ffff::1").unwrap().0, "2001:db8::/32");
        assert_eq!(hit(&s, "2001:db9::1"), None);
        assert_eq!(hit(&s, "::ffff:198.51.100.9").unwrap().0, "198.51.100.0/24");
        // An IPv4 network never matches an IPv6 address with the same low bits.
        assert_eq!(hit(&s, "::c633:6409"), None);
        assert_eq!(hit(&s, "198.51.101.1"), None);
    }

    #[test]
    fn many_networks_agree_with_a_linear_scan() {
        // Disjoint /24s with /16s around every tenth one, and holes between.
        let mut nets = Vec::new();
        for i in 0..2000u32 {
            let a = (i * 7) % 250;
            let b = (i * 13) % 256;
            nets.push(format!("{}.{b}.{}.0/24", 20 + a / 5, (i * 3) % 256));
            if i % 10 == 0 {
                nets.push(format!("{}.{b}.0.0/16", 20 + a / 5));
            }
        }
        let refs: Vec<&str> = nets.iter().map(String::as_str).collect();
        let s = set(&refs);
        let parsed: Vec<IpNet> = nets.iter().map(|n| n.parse().unwrap()).collect();
        // Every block's edges and the addresses just outside them.
        let mut hits = 0;
        let mut probes = 0;
        for n in &parsed {
            let (IpAddr::V4(first), IpAddr::V4(last)) = (n.network(), n.broadcast()) else {
                unreachable!()
            };
            let (first, last) = (u32::from(first), u32::from(last));
            for probe in [first - 1, first, first + 1, last - 1, last, last + 1] {
                let ip = IpAddr::from(std::net::Ipv4Addr::from(probe));
                let linear = parsed.iter().any(|n| n.contains(&ip));
                assert_eq!(s.find(ip).is_some(), linear, "{ip}");
                hits += usize::from(linear);
                probes += 1;
            }
        }
        // Both outcomes are probed often.
        assert!(
            hits > probes / 2 && hits < probes,
            "{hits} hits of {probes}"
        );
    }
}
