//! Every indicator, defined once: a sentence from DESIGN.md and the SQL that computes it over the store.
//!
//! The SQL is plain (no UDFs), so `tandem figures --explain` output runs in DataFusion, DuckDB or any SQL
//! engine that has the store's tables registered under their names. Steps are `CREATE TABLE ... AS` so each
//! intermediate result is computed once and every indicator reads it; `scope` is a view, so the engine
//! filters the works table inside the one join that reads it rather than copying every work in the period.

use crate::group::{Group, Membership};

/// Changes whenever a definition below changes; reported in every result's provenance. Version 2 gives
/// the same figures as 1, from store format 2's derived counts (one read of the affiliations).
pub const DEFINITIONS_VERSION: &str = "tandem-definitions/2 (DESIGN.md Metrics, 2026-11-29)";

/// How country codes are merged before counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountryUnification {
    /// Codes as the data gives them.
    #[default]
    None,
    /// HK and MO count as CN, as the CWTS Leiden Ranking does.
    Leiden,
}

/// What to compute: one group, one partner, one period.
#[derive(Debug, Clone)]
pub struct FigureRequest {
    pub group: Group,
    /// ISO 3166-1 alpha-2.
    pub partner: String,
    pub first_year: i32,
    pub last_year: i32,
    /// OpenAlex work types counted (DESIGN.md default: article, review, book-chapter, book).
    pub types: Vec<String>,
    /// Restrict to works whose primary topic's field is this (OpenAlex field display name).
    pub field: Option<String>,
    pub unify: CountryUnification,
    /// Home countries of the group (computed by the engine from the members; see [`crate::Engine`]).
    pub home: Vec<String>,
}

/// One step of the computation: a named result, what it means, and its SQL.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    pub definition: &'static str,
    pub sql: String,
    /// A step creates a table other steps read; an indicator is a final SELECT.
    pub is_indicator: bool,
}

/// SQL string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
}

impl FigureRequest {
    fn country(&self, column: &str) -> String {
        match self.unify {
            CountryUnification::None => column.to_string(),
            CountryUnification::Leiden => {
                format!("CASE WHEN {column} IN ('HK', 'MO') THEN 'CN' ELSE {column} END")
            }
        }
    }

    fn years(&self, column: &str) -> String {
        format!(
            "{column} BETWEEN {} AND {}",
            self.first_year, self.last_year
        )
    }

    /// The ordered steps and indicators for this request.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let field = self
            .field
            .as_ref()
            .map(|f| format!("\n  AND field = {}", lit(f)))
            .unwrap_or_default();
        steps.push(Step {
            name: "scope",
            definition: "Works counted at all: published in the period, of the counted document types, and not paratext \
                         (DESIGN.md, Works). With --field, only works whose primary topic's field is that field. \
                         Each carries its number of distinct institutions and of authorships with an institution \
                         (counted at ingest from its affiliations).",
            sql: format!(
                "CREATE VIEW scope AS\n\
                 SELECT work_id, publication_year AS year,\n       \
                 institutions_distinct_count AS institutions,\n       \
                 affiliated_authorships_count AS affiliated_authorships\n\
                 FROM works\nWHERE {}\n  AND type IN ({})\n  AND NOT is_paratext{field}",
                self.years("publication_year"),
                list(&self.types)
            ),
            is_indicator: false,
        });
        match &self.group.membership {
            Membership::Institutions(members) => {
                let rows: Vec<String> = members
                    .iter()
                    .map(|m| {
                        format!(
                            "({}, {}, {})",
                            lit(&m.ror),
                            m.since.unwrap_or(0),
                            m.until.unwrap_or(9999)
                        )
                    })
                    .collect();
                steps.push(Step {
                    name: "group_members",
                    definition: "The group's members by ROR id, with the first and last year each one counts.",
                    sql: format!(
                        "CREATE TABLE group_members AS\nSELECT * FROM (VALUES\n  {}\n) AS m(ror, since, until)",
                        rows.join(",\n  ")
                    ),
                    is_indicator: false,
                });
                steps.push(Step {
                    name: "member_institutions",
                    definition: "An institution counts as a member if its ROR id is a member's, or if its lineage holds \
                                 a member's OpenAlex id (a college of Oxford counts for Oxford). Its country for the \
                                 country set is the member's (Oxford's, GB), or its own where the member has none. \
                                 One row per (institution, member).",
                    sql: "CREATE TABLE member_institutions AS\n\
                          SELECT lineage.institution_id, m.ror AS member, m.since, m.until,\n       \
                          MIN(COALESCE(root.country_code, inst.country_code)) AS country_code\n\
                          FROM group_members m\n\
                          JOIN institutions root ON root.ror = m.ror\n\
                          JOIN institution_lineage lineage ON lineage.ancestor_id = root.institution_id\n\
                          JOIN institutions inst ON inst.institution_id = lineage.institution_id\n\
                          GROUP BY lineage.institution_id, m.ror, m.since, m.until"
                        .to_string(),
                    is_indicator: false,
                });
                steps.push(Step {
                    name: "credited",
                    definition: "Authorship links from works in scope to member institutions, in the years the member \
                                 counts. A work counts for the group when some authorship's institution is a member. One row per \
                                 (link, member): the store holds each (work, authorship, institution) link once. \
                                 Each link's share of the work for fractional counting is 1 / (the work's authorships \
                                 with an institution x this authorship's institutions).",
                    sql: format!(
                        "CREATE TABLE credited AS\n\
                         SELECT a.work_id, s.year, s.institutions, a.author_index, a.institution_id, mi.member, {} AS country_code,\n       \
                         1.0 / (a.authorship_institutions_count * s.affiliated_authorships) AS link_weight\n\
                         FROM affiliations a\n\
                         JOIN member_institutions mi ON mi.institution_id = a.institution_id\n\
                         JOIN scope s ON s.work_id = a.work_id\n\
                         WHERE {}\n  AND s.year BETWEEN mi.since AND mi.until",
                        self.country("mi.country_code"),
                        self.years("a.publication_year")
                    ),
                    is_indicator: false,
                });
                steps.push(Step {
                    name: "group_papers",
                    definition: "Group papers: works in scope credited to at least one member.",
                    sql:
                        "CREATE TABLE group_papers AS\nSELECT DISTINCT work_id, year, institutions FROM credited"
                            .to_string(),
                    is_indicator: false,
                });
            }
            Membership::Country(code) => {
                steps.push(Step {
                    name: "credited",
                    definition: "For a country group, authorship links to institutions in that country, each with its \
                                 share of the work as for a group of institutions.",
                    sql: format!(
                        "CREATE TABLE credited AS\n\
                         SELECT a.work_id, s.year, s.institutions, a.author_index, a.institution_id, {code} AS member, {country} AS country_code,\n       \
                         1.0 / (a.authorship_institutions_count * s.affiliated_authorships) AS link_weight\n\
                         FROM affiliations a\n\
                         JOIN scope s ON s.work_id = a.work_id\n\
                         WHERE {years}\n  AND {country} = {code}",
                        code = lit(code),
                        country = self.country("a.country_code"),
                        years = self.years("a.publication_year")
                    ),
                    is_indicator: false,
                });
                steps.push(Step {
                    name: "group_papers",
                    definition: "For a country group, group papers are works in scope whose country set holds the country.",
                    sql: format!(
                        "CREATE TABLE group_papers AS\n\
                         SELECT DISTINCT s.work_id, s.year, s.institutions\n\
                         FROM work_countries wc\n\
                         JOIN scope s ON s.work_id = wc.work_id\n\
                         WHERE {}\n  AND {} = {}",
                        self.years("wc.publication_year"),
                        self.country("wc.country_code"),
                        lit(code)
                    ),
                    is_indicator: false,
                });
            }
        }
        steps.push(Step {
            name: "country_set",
            definition: "Country set of a work: the union of every authorship's countries and every institution's \
                         country_code, plus the country of each member institution the work is credited to. With \
                         --unify-countries leiden, HK and MO count as CN.",
            sql: format!(
                "CREATE TABLE country_set AS\n\
                 SELECT DISTINCT work_id, country FROM (\n  \
                 SELECT wc.work_id, {} AS country\n  \
                 FROM work_countries wc JOIN group_papers g ON g.work_id = wc.work_id\n  \
                 WHERE {}\n  \
                 UNION ALL\n  \
                 SELECT work_id, country_code AS country FROM credited WHERE country_code IS NOT NULL\n\
                 ) AS t",
                self.country("wc.country_code"),
                self.years("wc.publication_year")
            ),
            is_indicator: false,
        });
        steps.push(Step {
            name: "paper_stats",
            definition: "Per group paper: the size of its country set, its number of distinct institutions, and the \
                         group's fractional weight: the sum, over authorships that have at least one institution, of \
                         (1 / the number of such authorships) x (member institutions of that authorship / its institutions); \
                         that is, the sum of the credited links' shares, each link counted once.",
            sql: "CREATE TABLE paper_stats AS\n\
                  WITH weights AS (\n  \
                  SELECT work_id, SUM(link_weight) AS weight\n  \
                  FROM (SELECT DISTINCT work_id, author_index, institution_id, link_weight FROM credited) AS links\n  \
                  GROUP BY work_id\n\
                  ),\n\
                  country_counts AS (\n  \
                  SELECT work_id, COUNT(*) AS countries FROM country_set GROUP BY work_id\n\
                  )\n\
                  SELECT g.work_id, g.year,\n       \
                  COALESCE(cc.countries, 0) AS countries,\n       \
                  g.institutions,\n       \
                  COALESCE(w.weight, 0.0) AS weight\n\
                  FROM group_papers g\n\
                  LEFT JOIN country_counts cc ON cc.work_id = g.work_id\n\
                  LEFT JOIN weights w ON w.work_id = g.work_id"
                .to_string(),
            is_indicator: false,
        });
        let home = list(&self.home);
        let not_home = if self.home.is_empty() {
            String::new()
        } else {
            format!("\nWHERE cs.country NOT IN ({home})")
        };
        steps.push(Step {
            name: "partners",
            definition: "partners: every partner country (any country outside the home countries), ranked by \
                         partner_papers descending, ties broken by code ascending. partner_papers(C): group papers \
                         whose country set holds C. share_of_international(C) = partner_papers(C) / international_papers. \
                         papers_fractional(C): the group's fractional weight summed over those papers.",
            sql: format!(
                "CREATE TABLE partners AS\n\
                 SELECT cs.country, COUNT(*) AS papers, SUM(ps.weight) AS papers_fractional,\n       \
                 CAST(COUNT(*) AS DOUBLE) / NULLIF((SELECT COUNT(*) FROM paper_stats WHERE countries >= 2), 0) AS share_of_international,\n       \
                 ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, cs.country ASC) AS rank\n\
                 FROM country_set cs JOIN paper_stats ps ON ps.work_id = cs.work_id{not_home}\n\
                 GROUP BY cs.country"
            ),
            is_indicator: false,
        });
        let indicators: [(&'static str, &'static str, String); 9] = [
            ("papers", "papers (P): the number of group papers, full counting.", "SELECT COUNT(*) AS papers FROM paper_stats".into()),
            (
                "papers_fractional",
                "papers_fractional: the sum over group papers of the group's fractional weight in each.",
                "SELECT COALESCE(SUM(weight), 0.0) AS papers_fractional FROM paper_stats".into(),
            ),
            (
                "collab_papers",
                "collab_papers (P_collab): group papers with two or more distinct institutions, or two or more countries.",
                "SELECT COUNT(*) AS collab_papers FROM paper_stats WHERE institutions >= 2 OR countries >= 2".into(),
            ),
            (
                "international_papers",
                "international_papers (P_int_collab): group papers whose country set has two or more countries.",
                "SELECT COUNT(*) AS international_papers FROM paper_stats WHERE countries >= 2".into(),
            ),
            (
                "international_share",
                "international_share (PP_int_collab): international_papers / papers.",
                "SELECT CAST(SUM(CASE WHEN countries >= 2 THEN 1 ELSE 0 END) AS DOUBLE) / NULLIF(COUNT(*), 0) AS international_share\nFROM paper_stats".into(),
            ),
            (
                "partners_ranked",
                "partners: the ranked list (see the partners step).",
                "SELECT country, papers, papers_fractional, share_of_international, rank FROM partners ORDER BY rank".into(),
            ),
            (
                "partner",
                "partner: the requested country's papers, share_of_international and rank; next_partner: the country \
                 ranked just after it; lead_over_next = partner.papers / next_partner.papers - 1 (0.56 means 56% more).",
                format!(
                    "SELECT p.country, p.papers, p.share_of_international, p.rank,\n       \
                     n.country AS next_country, n.papers AS next_papers,\n       \
                     CAST(p.papers AS DOUBLE) / n.papers - 1 AS lead_over_next\n\
                     FROM partners p LEFT JOIN partners n ON n.rank = p.rank + 1\n\
                     WHERE p.country = {}",
                    lit(&self.partner)
                ),
            ),
            (
                "institutions",
                "Per member institution: the same figures with the group replaced by one member. A paper can count \
                 for several members, so member rows do not sum to the group's.",
                match &self.group.membership {
                    Membership::Institutions(_) => format!(
                        "SELECT m.ror AS member,\n       \
                         COUNT(DISTINCT c.work_id) AS papers,\n       \
                         COUNT(DISTINCT CASE WHEN ps.countries >= 2 THEN c.work_id END) AS international_papers,\n       \
                         COUNT(DISTINCT CASE WHEN p.work_id IS NOT NULL THEN c.work_id END) AS partner_papers\n\
                         FROM group_members m\n\
                         LEFT JOIN credited c ON c.member = m.ror\n\
                         LEFT JOIN paper_stats ps ON ps.work_id = c.work_id\n\
                         LEFT JOIN (SELECT work_id FROM country_set WHERE country = {}) p ON p.work_id = c.work_id\n\
                         GROUP BY m.ror",
                        lit(&self.partner)
                    ),
                    Membership::Country(_) => "SELECT NULL AS member, 0 AS papers, 0 AS international_papers, 0 AS partner_papers WHERE FALSE".into(),
                },
            ),
            (
                "by_year",
                "By year: the same figures restricted to one publication year.",
                format!(
                    "SELECT ps.year, COUNT(*) AS papers,\n       \
                     SUM(CASE WHEN ps.countries >= 2 THEN 1 ELSE 0 END) AS international_papers,\n       \
                     SUM(CASE WHEN p.work_id IS NOT NULL THEN 1 ELSE 0 END) AS partner_papers\n\
                     FROM paper_stats ps\n\
                     LEFT JOIN (SELECT work_id FROM country_set WHERE country = {}) p ON p.work_id = ps.work_id\n\
                     GROUP BY ps.year ORDER BY ps.year",
                    lit(&self.partner)
                ),
            ),
        ];
        for (name, definition, sql) in indicators {
            steps.push(Step {
                name,
                definition,
                sql,
                is_indicator: true,
            });
        }
        steps
    }
}
