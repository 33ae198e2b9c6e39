//! [`Columns`]: typed reads of one result row, so a record is decoded once (`decode.rs`) for
//! every dialect. Each store implements the few `opt_*` reads for its row type and storage
//! (SQLite keeps uuids as text, times as microseconds and vectors as bytes; PostgreSQL has
//! native types); the required reads and counts are provided on top of them.

use heimdex_core::time::Timestamp;
use heimdex_core::{Error, Result};
use uuid::Uuid;

/// One result row, read column by column. Each store implements the `opt_*` reads for its
/// row type and storage; the required reads and counts are provided on top of them.
pub trait Columns {
    /// The adapter named in a [`corrupt`](Error::corrupt) error.
    const ADAPTER: &'static str;

    /// An integer column of any width, or `None` for NULL.
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;
    /// A floating-point column, or `None` for NULL.
    fn opt_float(&self, column: &str) -> Result<Option<f64>>;
    /// A text column, or `None` for NULL.
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    /// A uuid column (native or as text), or `None` for NULL.
    fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>>;
    /// A point in time, or `None` for NULL.
    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>>;
    /// A vector of `f32` (an embedding), or `None` for NULL.
    fn opt_floats(&self, column: &str) -> Result<Option<Vec<f32>>>;
    /// A list of strings (empty for NULL).
    fn texts(&self, column: &str) -> Result<Vec<String>>;

    /// A column that must not be NULL.
    fn required<T>(&self, column: &str, value: Option<T>) -> Result<T> {
        value.ok_or_else(|| Error::corrupt(Self::ADAPTER, format!("{column} is NULL")))
    }

    /// A non-null integer column.
    fn int(&self, column: &str) -> Result<i64> {
        let value = self.opt_int(column)?;
        self.required(column, value)
    }

    /// A nullable integer column that fits `T` (an `int4` as `i32`, a count as `u64`).
    fn opt_narrow<T: TryFrom<i64>>(&self, column: &str) -> Result<Option<T>> {
        self.opt_int(column)?
            .map(|n| {
                T::try_from(n).map_err(|_| {
                    Error::corrupt(Self::ADAPTER, format!("{column}: {n} is out of range"))
                })
            })
            .transpose()
    }

    /// A non-null integer column that fits `T`.
    fn narrow<T: TryFrom<i64>>(&self, column: &str) -> Result<T> {
        let value = self.opt_narrow(column)?;
        self.required(column, value)
    }

    /// A count (a non-null, non-negative integer).
    fn count(&self, column: &str) -> Result<u64> {
        self.narrow(column)
    }

    /// A non-null floating-point column.
    fn float(&self, column: &str) -> Result<f64> {
        let value = self.opt_float(column)?;
        self.required(column, value)
    }

    /// A non-null text column.
    fn text(&self, column: &str) -> Result<String> {
        let value = self.opt_text(column)?;
        self.required(column, value)
    }

    /// A non-null uuid column as one of the core's ids.
    fn id<T: From<Uuid>>(&self, column: &str) -> Result<T> {
        let value = self.opt_uuid(column)?;
        self.required(column, value).map(T::from)
    }

    /// A nullable uuid column as one of the core's ids.
    fn opt_id<T: From<Uuid>>(&self, column: &str) -> Result<Option<T>> {
        Ok(self.opt_uuid(column)?.map(T::from))
    }

    /// A non-null point in time.
    fn time(&self, column: &str) -> Result<Timestamp> {
        let value = self.opt_time(column)?;
        self.required(column, value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A row of integers and texts by column name; `None` is NULL.
    struct Row(HashMap<&'static str, Option<i64>>);

    impl Columns for Row {
        const ADAPTER: &'static str = "test";

        fn opt_int(&self, column: &str) -> Result<Option<i64>> {
            Ok(self.0[column])
        }
        fn opt_float(&self, column: &str) -> Result<Option<f64>> {
            Ok(self.0[column].map(|n| n as f64))
        }
        fn opt_text(&self, column: &str) -> Result<Option<String>> {
            Ok(self.0[column].map(|n| n.to_string()))
        }
        fn opt_uuid(&self, _: &str) -> Result<Option<Uuid>> {
            Ok(None)
        }
        fn opt_time(&self, _: &str) -> Result<Option<Timestamp>> {
            Ok(None)
        }
        fn opt_floats(&self, _: &str) -> Result<Option<Vec<f32>>> {
            Ok(None)
        }
        fn texts(&self, _: &str) -> Result<Vec<String>> {
            Ok(Vec::new())
        }
    }

    fn row() -> Row {
        Row(HashMap::from([
            ("n", Some(7)),
            ("negative", Some(-1)),
            ("wide", Some(i64::from(i32::MAX) + 1)),
            ("null", None),
        ]))
    }

    /// What a `corrupt` error says: its cause.
    fn message(err: Error) -> String {
        assert!(matches!(
            err,
            Error::Backend {
                adapter: "test",
                ..
            }
        ));
        std::error::Error::source(&err)
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn required_reads_refuse_null_and_name_the_column() {
        let row = row();
        assert_eq!(row.int("n").unwrap(), 7);
        assert_eq!(row.opt_narrow::<i32>("null").unwrap(), None);
        assert!(message(row.int("null").unwrap_err()).contains("null is NULL"));
        assert!(message(row.text("null").unwrap_err()).contains("null is NULL"));
        assert!(message(row.time("null").unwrap_err()).contains("null is NULL"));
    }

    #[test]
    fn narrowing_refuses_values_out_of_range_instead_of_wrapping() {
        let row = row();
        assert_eq!(row.narrow::<i32>("n").unwrap(), 7);
        assert_eq!(row.count("n").unwrap(), 7);
        let err = message(row.narrow::<i32>("wide").unwrap_err());
        assert!(err.contains("wide: 2147483648 is out of range"), "{err}");
        let err = message(row.count("negative").unwrap_err());
        assert!(err.contains("negative: -1 is out of range"), "{err}");
    }
}
