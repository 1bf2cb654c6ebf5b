//! Collaboration indicators over the store, exactly as DESIGN.md (Metrics) defines them.
//!
//! Each indicator is one SQL definition in [`definitions`]; [`Engine`] runs them with Apache DataFusion
//! over the store's Parquet tables and returns [`Figures`]. `tandem figures --explain` prints the same SQL.

pub mod definitions;
pub mod group;
mod present;

pub use definitions::{CountryUnification, DEFINITIONS_VERSION, FigureRequest, Step};
pub use group::{Group, GroupError, Member, Membership};
pub use present::{explain_text, figures_csv, figures_text, paragraph};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tandem_store::{Store, Table};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Store(#[from] tandem_store::StoreError),
    #[error(transparent)]
    Group(#[from] GroupError),
    #[error("query failed: {0}")]
    Query(#[from] datafusion::error::DataFusionError),
    #[error("reading query results: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Empty(String),
}

/// The figures for one request. Field names are a public interface (`tandem figures --format json`, the API).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub group: String,
    pub group_name: String,
    pub years: [i32; 2],
    pub types: Vec<String>,
    pub field: Option<String>,
    pub unify_countries: Option<String>,
    pub home: Vec<String>,
    pub papers: u64,
    pub papers_fractional: f64,
    pub collab_papers: u64,
    pub international_papers: u64,
    pub international_share: f64,
    pub partner: PartnerFigure,
    pub next_partner: Option<NextPartner>,
    pub lead_over_next: Option<f64>,
    pub partners: Vec<PartnerRow>,
    pub institutions: Vec<InstitutionRow>,
    pub by_year: Vec<YearRow>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartnerFigure {
    pub country: String,
    pub name: String,
    pub papers: u64,
    pub share_of_international: Option<f64>,
    /// `None` when the partner has no joint papers.
    pub rank: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextPartner {
    pub country: String,
    pub name: String,
    pub papers: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartnerRow {
    pub country: String,
    pub name: String,
    pub papers: u64,
    pub papers_fractional: f64,
    pub share_of_international: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InstitutionRow {
    pub ror: String,
    pub name: String,
    pub papers: u64,
    pub international_papers: u64,
    pub international_share: Option<f64>,
    pub partner_papers: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearRow {
    pub year: i32,
    pub papers: u64,
    pub international_papers: u64,
    pub international_share: Option<f64>,
    pub partner_papers: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Provenance {
    pub store: String,
    pub store_version: String,
    pub store_digest: String,
    pub definitions_version: String,
    pub engine: String,
    pub computed_at: String,
}

/// The tables the definitions read, as registered in DataFusion (and as named in `--explain`).
pub const REGISTERED_TABLES: [Table; 5] = [
    Table::Works,
    Table::Affiliations,
    Table::WorkCountries,
    Table::Institutions,
    Table::InstitutionLineage,
];

/// Above this many bytes of affiliations in the requested years, DataFusion filters rows while decoding.
const PUSHDOWN_FILTERS_ABOVE_BYTES: u64 = 16 << 20;

/// Runs the definitions over one store.
pub struct Engine {
    store: Store,
    years_present: BTreeMap<i32, u64>,
    fields_present: std::sync::OnceLock<Vec<String>>,
}

impl Engine {
    /// Opens a store for querying. Reads only the manifest and the Parquet footers.
    pub async fn open(store_dir: &Path) -> Result<Engine, MetricsError> {
        let store = Store::open(store_dir)?;
        let years_present = store
            .works_by_year()?
            .into_iter()
            .filter_map(|(year, n)| Some((year?, n)))
            .filter(|(_, n)| *n > 0)
            .collect();
        Ok(Engine {
            store,
            years_present,
            fields_present: std::sync::OnceLock::new(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Publication years in the store, with their work counts.
    pub fn years_present(&self) -> &BTreeMap<i32, u64> {
        &self.years_present
    }

    /// OpenAlex fields (primary topic) present in the store, read on first use.
    pub fn fields_present(&self) -> Result<&[String], MetricsError> {
        if let Some(fields) = self.fields_present.get() {
            return Ok(fields);
        }
        let fields = self.store.distinct_text(Table::Works, "field")?;
        Ok(self.fields_present.get_or_init(|| fields))
    }

    /// A DataFusion session with the store's tables registered under their names. The per-work tables
    /// hold only the files of the years `first..=last`: the same rows the year filters select, but the scan
    /// is split across cores over the files that matter (DataFusion splits before it prunes).
    async fn context(
        store: &Store,
        (first, last): (i32, i32),
    ) -> Result<SessionContext, MetricsError> {
        // DATAFUSION_* environment variables tune the engine (for example
        // DATAFUSION_EXECUTION_TARGET_PARTITIONS); the defaults use every core.
        let mut config = SessionConfig::from_env()?;
        if std::env::var_os("DATAFUSION_EXECUTION_PARQUET_PUSHDOWN_FILTERS").is_none() {
            // Filtering while decoding (late materialisation) skips most rows of a large affiliations
            // file (a 10M-works store: 0.52 -> 0.48 s) but costs a little on small ones (the demo).
            let bytes: u64 = store
                .year_files(Table::Affiliations, first, last)
                .iter()
                .filter_map(|f| f.metadata().ok())
                .map(|m| m.len())
                .sum();
            config.options_mut().execution.parquet.pushdown_filters =
                bytes > PUSHDOWN_FILTERS_ABOVE_BYTES;
        }
        let ctx = SessionContext::new_with_config(config);
        for table in REGISTERED_TABLES {
            let path = store.table_path(table);
            if table.is_per_work() {
                let files: Vec<String> = store
                    .year_files(table, first, last)
                    .iter()
                    .map(|f| f.to_string_lossy().into_owned())
                    .collect();
                if !files.is_empty() {
                    let frame = ctx
                        .read_parquet(files, ParquetReadOptions::default())
                        .await?;
                    ctx.register_table(table.name(), frame.into_view())?;
                    continue;
                }
            }
            ctx.register_parquet(
                table.name(),
                path.to_string_lossy().as_ref(),
                ParquetReadOptions::default(),
            )
            .await?;
        }
        Ok(ctx)
    }

    /// The home countries of a group: the members' countries as the group states them, else as the store's
    /// institutions table has them.
    pub fn home_countries(&self, group: &Group) -> Result<Vec<String>, MetricsError> {
        let mut home: Vec<String> = match &group.membership {
            Membership::Country(code) => vec![code.clone()],
            Membership::Institutions(members) => {
                let mut known: Vec<String> =
                    members.iter().filter_map(|m| m.country.clone()).collect();
                let unknown: Vec<&str> = members
                    .iter()
                    .filter(|m| m.country.is_none())
                    .map(|m| m.ror.as_str())
                    .collect();
                if !unknown.is_empty() {
                    for inst in self.store.institutions()? {
                        if inst.ror.as_deref().is_some_and(|r| unknown.contains(&r)) {
                            known.extend(inst.country_code);
                        }
                    }
                }
                known
            }
        };
        home.sort();
        home.dedup();
        Ok(home)
    }

    /// Checks a request against the store and fills in its home countries.
    pub fn prepare(&self, mut request: FigureRequest) -> Result<FigureRequest, MetricsError> {
        request.partner = request.partner.trim().to_ascii_uppercase();
        if !tandem_countries::is_country_code(&request.partner) {
            return Err(MetricsError::Invalid(format!(
                "--partner {:?} is not an ISO 3166-1 alpha-2 country code (for example US, DE, CN)",
                request.partner
            )));
        }
        if request.first_year > request.last_year {
            return Err(MetricsError::Invalid(format!(
                "the period {}-{} is empty: the first year is after the last",
                request.first_year, request.last_year
            )));
        }
        if request.types.is_empty() {
            return Err(MetricsError::Invalid(
                "--types is empty; for example --types article,review".into(),
            ));
        }
        let in_period: u64 = self
            .years_present
            .range(request.first_year..=request.last_year)
            .map(|(_, n)| n)
            .sum();
        if in_period == 0 {
            let held = match (
                self.years_present.keys().next(),
                self.years_present.keys().next_back(),
            ) {
                (Some(a), Some(b)) => format!("it holds works from {a} to {b}"),
                _ => "it holds no works with a publication year".to_string(),
            };
            return Err(MetricsError::Empty(format!(
                "the store has no works published in {}; {held}",
                period_label(request.first_year, request.last_year)
            )));
        }
        if let Some(field) = &request.field {
            let fields_present = self.fields_present()?;
            match fields_present
                .iter()
                .find(|f| f.eq_ignore_ascii_case(field))
            {
                Some(known) => request.field = Some(known.clone()),
                None => {
                    return Err(MetricsError::Invalid(format!(
                        "no works in the store have the field {field:?}; fields present: {}",
                        fields_present.join(", ")
                    )));
                }
            }
        }
        request.home = self.home_countries(&request.group)?;
        Ok(request)
    }

    /// Computes every figure for a request (see [`Engine::prepare`], which this calls).
    pub async fn figures(&self, request: FigureRequest) -> Result<Figures, MetricsError> {
        let request = self.prepare(request)?;
        let ctx = Self::context(&self.store, (request.first_year, request.last_year)).await?;
        let mut results: BTreeMap<&'static str, Vec<RecordBatch>> = BTreeMap::new();
        // TANDEM_TRACE_STEPS=1 prints each step's wall time to stderr (used by bench/figures.sh).
        // TANDEM_TRACE_STEPS=plan also prints each step's plan with its measured metrics (EXPLAIN ANALYZE).
        let trace_setting = std::env::var_os("TANDEM_TRACE_STEPS");
        let trace = trace_setting.is_some();
        let trace_plans = trace_setting.is_some_and(|v| v == "plan");
        for step in request.steps() {
            if trace_plans {
                let select = step
                    .sql
                    .split_once(" AS\n")
                    .filter(|(head, _)| head.starts_with("CREATE "))
                    .map_or(step.sql.as_str(), |(_, select)| select);
                let plan = ctx.sql(&format!("EXPLAIN ANALYZE {select}")).await?;
                let text =
                    datafusion::arrow::util::pretty::pretty_format_batches(&plan.collect().await?)?;
                eprintln!("== {}\n{text}", step.name);
            }
            let clock = std::time::Instant::now();
            let batches = ctx.sql(&step.sql).await?.collect().await?;
            if trace {
                eprintln!(
                    "{:>9.1} ms  {}",
                    clock.elapsed().as_secs_f64() * 1e3,
                    step.name
                );
            }
            if step.is_indicator {
                results.insert(step.name, batches);
            }
        }
        let papers = first_u64(&results["papers"], 0);
        if papers == 0 {
            return Err(MetricsError::Empty(format!(
                "no {} papers in {}{}{}: nothing to compute",
                request.group.name,
                period_label(request.first_year, request.last_year),
                request
                    .field
                    .as_ref()
                    .map(|f| format!(" in the field {f}"))
                    .unwrap_or_default(),
                if request.group.members().is_empty() {
                    String::new()
                } else {
                    " (are the members' institutions in this store?)".to_string()
                }
            )));
        }
        let international_papers = first_u64(&results["international_papers"], 0);
        let partners: Vec<PartnerRow> = rows(&results["partners_ranked"])
            .map(|(b, i)| {
                let country = text(b, 0, i);
                PartnerRow {
                    name: country_name(&country),
                    country,
                    papers: u64_at(b, 1, i),
                    papers_fractional: stable_sum(f64_at(b, 2, i).unwrap_or(0.0)),
                    share_of_international: f64_at(b, 3, i),
                }
            })
            .collect();
        let (partner, next_partner, lead_over_next) = match rows(&results["partner"]).next() {
            Some((b, i)) => {
                let next = (!b.column(4).is_null(i)).then(|| {
                    let country = text(b, 4, i);
                    NextPartner {
                        name: country_name(&country),
                        country,
                        papers: u64_at(b, 5, i),
                    }
                });
                (
                    PartnerFigure {
                        country: request.partner.clone(),
                        name: country_name(&request.partner),
                        papers: u64_at(b, 1, i),
                        share_of_international: f64_at(b, 2, i),
                        rank: Some(u64_at(b, 3, i)),
                    },
                    next,
                    f64_at(b, 6, i),
                )
            }
            None => (
                PartnerFigure {
                    country: request.partner.clone(),
                    name: country_name(&request.partner),
                    papers: 0,
                    share_of_international: (international_papers > 0).then_some(0.0),
                    rank: None,
                },
                None,
                None,
            ),
        };
        let mut member_rows: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for (b, i) in rows(&results["institutions"]) {
            member_rows.insert(
                text(b, 0, i),
                (u64_at(b, 1, i), u64_at(b, 2, i), u64_at(b, 3, i)),
            );
        }
        // Reading the institutions table costs more than the rest; only unnamed members need it.
        let names = if request.group.members().iter().any(|m| m.name.is_none()) {
            self.institution_names()?
        } else {
            BTreeMap::new()
        };
        let institutions = request
            .group
            .members()
            .iter()
            .map(|m| {
                let (papers, international, partner_papers) =
                    member_rows.get(&m.ror).copied().unwrap_or_default();
                InstitutionRow {
                    ror: format!("https://ror.org/{}", m.ror),
                    name: m
                        .name
                        .clone()
                        .or_else(|| names.get(&m.ror).cloned())
                        .unwrap_or_else(|| m.ror.clone()),
                    papers,
                    international_papers: international,
                    international_share: share(international, papers),
                    partner_papers,
                }
            })
            .collect();
        let mut year_rows: BTreeMap<i32, (u64, u64, u64)> = BTreeMap::new();
        for (b, i) in rows(&results["by_year"]) {
            let year = cast(b.column(0), &DataType::Int64)
                .map(|c| c.as_primitive::<Int64Type>().value(i))
                .unwrap_or_default();
            year_rows.insert(
                year as i32,
                (u64_at(b, 1, i), u64_at(b, 2, i), u64_at(b, 3, i)),
            );
        }
        let by_year = (request.first_year..=request.last_year)
            .map(|year| {
                let (papers, international, partner_papers) =
                    year_rows.get(&year).copied().unwrap_or_default();
                YearRow {
                    year,
                    papers,
                    international_papers: international,
                    international_share: share(international, papers),
                    partner_papers,
                }
            })
            .collect();
        let manifest = self.store.manifest()?;
        Ok(Figures {
            group: request.group.id.clone(),
            group_name: request.group.name.clone(),
            years: [request.first_year, request.last_year],
            types: request.types.clone(),
            field: request.field.clone(),
            unify_countries: (request.unify == CountryUnification::Leiden)
                .then(|| "leiden".to_string()),
            home: request.home.clone(),
            papers,
            papers_fractional: stable_sum(first_f64(&results["papers_fractional"]).unwrap_or(0.0)),
            collab_papers: first_u64(&results["collab_papers"], 0),
            international_papers,
            international_share: first_f64(&results["international_share"]).unwrap_or(0.0),
            partner,
            next_partner,
            lead_over_next,
            partners,
            institutions,
            by_year,
            provenance: Provenance {
                store: self.store.root().display().to_string(),
                store_version: manifest.version,
                store_digest: manifest.digest,
                definitions_version: DEFINITIONS_VERSION.to_string(),
                engine: format!("Apache DataFusion {}", datafusion::DATAFUSION_VERSION),
                computed_at: chrono::Utc::now().to_rfc3339(),
            },
        })
    }

    /// Institution names by bare ROR id, from the store.
    fn institution_names(&self) -> Result<BTreeMap<String, String>, MetricsError> {
        Ok(self
            .store
            .institutions()?
            .into_iter()
            .filter_map(|i| Some((i.ror?, i.name?)))
            .collect())
    }
}

pub(crate) fn period_label(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}\u{2013}{last}")
    }
}

/// Full English name of a country code, falling back to the code.
pub fn country_name(code: &str) -> String {
    tandem_countries::country_name(code)
        .unwrap_or(code)
        .to_string()
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn rows(batches: &[RecordBatch]) -> impl Iterator<Item = (&RecordBatch, usize)> {
    batches
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(move |i| (b, i)))
}

fn text(batch: &RecordBatch, col: usize, row: usize) -> String {
    let array = cast(batch.column(col), &DataType::Utf8).expect("castable to text");
    array.as_string::<i32>().value(row).to_string()
}

fn u64_at(batch: &RecordBatch, col: usize, row: usize) -> u64 {
    let column = batch.column(col);
    if column.is_null(row) {
        return 0;
    }
    let array = cast(column, &DataType::Int64).expect("integer column");
    array.as_primitive::<Int64Type>().value(row).max(0) as u64
}

fn f64_at(batch: &RecordBatch, col: usize, row: usize) -> Option<f64> {
    let column = batch.column(col);
    if column.is_null(row) {
        return None;
    }
    let array = cast(column, &DataType::Float64).expect("numeric column");
    let value = array.as_primitive::<Float64Type>().value(row);
    value.is_finite().then_some(value)
}

fn first_u64(batches: &[RecordBatch], col: usize) -> u64 {
    rows(batches)
        .next()
        .map(|(b, i)| u64_at(b, col, i))
        .unwrap_or(0)
}

/// Parallel float sums add in varying order and differ in the last bits between runs (on 10M works, in
/// the ninth decimal); six decimals are far finer than any fractional count is read at and make
/// repeated runs give identical JSON.
fn stable_sum(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

fn first_f64(batches: &[RecordBatch]) -> Option<f64> {
    rows(batches).next().and_then(|(b, i)| f64_at(b, 0, i))
}
