//! Reads what OpenAlex publishes into Tandem's model records.
//!
//! Accepted inputs, in any mix: a snapshot root (`data/works/updated_date=*/part_*.gz`, optionally
//! `data/institutions/...` and `data/merged_ids/...`), folders or single files of JSON Lines works (gzip or
//! plain), saved API list responses (`{"meta": ..., "results": [...]}`), and plain JSON arrays of works. Both
//! the current schema and the 2022 schema (`host_venue`, singular `raw_affiliation_string`, `concepts`) are
//! read. Records become [`tandem_model::Work`]s and go to a [`tandem_model::RecordSink`]; bad records become
//! [`tandem_model::Reject`]s and reading goes on.

mod discover;
mod lines;
mod raw;

pub use discover::{DiscoverError, inputs_from_paths};
pub use lines::{InstitutionsFile, MergedIdsFile, WorksFile};
pub use raw::RecordError;

use tandem_model::{Institution, Work};

/// Parses one OpenAlex work (either schema) from JSON bytes.
pub fn parse_work(json: &[u8]) -> Result<Work, RecordError> {
    let text = std::str::from_utf8(json)
        .map_err(|e| RecordError::Json(format!("not valid UTF-8 at byte {}", e.valid_up_to())))?;
    parse_work_str(text)
}

/// Parses one OpenAlex work (either schema) from JSON text.
pub fn parse_work_str(json: &str) -> Result<Work, RecordError> {
    let raw: raw::RawWork =
        sonic_rs::from_str(json).map_err(|e| RecordError::Json(e.to_string()))?;
    raw.into_work()
}

/// Parses one OpenAlex institution entity record from JSON text.
pub fn parse_institution(json: &[u8]) -> Result<Institution, RecordError> {
    let raw: raw::RawInstitution =
        sonic_rs::from_slice(json).map_err(|e| RecordError::Json(e.to_string()))?;
    match raw.id.as_deref() {
        None => Err(RecordError::MissingId),
        Some(id) => {
            let id = id.to_string();
            raw.into_institution().ok_or(RecordError::BadId(id))
        }
    }
}
