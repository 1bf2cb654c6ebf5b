//! `tandem store info`: what a store holds.

use crate::ingest::read_parquet;
use crate::{Manifest, Store, StoreError, Table};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::Int32Type;
use serde::Serialize;
use std::collections::BTreeMap;

/// A summary of a store, as printed by `tandem store info`.
#[derive(Debug, Clone, Serialize)]
pub struct StoreInfo {
    pub store: String,
    /// Distinct works.
    pub works: u64,
    /// Records rejected over all ingests.
    pub rejects: u64,
    /// Works per publication year (`"unknown"` for works without one).
    pub by_year: BTreeMap<String, u64>,
    /// Works per document type.
    pub by_type: BTreeMap<String, u64>,
    /// Works per source (openalex, scopus, wos).
    pub sources: BTreeMap<String, u64>,
    pub institutions: u64,
    pub version: String,
    pub digest: String,
    pub last_ingest: Option<crate::IngestRecord>,
    pub ingests: usize,
    pub tables: BTreeMap<String, crate::TableStats>,
    /// Rejects files, relative to the store.
    pub rejects_files: Vec<String>,
}

pub fn store_info(store: &Store) -> Result<StoreInfo, StoreError> {
    let manifest: Manifest = store.manifest()?;
    let mut by_year = BTreeMap::new();
    let mut by_type = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for batch in read_parquet(&store.table_path(Table::Works))? {
        let schema = batch.schema();
        let col = |name: &str| batch.column(schema.index_of(name).expect("works column"));
        let years = col("publication_year").as_primitive::<Int32Type>().clone();
        let types = col("type").as_string::<i32>().clone();
        let source = col("source").as_string::<i32>().clone();
        for i in 0..batch.num_rows() {
            let year = if years.is_null(i) {
                "unknown".to_string()
            } else {
                years.value(i).to_string()
            };
            *by_year.entry(year).or_insert(0) += 1;
            let t = if types.is_null(i) {
                "unknown"
            } else {
                types.value(i)
            };
            *by_type.entry(t.to_string()).or_insert(0) += 1;
            *sources.entry(source.value(i).to_string()).or_insert(0) += 1;
        }
    }
    Ok(StoreInfo {
        store: store.root().display().to_string(),
        works: manifest.works,
        rejects: manifest.ingests.iter().map(|i| i.rejects).sum(),
        by_year,
        by_type,
        sources,
        institutions: manifest.tables.get("institutions").map_or(0, |t| t.rows),
        version: manifest.version.clone(),
        digest: manifest.digest.clone(),
        last_ingest: manifest.ingests.last().cloned(),
        ingests: manifest.ingests.len(),
        tables: manifest.tables.clone(),
        rejects_files: manifest
            .ingests
            .iter()
            .filter_map(|i| i.rejects_file.clone())
            .collect(),
    })
}
