use crate::{Institution, InstitutionId, Work, WorkId};
use serde::{Deserialize, Serialize};

/// A record that could not be read. It is counted, reported and written to the store's rejects file,
/// so nothing the user gave is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    /// The file (or other input) it came from.
    pub input: String,
    /// 1-based line number, where the format has lines.
    pub line: Option<u64>,
    /// Byte offset in the (decompressed) input, where known.
    pub offset: Option<u64>,
    /// Record position for formats without lines (an element of a JSON array, a record of an export).
    pub record: Option<u64>,
    /// What was wrong and what was expected.
    pub reason: String,
    /// The raw text, lossily decoded, capped in length by the writer.
    pub raw: String,
}

/// Where a source delivers what it reads. Implemented by the store's ingest.
pub trait RecordSink {
    fn work(&mut self, work: Work);
    fn institution(&mut self, institution: Institution);
    /// A work id that was merged into another and must be removed (OpenAlex `merged_ids`).
    fn merged_work(&mut self, id: WorkId);
    /// A merged institution id; kept for completeness.
    fn merged_institution(&mut self, _id: InstitutionId) {}
    fn reject(&mut self, reject: Reject);
    /// Bytes of the input consumed so far (compressed bytes for compressed inputs), for progress bars.
    fn progress(&mut self, bytes_read: u64);
}

/// Something a source can read records from: usually one file.
pub trait Input: Send + Sync {
    /// How the input is named in reports, rejects and the manifest (usually the path).
    fn name(&self) -> String;
    /// Size on disk, for progress.
    fn size_bytes(&self) -> u64;
    /// Orders copies of the same work with equal `updated_date`: the later partition wins.
    /// For snapshot files this is the `updated_date=...` folder name.
    fn partition(&self) -> String;
    /// Reads every record into the sink. Bad records go to [`RecordSink::reject`] and reading goes on;
    /// an `Err` means the input could not be read at all (and nothing was delivered after the failure).
    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError>;
}

/// An input that could not be read at all (as opposed to a bad record inside it).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
}
