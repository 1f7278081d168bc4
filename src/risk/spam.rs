//! (stub until the spam branch lands)
use super::content::Content;
use super::Evidence;
pub fn wants(_name: &str) -> bool {
    false
}
pub fn check(_content: &Content, _out: &mut Vec<Evidence>) {}
