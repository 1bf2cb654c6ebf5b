//! The store manifest: what was ingested, when, from where, and what the tables hold now.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Written as `manifest.json` at the store root after every ingest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Layout version of the store itself.
    pub format: String,
    /// The folder holding the current tables (also reachable through the `current` link).
    pub version: String,
    /// Distinct works in the store.
    pub works: u64,
    /// Rows and bytes per table.
    pub tables: BTreeMap<String, TableStats>,
    /// SHA-256 over the table files' names, sizes and row counts: changes whenever the data changes.
    pub digest: String,
    /// Every ingest that produced this store, oldest first.
    pub ingests: Vec<IngestRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TableStats {
    pub rows: u64,
    pub bytes: u64,
}

/// One run of `tandem ingest`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct IngestRecord {
    pub id: String,
    /// `openalex`, `scopus`, `wos`, `openalex-api`, ...
    pub source: String,
    pub started: String,
    pub finished: String,
    pub seconds: f64,
    pub inputs: Vec<InputSummary>,
    pub works_read: u64,
    pub institutions_read: u64,
    pub merged_ids_read: u64,
    pub rejects: u64,
    /// Relative to the store root.
    pub rejects_file: Option<String>,
    /// Works in the store after this ingest.
    pub works_after: u64,
    /// Copies of works that lost to a newer copy (upserts, and repeats within the inputs).
    pub superseded: u64,
    /// Works removed because their id is in a merged-ids list.
    pub removed_merged: u64,
    /// What the inputs were read with besides themselves, in words: the ROR registry and the
    /// affiliation map an export's addresses went through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_with: Vec<String>,
}

/// What one input (file) gave.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InputSummary {
    pub name: String,
    pub partition: String,
    pub bytes: u64,
    pub works: u64,
    pub institutions: u64,
    pub merged_ids: u64,
    pub rejects: u64,
    /// Why the input could not be read at all, if so (its good records before the failure are kept).
    pub error: Option<String>,
}
