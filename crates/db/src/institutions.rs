//! The group's member institutions, identified by ROR id.

use serde::Serialize;
use sqlx::Row;

use crate::{Database, DbError, Result};

/// A member institution of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Institution {
    /// ROR id as a URL, e.g. `https://ror.org/052gg0110`.
    pub ror: String,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
}

/// Normalises a ROR id given as `052gg0110`, `ror.org/052gg0110` or `https://ror.org/052gg0110`
/// to the URL form.
pub fn normalize_ror(ror: &str) -> Result<String> {
    let id = ror
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("ror.org/")
        .to_lowercase();
    // ROR ids are 9 characters: a leading 0, 6 base-32 characters and 2 check digits.
    let valid =
        id.len() == 9 && id.starts_with('0') && id.chars().all(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(format!("https://ror.org/{id}"))
    } else {
        Err(DbError::Invalid(format!(
            "'{}' is not a ROR id (expected e.g. https://ror.org/052gg0110)",
            ror.trim()
        )))
    }
}

impl Database {
    /// All member institutions, ordered by name.
    pub async fn institutions(&self) -> Result<Vec<Institution>> {
        let rows = sqlx::query("SELECT ror, name, country_code FROM institutions ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Institution {
                    ror: row.try_get("ror")?,
                    name: row.try_get("name")?,
                    country_code: row.try_get("country_code")?,
                })
            })
            .collect()
    }

    /// One member institution by ROR id (any accepted spelling).
    pub async fn institution(&self, ror: &str) -> Result<Option<Institution>> {
        let Ok(ror) = normalize_ror(ror) else {
            return Ok(None);
        };
        let row = sqlx::query("SELECT ror, name, country_code FROM institutions WHERE ror = $1")
            .bind(&ror)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(Institution {
                ror: row.try_get("ror")?,
                name: row.try_get("name")?,
                country_code: row.try_get("country_code")?,
            })
        })
        .transpose()
    }
}
