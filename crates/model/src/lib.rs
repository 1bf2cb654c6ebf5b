//! The model: what a source produces and what the store keeps.
//!
//! Sources (OpenAlex, Scopus, Web of Science) turn their formats into these records and hand them to a
//! [`RecordSink`]. Nothing here knows about files, Parquet or queries.

pub mod groups;
mod ids;
mod input;
mod types;

pub use ids::{InstitutionId, WorkId, normalize_doi, normalize_ror};
pub use input::{Input, InputError, RecordSink, Reject};
pub use types::{DEFAULT_TYPES, map_work_type};

use serde::{Deserialize, Serialize};

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    OpenAlex,
    Scopus,
    Wos,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::OpenAlex => "openalex",
            SourceKind::Scopus => "scopus",
            SourceKind::Wos => "wos",
        }
    }
}

/// A named node of the OpenAlex topic hierarchy (subfield, field or domain).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Named {
    pub id: Option<String>,
    pub name: String,
}

/// An OpenAlex topic with its place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Topic {
    pub id: Option<String>,
    pub name: String,
    pub score: Option<f64>,
    pub subfield: Option<Named>,
    pub field: Option<Named>,
    pub domain: Option<Named>,
}

/// A keyword or (2022 schema) concept attached to a work.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Keyword {
    pub id: Option<String>,
    pub name: String,
    pub score: Option<f64>,
    /// Concept level (0 = broadest); `None` for keywords.
    pub level: Option<i32>,
}

/// An institution as cited inside a work (OpenAlex's "dehydrated" institution).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InstitutionRef {
    pub id: InstitutionId,
    pub ror: Option<String>,
    pub name: Option<String>,
    pub country_code: Option<String>,
    pub kind: Option<String>,
    /// OpenAlex ids of this institution and its ancestors (OpenAlex `lineage`).
    pub lineage: Vec<InstitutionId>,
}

/// One author's place on one work.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Authorship {
    /// 0-based order in the author list.
    pub index: i32,
    /// "first", "middle" or "last" where the source says.
    pub position: Option<String>,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub orcid: Option<String>,
    pub is_corresponding: Option<bool>,
    /// ISO 3166-1 alpha-2 codes, as the source states them for this authorship.
    pub countries: Vec<String>,
    pub institutions: Vec<InstitutionRef>,
    pub raw_affiliations: Vec<String>,
}

/// A publication, in the shape the store keeps it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Work {
    pub id: WorkId,
    pub source: Option<SourceKind>,
    /// The id in its own source: `W2741809807`, a Scopus EID, a WoS UT.
    pub source_key: String,
    pub doi: Option<String>,
    pub title: Option<String>,
    pub publication_year: Option<i32>,
    pub publication_date: Option<String>,
    /// Current OpenAlex type (article, review, book-chapter, ...), after [`map_work_type`].
    pub work_type: Option<String>,
    /// The type exactly as the source gave it.
    pub original_type: Option<String>,
    pub is_paratext: bool,
    pub is_retracted: bool,
    pub cited_by_count: Option<i64>,
    pub fwci: Option<f64>,
    /// `YYYY-MM-DD...` as the source gives it; decides which copy of a work is kept.
    pub updated_date: Option<String>,
    pub language: Option<String>,
    pub venue_id: Option<String>,
    pub venue_name: Option<String>,
    pub primary_topic: Option<Topic>,
    pub topics: Vec<Topic>,
    pub keywords: Vec<Keyword>,
    pub concepts: Vec<Keyword>,
    pub authorships: Vec<Authorship>,
    pub is_authors_truncated: bool,
    /// The source's own count of distinct countries, kept to check the country set against.
    pub countries_distinct_count: Option<i32>,
}

impl Work {
    /// The country set of this work as DESIGN.md defines it from the record alone: the union of every
    /// authorship's `countries` and every institution's `country_code`, sorted and distinct.
    /// (Metrics add the countries of member institutions that lack one in the record.)
    pub fn country_set(&self) -> Vec<String> {
        let mut set: Vec<String> = self
            .authorships
            .iter()
            .flat_map(|a| {
                a.countries.iter().chain(
                    a.institutions
                        .iter()
                        .filter_map(|i| i.country_code.as_ref()),
                )
            })
            .cloned()
            .collect();
        set.sort_unstable();
        set.dedup();
        set
    }
}

/// An institution record (from OpenAlex's institutions entity, a work's institution object, or ROR).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Institution {
    pub id: InstitutionId,
    pub ror: Option<String>,
    pub name: Option<String>,
    pub country_code: Option<String>,
    pub kind: Option<String>,
    pub lineage: Vec<InstitutionId>,
    /// True when this came from a full entity record rather than a reference inside a work; full
    /// records win over references.
    pub is_full_record: bool,
}

impl From<&InstitutionRef> for Institution {
    fn from(r: &InstitutionRef) -> Self {
        Institution {
            id: r.id,
            ror: r.ror.clone(),
            name: r.name.clone(),
            country_code: r.country_code.clone(),
            kind: r.kind.clone(),
            lineage: r.lineage.clone(),
            is_full_record: false,
        }
    }
}
