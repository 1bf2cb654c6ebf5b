//! The world: institutions, countries and fields indexed for sampling, and the plan of one work.

use crate::facts::{self, CountryFact, InstitutionFact, NameFamily, Role};
use crate::rng::Rng;
use crate::taxonomy::{self, FieldFact, SourceFact};
use std::collections::HashMap;

/// OpenAlex types the world produces, with their share of all works.
pub const TYPES: [(&str, f64); 11] = [
    ("article", 0.700),
    ("review", 0.060),
    ("book-chapter", 0.065),
    ("book", 0.010),
    ("preprint", 0.065),
    ("dataset", 0.015),
    ("letter", 0.020),
    ("editorial", 0.020),
    ("erratum", 0.010),
    ("paratext", 0.015),
    ("other", 0.010),
];

/// How many partner countries an international paper has (1 to 30), with probabilities.
/// Tuned with the country weights so that the Russell Group's partner mix looks like the report's.
const PARTNER_COUNT: [(usize, f64); 12] = [
    (1, 0.55),
    (2, 0.20),
    (3, 0.09),
    (4, 0.05),
    (5, 0.03),
    (6, 0.02),
    (7, 0.015),
    (8, 0.01),
    (10, 0.01),
    (14, 0.008),
    (20, 0.005),
    (30, 0.004),
];

/// Calibration of GB's partner mix: weight = (OpenAlex 2023 GB co-authored works)^0.95, with two
/// adjustments so the group's ranking follows the report (SciVal puts Germany second; OpenAlex's
/// all-types counts put China second).
const PARTNER_EXPONENT: f64 = 1.0;
fn partner_adjustment(code: &str) -> f64 {
    match code {
        "CN" => 0.5,
        "DE" => 1.3,
        _ => 1.0,
    }
}

/// Years of the world and their relative output (growing slowly).
pub fn year_weight(year: u16) -> f64 {
    1.0 + 0.04 * (year.saturating_sub(2000) as f64)
}

/// Indexes over the fact tables, built once and shared by all threads.
pub struct World {
    pub institutions: Vec<InstitutionFact>,
    pub institution_ids: Vec<u64>,
    /// For each institution, the index of its lineage parent (children only).
    pub parent: Vec<Option<usize>>,
    /// Index into [`facts::COUNTRIES`] of each institution's country.
    pub institution_country: Vec<Option<usize>>,
    pub members: Vec<usize>,
    member_cumulative: Vec<f64>,
    children_of: HashMap<usize, Vec<usize>>,
    other_uk: Vec<usize>,
    other_uk_cumulative: Vec<f64>,
    /// Institutions per country index.
    partners_in: Vec<Vec<usize>>,
    pub no_country: Vec<usize>,
    /// Partner country indices (not GB) and their sampling weights for UK papers.
    partner_countries: Vec<usize>,
    partner_weights: Vec<f64>,
    /// Lead-country weights for works with no UK author.
    foreign_weights: Vec<f64>,
    field_cumulative: Vec<f64>,
    /// Subfield indices per field index.
    pub subfields_of: Vec<Vec<usize>>,
    type_cumulative: Vec<f64>,
    /// Journal indices per field index.
    journals_of: Vec<Vec<usize>>,
    pub lexicon: Lexicon,
    pub gb: usize,
    pub years: (u16, u16),
    year_cumulative: Vec<f64>,
    /// Size of each institution's author pool.
    pub author_pool: u64,
    /// Draws below `.0` give a Russell Group lead; below `.1`, another UK lead; else a lead abroad.
    lead_shares: (f64, f64),
}

/// The demo world's share of works led by a Russell Group member.
pub const DEFAULT_GROUP_LEAD_SHARE: f64 = 0.58;

/// The abstract vocabulary, deduplicated, with the words of each topic's keywords.
pub struct Lexicon {
    pub words: Vec<&'static str>,
    pub topic_words: Vec<Vec<u16>>,
}

impl Lexicon {
    fn new() -> Self {
        let mut words: Vec<&'static str> = Vec::new();
        let mut index: HashMap<&'static str, u16> = HashMap::new();
        let mut intern = |w: &'static str, words: &mut Vec<&'static str>| -> u16 {
            *index.entry(w).or_insert_with(|| {
                words.push(w);
                (words.len() - 1) as u16
            })
        };
        for w in taxonomy::VOCABULARY {
            intern(w, &mut words);
        }
        let topic_words = taxonomy::TOPICS
            .iter()
            .map(|(_, keywords)| {
                keywords
                    .iter()
                    .flat_map(|k| k.split(' '))
                    .map(|w| intern(w, &mut words))
                    .collect()
            })
            .collect();
        Lexicon { words, topic_words }
    }
}

/// One authorship of a planned work.
#[derive(Debug, Clone)]
pub struct PlannedAuthorship {
    pub author: u64,
    pub family: NameFamily,
    /// Institution indices (into `World::institutions`).
    pub institutions: Vec<usize>,
    /// A country known without an institution (country index).
    pub bare_country: Option<usize>,
    pub is_corresponding: bool,
}

impl PlannedAuthorship {
    /// Country indices of this authorship, in order, without repeats.
    pub fn countries(&self, world: &World) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(2);
        for &i in &self.institutions {
            if let Some(c) = world.institution_country[i]
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        if let Some(c) = self.bare_country
            && !out.contains(&c)
        {
            out.push(c);
        }
        out
    }
}

/// Everything about one work that later becomes its JSON record.
#[derive(Debug, Clone)]
pub struct Work {
    pub index: u64,
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub kind: &'static str,
    pub is_paratext: bool,
    pub is_retracted: bool,
    pub field: usize,
    /// Topic indices with scores, primary first.
    pub topics: Vec<(usize, f64)>,
    pub source: SourceRef,
    pub authorships: Vec<PlannedAuthorship>,
    pub fwci: Option<f64>,
    pub cited_by_count: u64,
    pub language: &'static str,
    pub has_doi: bool,
    pub has_abstract: bool,
    pub has_repository_copy: bool,
    pub grant: Option<usize>,
    /// Seed for the bulky parts (abstract, references) so they need not be stored.
    pub bulk_seed: u64,
    pub title_template: u8,
    pub created_offset_days: u16,
}

/// The venue of a work: a journal index or one of the special venues.
#[derive(Debug, Clone, Copy)]
pub enum SourceRef {
    Journal(usize),
    Arxiv,
    Medrxiv,
    Zenodo,
    Book(usize),
}

impl SourceRef {
    pub fn fact(&self) -> &'static SourceFact {
        match *self {
            SourceRef::Journal(i) => &taxonomy::JOURNALS[i],
            SourceRef::Arxiv => &taxonomy::ARXIV,
            SourceRef::Medrxiv => &taxonomy::MEDRXIV,
            SourceRef::Zenodo => &taxonomy::ZENODO,
            SourceRef::Book(i) => &taxonomy::BOOK_VENUES[i],
        }
    }

    /// A stable index used to derive the source's invented OpenAlex id.
    pub fn number(&self) -> u64 {
        match *self {
            SourceRef::Journal(i) => i as u64,
            SourceRef::Arxiv => 100,
            SourceRef::Medrxiv => 101,
            SourceRef::Zenodo => 102,
            SourceRef::Book(i) => 110 + i as u64,
        }
    }
}

/// Who leads a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    RussellGroup,
    OtherUk,
    Abroad,
}

fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .into_iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

/// Random streams, so that each aspect of a work draws from its own sequence.
pub mod stream {
    pub const WORK: u64 = 1;
    pub const UPSERT: u64 = 2;
    pub const MERGE: u64 = 3;
    pub const AUTHOR: u64 = 5;
    pub const BULK: u64 = 6;
}

impl World {
    /// Builds the world for works published in `years` (inclusive) and `works` works in total.
    pub fn new(years: (u16, u16), works: u64, group_lead_share: f64) -> Self {
        let institutions = facts::institutions();
        let institution_ids = (0..institutions.len())
            .map(facts::institution_id_number)
            .collect();
        let ror_index: HashMap<&str, usize> = institutions
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.ror.map(|r| (r, i)))
            .collect();
        let country_index: HashMap<&str, usize> = facts::COUNTRIES
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code, i))
            .collect();
        let gb = country_index["GB"];

        let mut parent = vec![None; institutions.len()];
        let mut children_of: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut members = Vec::new();
        let mut member_weights = Vec::new();
        let mut other_uk = Vec::new();
        let mut other_uk_weights = Vec::new();
        let mut partners_in = vec![Vec::new(); facts::COUNTRIES.len()];
        let mut no_country = Vec::new();
        for (i, inst) in institutions.iter().enumerate() {
            match inst.role {
                Role::RussellGroup { volume, .. } => {
                    members.push(i);
                    member_weights.push(volume);
                }
                Role::Child { parent_ror } => {
                    let p = ror_index[parent_ror];
                    parent[i] = Some(p);
                    children_of.entry(p).or_default().push(i);
                }
                Role::OtherUk { volume } => {
                    other_uk.push(i);
                    other_uk_weights.push(volume);
                }
                Role::Partner => {
                    let c = country_index[inst.country.expect("partners have a country")];
                    partners_in[c].push(i);
                }
                Role::NoCountry => no_country.push(i),
            }
        }
        let institution_country = institutions
            .iter()
            .map(|f| f.country.map(|c| country_index[c]))
            .collect();

        let partner_countries: Vec<usize> =
            (0..facts::COUNTRIES.len()).filter(|&c| c != gb).collect();
        let partner_weights = partner_countries
            .iter()
            .map(|&c| {
                let fact: &CountryFact = &facts::COUNTRIES[c];
                (fact.gb_coauthored_2023 as f64).powf(PARTNER_EXPONENT)
                    * partner_adjustment(fact.code)
            })
            .collect();
        // Works without UK authors: the world's big producers lead them.
        let foreign_weights = partner_countries
            .iter()
            .map(|&c| {
                let code = facts::COUNTRIES[c].code;
                let boost = match code {
                    "US" => 2.2,
                    "CN" => 4.0,
                    "IN" | "JP" | "KR" | "BR" => 1.5,
                    _ => 1.0,
                };
                (facts::COUNTRIES[c].gb_coauthored_2023 as f64).powf(0.8) * boost
            })
            .collect();

        let mut subfields_of = vec![Vec::new(); taxonomy::FIELDS.len()];
        for (s, sub) in taxonomy::SUBFIELDS.iter().enumerate() {
            let f = taxonomy::FIELDS
                .iter()
                .position(|f| f.id == sub.field_id)
                .expect("every subfield has its field");
            subfields_of[f].push(s);
        }
        let journals_of = taxonomy::FIELDS
            .iter()
            .map(|field| {
                taxonomy::JOURNALS
                    .iter()
                    .enumerate()
                    .filter(|(_, j)| j.fields.is_empty() || j.fields.contains(&field.id))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();

        World {
            institutions,
            institution_ids,
            parent,
            institution_country,
            members,
            member_cumulative: cumulative(member_weights),
            children_of,
            other_uk,
            other_uk_cumulative: cumulative(other_uk_weights),
            partners_in,
            no_country,
            partner_countries,
            partner_weights,
            foreign_weights,
            field_cumulative: cumulative(taxonomy::FIELDS.iter().map(|f| f.volume)),
            subfields_of,
            type_cumulative: cumulative(TYPES.iter().map(|t| t.1)),
            journals_of,
            lexicon: Lexicon::new(),
            gb,
            years,
            year_cumulative: cumulative((years.0..=years.1).map(year_weight)),
            author_pool: (works / 40).clamp(200, 999_999),
            lead_shares: if group_lead_share == DEFAULT_GROUP_LEAD_SHARE {
                // Exactly the demo world's thresholds, so its bytes do not change.
                (0.58, 0.70)
            } else {
                (group_lead_share, group_lead_share * 70.0 / 58.0)
            },
        }
    }

    /// The Russell Group member an institution counts for: itself, or its lineage parent.
    pub fn member_of(&self, institution: usize) -> Option<usize> {
        let inst = &self.institutions[institution];
        match inst.role {
            Role::RussellGroup { .. } => Some(institution),
            Role::Child { .. } => self.parent[institution],
            _ => None,
        }
    }

    fn pick_member(&self, rng: &mut Rng) -> usize {
        self.members[rng.pick_cumulative(&self.member_cumulative)]
    }

    fn pick_other_uk(&self, rng: &mut Rng) -> usize {
        self.other_uk[rng.pick_cumulative(&self.other_uk_cumulative)]
    }

    /// `k` distinct countries drawn by weight, never one already in `exclude`.
    fn pick_countries(
        &self,
        rng: &mut Rng,
        weights: &[f64],
        k: usize,
        exclude: &[usize],
    ) -> Vec<usize> {
        let mut w: Vec<f64> = weights.to_vec();
        for (i, &c) in self.partner_countries.iter().enumerate() {
            if exclude.contains(&c) {
                w[i] = 0.0;
            }
        }
        let mut out = Vec::with_capacity(k);
        while out.len() < k && w.iter().any(|x| *x > 0.0) {
            let i = rng.weighted(&w);
            out.push(self.partner_countries[i]);
            w[i] = 0.0;
        }
        out
    }

    fn pick_partner_count(rng: &mut Rng) -> usize {
        let weights: Vec<f64> = PARTNER_COUNT.iter().map(|p| p.1).collect();
        PARTNER_COUNT[rng.weighted(&weights)].0
    }

    /// An institution in country `c` (the first listed are the biggest, so they are drawn more).
    fn pick_in_country(&self, rng: &mut Rng, c: usize) -> usize {
        let list = &self.partners_in[c];
        let weights: Vec<f64> = (0..list.len())
            .map(|i| 1.0 / (1.0 + i as f64 * 0.35))
            .collect();
        list[rng.weighted(&weights)]
    }

    fn author_for(
        &self,
        rng: &mut Rng,
        seed: u64,
        institution: Option<usize>,
        country: Option<usize>,
    ) -> (u64, NameFamily) {
        let slot = rng.below(self.author_pool);
        let (id, country) = match (institution, country) {
            (Some(i), _) => (
                5_000_000_000 + i as u64 * 1_000_000 + slot,
                self.institution_country[i],
            ),
            (None, Some(c)) => (5_800_000_000 + c as u64 * 1_000_000 + slot, Some(c)),
            (None, None) => (5_990_000_000 + slot, None),
        };
        (id, self.family_of(seed, id, country))
    }

    /// The name family of an author: that of their country, with UK and US authors more diverse.
    fn family_of(&self, seed: u64, author: u64, country: Option<usize>) -> NameFamily {
        let mut r = Rng::for_item(seed, stream::AUTHOR, author);
        let base = country
            .map(|c| facts::COUNTRIES[c].names)
            .unwrap_or(NameFamily::English);
        let diverse = matches!(
            country.map(|c| facts::COUNTRIES[c].code),
            Some("GB" | "US" | "CA" | "AU" | "NZ")
        );
        if country.is_none() || (diverse && r.chance(0.35)) {
            let c = r.index(facts::COUNTRIES.len());
            facts::COUNTRIES[c].names
        } else {
            base
        }
    }

    /// Plans work number `index` from the world seed.
    pub fn plan(&self, seed: u64, index: u64) -> Work {
        let mut rng = Rng::for_item(seed, stream::WORK, index);
        let year = self.years.0 + rng.pick_cumulative(&self.year_cumulative) as u16;
        let month = rng.range(1, 12) as u8;
        let day = rng.range(1, 28) as u8;
        let field = rng.pick_cumulative(&self.field_cumulative);
        let field_fact: &FieldFact = &taxonomy::FIELDS[field];
        let mut kind = TYPES[rng.pick_cumulative(&self.type_cumulative)].0;
        if field_fact.id == 12 && kind == "article" && rng.chance(0.3) {
            kind = if rng.chance(0.8) {
                "book-chapter"
            } else {
                "book"
            };
        }
        let is_paratext = kind == "paratext" || (kind == "article" && rng.chance(0.003));
        let is_retracted = kind == "article" && rng.chance(0.0008);

        // Topics: a primary topic in one of the field's subfields, and up to two others.
        let subs = &self.subfields_of[field];
        let sub = subs[rng.index(subs.len())];
        let primary = sub * 2 + rng.index(2);
        let mut topics = vec![(primary, 0.95 + rng.unit() * 0.0499)];
        for _ in 0..rng.index(3) {
            let t = rng.index(taxonomy::TOPICS.len());
            if topics.iter().all(|(x, _)| *x != t) {
                let score = topics.last().map(|x| x.1).unwrap_or(1.0) - 0.01 - rng.unit() * 0.2;
                topics.push((t, score.max(0.3)));
            }
        }

        let lead = {
            let r = rng.unit();
            if r < self.lead_shares.0 {
                Lead::RussellGroup
            } else if r < self.lead_shares.1 {
                Lead::OtherUk
            } else {
                Lead::Abroad
            }
        };
        let consortium = kind != "paratext"
            && rng.chance(field_fact.consortium * if lead == Lead::Abroad { 0.5 } else { 1.0 });

        // Units: the institutions (or bare countries) that must appear on the paper.
        #[derive(Clone, Copy)]
        enum Unit {
            Inst(usize),
            Country(usize),
        }
        let mut units: Vec<Unit> = Vec::new();
        let mut home_countries: Vec<usize> = Vec::new();
        let international_p;
        match lead {
            Lead::RussellGroup => {
                let first = self.pick_member(&mut rng);
                units.push(Unit::Inst(first));
                let extra_members = if consortium {
                    rng.range(2, 8) as usize
                } else if rng.chance(0.22) {
                    if rng.chance(0.3) { 2 } else { 1 }
                } else {
                    0
                };
                for _ in 0..extra_members {
                    let m = self.pick_member(&mut rng);
                    if !units.iter().any(|u| matches!(u, Unit::Inst(x) if *x == m)) {
                        units.push(Unit::Inst(m));
                    }
                }
                if rng.chance(0.2) {
                    units.push(Unit::Inst(self.pick_other_uk(&mut rng)));
                }
                let member_factor = match self.institutions[first].role {
                    Role::RussellGroup { international, .. } => international,
                    _ => 1.0,
                };
                international_p = 0.615 * member_factor * field_fact.international;
                home_countries.push(self.gb);
            }
            Lead::OtherUk => {
                units.push(Unit::Inst(self.pick_other_uk(&mut rng)));
                if rng.chance(0.25) {
                    units.push(Unit::Inst(self.pick_other_uk(&mut rng)));
                }
                international_p = 0.5 * field_fact.international;
                home_countries.push(self.gb);
            }
            Lead::Abroad => {
                let c = self.partner_countries[rng.weighted(&self.foreign_weights)];
                units.push(Unit::Inst(self.pick_in_country(&mut rng, c)));
                if rng.chance(0.3) {
                    units.push(Unit::Inst(self.pick_in_country(&mut rng, c)));
                }
                international_p = 0.22 * field_fact.international;
                home_countries.push(c);
                if rng.chance(0.04) {
                    units.push(Unit::Inst(self.pick_other_uk(&mut rng)));
                    home_countries.push(self.gb);
                }
            }
        }
        let international = consortium || rng.chance(international_p.min(0.95));
        if international {
            let k = if consortium {
                rng.range(12, 40) as usize
            } else {
                Self::pick_partner_count(&mut rng)
            };
            let weights = if lead == Lead::Abroad {
                &self.foreign_weights
            } else {
                &self.partner_weights
            };
            for c in self.pick_countries(&mut rng, weights, k, &home_countries) {
                // A few authorships carry a country but no institution (OpenAlex inferred the
                // country from the affiliation string).
                if rng.chance(0.035) {
                    units.push(Unit::Country(c));
                } else {
                    units.push(Unit::Inst(self.pick_in_country(&mut rng, c)));
                    if consortium && rng.chance(0.5) {
                        units.push(Unit::Inst(self.pick_in_country(&mut rng, c)));
                    }
                }
            }
        }
        if rng.chance(0.006) {
            units.push(Unit::Inst(
                self.no_country[rng.index(self.no_country.len())],
            ));
        }

        // Authors: a heavy-tailed count, at least one per unit.
        let sampled = if consortium {
            (100.0 * (rng.unit() * (15f64).ln()).exp()) as usize
        } else {
            let mu = field_fact.median_authors.ln();
            let n = (mu + 0.75 * rng.normal()).exp().round() as usize;
            match kind {
                "editorial" | "letter" | "erratum" | "book" => n.min(3),
                "paratext" => 0,
                _ => n,
            }
            .clamp(1, 90)
        };
        let mut authorships = Vec::new();
        if kind != "paratext" {
            let n = sampled.max(units.len());
            let mut assignment: Vec<usize> = (0..units.len()).collect();
            while assignment.len() < n {
                // The lead unit gets about twice its share of the extra authors.
                let u = if rng.chance(0.3) {
                    0
                } else {
                    rng.index(units.len())
                };
                assignment.push(u);
            }
            // Shuffle all but the first author, who is from the lead unit 60% of the time.
            let keep_first = rng.chance(0.6);
            let start = if keep_first { 1 } else { 0 };
            for i in (start + 1..assignment.len()).rev() {
                let j = start + rng.index(i - start + 1);
                assignment.swap(i, j);
            }
            let mut seen_unit = vec![false; units.len()];
            for &u in &assignment {
                let first_of_unit = !seen_unit[u];
                seen_unit[u] = true;
                let (institutions, bare_country) = match units[u] {
                    Unit::Country(c) => (vec![], Some(c)),
                    Unit::Inst(i) => {
                        if !first_of_unit && rng.chance(0.03) {
                            // Unaffiliated: no institution and no country.
                            (vec![], None)
                        } else {
                            let mut inst = i;
                            if let Some(children) = self.children_of.get(&i)
                                && rng.chance(0.10)
                            {
                                inst = children[rng.index(children.len())];
                            }
                            let mut list = vec![inst];
                            if rng.chance(0.07) {
                                // A second affiliation: another unit's institution, or the parent.
                                let second =
                                    match (self.parent[inst], units[rng.index(units.len())]) {
                                        (Some(p), _) if rng.chance(0.5) => Some(p),
                                        (_, Unit::Inst(j)) if j != inst => Some(j),
                                        _ => None,
                                    };
                                if let Some(s) = second {
                                    list.push(s);
                                }
                            }
                            (list, None)
                        }
                    }
                };
                let (author, family) =
                    self.author_for(&mut rng, seed, institutions.first().copied(), bare_country);
                authorships.push(PlannedAuthorship {
                    author,
                    family,
                    institutions,
                    bare_country,
                    is_corresponding: false,
                });
            }
            let corresponding = if rng.chance(0.6) {
                0
            } else {
                authorships.len() - 1
            };
            authorships[corresponding].is_corresponding = true;
        }

        let source = match kind {
            "preprint" => {
                if matches!(field_fact.id, 27 | 24 | 28 | 29 | 30 | 36 | 13) {
                    SourceRef::Medrxiv
                } else {
                    SourceRef::Arxiv
                }
            }
            "dataset" => SourceRef::Zenodo,
            "book" | "book-chapter" => SourceRef::Book(rng.index(taxonomy::BOOK_VENUES.len())),
            _ => {
                let js = &self.journals_of[field];
                SourceRef::Journal(js[rng.index(js.len())])
            }
        };

        let age = (2025 - year as i64).max(0) as f64 + 0.5;
        let fwci = if is_paratext {
            None
        } else {
            Some(((-0.35 + 0.95 * rng.normal()).exp() * 1000.0).round() / 1000.0)
        };
        let cited_by_count = match fwci {
            Some(f) => (f * 3.2 * age.powf(1.1) * (0.6 + rng.unit() * 0.8)).round() as u64,
            None => 0,
        };
        let lead_country = home_countries[0];
        let language = if rng.chance(0.97) {
            "en"
        } else {
            match facts::COUNTRIES[lead_country].code {
                "DE" | "AT" | "CH" => "de",
                "FR" | "BE" => "fr",
                "ES" | "MX" | "AR" | "CL" => "es",
                "BR" | "PT" => "pt",
                "CN" | "HK" => "zh",
                "JP" => "ja",
                _ => "en",
            }
        };
        let has_abstract = match kind {
            "article" | "review" | "preprint" => rng.chance(0.9),
            "book-chapter" | "book" | "dataset" => rng.chance(0.6),
            _ => false,
        } && !is_paratext;
        Work {
            index,
            year,
            month,
            day,
            kind,
            is_paratext,
            is_retracted,
            field,
            topics,
            source,
            authorships,
            fwci,
            cited_by_count,
            language,
            has_doi: kind != "other" && rng.chance(0.94),
            has_abstract,
            has_repository_copy: rng.chance(0.35),
            grant: if rng.chance(0.25) {
                Some(rng.index(crate::emit::FUNDERS.len()))
            } else {
                None
            },
            bulk_seed: rng.next_u64(),
            title_template: rng.below(6) as u8,
            created_offset_days: rng.range(0, 60) as u16,
        }
    }

    /// The earlier version of a work that an upsert replaces: fewer citations and, so that a store
    /// keeping the wrong version gives different figures, one change that matters to them.
    pub fn older_version(&self, work: &Work, seed: u64) -> Work {
        let mut old = work.clone();
        let mut rng = Rng::for_item(seed, stream::UPSERT, work.index ^ 0x5eed);
        old.cited_by_count = work.cited_by_count / 2;
        let last_is_affiliated = old.authorships.len() > 1
            && old
                .authorships
                .last()
                .is_some_and(|a| !a.institutions.is_empty() || a.bare_country.is_some());
        match rng.below(3) {
            0 if last_is_affiliated => {
                // The last authorship had not yet been linked to its institution.
                if let Some(a) = old.authorships.last_mut() {
                    a.institutions.clear();
                    a.bare_country = None;
                }
            }
            1 => {
                old.kind = if work.kind == "preprint" {
                    "article"
                } else {
                    "preprint"
                }
            }
            _ => {
                old.year = if work.year > self.years.0 {
                    work.year - 1
                } else {
                    work.year + 1
                }
            }
        }
        old
    }
}
