//! What a pull keeps in the store between runs: per query, its saved pages and a checkpoint; per day,
//! the list calls spent.

use crate::PullError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Layout of `STORE/pull/<query-id>/`.
#[derive(Debug, Clone)]
pub struct QueryDir {
    pub path: PathBuf,
}

impl QueryDir {
    pub fn new(store: &Path, query_id: &str) -> QueryDir {
        QueryDir {
            path: store.join("pull").join(query_id),
        }
    }

    pub fn checkpoint(&self) -> PathBuf {
        self.path.join("checkpoint.json")
    }

    /// Page `n` (1-based) as the API sent it, gzipped.
    pub fn page(&self, n: u32) -> PathBuf {
        self.path.join(format!("page-{n:05}.json.gz"))
    }

    /// The folder of works re-fetched one by one because their author lists were truncated.
    pub fn full_works(&self) -> PathBuf {
        self.path.join("full-works")
    }

    pub fn full_work(&self, work_id: &str) -> PathBuf {
        self.full_works().join(format!("{work_id}.json.gz"))
    }
}

/// A query's progress, rewritten atomically after every page, so a killed pull resumes exactly there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: u32,
    pub query_id: String,
    pub filter: String,
    pub select: Vec<String>,
    pub per_page: u32,
    /// `meta.count` of the first page: what OpenAlex expected to return.
    pub expected_count: Option<u64>,
    /// `meta.count` of the latest page; differs from `expected_count` when OpenAlex changed meanwhile.
    pub latest_count: Option<u64>,
    /// The cursor for the next page; `*` before the first page.
    pub next_cursor: Option<String>,
    /// Pages saved so far (`page-00001` .. `page-NNNNN`).
    pub pages: u32,
    /// Work records in those pages.
    pub records: u64,
    /// True once the cursor ran out.
    pub paging_done: bool,
    /// Works whose author list the list endpoint truncated: they are fetched one by one.
    pub truncated: Vec<String>,
    /// Those of them already fetched in full.
    pub refetched: Vec<String>,
    pub started: String,
    pub updated: String,
}

impl Checkpoint {
    pub const FORMAT: u32 = 1;

    pub fn new(query_id: &str, filter: &str, select: &[&str], per_page: u32) -> Checkpoint {
        let now = now();
        Checkpoint {
            format: Self::FORMAT,
            query_id: query_id.to_string(),
            filter: filter.to_string(),
            select: select.iter().map(|s| s.to_string()).collect(),
            per_page,
            expected_count: None,
            latest_count: None,
            next_cursor: Some("*".into()),
            pages: 0,
            records: 0,
            paging_done: false,
            truncated: vec![],
            refetched: vec![],
            started: now.clone(),
            updated: now,
        }
    }

    /// True when every page and every truncated work has been fetched.
    pub fn complete(&self) -> bool {
        self.paging_done && self.truncated.iter().all(|id| self.refetched.contains(id))
    }

    pub fn load(path: &Path) -> Result<Option<Checkpoint>, PullError> {
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PullError::io(path, e)),
        };
        let checkpoint: Checkpoint =
            serde_json::from_slice(&text).map_err(|e| PullError::Checkpoint {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        if checkpoint.format != Self::FORMAT {
            return Err(PullError::Checkpoint {
                path: path.to_path_buf(),
                message: format!(
                    "format {} is not the supported format {}",
                    checkpoint.format,
                    Self::FORMAT
                ),
            });
        }
        Ok(Some(checkpoint))
    }

    pub fn save(&mut self, path: &Path) -> Result<(), PullError> {
        self.updated = now();
        let text = serde_json::to_vec_pretty(self).expect("a checkpoint always serializes");
        write_atomically(path, &text)
    }
}

/// List calls spent per UTC day, by every pull into this store: the budget check's fallback when the
/// server does not report the budget itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageLedger {
    pub day: String,
    pub list_calls: u64,
}

impl UsageLedger {
    pub fn path(store: &Path) -> PathBuf {
        store.join("pull").join("usage.json")
    }

    /// Today's usage (zero when the ledger is from an earlier day).
    pub fn load_today(store: &Path) -> UsageLedger {
        let today = today();
        std::fs::read(Self::path(store))
            .ok()
            .and_then(|text| serde_json::from_slice::<UsageLedger>(&text).ok())
            .filter(|ledger| ledger.day == today)
            .unwrap_or(UsageLedger {
                day: today,
                list_calls: 0,
            })
    }

    /// Adds `calls` to today's count on disk.
    pub fn add(store: &Path, calls: u64) -> Result<UsageLedger, PullError> {
        let mut ledger = Self::load_today(store);
        ledger.list_calls += calls;
        let path = Self::path(store);
        write_atomically(
            &path,
            &serde_json::to_vec_pretty(&ledger).expect("ledger serializes"),
        )?;
        Ok(ledger)
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// Writes to a temporary file beside `path`, syncs it, then renames it over `path`: a kill at any
/// moment leaves either the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PullError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| PullError::io(dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        PullError::io(path, e)
    })
}

/// Gzips `bytes` and writes them atomically.
pub fn write_gzip_atomically(path: &Path, bytes: &[u8]) -> Result<(), PullError> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    encoder
        .write_all(bytes)
        .map_err(|e| PullError::io(path, e))?;
    let gz = encoder.finish().map_err(|e| PullError::io(path, e))?;
    write_atomically(path, &gz)
}

/// Reads a file written by [`write_gzip_atomically`].
pub fn read_gzip(path: &Path) -> Result<Vec<u8>, PullError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| PullError::io(path, e))?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut out)
        .map_err(|e| PullError::io(path, e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_complete_only_when_truncated_works_are_fetched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q").join("checkpoint.json");
        assert_eq!(Checkpoint::load(&path).unwrap(), None);
        let mut cp = Checkpoint::new("q-1", "publication_year:2023", &["id"], 200);
        cp.pages = 3;
        cp.paging_done = true;
        cp.truncated = vec!["W1".into()];
        assert!(!cp.complete());
        cp.save(&path).unwrap();
        let loaded = Checkpoint::load(&path).unwrap().unwrap();
        assert_eq!(loaded, cp);
        cp.refetched.push("W1".into());
        assert!(cp.complete());
        std::fs::write(&path, b"{ half").unwrap();
        let err = Checkpoint::load(&path).unwrap_err().to_string();
        assert!(err.contains("broken checkpoint"), "{err}");
    }

    #[test]
    fn ledger_counts_todays_calls() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(UsageLedger::load_today(dir.path()).list_calls, 0);
        UsageLedger::add(dir.path(), 3).unwrap();
        assert_eq!(UsageLedger::add(dir.path(), 4).unwrap().list_calls, 7);
        let stale = UsageLedger {
            day: "2001-01-01".into(),
            list_calls: 99,
        };
        write_atomically(
            &UsageLedger::path(dir.path()),
            &serde_json::to_vec(&stale).unwrap(),
        )
        .unwrap();
        assert_eq!(UsageLedger::load_today(dir.path()).list_calls, 0);
    }

    #[test]
    fn gzip_files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page-00001.json.gz");
        write_gzip_atomically(&path, br#"{"results":[]}"#).unwrap();
        assert_eq!(read_gzip(&path).unwrap(), br#"{"results":[]}"#);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }
}
