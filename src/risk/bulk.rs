//! (stub until the policy branch lands)
use super::Evidence;
use crate::message::decoded::HeaderText;
pub fn wants(name: &str) -> bool {
    name.eq_ignore_ascii_case("list-id")
}
pub fn check(_headers: &[HeaderText], _recipients: usize, _out: &mut Vec<Evidence>) {}
