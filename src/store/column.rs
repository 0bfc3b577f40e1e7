//! How a column's stored form becomes a value, for `#[derive(sqlx::FromRow)]`.
//!
//! The `Any` driver decodes only integers, floats, text, booleans and bytes, and both
//! databases keep flags as 0/1 integers and times as RFC 3339 text (one schema for
//! SQLite and PostgreSQL). A row struct names the stored form with
//! `#[sqlx(try_from = "Flag")]` and gets its plain Rust type.
//!
//! Only store-owned row structs derive `FromRow`: the domain's types stay free of
//! sqlx (the layer test holds `domain` to that), so the store maps rows into them by
//! hand where their columns are JSON or need the row's other columns.

use chrono::{DateTime, Utc};
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, Type};

/// A 0/1 integer column.
pub struct Flag(bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// A time written by `store::ts`: RFC 3339 text in UTC.
pub struct Stamp(DateTime<Utc>);

impl Type<Any> for Stamp {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for Stamp {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<Any>>::decode(value)?;
        Ok(Stamp(super::parse_ts(&text)?))
    }
}

impl From<Stamp> for DateTime<Utc> {
    fn from(s: Stamp) -> DateTime<Utc> {
        s.0
    }
}

/// Text naming an enum's variant (`strum`'s `EnumString`). Each enum read this way
/// says `impl From<Parsed<E>> for E`: the orphan rule allows no blanket one.
pub struct Parsed<T>(pub T);

impl<T> Type<Any> for Parsed<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r, T> Decode<'r, Any> for Parsed<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Any>>::decode(value)?;
        Ok(Parsed(text.parse()?))
    }
}
