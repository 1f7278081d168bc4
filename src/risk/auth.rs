//! (stub until the auth branch lands)
use super::Evidence;
use crate::message::decoded::HeaderText;
pub fn wants(name: &str) -> bool {
    name.eq_ignore_ascii_case("authentication-results")
}
pub fn check(_headers: &[HeaderText], _trusted_authserv_ids: &[String], _out: &mut Vec<Evidence>) {}
