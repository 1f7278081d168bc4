//! (stub until the lists branch lands)
use super::Evidence;
use crate::message::decoded::File;
use std::net::IpAddr;
use std::path::Path;
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ListsError(String);
pub struct Lists;
impl Lists {
    pub fn load(_dir: &Path) -> Result<Lists, ListsError> {
        Ok(Lists)
    }
    pub fn empty() -> Lists {
        Lists
    }
    pub fn reputation(
        &self,
        _senders: &[&str],
        _origin_ip: Option<IpAddr>,
        _url_hosts: &[&str],
        _out: &mut Vec<Evidence>,
    ) {
    }
    pub fn viruses(&self, _files: &[File], _out: &mut Vec<Evidence>) {}
    pub fn summary(&self) -> String {
        String::new()
    }
}
pub fn origin_ip(_received: &[&str], _trusted_relays: &[ipnet::IpNet]) -> Option<IpAddr> {
    None
}
