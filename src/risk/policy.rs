//! (stub until the policy branch lands)
use super::{Category, Level};
use std::path::Path;
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(String);
#[derive(Default)]
pub struct Policy;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Blocked,
    Allowed,
    Trusted,
    Unlisted,
}
impl Policy {
    pub fn load(_path: &Path) -> Result<Policy, PolicyError> {
        Ok(Policy)
    }
    pub fn level(&self, category: Category, _owner: Option<&str>, _sender: Option<&str>) -> Level {
        category.default_level()
    }
    pub fn trusted_authserv_ids(&self) -> &[String] {
        &[]
    }
    pub fn trusted_relays(&self) -> &[ipnet::IpNet] {
        &[]
    }
    pub fn standing(&self, _owner: Option<&str>, _sender: Option<&str>) -> Standing {
        Standing::Unlisted
    }
}
