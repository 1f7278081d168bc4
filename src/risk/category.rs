//! The seed's risk model as values: the risk categories and dangerous results a message
//! can fall into, and the risk levels a policy maps them to.

use std::fmt;

/// A risk category or dangerous result of the seed's Rescan. Every one exists as a value
/// even where no detector raises it yet (the learned classifiers add those).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Unauthorized,
    Forged,
    Bulk,
    PossibleDangerousFile,
    PossibleDangerousExtension,
    BadReputation,
    ObviousSpam,
    Spam,
    PossibleSpam,
    PossibleImpersonation,
    Unwanted,
    PossibleUnwanted,
    // Dangerous results.
    Virus,
    Impersonation,
    DangerousExtension,
    DangerousFile,
    Phishing,
    PossiblePhishing,
}

/// How a category is treated (the seed's risk levels), lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Insight in X-ray; Review folder when the sender is unknown.
    Low,
    /// Junk unless the sender is a trusted contact.
    Moderate,
    /// Jail, even from a trusted contact.
    High,
}

impl Category {
    pub const ALL: [Category; 18] = [
        Self::Unauthorized,
        Self::Forged,
        Self::Bulk,
        Self::PossibleDangerousFile,
        Self::PossibleDangerousExtension,
        Self::BadReputation,
        Self::ObviousSpam,
        Self::Spam,
        Self::PossibleSpam,
        Self::PossibleImpersonation,
        Self::Unwanted,
        Self::PossibleUnwanted,
        Self::Virus,
        Self::Impersonation,
        Self::DangerousExtension,
        Self::DangerousFile,
        Self::Phishing,
        Self::PossiblePhishing,
    ];

    /// The name used in tables and policy files (`possible_dangerous_file`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forged => "forged",
            Self::Bulk => "bulk",
            Self::PossibleDangerousFile => "possible_dangerous_file",
            Self::PossibleDangerousExtension => "possible_dangerous_extension",
            Self::BadReputation => "bad_reputation",
            Self::ObviousSpam => "obvious_spam",
            Self::Spam => "spam",
            Self::PossibleSpam => "possible_spam",
            Self::PossibleImpersonation => "possible_impersonation",
            Self::Unwanted => "unwanted",
            Self::PossibleUnwanted => "possible_unwanted",
            Self::Virus => "virus",
            Self::Impersonation => "impersonation",
            Self::DangerousExtension => "dangerous_extension",
            Self::DangerousFile => "dangerous_file",
            Self::Phishing => "phishing",
            Self::PossiblePhishing => "possible_phishing",
        }
    }

    /// The name people read (`Possible dangerous file`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Unauthorized => "Unauthorized",
            Self::Forged => "Forged",
            Self::Bulk => "Bulk",
            Self::PossibleDangerousFile => "Possible dangerous file",
            Self::PossibleDangerousExtension => "Possible dangerous extension",
            Self::BadReputation => "Bad reputation",
            Self::ObviousSpam => "Obvious spam",
            Self::Spam => "Spam",
            Self::PossibleSpam => "Possible spam",
            Self::PossibleImpersonation => "Possible impersonation",
            Self::Unwanted => "Unwanted",
            Self::PossibleUnwanted => "Possible unwanted",
            Self::Virus => "Virus",
            Self::Impersonation => "Impersonation",
            Self::DangerousExtension => "Dangerous extension",
            Self::DangerousFile => "Dangerous file",
            Self::Phishing => "Phishing",
            Self::PossiblePhishing => "Possible phishing",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// A dangerous result: its level may only be changed by an administrator.
    pub fn dangerous(self) -> bool {
        matches!(
            self,
            Self::Virus
                | Self::Impersonation
                | Self::DangerousExtension
                | Self::DangerousFile
                | Self::Phishing
                | Self::PossiblePhishing
        )
    }

    /// Spam-like: an allowed sender skips these (never a dangerous result or
    /// a category that says the sender is not who it claims).
    pub fn spam_like(self) -> bool {
        matches!(
            self,
            Self::Bulk
                | Self::BadReputation
                | Self::ObviousSpam
                | Self::Spam
                | Self::PossibleSpam
                | Self::Unwanted
                | Self::PossibleUnwanted
        )
    }

    /// The level when no policy says otherwise (documented in ARCHITECTURE.md).
    pub fn default_level(self) -> Level {
        match self {
            Self::Bulk | Self::PossibleSpam | Self::PossibleUnwanted => Level::Low,
            Self::Unauthorized
            | Self::Forged
            | Self::PossibleDangerousFile
            | Self::PossibleDangerousExtension
            | Self::BadReputation
            | Self::Spam
            | Self::PossibleImpersonation
            | Self::Unwanted
            | Self::PossiblePhishing => Level::Moderate,
            Self::ObviousSpam
            | Self::Virus
            | Self::Impersonation
            | Self::DangerousExtension
            | Self::DangerousFile
            | Self::Phishing => Level::High,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Moderate => "moderate",
            Self::High => "high",
        }
    }

    pub fn parse(name: &str) -> Option<Level> {
        [Self::Low, Self::Moderate, Self::High]
            .into_iter()
            .find(|l| name.eq_ignore_ascii_case(l.as_str()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()));
        }
        assert_eq!(Category::ALL.iter().filter(|c| c.dangerous()).count(), 6);
    }

    #[test]
    fn virus_defaults_high_and_no_dangerous_result_is_spam_like() {
        assert_eq!(Category::Virus.default_level(), Level::High);
        assert!(Category::ALL
            .iter()
            .all(|c| !(c.dangerous() && c.spam_like())));
        assert!(Level::Low < Level::Moderate && Level::Moderate < Level::High);
    }
}
