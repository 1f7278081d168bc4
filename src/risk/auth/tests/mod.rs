//! Hand-written headers in the forms real servers write (each checked against the
//! writer's documentation or a real message), near misses, hostile input, and real
//! messages from `../shared/corpora` whose headers were read by hand.

use std::path::Path;

use super::results::{parse, parse_arc, Prop};
use super::*;
use crate::message::decoded::{decode_unstructured, parser, Decoded, Want};
use crate::message::zip::ZipCaps;

/// Header fields as the pipeline hands them over: raw values decoded.
fn fields(raw: &[(&str, &str)]) -> Vec<HeaderText> {
    raw.iter()
        .map(|(name, value)| HeaderText {
            name: name.to_string(),
            value: decode_unstructured(value.as_bytes()),
        })
        .collect()
}

fn run(raw: &[(&str, &str)], trusted: &[&str]) -> Vec<Evidence> {
    let trusted: Vec<String> = trusted.iter().map(|t| t.to_string()).collect();
    let mut out = Vec::new();
    check(&fields(raw), &trusted, &mut out);
    out
}

/// `(category, rule)` of the evidence that raises a category, in order.
fn raised(evidence: &[Evidence]) -> Vec<(Category, &'static str)> {
    evidence
        .iter()
        .filter_map(|e| e.category.map(|c| (c, e.rule)))
        .collect()
}

fn rules(evidence: &[Evidence]) -> Vec<&'static str> {
    evidence.iter().map(|e| e.rule).collect()
}

fn detail<'e>(evidence: &'e [Evidence], rule: &str) -> &'e str {
    evidence
        .iter()
        .find(|e| e.rule == rule)
        .map(|e| e.detail.as_str())
        .unwrap_or_else(|| panic!("no {rule} in {evidence:#?}"))
}

const AR: &str = "Authentication-Results";

mod corpora;
mod forged;
mod parser;
mod received_spf_arc;
mod trust;
mod unauthorized;
