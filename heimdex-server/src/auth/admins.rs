//! [`AdminList`]: the `ADMIN_USER_IDS` allow-list.

use crate::error::ApiError;

/// The user ids allowed to call the admin API (`ADMIN_USER_IDS`: comma-separated,
/// whitespace-trimmed, empty entries ignored). Ids are compared as exact strings with the token's
/// `sub`, as the origin did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminList {
    ids: Vec<String>,
}

impl AdminList {
    /// `Admin access not configured`: the list is empty.
    pub const NOT_CONFIGURED: &'static str = "Admin access not configured";
    /// `Admin privileges required`: the subject is not in the list.
    pub const NOT_ADMIN: &'static str = "Admin privileges required";

    /// Parses `"id1, id2,,id3 "`.
    pub fn parse(list: &str) -> Self {
        Self::new(list.split(','))
    }

    /// A list of the given ids (trimmed; empty ones dropped).
    pub fn new<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids = ids
            .into_iter()
            .map(|id| id.as_ref().trim().to_owned())
            .filter(|id| !id.is_empty())
            .collect();
        Self { ids }
    }

    /// Whether no id is configured.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether `subject` is an admin.
    pub fn contains(&self, subject: &str) -> bool {
        self.ids.iter().any(|id| id == subject)
    }

    /// The ids, in the configured order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// `Ok` for an admin; 403 `Admin access not configured` when the list is empty, else 403
    /// `Admin privileges required`.
    pub fn check(&self, subject: &str) -> Result<(), ApiError> {
        if self.is_empty() {
            Err(ApiError::Forbidden(Self::NOT_CONFIGURED))
        } else if self.contains(subject) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(Self::NOT_ADMIN))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_trims_whitespace_and_drops_empty_entries() {
        let list = AdminList::parse(" a , b,,\tc ,");
        assert_eq!(list.ids(), ["a", "b", "c"]);
        assert!(AdminList::parse(" , ,").is_empty());
        assert!(AdminList::parse("").is_empty());
    }

    #[test]
    fn check_distinguishes_unconfigured_from_not_admin() {
        assert_eq!(
            AdminList::parse("").check("a"),
            Err(ApiError::Forbidden("Admin access not configured"))
        );
        let list = AdminList::parse("a,b");
        assert_eq!(list.check("b"), Ok(()));
        assert_eq!(
            list.check("c"),
            Err(ApiError::Forbidden("Admin privileges required"))
        );
        assert_eq!(
            list.check(" b"),
            Err(ApiError::Forbidden("Admin privileges required"))
        );
    }
}
