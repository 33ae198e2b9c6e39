//! The other query parameters: `bucket`, `sort`, `page` and `page_size`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Time-series bucket. Only days exist (docs/spec.md#ranges).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// Calendar days in UTC.
    #[default]
    Day,
}

impl Bucket {
    /// The message for any other bucket.
    pub const UNSUPPORTED: &'static str = "Only 'day' bucket supported in Phase 1";
}

impl FromStr for Bucket {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Bucket::Day),
            _ => Err(Bucket::UNSUPPORTED),
        }
    }
}

/// Sort key of the users list; always descending, nulls last, ties by `user_id` ascending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    /// Latest of video update and search (default).
    #[default]
    LastActivity,
    /// Hours of READY video.
    HoursReady,
    /// Count of READY videos.
    VideosReady,
    /// Searches in the window.
    #[serde(rename = "searches_7d")]
    Searches7d,
}

impl UserSort {
    /// Every key, in the order the error message lists them.
    pub const ALL: [UserSort; 4] = [
        UserSort::LastActivity,
        UserSort::HoursReady,
        UserSort::VideosReady,
        UserSort::Searches7d,
    ];

    /// The message for an unknown key.
    pub const INVALID: &'static str =
        "Invalid sort column. Must be one of: last_activity, hours_ready, videos_ready, searches_7d";

    /// The key's spelling (also the SQL function's `sort_column`).
    pub const fn as_str(self) -> &'static str {
        match self {
            UserSort::LastActivity => "last_activity",
            UserSort::HoursReady => "hours_ready",
            UserSort::VideosReady => "videos_ready",
            UserSort::Searches7d => "searches_7d",
        }
    }
}

impl fmt::Display for UserSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UserSort {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(UserSort::INVALID)
    }
}

/// A page of the users list: `page >= 1`, `page_size` in 1..=100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    page: u32,
    page_size: u32,
}

impl Page {
    /// Default page size.
    pub const DEFAULT_SIZE: u32 = 50;
    /// Largest page size.
    pub const MAX_SIZE: u32 = 100;
    /// The message for a bad page number.
    pub const INVALID_PAGE: &'static str = "page must be an integer >= 1";
    /// The message for a bad page size.
    pub const INVALID_SIZE: &'static str = "page_size must be an integer between 1 and 100";

    /// Validates both numbers, returning the contract's message for the first bad one.
    pub fn new(page: u32, page_size: u32) -> Result<Self, &'static str> {
        if page < 1 {
            return Err(Self::INVALID_PAGE);
        }
        if !(1..=Self::MAX_SIZE).contains(&page_size) {
            return Err(Self::INVALID_SIZE);
        }
        Ok(Self { page, page_size })
    }

    /// Parses the raw query strings (`None` means absent: page 1, size 50).
    pub fn parse(page: Option<&str>, page_size: Option<&str>) -> Result<Self, &'static str> {
        let page = match page {
            None => 1,
            Some(s) => s.parse::<u32>().map_err(|_| Self::INVALID_PAGE)?,
        };
        let size = match page_size {
            None => Self::DEFAULT_SIZE,
            Some(s) => s.parse::<u32>().map_err(|_| Self::INVALID_SIZE)?,
        };
        Self::new(page, size)
    }

    /// 1-based page number.
    pub const fn page(self) -> u32 {
        self.page
    }

    /// Rows per page.
    pub const fn page_size(self) -> u32 {
        self.page_size
    }

    /// Rows to skip.
    pub const fn offset(self) -> u64 {
        (self.page as u64 - 1) * self.page_size as u64
    }
}

impl Default for Page {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: Self::DEFAULT_SIZE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_accepts_only_day() {
        assert_eq!("day".parse::<Bucket>(), Ok(Bucket::Day));
        assert_eq!("week".parse::<Bucket>(), Err(Bucket::UNSUPPORTED));
        assert_eq!("Day".parse::<Bucket>(), Err(Bucket::UNSUPPORTED));
    }

    #[test]
    fn sort_keys_round_trip_and_others_are_rejected() {
        for k in UserSort::ALL {
            assert_eq!(k.as_str().parse::<UserSort>(), Ok(k));
        }
        assert_eq!("name".parse::<UserSort>(), Err(UserSort::INVALID));
    }

    #[test]
    fn page_bounds_are_enforced() {
        assert_eq!(Page::parse(None, None), Ok(Page::default()));
        assert_eq!(Page::parse(Some("0"), None), Err(Page::INVALID_PAGE));
        assert_eq!(Page::parse(Some("-1"), None), Err(Page::INVALID_PAGE));
        assert_eq!(Page::parse(Some("x"), None), Err(Page::INVALID_PAGE));
        assert_eq!(Page::parse(None, Some("101")), Err(Page::INVALID_SIZE));
        assert_eq!(Page::parse(None, Some("0")), Err(Page::INVALID_SIZE));
        let p = Page::parse(Some("3"), Some("100")).unwrap();
        assert_eq!((p.page(), p.page_size(), p.offset()), (3, 100, 200));
    }
}
