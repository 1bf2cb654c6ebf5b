//! Handing what a pull saved to the store's ingest: the same path a snapshot takes.

use crate::PullError;
use crate::fetch::{LIST_AUTHOR_LIMIT, SavedQuery};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_model::{
    Input, InputError, Institution, InstitutionId, RecordSink, Reject, Work, WorkId,
};
use tandem_openalex::WorksFile;
use tandem_store::{IngestOptions, IngestSummary};

/// A saved page, read by the OpenAlex reader, minus the truncated copies of works that were re-fetched
/// in full: the full record replaces them whatever order the store would otherwise pick.
struct PulledPage {
    file: WorksFile,
    replaced: Arc<HashSet<WorkId>>,
    dropped: Arc<AtomicU64>,
}

struct WithoutTruncatedCopies<'a> {
    sink: &'a mut dyn RecordSink,
    replaced: &'a HashSet<WorkId>,
    dropped: &'a AtomicU64,
}

impl RecordSink for WithoutTruncatedCopies<'_> {
    fn work(&mut self, work: Work) {
        let truncated = work.is_authors_truncated || work.authorships.len() >= LIST_AUTHOR_LIMIT;
        if truncated && self.replaced.contains(&work.id) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            self.sink.work(work);
        }
    }
    fn institution(&mut self, institution: Institution) {
        self.sink.institution(institution);
    }
    fn merged_work(&mut self, id: WorkId) {
        self.sink.merged_work(id);
    }
    fn merged_institution(&mut self, id: InstitutionId) {
        self.sink.merged_institution(id);
    }
    fn reject(&mut self, reject: Reject) {
        self.sink.reject(reject);
    }
    fn progress(&mut self, bytes_read: u64) {
        self.sink.progress(bytes_read);
    }
}

impl Input for PulledPage {
    fn name(&self) -> String {
        self.file.name()
    }
    fn size_bytes(&self) -> u64 {
        self.file.size_bytes()
    }
    fn partition(&self) -> String {
        self.file.partition()
    }
    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        let mut filtered = WithoutTruncatedCopies {
            sink,
            replaced: &self.replaced,
            dropped: &self.dropped,
        };
        self.file.read(&mut filtered)
    }
}

/// What the ingest of a pull did.
#[derive(Debug, Clone)]
pub struct PullIngest {
    pub summary: IngestSummary,
    /// Truncated-author copies left out because the full record was fetched.
    pub truncated_copies_replaced: u64,
}

/// Ingests every saved page and re-fetched work of `saved` into the store, through `tandem_store::ingest`.
/// Re-fetched full records come after the pages, so they also win any tie the store decides by order.
pub fn ingest_pulled(
    store: &Path,
    saved: &[SavedQuery],
    options: &IngestOptions,
) -> Result<PullIngest, PullError> {
    let replaced: Arc<HashSet<WorkId>> = Arc::new(
        saved
            .iter()
            .flat_map(|q| q.full_works.iter())
            .filter_map(|(id, _)| WorkId::from_openalex(id))
            .collect(),
    );
    let dropped = Arc::new(AtomicU64::new(0));
    let mut inputs: Vec<Box<dyn Input>> = Vec::new();
    for query in saved {
        for page in &query.pages {
            inputs.push(Box::new(PulledPage {
                file: WorksFile::new(page.clone()),
                replaced: replaced.clone(),
                dropped: dropped.clone(),
            }));
        }
    }
    let mut seen = HashSet::new();
    for query in saved {
        for (id, path) in &query.full_works {
            if seen.insert(id.clone()) {
                inputs.push(Box::new(WorksFile::new(path.clone())));
            }
        }
    }
    let summary = tandem_store::ingest(store, inputs, options)?;
    Ok(PullIngest {
        summary,
        truncated_copies_replaced: dropped.load(Ordering::Relaxed),
    })
}
