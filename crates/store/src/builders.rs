//! Turning model records into Arrow record batches of the store's tables.

use crate::schema::Table;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Array, Int32Builder, Int64Builder, ListBuilder,
    StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;
use tandem_model::{Institution, InstitutionId, InstitutionRef, Keyword, Work};

fn finish(table: Table, columns: Vec<ArrayRef>) -> Result<RecordBatch, ArrowError> {
    RecordBatch::try_new(table.schema(), columns)
}

/// Builders for the per-work tables. Append works, then [`WorkTables::finish`] into one batch per table.
#[derive(Default)]
pub struct WorkTables {
    len: usize,
    /// For each per-work table, the index (within this batch) of the work each row belongs to.
    row_of_work: [Vec<i32>; 6],
    works: WorksColumns,
    authorships: AuthorshipColumns,
    affiliations: AffiliationColumns,
    countries: (Int64Builder, Int32Builder, StringBuilder),
    topics: TopicColumns,
    keywords: KeywordColumns,
}

#[derive(Default)]
struct WorksColumns {
    work_id: Int64Builder,
    source: StringBuilder,
    source_key: StringBuilder,
    doi: StringBuilder,
    title: StringBuilder,
    year: Int32Builder,
    date: StringBuilder,
    work_type: StringBuilder,
    original_type: StringBuilder,
    is_paratext: BooleanBuilder,
    is_retracted: BooleanBuilder,
    cited_by_count: Int64Builder,
    fwci: Float64Builder,
    updated_date: StringBuilder,
    partition: StringBuilder,
    language: StringBuilder,
    venue_id: StringBuilder,
    venue_name: StringBuilder,
    topic_id: StringBuilder,
    topic: StringBuilder,
    subfield_id: StringBuilder,
    subfield: StringBuilder,
    field_id: StringBuilder,
    field: StringBuilder,
    domain_id: StringBuilder,
    domain: StringBuilder,
    authors_count: Int32Builder,
    is_authors_truncated: BooleanBuilder,
    countries_distinct_count: Int32Builder,
    institutions_distinct_count: Int32Builder,
    affiliated_authorships_count: Int32Builder,
}

#[derive(Default)]
struct AuthorshipColumns {
    work_id: Int64Builder,
    year: Int32Builder,
    index: Int32Builder,
    position: StringBuilder,
    author_id: StringBuilder,
    author_name: StringBuilder,
    orcid: StringBuilder,
    is_corresponding: BooleanBuilder,
    institutions_count: Int32Builder,
    countries: ListBuilder<StringBuilder>,
    raw_affiliations: ListBuilder<StringBuilder>,
}

#[derive(Default)]
struct AffiliationColumns {
    work_id: Int64Builder,
    year: Int32Builder,
    index: Int32Builder,
    institution_id: Int64Builder,
    ror: StringBuilder,
    country_code: StringBuilder,
    authorship_institutions_count: Int32Builder,
}

#[derive(Default)]
struct TopicColumns {
    work_id: Int64Builder,
    year: Int32Builder,
    rank: Int32Builder,
    topic_id: StringBuilder,
    topic: StringBuilder,
    score: Float64Builder,
    subfield: StringBuilder,
    field: StringBuilder,
    domain: StringBuilder,
}

#[derive(Default)]
struct KeywordColumns {
    work_id: Int64Builder,
    year: Int32Builder,
    kind: StringBuilder,
    keyword_id: StringBuilder,
    keyword: StringBuilder,
    score: Float64Builder,
    level: Int32Builder,
}

impl KeywordColumns {
    fn append(&mut self, work_id: i64, year: Option<i32>, kind: &str, k: &Keyword) {
        self.work_id.append_value(work_id);
        self.year.append_option(year);
        self.kind.append_value(kind);
        self.keyword_id.append_option(k.id.as_deref());
        self.keyword.append_value(&k.name);
        self.score.append_option(k.score);
        self.level.append_option(k.level);
    }
}

impl WorkTables {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one work to every per-work table. `partition` orders copies with equal `updated_date`.
    pub fn append(&mut self, work: &Work, partition: &str) {
        let work_row = self.len as i32;
        self.len += 1;
        let id = work.id.0;
        self.row_of_work[0].push(work_row);
        let year = work.publication_year;
        let w = &mut self.works;
        w.work_id.append_value(id);
        w.source
            .append_value(work.source.map(|s| s.as_str()).unwrap_or("unknown"));
        w.source_key.append_value(&work.source_key);
        w.doi.append_option(work.doi.as_deref());
        w.title.append_option(work.title.as_deref());
        w.year.append_option(year);
        w.date.append_option(work.publication_date.as_deref());
        w.work_type.append_option(work.work_type.as_deref());
        w.original_type.append_option(work.original_type.as_deref());
        w.is_paratext.append_value(work.is_paratext);
        w.is_retracted.append_value(work.is_retracted);
        w.cited_by_count.append_option(work.cited_by_count);
        w.fwci.append_option(work.fwci);
        w.updated_date.append_option(work.updated_date.as_deref());
        w.partition.append_value(partition);
        w.language.append_option(work.language.as_deref());
        w.venue_id.append_option(work.venue_id.as_deref());
        w.venue_name.append_option(work.venue_name.as_deref());
        let pt = work.primary_topic.as_ref();
        w.topic_id.append_option(pt.and_then(|t| t.id.as_deref()));
        w.topic.append_option(pt.map(|t| t.name.as_str()));
        w.subfield_id.append_option(
            pt.and_then(|t| t.subfield.as_ref())
                .and_then(|n| n.id.as_deref()),
        );
        w.subfield.append_option(
            pt.and_then(|t| t.subfield.as_ref())
                .map(|n| n.name.as_str()),
        );
        w.field_id.append_option(
            pt.and_then(|t| t.field.as_ref())
                .and_then(|n| n.id.as_deref()),
        );
        w.field
            .append_option(pt.and_then(|t| t.field.as_ref()).map(|n| n.name.as_str()));
        w.domain_id.append_option(
            pt.and_then(|t| t.domain.as_ref())
                .and_then(|n| n.id.as_deref()),
        );
        w.domain
            .append_option(pt.and_then(|t| t.domain.as_ref()).map(|n| n.name.as_str()));
        w.authors_count.append_value(work.authorships.len() as i32);
        w.is_authors_truncated
            .append_value(work.is_authors_truncated);
        w.countries_distinct_count
            .append_option(work.countries_distinct_count);

        let mut work_institutions: Vec<InstitutionId> = Vec::new();
        let mut affiliated_authorships = 0i32;
        for a in &work.authorships {
            self.row_of_work[1].push(work_row);
            let t = &mut self.authorships;
            t.work_id.append_value(id);
            t.year.append_option(year);
            t.index.append_value(a.index);
            t.position.append_option(a.position.as_deref());
            t.author_id.append_option(a.author_id.as_deref());
            t.author_name.append_option(a.author_name.as_deref());
            t.orcid.append_option(a.orcid.as_deref());
            t.is_corresponding.append_option(a.is_corresponding);
            t.institutions_count
                .append_value(a.institutions.len() as i32);
            for c in &a.countries {
                t.countries.values().append_value(c);
            }
            t.countries.append(true);
            for r in &a.raw_affiliations {
                t.raw_affiliations.values().append_value(r);
            }
            t.raw_affiliations.append(true);
            // An institution listed twice on one authorship is one link.
            let mut links: Vec<&InstitutionRef> = Vec::with_capacity(a.institutions.len());
            for inst in &a.institutions {
                if !links.iter().any(|l| l.id == inst.id) {
                    links.push(inst);
                }
                if !work_institutions.contains(&inst.id) {
                    work_institutions.push(inst.id);
                }
            }
            if !links.is_empty() {
                affiliated_authorships += 1;
            }
            for inst in links.iter().copied() {
                self.row_of_work[2].push(work_row);
                let f = &mut self.affiliations;
                f.work_id.append_value(id);
                f.year.append_option(year);
                f.index.append_value(a.index);
                f.institution_id.append_value(inst.id.0);
                f.ror.append_option(inst.ror.as_deref());
                f.country_code.append_option(inst.country_code.as_deref());
                f.authorship_institutions_count
                    .append_value(links.len() as i32);
            }
        }
        w.institutions_distinct_count
            .append_value(work_institutions.len() as i32);
        w.affiliated_authorships_count
            .append_value(affiliated_authorships);
        for country in work.country_set() {
            self.row_of_work[3].push(work_row);
            self.countries.0.append_value(id);
            self.countries.1.append_option(year);
            self.countries.2.append_value(country);
        }
        for (rank, topic) in work.topics.iter().enumerate() {
            self.row_of_work[4].push(work_row);
            let t = &mut self.topics;
            t.work_id.append_value(id);
            t.year.append_option(year);
            t.rank.append_value(rank as i32 + 1);
            t.topic_id.append_option(topic.id.as_deref());
            t.topic.append_value(&topic.name);
            t.score.append_option(topic.score);
            t.subfield
                .append_option(topic.subfield.as_ref().map(|n| n.name.as_str()));
            t.field
                .append_option(topic.field.as_ref().map(|n| n.name.as_str()));
            t.domain
                .append_option(topic.domain.as_ref().map(|n| n.name.as_str()));
        }
        for k in &work.keywords {
            self.row_of_work[5].push(work_row);
            self.keywords.append(id, year, "keyword", k);
        }
        for c in &work.concepts {
            self.row_of_work[5].push(work_row);
            self.keywords.append(id, year, "concept", c);
        }
    }

    /// Like [`WorkTables::finish`], with an extra last column `_row` giving, for every row, the index of
    /// its work in this batch. Ingest uses it to keep one copy of a work that appears twice in one chunk.
    pub fn finish_with_rows(&mut self) -> Result<Vec<(Table, RecordBatch)>, ArrowError> {
        let rows = std::mem::take(&mut self.row_of_work);
        let batches = self.finish()?;
        batches
            .into_iter()
            .zip(rows)
            .map(|((table, batch), rows)| {
                let mut fields: Vec<_> = batch.schema().fields().iter().cloned().collect();
                fields.push(Arc::new(Field::new("_row", DataType::Int32, false)));
                let mut columns = batch.columns().to_vec();
                columns.push(Arc::new(Int32Array::from(rows)));
                Ok((
                    table,
                    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?,
                ))
            })
            .collect()
    }

    /// Finishes one batch per per-work table, in [`Table::PER_WORK`] order, and resets the builders.
    pub fn finish(&mut self) -> Result<Vec<(Table, RecordBatch)>, ArrowError> {
        self.len = 0;
        self.row_of_work = Default::default();
        let w = &mut self.works;
        let works = finish(
            Table::Works,
            vec![
                Arc::new(w.work_id.finish()),
                Arc::new(w.source.finish()),
                Arc::new(w.source_key.finish()),
                Arc::new(w.doi.finish()),
                Arc::new(w.title.finish()),
                Arc::new(w.year.finish()),
                Arc::new(w.date.finish()),
                Arc::new(w.work_type.finish()),
                Arc::new(w.original_type.finish()),
                Arc::new(w.is_paratext.finish()),
                Arc::new(w.is_retracted.finish()),
                Arc::new(w.cited_by_count.finish()),
                Arc::new(w.fwci.finish()),
                Arc::new(w.updated_date.finish()),
                Arc::new(w.partition.finish()),
                Arc::new(w.language.finish()),
                Arc::new(w.venue_id.finish()),
                Arc::new(w.venue_name.finish()),
                Arc::new(w.topic_id.finish()),
                Arc::new(w.topic.finish()),
                Arc::new(w.subfield_id.finish()),
                Arc::new(w.subfield.finish()),
                Arc::new(w.field_id.finish()),
                Arc::new(w.field.finish()),
                Arc::new(w.domain_id.finish()),
                Arc::new(w.domain.finish()),
                Arc::new(w.authors_count.finish()),
                Arc::new(w.is_authors_truncated.finish()),
                Arc::new(w.countries_distinct_count.finish()),
                Arc::new(w.institutions_distinct_count.finish()),
                Arc::new(w.affiliated_authorships_count.finish()),
            ],
        )?;
        let a = &mut self.authorships;
        let authorships = finish(
            Table::Authorships,
            vec![
                Arc::new(a.work_id.finish()),
                Arc::new(a.year.finish()),
                Arc::new(a.index.finish()),
                Arc::new(a.position.finish()),
                Arc::new(a.author_id.finish()),
                Arc::new(a.author_name.finish()),
                Arc::new(a.orcid.finish()),
                Arc::new(a.is_corresponding.finish()),
                Arc::new(a.institutions_count.finish()),
                Arc::new(a.countries.finish()),
                Arc::new(a.raw_affiliations.finish()),
            ],
        )?;
        let f = &mut self.affiliations;
        let affiliations = finish(
            Table::Affiliations,
            vec![
                Arc::new(f.work_id.finish()),
                Arc::new(f.year.finish()),
                Arc::new(f.index.finish()),
                Arc::new(f.institution_id.finish()),
                Arc::new(f.ror.finish()),
                Arc::new(f.country_code.finish()),
                Arc::new(f.authorship_institutions_count.finish()),
            ],
        )?;
        let c = &mut self.countries;
        let countries = finish(
            Table::WorkCountries,
            vec![
                Arc::new(c.0.finish()),
                Arc::new(c.1.finish()),
                Arc::new(c.2.finish()),
            ],
        )?;
        let t = &mut self.topics;
        let topics = finish(
            Table::Topics,
            vec![
                Arc::new(t.work_id.finish()),
                Arc::new(t.year.finish()),
                Arc::new(t.rank.finish()),
                Arc::new(t.topic_id.finish()),
                Arc::new(t.topic.finish()),
                Arc::new(t.score.finish()),
                Arc::new(t.subfield.finish()),
                Arc::new(t.field.finish()),
                Arc::new(t.domain.finish()),
            ],
        )?;
        let k = &mut self.keywords;
        let keywords = finish(
            Table::Keywords,
            vec![
                Arc::new(k.work_id.finish()),
                Arc::new(k.year.finish()),
                Arc::new(k.kind.finish()),
                Arc::new(k.keyword_id.finish()),
                Arc::new(k.keyword.finish()),
                Arc::new(k.score.finish()),
                Arc::new(k.level.finish()),
            ],
        )?;
        Ok(vec![
            (Table::Works, works),
            (Table::Authorships, authorships),
            (Table::Affiliations, affiliations),
            (Table::WorkCountries, countries),
            (Table::Topics, topics),
            (Table::Keywords, keywords),
        ])
    }
}

/// The institutions and lineage tables from the merged institution records.
pub fn institution_batches<'a>(
    institutions: impl Iterator<Item = &'a Institution>,
) -> Result<(RecordBatch, RecordBatch), ArrowError> {
    let (mut id, mut ror, mut name, mut country, mut kind, mut full) = (
        Int64Builder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        BooleanBuilder::new(),
    );
    let (mut child, mut ancestor) = (Int64Builder::new(), Int64Builder::new());
    for inst in institutions {
        id.append_value(inst.id.0);
        ror.append_option(inst.ror.as_deref());
        name.append_option(inst.name.as_deref());
        country.append_option(inst.country_code.as_deref());
        kind.append_option(inst.kind.as_deref());
        full.append_value(inst.is_full_record);
        let mut lineage = inst.lineage.clone();
        if !lineage.contains(&inst.id) {
            lineage.push(inst.id);
        }
        lineage.sort();
        lineage.dedup();
        for a in lineage {
            child.append_value(inst.id.0);
            ancestor.append_value(a.0);
        }
    }
    let institutions = finish(
        Table::Institutions,
        vec![
            Arc::new(id.finish()),
            Arc::new(ror.finish()),
            Arc::new(name.finish()),
            Arc::new(country.finish()),
            Arc::new(kind.finish()),
            Arc::new(full.finish()),
        ],
    )?;
    let lineage = finish(
        Table::InstitutionLineage,
        vec![Arc::new(child.finish()), Arc::new(ancestor.finish())],
    )?;
    Ok((institutions, lineage))
}
