//! The figures the generator knows by construction, computed from the very authorships it wrote,
//! following the definitions in DESIGN.md (Russell Group, no country unification).

use crate::facts::{self, Role};
use crate::world::{Work, World};
use serde::Serialize;
use std::collections::BTreeMap;

/// Group figures for one (year, type, field) cell, or an aggregate of cells.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GroupCounts {
    pub papers: u64,
    pub papers_fractional: f64,
    pub collab_papers: u64,
    pub international_papers: u64,
    /// Country code → group papers whose country set holds it (home country GB excluded).
    pub partner_papers: BTreeMap<String, u64>,
}

/// One member's figures.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MemberCounts {
    pub papers: u64,
    pub international_papers: u64,
    pub partner_papers: BTreeMap<String, u64>,
}

/// Figures for one (year, type, primary-topic field) cell. Paratext is never counted.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TruthCell {
    pub year: u16,
    #[serde(rename = "type")]
    pub kind: String,
    pub field: String,
    #[serde(flatten)]
    pub group: GroupCounts,
    /// Member ROR id (`https://ror.org/...`) → its figures.
    pub members: BTreeMap<String, MemberCounts>,
}

/// What the generator knows about the world it wrote.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GroundTruth {
    /// Distinct works after upserts and merges, all types including paratext, by publication year.
    pub works_by_year: BTreeMap<u16, u64>,
    /// Russell Group figures per (year, type, field).
    pub cells: Vec<TruthCell>,
}

/// Aggregated Russell Group figures for a period, types and optional field.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Figures {
    pub papers: u64,
    pub papers_fractional: f64,
    pub collab_papers: u64,
    pub international_papers: u64,
    pub international_share: f64,
    /// Partners ranked by papers (descending), ties by code (ascending).
    pub partners: Vec<(String, u64)>,
    pub members: BTreeMap<String, MemberCounts>,
}

impl GroundTruth {
    /// Aggregates the cells for `years` (inclusive), `types` and, if given, one field name.
    pub fn figures(&self, years: (u16, u16), types: &[&str], field: Option<&str>) -> Figures {
        let mut total = GroupCounts::default();
        let mut members: BTreeMap<String, MemberCounts> = BTreeMap::new();
        for cell in &self.cells {
            if cell.year < years.0 || cell.year > years.1 || !types.contains(&cell.kind.as_str()) {
                continue;
            }
            if field.is_some_and(|f| f != cell.field) {
                continue;
            }
            add_group(&mut total, &cell.group);
            for (ror, m) in &cell.members {
                add_member(members.entry(ror.clone()).or_default(), m);
            }
        }
        let mut partners: Vec<(String, u64)> = total.partner_papers.into_iter().collect();
        partners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Figures {
            papers: total.papers,
            papers_fractional: total.papers_fractional,
            collab_papers: total.collab_papers,
            international_papers: total.international_papers,
            international_share: if total.papers == 0 {
                0.0
            } else {
                total.international_papers as f64 / total.papers as f64
            },
            partners,
            members,
        }
    }

    /// The distinct works in the world.
    pub fn works(&self) -> u64 {
        self.works_by_year.values().sum()
    }
}

fn add_group(into: &mut GroupCounts, from: &GroupCounts) {
    into.papers += from.papers;
    into.papers_fractional += from.papers_fractional;
    into.collab_papers += from.collab_papers;
    into.international_papers += from.international_papers;
    for (c, n) in &from.partner_papers {
        *into.partner_papers.entry(c.clone()).or_default() += n;
    }
}

fn add_member(into: &mut MemberCounts, from: &MemberCounts) {
    into.papers += from.papers;
    into.international_papers += from.international_papers;
    for (c, n) in &from.partner_papers {
        *into.partner_papers.entry(c.clone()).or_default() += n;
    }
}

/// Accumulates truth for the works of one part; parts are merged in order.
#[derive(Default)]
pub struct TruthBuilder {
    works_by_year: BTreeMap<u16, u64>,
    cells: BTreeMap<(u16, &'static str, u32), Cell>,
}

#[derive(Default)]
struct Cell {
    group: GroupCounts,
    members: BTreeMap<usize, MemberCounts>,
}

impl TruthBuilder {
    /// Counts one final (newest, not merged-away) work.
    pub fn add(&mut self, world: &World, work: &Work) {
        *self.works_by_year.entry(work.year).or_default() += 1;
        if work.is_paratext {
            return;
        }
        let mut members: Vec<usize> = Vec::new();
        let mut countries: Vec<usize> = Vec::new();
        let mut institutions: Vec<usize> = Vec::new();
        let mut affiliated = 0usize;
        let mut member_share = 0.0;
        for a in &work.authorships {
            for c in a.countries(world) {
                if !countries.contains(&c) {
                    countries.push(c);
                }
            }
            if !a.institutions.is_empty() {
                affiliated += 1;
                let mut member_insts = 0usize;
                for &i in &a.institutions {
                    if !institutions.contains(&i) {
                        institutions.push(i);
                    }
                    if let Some(m) = world.member_of(i) {
                        member_insts += 1;
                        if !members.contains(&m) {
                            members.push(m);
                        }
                    }
                }
                member_share += member_insts as f64 / a.institutions.len() as f64;
            }
        }
        if members.is_empty() {
            return;
        }
        // The country of each credited member (all GB) joins the country set.
        for &m in &members {
            if let Some(c) = world.institution_country[m]
                && !countries.contains(&c)
            {
                countries.push(c);
            }
        }
        let international = countries.len() >= 2;
        let collab = institutions.len() >= 2 || international;
        let partners: Vec<&'static str> = countries
            .iter()
            .filter(|&&c| c != world.gb)
            .map(|&c| facts::COUNTRIES[c].code)
            .collect();
        let field_id = crate::taxonomy::FIELDS[work.field].id;
        let cell = self
            .cells
            .entry((work.year, work.kind, field_id))
            .or_default();
        cell.group.papers += 1;
        cell.group.papers_fractional += member_share / affiliated as f64;
        cell.group.collab_papers += collab as u64;
        cell.group.international_papers += international as u64;
        for p in &partners {
            *cell.group.partner_papers.entry(p.to_string()).or_default() += 1;
        }
        for &m in &members {
            let mc = cell.members.entry(m).or_default();
            mc.papers += 1;
            mc.international_papers += international as u64;
            for p in &partners {
                *mc.partner_papers.entry(p.to_string()).or_default() += 1;
            }
        }
    }

    /// Adds another part's counts (call in part order, so float sums are reproducible).
    pub fn merge(&mut self, other: TruthBuilder) {
        for (y, n) in other.works_by_year {
            *self.works_by_year.entry(y).or_default() += n;
        }
        for (k, c) in other.cells {
            let cell = self.cells.entry(k).or_default();
            add_group(&mut cell.group, &c.group);
            for (m, mc) in c.members {
                add_member(cell.members.entry(m).or_default(), &mc);
            }
        }
    }

    /// The finished ground truth.
    pub fn finish(self, world: &World) -> GroundTruth {
        let field_name = |id: u32| {
            crate::taxonomy::FIELDS
                .iter()
                .find(|f| f.id == id)
                .map(|f| f.name)
                .unwrap_or("")
        };
        let cells = self
            .cells
            .into_iter()
            .map(|((year, kind, field), c)| TruthCell {
                year,
                kind: kind.to_string(),
                field: field_name(field).to_string(),
                group: c.group,
                members: c
                    .members
                    .into_iter()
                    .map(|(m, mc)| {
                        let ror = world.institutions[m].ror.expect("members have ROR ids");
                        debug_assert!(matches!(
                            world.institutions[m].role,
                            Role::RussellGroup { .. }
                        ));
                        (format!("https://ror.org/{ror}"), mc)
                    })
                    .collect(),
            })
            .collect();
        GroundTruth {
            works_by_year: self.works_by_year,
            cells,
        }
    }
}
