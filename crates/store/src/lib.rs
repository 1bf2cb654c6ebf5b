//! The Tandem store: a folder of Parquet files that every figure is computed from.
//!
//! ```text
//! STORE/
//!   manifest.json        what was ingested, when, from where; table row counts; digest
//!   current -> v000003   the tables of the current version, one folder per table
//!   v000003/works/year-2023.parquet ...          per-work tables, one file per publication year:
//!           authorships/ affiliations/ work_countries/ topics/ keywords/
//!   v000003/institutions/part-0.parquet          and institution_lineage/, merged_ids/
//!   rejects/<ingest-id>.jsonl   every record that could not be read, with file, line and reason
//! ```
//!
//! Any engine can read the tables (DataFusion, DuckDB, Polars, Spark). [`ingest`] is the only writer.

mod builders;
mod info;
mod ingest;
mod manifest;
mod schema;

pub use builders::WorkTables;
pub use info::{StoreInfo, store_info};
pub use ingest::{IngestOptions, IngestProgress, IngestSummary, ingest};
pub use manifest::{IngestRecord, InputSummary, Manifest, TableStats};
pub use schema::Table;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::Int64Type;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tandem_model::{Institution, InstitutionId};

/// Layout version of the store. Version 2 added the derived counts `works.institutions_distinct_count`,
/// `works.affiliated_authorships_count` and `affiliations.authorship_institutions_count`.
pub const FORMAT: &str = "tandem-store/2";

/// Everything that can go wrong reading or writing a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{0}: not a Tandem store (no manifest.json); create one with `tandem ingest openalex PATH --store {0}`"
    )]
    NotAStore(PathBuf),
    #[error(
        "{path}: this store is in format {found:?}, and this Tandem reads {FORMAT:?}; ingest the same inputs into a new store folder to rebuild it"
    )]
    OtherFormat { path: PathBuf, found: String },
    #[error("{0}: another tandem process is writing this store; wait for it to finish")]
    Locked(PathBuf),
    #[error("{path}: damaged store file: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("Arrow: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A store on disk, opened for reading.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    version_dir: PathBuf,
}

impl Store {
    /// Opens an existing store.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let manifest_path = root.join("manifest.json");
        if !manifest_path.exists() {
            return Err(StoreError::NotAStore(root.to_path_buf()));
        }
        let manifest: Manifest = ingest::read_json(&manifest_path)?;
        if manifest.format != FORMAT {
            return Err(StoreError::OtherFormat {
                path: root.to_path_buf(),
                found: manifest.format,
            });
        }
        let version_dir = root.join(&manifest.version);
        if !version_dir.is_dir() {
            return Err(StoreError::Corrupt {
                path: version_dir,
                message: "the version folder named by manifest.json is missing".into(),
            });
        }
        Ok(Store {
            root: root.to_path_buf(),
            version_dir,
        })
    }

    /// The store at `root`, or `None` when there is none yet. A store that exists but cannot be read is
    /// an error: an ingest must never write over it as if it were empty.
    pub(crate) fn open_or_empty(root: &Path) -> Result<Option<Store>, StoreError> {
        match Store::open(root) {
            Ok(store) => Ok(Some(store)),
            Err(StoreError::NotAStore(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of Parquet files holding `table` in the current version.
    pub fn table_path(&self, table: Table) -> PathBuf {
        self.version_dir.join(table.name())
    }

    /// The folder of the current version.
    pub fn version_dir(&self) -> &Path {
        &self.version_dir
    }

    pub fn manifest(&self) -> Result<Manifest, StoreError> {
        ingest::read_json(&self.root.join("manifest.json"))
    }

    /// Works per publication year (`None`: no year), from the per-year files' Parquet footers: no data read.
    pub fn works_by_year(&self) -> Result<BTreeMap<Option<i32>, u64>, StoreError> {
        let mut by_year = BTreeMap::new();
        for path in ingest::parquet_files(&self.table_path(Table::Works))? {
            let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("");
            let Some(year) = schema::year_of_file_name(name) else {
                return Err(StoreError::Corrupt {
                    path,
                    message: "expected a file named year-YYYY.parquet or year-unknown.parquet"
                        .into(),
                });
            };
            *by_year.entry(year).or_insert(0) += ingest::parquet_rows(&path)?;
        }
        Ok(by_year)
    }

    /// The files of a per-work table that hold the publication years `first..=last` (those that exist).
    pub fn year_files(&self, table: Table, first: i32, last: i32) -> Vec<PathBuf> {
        let dir = self.table_path(table);
        (first..=last)
            .map(|y| dir.join(schema::year_file_name(Some(y))))
            .filter(|f| f.is_file())
            .collect()
    }

    /// The distinct non-null values of a text column of a table, sorted; reads that column only.
    pub fn distinct_text(&self, table: Table, column: &str) -> Result<Vec<String>, StoreError> {
        let mut values = std::collections::BTreeSet::new();
        for path in ingest::parquet_files(&self.table_path(table))? {
            for batch in ingest::parquet_reader(&path, Some(&[column.to_string()]))? {
                let batch = batch?;
                let Some(array) = batch.columns().first() else {
                    return Err(StoreError::Corrupt {
                        path,
                        message: format!("no column {column}"),
                    });
                };
                let array = datafusion::arrow::compute::cast(
                    array,
                    &datafusion::arrow::datatypes::DataType::Utf8,
                )?;
                let array = array.as_string::<i32>();
                for value in array.iter().flatten() {
                    if !values.contains(value) {
                        values.insert(value.to_string());
                    }
                }
            }
        }
        Ok(values.into_iter().collect())
    }

    /// All institutions with their lineage.
    pub fn institutions(&self) -> Result<Vec<Institution>, StoreError> {
        let mut lineage: BTreeMap<i64, Vec<InstitutionId>> = BTreeMap::new();
        for batch in ingest::read_parquet(&self.table_path(Table::InstitutionLineage))? {
            let child = batch.column(0).as_primitive::<Int64Type>();
            let ancestor = batch.column(1).as_primitive::<Int64Type>();
            for i in 0..batch.num_rows() {
                lineage
                    .entry(child.value(i))
                    .or_default()
                    .push(InstitutionId(ancestor.value(i)));
            }
        }
        let mut out = Vec::new();
        for batch in ingest::read_parquet(&self.table_path(Table::Institutions))? {
            let id = batch.column(0).as_primitive::<Int64Type>();
            let text = |col: usize, i: usize| {
                let array = batch.column(col).as_string::<i32>();
                (!array.is_null(i)).then(|| array.value(i).to_string())
            };
            let full = batch.column(5).as_boolean();
            for i in 0..batch.num_rows() {
                out.push(Institution {
                    id: InstitutionId(id.value(i)),
                    ror: text(1, i),
                    name: text(2, i),
                    country_code: text(3, i),
                    kind: text(4, i),
                    lineage: lineage.remove(&id.value(i)).unwrap_or_default(),
                    is_full_record: full.value(i),
                });
            }
        }
        Ok(out)
    }
}

/// Holds the store's write lock until dropped. The OS releases it if the process dies.
pub(crate) struct StoreLock(#[allow(dead_code)] fs::File);

pub(crate) fn lock_store(root: &Path) -> Result<StoreLock, StoreError> {
    let path = root.join(".lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(StoreLock(file)),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked(root.to_path_buf())),
        Err(fs::TryLockError::Error(e)) => Err(StoreError::io(&path, e)),
    }
}

/// Makes `version` current: the manifest is replaced in one rename, then the `current` link follows and
/// the previous version folder is removed.
pub(crate) fn switch_version(
    root: &Path,
    version: &str,
    manifest: &Manifest,
    previous: Option<&str>,
) -> Result<(), StoreError> {
    ingest::write_json(&root.join("manifest.json"), manifest)?;
    let link_tmp = root.join("current.tmp");
    let _ = fs::remove_file(&link_tmp);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(version, &link_tmp).map_err(|e| StoreError::io(&link_tmp, e))?;
        fs::rename(&link_tmp, root.join("current"))
            .map_err(|e| StoreError::io(&root.join("current"), e))?;
    }
    if let Some(previous) = previous.filter(|p| *p != version) {
        let _ = fs::remove_dir_all(root.join(previous));
    }
    Ok(())
}
