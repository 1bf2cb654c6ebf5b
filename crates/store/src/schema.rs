//! The store's tables. Each is a folder of Parquet files in the current version folder. The per-work tables
//! are split into one file per publication year (`year-2023.parquet`, `year-unknown.parquet`), so a query
//! for one year reads one file; the others hold a single `part-0.parquet`.
//!
//! Every per-work table carries `work_id` and `publication_year` so an engine can filter and join without
//! touching the wide `works` table. docs/store.md documents the same schema for users.

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, LazyLock};

/// The file of a per-work table that holds one publication year's rows (`None`: works without a year).
pub(crate) fn year_file_name(year: Option<i32>) -> String {
    match year {
        Some(y) => format!("year-{y}.parquet"),
        None => "year-unknown.parquet".to_string(),
    }
}

/// The publication year a per-work table's file holds, from its name; `None` for a name that is not
/// [`year_file_name`]'s.
pub(crate) fn year_of_file_name(name: &str) -> Option<Option<i32>> {
    match name.strip_prefix("year-")?.strip_suffix(".parquet")? {
        "unknown" => Some(None),
        y => y.parse().ok().map(Some),
    }
}

/// The tables of a store, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per work.
    Works,
    /// One row per author of a work.
    Authorships,
    /// One row per (authorship, institution) link.
    Affiliations,
    /// One row per distinct country in a work's country set (authorship countries ∪ institution countries).
    WorkCountries,
    /// One row per (work, topic).
    Topics,
    /// One row per (work, keyword) and (work, concept).
    Keywords,
    /// One row per institution.
    Institutions,
    /// One row per (institution, ancestor), including the institution itself.
    InstitutionLineage,
    /// Work ids merged away by OpenAlex; never present in the other tables.
    MergedIds,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Works,
        Table::Authorships,
        Table::Affiliations,
        Table::WorkCountries,
        Table::Topics,
        Table::Keywords,
        Table::Institutions,
        Table::InstitutionLineage,
        Table::MergedIds,
    ];

    /// Tables with one or more rows per work, rewritten by every ingest.
    pub const PER_WORK: [Table; 6] = [
        Table::Works,
        Table::Authorships,
        Table::Affiliations,
        Table::WorkCountries,
        Table::Topics,
        Table::Keywords,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Works => "works",
            Table::Authorships => "authorships",
            Table::Affiliations => "affiliations",
            Table::WorkCountries => "work_countries",
            Table::Topics => "topics",
            Table::Keywords => "keywords",
            Table::Institutions => "institutions",
            Table::InstitutionLineage => "institution_lineage",
            Table::MergedIds => "merged_ids",
        }
    }

    /// Whether the table has rows per work (and so is split by publication year).
    pub fn is_per_work(self) -> bool {
        Table::PER_WORK.contains(&self)
    }

    pub fn schema(self) -> SchemaRef {
        match self {
            Table::Works => WORKS.clone(),
            Table::Authorships => AUTHORSHIPS.clone(),
            Table::Affiliations => AFFILIATIONS.clone(),
            Table::WorkCountries => WORK_COUNTRIES.clone(),
            Table::Topics => TOPICS.clone(),
            Table::Keywords => KEYWORDS.clone(),
            Table::Institutions => INSTITUTIONS.clone(),
            Table::InstitutionLineage => INSTITUTION_LINEAGE.clone(),
            Table::MergedIds => MERGED_IDS.clone(),
        }
    }
}

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list_utf8(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    )
}

fn work_id() -> Field {
    Field::new("work_id", DataType::Int64, false)
}

fn year() -> Field {
    Field::new("publication_year", DataType::Int32, true)
}

static WORKS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        Field::new("source", DataType::Utf8, false),
        Field::new("source_key", DataType::Utf8, false),
        utf8("doi"),
        utf8("title"),
        year(),
        utf8("publication_date"),
        utf8("type"),
        utf8("original_type"),
        Field::new("is_paratext", DataType::Boolean, false),
        Field::new("is_retracted", DataType::Boolean, false),
        Field::new("cited_by_count", DataType::Int64, true),
        Field::new("fwci", DataType::Float64, true),
        utf8("updated_date"),
        Field::new("partition", DataType::Utf8, false),
        utf8("language"),
        utf8("venue_id"),
        utf8("venue_name"),
        utf8("primary_topic_id"),
        utf8("primary_topic"),
        utf8("subfield_id"),
        utf8("subfield"),
        utf8("field_id"),
        utf8("field"),
        utf8("domain_id"),
        utf8("domain"),
        Field::new("authors_count", DataType::Int32, false),
        Field::new("is_authors_truncated", DataType::Boolean, false),
        Field::new("countries_distinct_count", DataType::Int32, true),
        // Derived at ingest from the affiliations rows, so figures need not re-read them.
        Field::new("institutions_distinct_count", DataType::Int32, false),
        Field::new("affiliated_authorships_count", DataType::Int32, false),
    ]))
});

static AUTHORSHIPS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        year(),
        Field::new("author_index", DataType::Int32, false),
        utf8("author_position"),
        utf8("author_id"),
        utf8("author_name"),
        utf8("orcid"),
        Field::new("is_corresponding", DataType::Boolean, true),
        Field::new("institutions_count", DataType::Int32, false),
        list_utf8("countries"),
        list_utf8("raw_affiliations"),
    ]))
});

static AFFILIATIONS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        year(),
        Field::new("author_index", DataType::Int32, false),
        Field::new("institution_id", DataType::Int64, false),
        utf8("ror"),
        utf8("country_code"),
        // Derived at ingest: the rows of this authorship in this table (its distinct institutions).
        Field::new("authorship_institutions_count", DataType::Int32, false),
    ]))
});

static WORK_COUNTRIES: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        year(),
        Field::new("country_code", DataType::Utf8, false),
    ]))
});

static TOPICS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        year(),
        Field::new("rank", DataType::Int32, false),
        utf8("topic_id"),
        Field::new("topic", DataType::Utf8, false),
        Field::new("score", DataType::Float64, true),
        utf8("subfield"),
        utf8("field"),
        utf8("domain"),
    ]))
});

static KEYWORDS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        work_id(),
        year(),
        Field::new("kind", DataType::Utf8, false),
        utf8("keyword_id"),
        Field::new("keyword", DataType::Utf8, false),
        Field::new("score", DataType::Float64, true),
        Field::new("level", DataType::Int32, true),
    ]))
});

static INSTITUTIONS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("institution_id", DataType::Int64, false),
        utf8("ror"),
        utf8("name"),
        utf8("country_code"),
        utf8("type"),
        Field::new("is_full_record", DataType::Boolean, false),
    ]))
});

static INSTITUTION_LINEAGE: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("institution_id", DataType::Int64, false),
        Field::new("ancestor_id", DataType::Int64, false),
    ]))
});

static MERGED_IDS: LazyLock<SchemaRef> = LazyLock::new(|| Arc::new(Schema::new(vec![work_id()])));

#[cfg(test)]
mod year_file_tests {
    use super::*;

    #[test]
    fn year_file_names_round_trip_and_others_are_refused() {
        for year in [Some(2023), Some(1999), None] {
            assert_eq!(year_of_file_name(&year_file_name(year)), Some(year));
        }
        assert_eq!(year_file_name(Some(2023)), "year-2023.parquet");
        assert_eq!(year_of_file_name("part-0.parquet"), None);
        assert_eq!(year_of_file_name("year-20x3.parquet"), None);
        assert_eq!(year_of_file_name("year-2023.csv"), None);
    }
}
