//! Affiliation matching, after ROR's published strategy: split the string into candidate parts,
//! normalise them, look them up among names, labels, aliases and acronyms, require agreement with the
//! country (and use the city to choose between namesakes), prefer the most specific match, and return
//! every organisation the string names.
//!
//! A string is first cut into addresses at `;` (an address ends where a country is named), and each
//! address into parts at commas, brackets, slashes and spaced dashes. Every run of words in a part, and
//! every run of two or three adjacent parts, is looked up among the indexed names (exact after
//! normalisation, so "Univ Calif Berkeley" meets "University of California, Berkeley"). A candidate
//! must agree with the country the address names; among namesakes the city, the status and the kind of
//! name decide. The longest match wins over any match inside it. Each address then yields its main
//! organisation (the one a reader would name: a whole part rather than words inside one, a university
//! rather than its department, the later part as in ROR's single-search strategy) and any other
//! organisation named by a whole part that is not part of the main one.

use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::index::{NO_NAME, NameEntry, NameForm, Registry, code_bytes, hash_ids};
use crate::normalize::{BODY_WORDS, GENERIC, Token, is_abbreviation, is_legal_form, tokenize};
use crate::organization::{NameKind, Organization, RelationKind, Status};

/// How an organisation was recognised, from strongest to weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A whole comma-separated part is one of its names.
    WholePart,
    /// Two or three adjacent parts together are one of its names ("University of California, Berkeley").
    AdjacentParts,
    /// One of its names is inside a longer part.
    InsidePart,
    /// A part is one of its acronyms, in capitals, and nothing points to another organisation.
    Acronym,
}

impl MatchKind {
    fn base_confidence(self, name: NameKind) -> f64 {
        match (self, name) {
            (MatchKind::WholePart, NameKind::Display | NameKind::Label) => 1.0,
            (MatchKind::WholePart, _) => 0.95,
            (MatchKind::AdjacentParts, _) => 0.95,
            (MatchKind::InsidePart, _) => 0.85,
            (MatchKind::Acronym, _) => 0.75,
        }
    }

    /// In words, for `tandem match`.
    pub fn describe(self) -> &'static str {
        match self {
            MatchKind::WholePart => "a whole part of the string is one of its names",
            MatchKind::AdjacentParts => {
                "adjacent parts of the string together are one of its names"
            }
            MatchKind::InsidePart => "one of its names appears inside a part of the string",
            MatchKind::Acronym => {
                "a part of the string is one of its acronyms (or opens with it and goes on with a \
                 city), which counts only when it cannot be another's: the whole string and no \
                 other organisation's, its display name, beside its country alone, with its \
                 country and city named, or, with no country named, the only one with that acronym \
                 in the city named"
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::WholePart => "whole_part",
            MatchKind::AdjacentParts => "adjacent_parts",
            MatchKind::InsidePart => "inside_part",
            MatchKind::Acronym => "acronym",
        }
    }
}

/// One organisation found in a string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganizationMatch {
    /// `https://ror.org/...`
    pub ror: String,
    pub name: String,
    pub country_code: Option<String>,
    pub status: Status,
    /// 0–1; 1 means a whole part of the string is the organisation's display name and the country agrees.
    pub confidence: f64,
    /// The part of the input that matched, as written.
    pub substring: String,
    /// Byte range of `substring` in the input.
    pub start: usize,
    pub end: usize,
    pub kind: MatchKind,
    /// The name it matched, as ROR writes it.
    pub matched_name: String,
    pub name_kind: NameKind,
    /// True when the string has a shortened form of that name: without its city ("Heinrich Heine
    /// University"), its country in brackets, its parent's name ("MD Anderson Cancer Center"), the
    /// person it is named after ("University of Jena") or a leading acronym.
    pub shortened: bool,
    /// When the name matched is a withdrawn record's (`https://ror.org/...`) whose successor, as ROR
    /// says, is this organisation: "Harvard Medical School" for Harvard University.
    pub withdrawn_record: Option<String>,
    /// True when the organisation's country is the one the address names; `None` when the address
    /// names no country.
    pub country_agrees: Option<bool>,
    /// True when the string names the organisation's city.
    pub city_agrees: bool,
    /// True for the main organisation of its address; false for another one named beside it.
    pub primary: bool,
}

/// A part of the string that names several organisations the matcher could not choose between.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ambiguity {
    pub substring: String,
    pub candidates: Vec<String>,
    /// Byte range of `substring` in the input.
    pub start: usize,
    pub end: usize,
}

/// Everything the matcher found in one string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    pub input: String,
    /// The country the string names (ISO 3166-1 alpha-2), from the country resolver: the first one when
    /// the string holds several addresses.
    pub country: Option<&'static str>,
    /// The main organisation of each address: what the string is an affiliation *of*.
    pub matches: Vec<OrganizationMatch>,
    /// Other organisations an address names in a part of their own beside its main one ("Howard Hughes
    /// Medical Institute, Massachusetts Institute of Technology"), not units or parents of it. ROR's
    /// gold sets credit one organisation per address, so these are kept apart.
    pub also_named: Vec<OrganizationMatch>,
    pub ambiguous: Vec<Ambiguity>,
}

/// An organisation whose name appears in a string although the matcher did not take it: a hint for
/// whoever corrects the address by hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameNotTaken {
    /// `https://ror.org/...`
    pub ror: String,
    pub name: String,
    pub country_code: Option<String>,
    /// The part of the input that is one of its names (or acronyms), as written.
    pub substring: String,
    /// Why it was not taken, in words: the check that refused it.
    pub reason: String,
}

/// Matches affiliation strings against a loaded [`Registry`]. Cheap to create; `Sync`, so one can
/// serve many threads.
///
/// ```no_run
/// # fn main() -> Result<(), tandem_registry::RegistryError> {
/// let registry = tandem_registry::Registry::load(std::path::Path::new("ror"))?;
/// let matcher = tandem_registry::AffiliationMatcher::new(&registry);
/// let result = matcher.match_affiliation("Univ Oxford, Dept Phys, Oxford OX1 3PU, England");
/// for m in &result.matches {
///     println!("{} {} {:.2} {:?}", m.ror, m.name, m.confidence, m.substring);
/// }
/// # Ok(())
/// # }
/// ```
pub struct AffiliationMatcher<'r> {
    registry: &'r Registry,
}

/// Words for parts of an organisation: a name preceded by one of these ("Department of Physics,
/// Tohoku University") starts where it seems to.
const UNIT_WORDS: &[&str] = &[
    "dept",
    "div",
    "division",
    "fac",
    "sch",
    "unit",
    "program",
    "programme",
    "section",
    "grp",
    "group",
    "lab",
    "ctr",
    "inst",
    "coll",
    "hosp",
    "clin",
    "service",
    "serv",
    "branch",
    "core",
    "chair",
    "team",
    "platform",
    "facility",
    "office",
];

/// Words that open the name of a unit rather than of a body ("Department of Mathematical Sciences").
const UNIT_NAME_WORDS: &[&str] = &[
    "dept",
    "div",
    "division",
    "section",
    "unit",
    "program",
    "programme",
    "fac",
    "chair",
    "grp",
    "group",
    "team",
    "service",
    "serv",
    "branch",
    "core",
    "platform",
    "office",
];

/// Unknown word: not part of any indexed name.
const UNKNOWN: u32 = u32::MAX;

struct Part {
    /// Byte range of the part in the input.
    start: usize,
    tokens: Vec<Token>,
    /// Vocabulary ids of the tokens (`UNKNOWN` where no name uses the word). A misspelt word has the
    /// id of the word it misspells.
    ids: Vec<u32>,
    /// Whether each token was read as a misspelling.
    misspelt: Vec<bool>,
    /// Index of the first token that is not a footnote number, and one past the last.
    core: (usize, usize),
    /// Whether the part's text is in capitals and short: a candidate acronym.
    acronym: Option<String>,
    /// A first word in capitals that more words follow ("LMU Munich"): its letters and how many
    /// tokens it covers.
    leading_acronym: Option<(String, usize)>,
    /// Whether the part writes a legal form ("Hitachi, Ltd."): then it names a company, not a city.
    company: bool,
}

/// Where a candidate sits: (first part, first token) to (last part, token end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Span {
    first_part: usize,
    first_token: usize,
    last_part: usize,
    end_token: usize,
}

impl Span {
    fn contains(&self, other: &Span) -> bool {
        (other.first_part, other.first_token) >= (self.first_part, self.first_token)
            && (other.last_part, other.end_token) <= (self.last_part, self.end_token)
    }

    fn overlaps(&self, other: &Span) -> bool {
        (self.first_part, self.first_token) < (other.last_part, other.end_token)
            && (other.first_part, other.first_token) < (self.last_part, self.end_token)
    }
}

#[derive(Clone)]
struct Candidate {
    org: u32,
    name_kind: NameKind,
    form: NameForm,
    /// Which name of which record matched (`NameEntry::owner`, `NameEntry::name`).
    owner: u32,
    name: u16,
    kind: MatchKind,
    span: Span,
    /// Words covered.
    len: usize,
    /// Byte range in the input.
    start: usize,
    end: usize,
}

/// A candidate that survived the country and namesake checks.
struct Accepted {
    candidate: Candidate,
    country_agrees: Option<bool>,
    city_agrees: bool,
}

/// A name found in the string that the matcher passed over, and why. Collected only while a result
/// is explained ([`AffiliationMatcher::names_not_taken`]), so matching pays nothing for it.
struct Refused {
    org: u32,
    kind: MatchKind,
    span: Span,
    start: usize,
    end: usize,
    /// Whether the name has a proper word (set once the address is done).
    proper: bool,
    reason: String,
}

/// Where refusals go while a result is explained; `None` while matching.
type Trace<'t> = Option<&'t mut Vec<Refused>>;

/// Notes that `candidates` were passed over for `reason` (built only while explaining).
fn refuse<'c>(
    trace: &mut Trace<'_>,
    candidates: impl IntoIterator<Item = &'c Candidate>,
    reason: impl FnOnce() -> String,
) {
    if let Some(refused) = trace.as_deref_mut() {
        let reason = reason();
        refused.extend(candidates.into_iter().map(|c| Refused {
            org: c.org,
            kind: c.kind,
            span: c.span,
            start: c.start,
            end: c.end,
            proper: false,
            reason: reason.clone(),
        }));
    }
}

/// Keeps the candidates of `group` that pass `keep` and notes the others as passed over; when none
/// passes, refuses them all for `refused` and returns false.
fn narrow_or_refuse(
    group: &mut Vec<&Candidate>,
    keep: impl Fn(&Candidate) -> bool,
    trace: &mut Trace<'_>,
    refused: impl FnOnce() -> String,
    narrowed: &str,
) -> bool {
    if !group.iter().any(|c| keep(c)) {
        refuse(trace, group.iter().copied(), refused);
        return false;
    }
    narrow(group, keep, trace, narrowed);
    true
}

/// Keeps the candidates of `group` that pass `keep`, if any does; notes the others as passed over.
/// `keep` runs once per candidate, and not at all for a group of one.
fn narrow(
    group: &mut Vec<&Candidate>,
    keep: impl Fn(&Candidate) -> bool,
    trace: &mut Trace<'_>,
    reason: &str,
) {
    if group.len() < 2 {
        return;
    }
    let kept: Vec<bool> = group.iter().map(|c| keep(c)).collect();
    if !kept.contains(&true) || !kept.contains(&false) {
        return;
    }
    let dropped = group.iter().zip(&kept).filter(|(_, k)| !**k);
    refuse(trace, dropped.map(|(c, _)| *c), || reason.to_string());
    let mut flags = kept.into_iter();
    group.retain(|_| flags.next().unwrap_or(false));
}

/// One address of a string, split and read, as the acceptance checks see it.
#[derive(Clone, Copy)]
struct Address<'a> {
    input: &'a str,
    parts: &'a [Part],
    country: &'a AddressCountry,
    /// The words of every part, in order.
    all_tokens: &'a [&'a str],
}

/// Why a name found does not fit the place an address gives.
#[derive(Clone, Copy)]
enum Misfit {
    WithoutQualifier,
    CommonWordsAway,
    ThePlace,
    TheRegion,
    WithoutItsCountry,
    OtherCountry,
    OtherRegion,
}

impl Misfit {
    fn describe(self, org_country: Option<&str>, address_country: Option<&str>) -> String {
        match self {
            Misfit::WithoutQualifier => {
                "it is its name without the place that completes it, inside a longer part".into()
            }
            Misfit::CommonWordsAway => {
                "it is common words only here, and the address does not name its city".into()
            }
            Misfit::ThePlace => "the name is only its city or region: read as the place".into(),
            Misfit::OtherRegion => {
                "the address names another region (state, province) of its country, and not its city"
                    .into()
            }
            Misfit::TheRegion => {
                "it stands between the city and the country: read as the region".into()
            }
            Misfit::WithoutItsCountry => {
                "its name needs its country, which the address does not give".into()
            }
            Misfit::OtherCountry => format!(
                "it is in {}, and the address names {}",
                org_country.unwrap_or("no country"),
                address_country.unwrap_or("none")
            ),
        }
    }
}

/// The country an address names, and where: the span of the words that name it, if the matcher found
/// them itself.
struct AddressCountry {
    code: Option<&'static str>,
    /// True when the resolver found it; false for the matcher's looser reading of a trailing name.
    strict: bool,
    /// Token range in the last part where a loose country was read.
    loose_at: Option<(usize, usize, usize)>,
}

impl<'r> AffiliationMatcher<'r> {
    pub fn new(registry: &'r Registry) -> AffiliationMatcher<'r> {
        AffiliationMatcher { registry }
    }

    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    /// Finds the organisations named in `affiliation`.
    pub fn match_affiliation(&self, affiliation: &str) -> MatchResult {
        self.match_traced(affiliation, &mut None)
    }

    /// [`match_affiliation`](Self::match_affiliation), noting in `trace` every name passed over.
    fn match_traced(&self, affiliation: &str, trace: &mut Trace<'_>) -> MatchResult {
        let original = affiliation;
        // HTML entities ("Xi&#x2019;an", "&amp;") are read as the characters they stand for, in a
        // copy of the same length so that byte ranges still point into the input.
        let decoded = decode_entities(affiliation);
        let affiliation: &str = &decoded;
        let mut result = MatchResult {
            input: original.to_string(),
            country: None,
            matches: Vec::new(),
            also_named: Vec::new(),
            ambiguous: Vec::new(),
        };
        // Addresses: ';' separates them, but some strings also use it between the parts of one
        // address; an address ends at a segment that names a country.
        let mut offset = 0;
        let mut address_start = 0;
        let mut addresses: Vec<(usize, usize, Option<&'static str>)> = Vec::new();
        let mut first_country = None;
        for segment in affiliation.split(';') {
            let end = offset + segment.len();
            // Addresses listed with commas only ("..., Kyoto 615-8510, Japan, Department of ...,
            // Tokyo, Japan") end at a segment that is a country followed by more than a country.
            for (cut, code) in country_cuts(segment) {
                addresses.push((address_start, offset + cut, Some(code)));
                address_start = offset + cut + 1;
            }
            if let Some(code) = tandem_countries::resolve_country(segment) {
                first_country.get_or_insert(code);
                if address_start < end {
                    addresses.push((address_start, end, Some(code)));
                }
                address_start = end + 1;
            }
            offset = end + 1;
        }
        if address_start < affiliation.len() {
            let rest = &affiliation[address_start..];
            if rest.trim().is_empty() {
                // Nothing after the last country.
            } else {
                addresses.push((address_start, affiliation.len(), None));
            }
        }
        let only_country = {
            let mut codes = addresses.iter().filter_map(|a| a.2);
            let first = codes.next();
            if codes.all(|c| Some(c) == first) {
                first
            } else {
                None
            }
        };
        result.country = first_country;
        for (start, end, code) in addresses {
            // A trailing piece without a country takes the string's country when there is only one.
            let code = code.or(only_country);
            self.match_address(affiliation, start, end, code, &mut result, trace);
        }
        // The same organisation found twice keeps its strongest match.
        let mut seen = FxHashSet::default();
        let mut matches = std::mem::take(&mut result.matches);
        matches.sort_by(|a, b| {
            b.primary
                .cmp(&a.primary)
                .then(b.confidence.total_cmp(&a.confidence))
        });
        matches.retain(|m| seen.insert(m.ror.clone()));
        result.matches = matches;
        let mut also_named = std::mem::take(&mut result.also_named);
        also_named.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        also_named.retain(|m| seen.insert(m.ror.clone()));
        result.also_named = also_named;
        // "University of Hawaii" inside "University of Hawaii at Manoa" is no ambiguity once the
        // longer name is matched.
        let matched = &result.matches;
        result
            .ambiguous
            .retain(|a| !matched.iter().any(|m| m.start <= a.start && a.end <= m.end));
        if matches!(decoded, std::borrow::Cow::Owned(_)) {
            for m in result
                .matches
                .iter_mut()
                .chain(result.also_named.iter_mut())
            {
                m.end = entity_end(original, m.end);
                m.substring = slice(original, m.start, m.end);
            }
            for a in &mut result.ambiguous {
                a.substring = a.substring.replace('\'', "").trim().to_string();
            }
        }
        // A name that ends inside brackets takes the closing one: "German Cancer Research Center
        // (DKFZ)", not "... (DKFZ".
        for m in result
            .matches
            .iter_mut()
            .chain(result.also_named.iter_mut())
        {
            if m.substring.matches('(').count() > m.substring.matches(')').count()
                && original[m.end..].starts_with(')')
            {
                m.end += 1;
                m.substring = slice(original, m.start, m.end);
            }
        }
        result
    }

    /// Organisations whose names appear in the string of `taken` (what
    /// [`match_affiliation`](Self::match_affiliation) gave) but that it did not give: another
    /// country's, a namesake, a name that the words around it make part of another. Acronyms and names
    /// of common words only are left out. At most `limit`, longest names first. Meant for strings that
    /// matched nothing, to show what a person correcting them might pick. Matches the string again,
    /// noting each check that refuses a name.
    pub fn names_not_taken(&self, taken: &MatchResult, limit: usize) -> Vec<NameNotTaken> {
        let mut refused = Vec::new();
        self.match_traced(&taken.input, &mut Some(&mut refused));
        let decoded = decode_entities(&taken.input);
        let input: &str = &decoded;
        let taken_rors: FxHashSet<&str> = taken
            .matches
            .iter()
            .chain(&taken.also_named)
            .map(|m| m.ror.as_str())
            .collect();
        // Acronyms, and names of common words only ("Computer Sciences Corporation" in
        // "Department of Computer Science"), would suggest more noise than help.
        refused.retain(|r| {
            r.kind != MatchKind::Acronym
                && r.proper
                && !taken_rors.contains(self.registry.org(r.org).ror_url().as_str())
        });
        // Longest name first; of one organisation, the first reason for its longest name.
        refused.sort_by_key(|r| (std::cmp::Reverse(r.end - r.start), r.start, r.org));
        let mut seen = FxHashSet::default();
        refused
            .into_iter()
            .filter(|r| seen.insert(r.org))
            .take(limit)
            .map(|r| {
                let org = self.registry.org(r.org);
                NameNotTaken {
                    ror: org.ror_url(),
                    name: org.display_name.clone(),
                    country_code: org.country_code.clone(),
                    substring: slice(input, r.start, r.end),
                    reason: r.reason,
                }
            })
            .collect()
    }

    fn match_address(
        &self,
        input: &str,
        start: usize,
        end: usize,
        country: Option<&'static str>,
        result: &mut MatchResult,
        trace: &mut Trace<'_>,
    ) {
        let parts = self.split_parts(input, start, end);
        if parts.is_empty() {
            return;
        }
        let country = match country {
            Some(code) => AddressCountry {
                code: Some(code),
                strict: true,
                loose_at: None,
            },
            None => self.loose_country(input, &parts),
        };
        let candidates = self.candidates(input, &parts, country.code);
        let all_tokens: Vec<&str> = parts
            .iter()
            .flat_map(|p| p.tokens.iter().map(|t| t.text.as_str()))
            .collect();
        let traced_before = trace.as_ref().map_or(0, |t| t.len());
        let address = Address {
            input,
            parts: &parts,
            country: &country,
            all_tokens: &all_tokens,
        };
        let accepted = self.accept(address, candidates, result, trace);
        self.choose(input, accepted, &parts, &country, result, trace);
        if let Some(refused) = trace.as_deref_mut() {
            for r in &mut refused[traced_before..] {
                r.proper = self.has_proper_word(&parts, &r.span);
            }
        }
    }

    /// Every name, run of adjacent parts and acronym in the address.
    fn candidates(&self, input: &str, parts: &[Part], country: Option<&str>) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        let longest = self.registry.longest_name.max(1);
        let mut push = |entries: &[NameEntry],
                        kind: MatchKind,
                        span: Span,
                        len: usize,
                        start: usize,
                        end: usize| {
            for e in entries {
                candidates.push(Candidate {
                    org: e.org,
                    name_kind: e.kind,
                    form: e.form,
                    owner: e.owner,
                    name: e.name,
                    kind,
                    span,
                    len,
                    start,
                    end,
                });
            }
        };
        for (pi, part) in parts.iter().enumerate() {
            let n = part.tokens.len();
            for first in 0..n {
                if part.ids[first] == UNKNOWN {
                    continue;
                }
                let mut last = first;
                while last < n && last - first < longest && part.ids[last] != UNKNOWN {
                    last += 1;
                    let hash = hash_ids(&part.ids[first..last]);
                    let entries = self.registry.names_for(hash);
                    if entries.is_empty() {
                        continue;
                    }
                    // A part that is just a city ("Oxford") names a place, not an organisation,
                    // unless it writes a legal form ("Hitachi, Ltd.").
                    if self.registry.is_city(hash) && !part.company {
                        continue;
                    }
                    let whole = first <= part.core.0 && last >= part.core.1;
                    let kind = if whole {
                        MatchKind::WholePart
                    } else {
                        MatchKind::InsidePart
                    };
                    // Inside a longer part, one word ("Google" in "Google AI") is too little.
                    if kind == MatchKind::InsidePart && last - first < 2 {
                        continue;
                    }
                    // A misspelt word counts in a name of two words or more that is the whole
                    // part, and only one: "Radcliffe" inside "John Radcliffe Hospital" is a name
                    // the registry lacks, not "Redcliffe" misspelt.
                    let misspelt = part.misspelt[first..last].iter().filter(|&&m| m).count();
                    if misspelt > 0
                        && (kind == MatchKind::InsidePart || last - first < 2 || misspelt > 1)
                    {
                        continue;
                    }
                    let span = Span {
                        first_part: pi,
                        first_token: first,
                        last_part: pi,
                        end_token: last,
                    };
                    let (s, e) = (
                        part.start + part.tokens[first].start,
                        part.start + part.tokens[last - 1].end,
                    );
                    push(entries, kind, span, last - first, s, e);
                }
            }
            // "Basel University" for "University of Basel", "Heidelberg University Hospital" for
            // "University Hospital Heidelberg": a whole part that is a place and words that say what
            // kind of body, and no name as written, is read the other way round, but only for a body
            // in that place ("Washington University" is not the University of Washington). "University
            // of Kyoto" for "Kyoto University" likewise.
            let core = &part.ids[part.core.0..part.core.1];
            let core_tokens = &part.tokens[part.core.0..part.core.1];
            let is_kind = |tokens: &[Token]| {
                tokens.iter().all(|t| GENERIC.contains(t.text.as_str()))
                    && tokens.iter().any(|t| BODY_WORDS.contains(&t.text.as_str()))
            };
            if (2..=4).contains(&core.len())
                && !core.contains(&UNKNOWN)
                && self.registry.names_for(hash_ids(core)).is_empty()
            {
                for split in 1..core.len() {
                    let (left, right) = core_tokens.split_at(split);
                    let (place, place_from) = if is_kind(right) && !is_kind(left) {
                        (left, part.core.0)
                    } else if is_kind(left) && !is_kind(right) {
                        (right, part.core.0 + split)
                    } else {
                        continue;
                    };
                    // With the country named, a place other than the city will do when it has a
                    // proper name in it ("Sussex University, England", "Santa Catarina Federal
                    // University"); a subject will not ("University Hospital of Psychiatry").
                    let proper_place = country.is_some()
                        && (place_from..place_from + place.len())
                            .any(|t| self.is_proper_name(part, t));
                    let swapped: Vec<u32> = core[split..]
                        .iter()
                        .chain(&core[..split])
                        .copied()
                        .collect();
                    // Only a name one organisation has (in the country, when the address names
                    // one): the reading is a guess.
                    let named: Vec<&NameEntry> = self
                        .registry
                        .names_for(hash_ids(&swapped))
                        .iter()
                        .filter(|e| {
                            country.is_none_or(|code| {
                                same_region(self.registry.org(e.org).country_code.as_deref(), code)
                            })
                        })
                        .collect();
                    let entries: Vec<NameEntry> = named
                        .iter()
                        .copied()
                        .filter(|_| named.len() == 1)
                        .filter(|e| {
                            proper_place
                                || self.registry.city_keys(e.org).iter().any(|city| {
                                    city.len() == place.len()
                                        && city.iter().zip(place).all(|(c, t)| *c == t.text)
                                })
                        })
                        .map(|e| NameEntry {
                            kind: NameKind::Alias,
                            ..*e
                        })
                        .collect();
                    if !entries.is_empty() {
                        let span = Span {
                            first_part: pi,
                            first_token: part.core.0,
                            last_part: pi,
                            end_token: part.core.1,
                        };
                        let (s, e) = (
                            part.start + part.tokens[part.core.0].start,
                            part.start + part.tokens[part.core.1 - 1].end,
                        );
                        push(&entries, MatchKind::WholePart, span, core.len(), s, e);
                        break;
                    }
                }
            }
            // Two or three adjacent whole parts.
            for extra in 1..=2 {
                let last_part = pi + extra;
                if last_part >= parts.len() {
                    break;
                }
                let group = &parts[pi..=last_part];
                let ids: Vec<u32> = group
                    .iter()
                    .flat_map(|p| p.ids[p.core.0..p.core.1].iter().copied())
                    .collect();
                if ids.is_empty() || ids.len() > longest || ids.contains(&UNKNOWN) {
                    continue;
                }
                let misspelt = group
                    .iter()
                    .flat_map(|p| &p.misspelt[p.core.0..p.core.1])
                    .filter(|&&m| m)
                    .count();
                // Nor is a misspelt word alone beside its country: "Siegen, Germany" is not
                // "Siemens (Germany)".
                let misspelt_word_alone = group.iter().any(|p| {
                    p.core.1 - p.core.0 == 1 && p.misspelt[p.core.0..p.core.1].contains(&true)
                }) && group.iter().any(|p| part_is_country(input, p));
                if misspelt > 1 || misspelt_word_alone {
                    continue;
                }
                let hash = hash_ids(&ids);
                let entries = self.registry.names_for(hash);
                if entries.is_empty() || self.registry.is_city(hash) {
                    continue;
                }
                // "Machida, Japan" says where the address is: it is not "Machida Corporation (Japan)".
                if group
                    .iter()
                    .all(|p| self.part_is_city(p) || part_is_country(input, p))
                {
                    continue;
                }
                let (first, last) = (&parts[pi], &parts[last_part]);
                let span = Span {
                    first_part: pi,
                    first_token: first.core.0,
                    last_part,
                    end_token: last.core.1,
                };
                let s = first.start + first.tokens[first.core.0].start;
                let e = last.start + last.tokens[last.core.1 - 1].end;
                push(entries, MatchKind::AdjacentParts, span, ids.len(), s, e);
            }
            // "CA" in "Stanford, CA 94305, USA" is a state, not an organisation.
            let us_state = |letters: &str| {
                letters.len() == 2
                    && tandem_countries::is_us_state_code(letters)
                    && country.is_none_or(|c| region(c) == "US")
            };
            // An acronym over the part's first `covered` tokens.
            // "JSP Corporation" is the acronym of a company, not of Jigawa State Polytechnic.
            let companies_only = part.company && part.tokens.len() == 1;
            let mut push_acronym = |letters: &str, covered: usize| {
                let entries: Vec<NameEntry> = self
                    .registry
                    .acronym(letters)
                    .iter()
                    .filter(|&&org| {
                        !companies_only
                            || self.registry.org(org).types.iter().any(|t| t == "company")
                    })
                    .map(|&org| NameEntry {
                        org,
                        kind: NameKind::Acronym,
                        form: NameForm::Full,
                        owner: org,
                        name: NO_NAME,
                    })
                    .collect();
                let span = Span {
                    first_part: pi,
                    first_token: 0,
                    last_part: pi,
                    end_token: covered,
                };
                let (s, e) = (
                    part.start + part.tokens[0].start,
                    part.start + part.tokens[covered - 1].end,
                );
                push(&entries, MatchKind::Acronym, span, covered, s, e);
            };
            if let Some(letters) = part.acronym.as_deref().filter(|l| !us_state(l)) {
                push_acronym(letters, part.tokens.len());
            }
            // "LMU Munich", "TU Dresden": an acronym followed, to the end of the part, by a city.
            // The city is left outside the match, so that it places the organisation.
            if let Some((letters, covered)) = part
                .leading_acronym
                .as_ref()
                .filter(|(l, covered)| !us_state(l) && *covered > 0 && *covered < part.core.1)
            {
                let rest = &part.ids[*covered..part.core.1];
                if self.is_city_words(rest) {
                    push_acronym(letters, *covered);
                }
            }
        }
        candidates
    }

    /// Applies the country, city and namesake checks to the candidates of each matched run of words.
    fn accept(
        &self,
        address: Address<'_>,
        mut candidates: Vec<Candidate>,
        result: &mut MatchResult,
        trace: &mut Trace<'_>,
    ) -> Vec<Accepted> {
        let Address {
            input,
            parts,
            country,
            all_tokens,
        } = address;
        for c in &mut candidates {
            if c.form == NameForm::WithoutQualifier
                && !self.city_in(c.org, all_tokens)
                && let Some(parent) = self.parent_named_by(c.org, &span_words(parts, &c.span))
            {
                c.org = parent;
            }
        }
        candidates.sort_by_key(|c| (c.span, kind_rank(c.kind), c.org));
        candidates.dedup_by(|a, b| a.span == b.span && a.kind == b.kind && a.org == b.org);
        let mut accepted = Vec::new();
        let mut i = 0;
        while i < candidates.len() {
            let (span, kind) = (candidates[i].span, candidates[i].kind);
            let mut j = i;
            while j < candidates.len() && candidates[j].span == span && candidates[j].kind == kind {
                j += 1;
            }
            let group_all = &candidates[i..j];
            i = j;
            // The country counts unless its words are inside this very match ("University of Georgia").
            let code = match country.loose_at {
                Some((part, first, end))
                    if span.last_part == part
                        && span.end_token > first
                        && span.first_token < end =>
                {
                    None
                }
                _ => country.code,
            };
            // Why a candidate does not fit the place the address gives, if it does not.
            let misfit = |c: &Candidate| -> Option<Misfit> {
                // A name without its qualifier ("... Düsseldorf", "... (Hinxton)") only as a
                // whole part: inside a longer part it is too often the start of another name,
                // unless the string names the city elsewhere ("Washington University School
                // of Medicine, St. Louis"), or a school of it follows and no other organisation's
                // name without its qualifier is the same ("Washington University School of
                // Medicine", but not "University of Maryland School of Medicine", which could be
                // College Park's or Baltimore's).
                if c.form == NameForm::WithoutQualifier
                    && c.kind == MatchKind::InsidePart
                    && !self.city_in_outside(c.org, all_tokens, global_range(parts, &span))
                    && !(group_all.len() == 1
                        && span_words(parts, &c.span)
                            .iter()
                            .any(|w| BODY_WORDS.contains(w))
                        && school_follows(&parts[span.first_part], span.end_token))
                {
                    return Some(Misfit::WithoutQualifier);
                }
                // "Royal Institute of Technology" (KTH's alias), "Graduate School of Engineering"
                // (a French school's English label): three common words that are not the
                // organisation's own display name name it only where the address names its city.
                // Two ("Federation University", in Ballarat) only with the city, whatever the kind.
                if (c.len < 3 || (c.len == 3 && c.name_kind != NameKind::Display))
                    && span_words(parts, &c.span)
                        .iter()
                        .all(|w| GENERIC.contains(w))
                    && !self.city_in_outside(c.org, all_tokens, global_range(parts, &span))
                {
                    return Some(Misfit::CommonWordsAway);
                }
                // "Institute of Pathology" (an alias of the Pathologisches Institut in
                // Heidelberg), "Institute of Experimental Medicine": an institute's, centre's or
                // laboratory's alias of common words is many units' name, so it needs the
                // organisation's country or city. A word in capitals ("of the CAS") or a country's
                // adjective ("of the Czech Academy of Sciences") makes it the organisation's own.
                if code.is_none()
                    && c.name_kind == NameKind::Alias
                    && !slice(input, c.start, c.end)
                        .split(|ch: char| !ch.is_alphanumeric())
                        .any(|w| w.chars().count() >= 2 && w.chars().all(char::is_uppercase))
                    && matches!(
                        parts[span.first_part].tokens[span.first_token]
                            .text
                            .as_str(),
                        "inst" | "ctr" | "lab" | "dept"
                    )
                    && !self.has_proper_word(parts, &c.span)
                    && !span_words(parts, &c.span)
                        .iter()
                        .any(|w| tandem_countries::country_code_for_adjective(w).is_some())
                    && !self.city_in_outside(c.org, all_tokens, global_range(parts, &span))
                {
                    return Some(Misfit::CommonWordsAway);
                }
                // "Canberra, Australian Capital Territory, Australia": a name that is only the
                // organisation's own city or region (an alias of the ACT Government) is, in an
                // address, the place.
                if self.only_its_place(c.org, &span_words(parts, &c.span)) {
                    return Some(Misfit::ThePlace);
                }
                // "Hasselt, Limburg, Belgium": a part between a city and the country that ends
                // the address, with no word saying what kind of body it is, is the region.
                if c.kind == MatchKind::WholePart
                    && self.in_region_slot(input, parts, &c.span)
                    && !span_words(parts, &c.span)
                        .iter()
                        .any(|w| BODY_WORDS.contains(w))
                {
                    return Some(Misfit::TheRegion);
                }
                let org_country = self.registry.org(c.org).country_code.as_deref();
                let fits = match (code, c.form) {
                    (Some(code), NameForm::WithoutCountry(qualifier)) => {
                        qualifier == code_bytes(code) && same_region(org_country, code)
                    }
                    // "Flatiron Health" for "Flatiron Health (United States)", when ROR has no
                    // other.
                    // "Amgen" for "Amgen (United States)", the parent of Amgen (Canada),
                    // Amgen (China) and the rest: the company itself.
                    // "KOGI Corporation, Himeji" for "KOGI Corporation (Japan)": its city will do
                    // for its country.
                    (None, NameForm::WithoutCountry(_)) => {
                        if !(c.kind == MatchKind::WholePart
                            && ((group_all.len() == 1 && c.len >= 2)
                                || (group_all.len() > 1 && self.parent_of_all(c.org, group_all))
                                || self.city_in_outside(
                                    c.org,
                                    all_tokens,
                                    global_range(parts, &span),
                                )))
                        {
                            return Some(Misfit::WithoutItsCountry);
                        }
                        true
                    }
                    // "Ministry of Finance, Taipei, Taiwan" is not China's: across the
                    // Taiwan Strait only the organisation's own city lets it in.
                    (Some(code), _) => {
                        same_region(org_country, code)
                            && (org_country == Some(code)
                                || !matches!(
                                    (org_country, code),
                                    (Some("CN"), "TW") | (Some("TW"), "CN")
                                )
                                || self.city_in_outside(
                                    c.org,
                                    all_tokens,
                                    global_range(parts, &span),
                                ))
                    }
                    (None, _) => true,
                };
                if !fits {
                    return Some(Misfit::OtherCountry);
                }
                // "Columbia College - Missouri, Columbia" is not Columbia University in New York: a
                // region of the organisation's country written after its name with a dash, that
                // is not the organisation's own, names a namesake there.
                if let (Some(code), Some(org_country)) = (code, org_country)
                    && code == org_country
                    && self.region_after_dash(input, parts, &span, c.org, org_country)
                {
                    return Some(Misfit::OtherRegion);
                }
                None
            };
            let mut group: Vec<&Candidate> = Vec::with_capacity(group_all.len());
            for c in group_all {
                match misfit(c) {
                    None => group.push(c),
                    Some(m) => refuse(trace, [c], || {
                        m.describe(self.registry.org(c.org).country_code.as_deref(), code)
                    }),
                }
            }
            if group.is_empty() {
                continue;
            }
            // "RIKEN", "INSEAD": a part that is, letter for letter, the display name of one of the
            // organisations with that acronym names that one.
            let mut acronym_names_one = false;
            // A string that is nothing but an acronym of three or more letters.
            let mut acronym_is_the_string = false;
            if kind == MatchKind::Acronym {
                let text = slice(input, group[0].start, group[0].end);
                acronym_is_the_string = parts.len() == 1
                    && span.end_token == parts[0].tokens.len()
                    && text.chars().filter(|c| c.is_alphanumeric()).count() >= 3;
                let exact: Vec<&Candidate> = group
                    .iter()
                    .copied()
                    .filter(|c| {
                        self.registry
                            .org(c.org)
                            .display_name
                            .eq_ignore_ascii_case(&text)
                    })
                    .collect();
                if exact.len() == 1 {
                    group = exact;
                    acronym_names_one = true;
                }
                // "UCLA", "EPAMIG": a string that is nothing but an acronym that one organisation
                // alone in the registry has names that one. Beside other words, an acronym of four
                // letters or fewer still needs its country and city.
                if acronym_is_the_string && group_all.len() == 1 {
                    acronym_names_one = true;
                }
                // "Department of Electrical Engineering, KAIST": so does a part that is nothing but
                // an acronym of five letters or more that one organisation alone has. Shorter ones
                // ("HHMI", "AP-HP", "CNIC") are too often another body's too.
                let whole_part =
                    span.first_token == 0 && span.end_token == parts[span.first_part].tokens.len();
                if whole_part
                    && group_all.len() == 1
                    && text.chars().filter(|c| c.is_alphanumeric()).count() >= 5
                {
                    acronym_names_one = true;
                }
            }
            let outside = global_range(parts, &span);
            // "UNAM, Mexico City", "UCL, London": with no country named, an acronym that one
            // organisation alone of those with it has, in a city that another part of the string
            // is, is that one. A city inside another name ("Cork University Dental School / UCC")
            // does not count.
            let mut acronym_in_its_city = false;
            if kind == MatchKind::Acronym && code.is_none() && !acronym_names_one {
                let in_city: Vec<&Candidate> = group
                    .iter()
                    .copied()
                    .filter(|c| {
                        parts.iter().enumerate().any(|(pi, p)| {
                            if pi == span.first_part {
                                // "LMU Munich": the rest of the acronym's own part.
                                span.end_token < p.core.1
                                    && self
                                        .only_its_city(c.org, &p.tokens[span.end_token..p.core.1])
                            } else {
                                self.part_is_city(p)
                                    && self.only_its_city(c.org, &p.tokens[p.core.0..p.core.1])
                            }
                        })
                    })
                    .collect();
                if in_city.len() == 1 {
                    group = in_city;
                    acronym_in_its_city = true;
                }
            }
            // "NIH", "UCLA", "CNRS" as the whole string: of the organisations with the acronym,
            // one far better connected than the rest (by ROR relationships) is the likelier
            // reading. Beside other words it is too often a unit's or another body's ("Power
            // Station Impacts (PSI)"), and two letters are too few ("UW" is several universities).
            let mut acronym_dominant = false;
            if acronym_is_the_string
                && code.is_none()
                && !acronym_names_one
                && !acronym_in_its_city
                && group.len() > 1
                && let Some(best) = self.far_best_connected(&group)
            {
                narrow(
                    &mut group,
                    |c| c.org == best,
                    trace,
                    "a far better connected organisation with this acronym was taken",
                );
                acronym_dominant = true;
            }
            // "US Environmental Protection Agency", "Italian National Research Council", "Gifu
            // University of Japan": a country, or its adjective, written against the name inside
            // its part says which of the namesakes it is, and that the name is whole.
            // Before the name, only where the name is several countries' ("Environmental
            // Protection Agency"): a name that one country alone has is more likely the end of a
            // longer one ("Russian State University for the Humanities").
            let countries_with_name = || {
                group_all
                    .iter()
                    .filter_map(|c| self.registry.org(c.org).country_code.as_deref())
                    .collect::<FxHashSet<&str>>()
                    .len()
            };
            let country_at_name = if kind == MatchKind::InsidePart {
                country_beside(input, &parts[span.first_part], &span)
                    .filter(|&(_, before)| !before || countries_with_name() > 1)
            } else {
                None
            };
            if let Some((named, _)) = country_at_name {
                let there =
                    |c: &Candidate| self.registry.org(c.org).country_code.as_deref() == Some(named);
                if !narrow_or_refuse(
                    &mut group,
                    there,
                    trace,
                    || {
                        format!(
                            "{named} is written against it, and it is not there: another body's name"
                        )
                    },
                    "a namesake in the country written against the name was taken",
                ) {
                    continue;
                }
            }
            let before_country = country_at_name.is_some_and(|(_, before)| before);
            // "Ministry of Agriculture and Forestry": a ministry's name of common words is many
            // countries' ministry, so it needs its country (or a city of it) named.
            if code.is_none()
                && country_at_name.is_none()
                && span_words(parts, &span).first() == Some(&"minist")
                && !self.has_proper_word(parts, &span)
                && !span_words(parts, &span)
                    .iter()
                    .any(|w| tandem_countries::country_code_for_adjective(w).is_some())
                && !group
                    .iter()
                    .any(|c| self.city_in_outside(c.org, all_tokens, outside))
            {
                refuse(trace, group.iter().copied(), || {
                    "a ministry's name of common words needs its country named".into()
                });
                continue;
            }
            if code.is_none()
                && country_at_name.is_none()
                && !acronym_names_one
                && !acronym_in_its_city
                && !acronym_dominant
                && !self.trusted_without_country(group[0], parts)
            {
                refuse(trace, group.iter().copied(), || {
                    if kind == MatchKind::Acronym {
                        "an acronym needs the organisation's country and city named".into()
                    } else {
                        "the address names no country, and this name does not stand alone".into()
                    }
                });
                continue;
            }
            if kind == MatchKind::InsidePart {
                let part = &parts[span.first_part];
                // Generic words alone are only a name as a whole part.
                let words = &part.tokens[span.first_token..span.end_token];
                if country_at_name.is_none()
                    && words.iter().all(|t| GENERIC.contains(t.text.as_str()))
                {
                    // "... Federal University of Technology Akure Nigeria": unless its own city, and
                    // nothing else, follows it to the end of the part.
                    let mut rest = &part.tokens[span.end_token..part.core.1.max(span.end_token)];
                    if let Some(country_words) = (1..=3.min(rest.len())).rev().find(|&n| {
                        let tail: Vec<&str> = rest[rest.len() - n..]
                            .iter()
                            .map(|t| t.text.as_str())
                            .collect();
                        tandem_countries::country_code_for_name(&tail.join(" ")).is_some()
                    }) {
                        rest = &rest[..rest.len() - country_words];
                    }
                    let in_own_city =
                        |c: &Candidate| !rest.is_empty() && self.only_its_city(c.org, rest);
                    if !narrow_or_refuse(
                        &mut group,
                        in_own_city,
                        trace,
                        || "its words are common ones, inside a longer part".into(),
                        "its words are common ones: the namesake in the city after it was taken",
                    ) {
                        continue;
                    }
                }
                // "Kiel Institut für Weltwirtschaft": the organisation's own city, and nothing else,
                // before its name places it; it does not make a longer name.
                let before: &[Token] = if !before_country
                    && span.first_token > part.core.0
                    && span.first_token - part.core.0 <= 3
                    && gap_before(input, part, span.first_token).trim().is_empty()
                {
                    &part.tokens[part.core.0..span.first_token]
                } else {
                    &[]
                };
                let in_city =
                    |c: &Candidate| !before.is_empty() && self.only_its_city(c.org, before);
                let city_before = group.iter().any(|c| in_city(c));
                if city_before {
                    narrow(
                        &mut group,
                        in_city,
                        trace,
                        "a namesake in the city written before the name was taken",
                    );
                }
                if (code.is_none() || self.capitalised_words_before(input, part, span.first_token))
                    && !before_country
                    && !city_before
                    && continues_to_the_left(input, part, span.first_token)
                    && !self.subject_before(part, span.first_token, &group, all_tokens, outside)
                {
                    refuse(trace, group.iter().copied(), || {
                        "the words before it make it part of a longer name".into()
                    });
                    continue;
                }
                // "Aligarh Muslim University", "Fred Hutchinson Cancer Research Center": a part that
                // opens with names of its own, not a unit, before the name found is one longer name.
                // Unless the string lost its commas and places the organisation: its country and
                // its city named apart from it ("Dynamik und Modellierung Universität Stuttgart
                // Pfaffenwaldring 57 Stuttgart 70569 Germany").
                // A US state's name is one too ("Virginia Wesleyan University").
                if !before_country
                    && !city_before
                    && proper_name_before(input, part, span.first_token)
                    && (self.is_proper_name(part, span.first_token - 1)
                        || us_state_ends_at(input, part, span.first_token)
                        // "Illinois State Geological Survey"
                        || (part.tokens[span.first_token - 1].text == "state"
                            && us_state_ends_at(input, part, span.first_token - 1)))
                    && !(code.is_some()
                        && group.len() == 1
                        && !is_dash(gap_before(input, part, span.first_token))
                        && self.city_in_outside(
                            group[0].org,
                            all_tokens,
                            global_range(parts, &span),
                        ))
                {
                    refuse(trace, group.iter().copied(), || {
                        "a proper name before it makes it part of a longer name".into()
                    });
                    continue;
                }
                // "New York College" is not York College: the word before the name makes a place
                // of its first word ("New York", "Kansas City"), so the name is a longer one.
                if span.first_token > 0
                    && gap_before(input, part, span.first_token).trim().is_empty()
                    && (self.is_city_words(&part.ids[span.first_token - 1..span.first_token + 1])
                        || (span.first_token + 1 < span.end_token
                            && self.is_city_words(
                                &part.ids[span.first_token - 1..span.first_token + 2],
                            ))
                        || (is_us_state(input, part, span.first_token - 1..span.first_token + 1)
                            && !is_us_state(input, part, span.first_token..span.first_token + 1)))
                {
                    refuse(trace, group.iter().copied(), || {
                        "the word before it makes a place of its first word: a longer name".into()
                    });
                    continue;
                }
                // "École Normale Supérieure Paris" is not the one in Bujumbura: a name followed, to
                // the end of its part, by a city that only other countries have names another
                // organisation. Words in capitals there are an acronym ("... Pharmacology PAS").
                if span.end_token < part.core.1
                    && !part.ids[span.end_token..part.core.1].contains(&UNKNOWN)
                    && slice(
                        input,
                        part.start + part.tokens[span.end_token].start,
                        part.start + part.tokens[part.core.1 - 1].end,
                    )
                    .chars()
                    .any(char::is_lowercase)
                    && group.iter().all(|c| {
                        self.registry
                            .org(c.org)
                            .country_code
                            .as_deref()
                            .is_some_and(|code| {
                                self.registry.city_only_outside(
                                    hash_ids(&part.ids[span.end_token..part.core.1]),
                                    code,
                                )
                            })
                    })
                {
                    refuse(trace, group.iter().copied(), || {
                        "the city after it is in another country: a namesake there".into()
                    });
                    continue;
                }
                // "Israel Institute for Biological Research" is not the "Israel Institute". But
                // "Alexandru Ioan Cuza University of Iasi" is the university in Iași: what follows
                // the preposition, to the end of the part, is the organisation's own city.
                if continues_to_the_right(input, part, span.end_token) {
                    let rest = &part.tokens[span.end_token..part.core.1.max(span.end_token)];
                    // "Ural State Medical University of the Ministry of Health": a body with a name
                    // of its own "of" the ministry it answers to is whole.
                    let of_its_ministry = rest.first().is_some_and(|t| t.text == "minist")
                        && self.has_proper_word(parts, &span);
                    // "Gifu University of Japan": the country after it was checked above.
                    if !of_its_ministry && country_at_name.is_none_or(|(_, before)| before) {
                        // A name of common words before "of" and a city is another body's name:
                        // "Instituto Universitário de Lisboa" is not the "Instituto Universitário"
                        // there.
                        let in_own_city: Vec<&Candidate> = group
                            .iter()
                            .copied()
                            .filter(|c| self.only_its_city(c.org, rest))
                            .collect();
                        if !self.has_proper_word(parts, &span)
                            || rest.is_empty()
                            || in_own_city.is_empty()
                        {
                            refuse(trace, group.iter().copied(), || {
                                "the words after it make it part of a longer name".into()
                            });
                            continue;
                        }
                        group = in_own_city;
                    }
                }
                // "Université d'Alabama à Huntsville", "University of Alabama at Birmingham": "at"
                // and another city, to the end of the part, name a campus there.
                if span.end_token < part.core.1 {
                    let rest = &part.tokens[span.end_token..part.core.1];
                    let at = gap_before(input, part, span.end_token)
                        .split(|c: char| !c.is_alphabetic())
                        .any(|w| matches!(w.to_lowercase().as_str(), "at" | "à" | "in" | "en"));
                    if at && self.is_city_words(&part.ids[span.end_token..part.core.1]) {
                        // A university system is taken to its campus there below.
                        let in_own_city = |c: &Candidate| {
                            let org = self.registry.org(c.org);
                            self.only_its_city(c.org, rest)
                                || is_system(org)
                                    && org
                                        .children()
                                        .filter_map(|r| self.registry.index_of(r))
                                        .any(|campus| self.only_its_city(campus, rest))
                        };
                        if !narrow_or_refuse(
                            &mut group,
                            in_own_city,
                            trace,
                            || "\"at\" another city after it names a campus there".into(),
                            "the namesake in the city named after \"at\" was taken",
                        ) {
                            continue;
                        }
                    }
                }
                // "University of Miami Hospital", "University of Missouri-Kansas City", "Southeast
                // Missouri State University": the words around the name make it another's.
                let proper_next = span.end_token < part.tokens.len()
                    && self.starts_proper_name(part, span.end_token);
                let common_first = !self.starts_proper_name(part, span.first_token);
                // "Indian Spinal Injuries Centre", "Romanian-American University": a country's
                // adjective before such a name makes another country's body of it. Of its own
                // country it is a description ("German Federal Institute for Risk Assessment").
                if let Some(adjective_country) = span
                    .first_token
                    .checked_sub(1)
                    .filter(|_| {
                        let gap = gap_before(input, part, span.first_token);
                        gap.trim().is_empty() || is_dash(gap)
                    })
                    .and_then(|t| {
                        tandem_countries::country_code_for_adjective(&part.tokens[t].text)
                    })
                    .filter(|_| {
                        common_first
                            || BODY_WORDS.contains(&part.tokens[span.first_token].text.as_str())
                    })
                {
                    let of_that_country = |c: &Candidate| {
                        self.registry.org(c.org).country_code.as_deref() == Some(adjective_country)
                    };
                    if !narrow_or_refuse(
                        &mut group,
                        of_that_country,
                        trace,
                        || "a country's adjective before it names another country's body".into(),
                        "the namesake in the country of the adjective before it was taken",
                    ) {
                        continue;
                    }
                }
                if extends_the_name(
                    input,
                    part,
                    (span.first_token, span.end_token),
                    proper_next,
                    common_first,
                ) {
                    refuse(trace, group.iter().copied(), || {
                        "the words around it make it part of another name".into()
                    });
                    continue;
                }
                // "Yeungnam University College", "The University of Shimane Junior College": a
                // university's name followed by "College" alone, to the end of its part, is another
                // body's.
                let words_after: Vec<&str> = part.tokens
                    [span.end_token..part.core.1.max(span.end_token)]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect();
                if part.tokens[span.end_token - 1].text == "univ"
                    && matches!(words_after.as_slice(), ["coll"] | ["junior", "coll"])
                {
                    refuse(trace, group.iter().copied(), || {
                        "\"College\" after a university's name makes another body's name".into()
                    });
                    continue;
                }
                // "University of Wales Institute", "Washington Hospital Center": one more word of a
                // body, alone to the end of the part, makes another body's name. Not "Foundation":
                // "Cleveland Clinic Foundation" is the clinic's own legal name.
                if matches!(
                    words_after.as_slice(),
                    ["inst" | "ctr" | "lab" | "acad" | "council" | "agcy" | "observ" | "mus"]
                ) && gap_before(input, part, span.end_token).trim().is_empty()
                {
                    refuse(trace, group.iter().copied(), || {
                        "the word of a body after it makes another body's name".into()
                    });
                    continue;
                }
                // "Universitas Dinamika Bangsa" is not the "Universitas Dinamika", unless the words
                // after are the organisation's own ("University of Enna Kore").
                if self.proper_name_after(input, part, (span.first_token, span.end_token)) {
                    let own_words = |c: &Candidate| {
                        self.registry.org(c.org).names.iter().any(|n| {
                            let words = tokenize(&n.value);
                            words_after
                                .iter()
                                .all(|w| words.iter().any(|t| t.text == *w))
                        }) || (code.is_some() && self.city_in_outside(c.org, all_tokens, outside))
                    };
                    if !narrow_or_refuse(
                        &mut group,
                        own_words,
                        trace,
                        || "the proper name after it makes it part of a longer name".into(),
                        "the namesake whose name has the words after it was taken",
                    ) {
                        continue;
                    }
                }
                // "Cancer Council Victoria" is not the Cancer Council in South Australia: a region
                // (state, province) after a name, to the end of its part, names that region's body,
                // unless it is the organisation's own place.
                if span.end_token < part.core.1
                    && part.core.1 - span.end_token <= 3
                    && gap_before(input, part, span.end_token).trim().is_empty()
                    && self.is_region_words(&part.ids[span.end_token..part.core.1])
                    && tandem_countries::country_code_for_name(&slice(
                        input,
                        part.start + part.tokens[span.end_token].start,
                        part.start + part.tokens[part.core.1 - 1].end,
                    ))
                    .is_none()
                    && !narrow_or_refuse(
                        &mut group,
                        |c| self.only_its_place(c.org, &words_after),
                        trace,
                        || "the region after it is not its own: that region's body".into(),
                        "the namesake in the region after it was taken",
                    )
                {
                    continue;
                }
                // "Department of Materials Science and Engineering": common words after a unit word
                // that opens the part are its subject, whatever body has that name ("A Division of
                // Eli Lilly and Company" names one).
                if span.first_token == 1
                    && UNIT_NAME_WORDS.contains(&part.tokens[0].text.as_str())
                    && (span.first_token..span.end_token).all(|t| !self.is_proper_name(part, t))
                {
                    refuse(trace, group.iter().copied(), || {
                        "it is the subject of the unit named before it".into()
                    });
                    continue;
                }
                // "Centre for Vision Research" is not the "Centre for Vision": a centre's, an
                // institute's or a laboratory's name that ends in a common word and that another
                // word continues is a longer name ("Laboratoire de Mathématiques Raphaël Salem",
                // "Institut für Automation und Kommunikation"), unless that word is its city or an
                // acronym ("Ctr Econ Policy Res CEPR"). One that ends in a proper name is whole ("CHU
                // Grenoble Alpes", "Institute for Scientific Interchange Foundation").
                if matches!(
                    part.tokens[span.first_token].text.as_str(),
                    "inst" | "ctr" | "lab"
                ) && span.end_token < part.core.1
                    && {
                        // Not across a dash ("Inserm-Centre d'Étude ...") or before "in" or "at" and
                        // a place ("Institute of Technology and Business in České Budějovice").
                        let gap = gap_before(input, part, span.end_token);
                        !gap.contains(['-', '–', '‐', '—'])
                            && !gap.split_whitespace().any(|w| {
                                w.eq_ignore_ascii_case("in") || w.eq_ignore_ascii_case("at")
                            })
                    }
                    && !self.is_proper_name(part, span.end_token - 1)
                {
                    let rest = &part.tokens[span.end_token..part.core.1];
                    let proper_next = self.starts_proper_name(part, span.end_token);
                    if proper_next && self.is_city_words(&part.ids[span.end_token..part.core.1]) {
                        // Another city ("Laboratoire de Mathématiques d'Orsay" is not the one in
                        // Clermont-Ferrand) names another laboratory.
                        if !narrow_or_refuse(
                            &mut group,
                            |c| self.only_its_city(c.org, rest),
                            trace,
                            || "the city after it is not its own: another body's name".into(),
                            "the namesake in the city after it was taken",
                        ) {
                            continue;
                        }
                    } else if !proper_next || !acronym_at(input, part, span.end_token) {
                        refuse(trace, group.iter().copied(), || {
                            "the words after it make it part of a longer name".into()
                        });
                        continue;
                    }
                }
                // "Breast Cancer Research Foundation" is not the "Breast Cancer Research" (a
                // society's alias): a name of subject words that says no kind of body, followed by
                // a word that does, is the start of that body's name. A school or college is
                // one of the organisation's own ("Penn State College of Medicine").
                if span.end_token < part.core.1
                    && BODY_WORDS.contains(&part.tokens[span.end_token].text.as_str())
                    && !matches!(part.tokens[span.end_token].text.as_str(), "coll" | "sch")
                    && gap_before(input, part, span.end_token).trim().is_empty()
                    && (span.first_token..span.end_token).all(|t| {
                        !BODY_WORDS.contains(&part.tokens[t].text.as_str())
                            && !self.is_proper_name(part, t)
                    })
                {
                    refuse(trace, group.iter().copied(), || {
                        "the words after it make it part of a longer name".into()
                    });
                    continue;
                }
                // "Institute of Ethnology and Folklore Research" is not the "Institute of
                // Ethnology": a name of common words that "and" joins to more subject words, in its
                // part, is the start of a longer name. Another body's name after "and" is another
                // organisation ("Massachusetts General Hospital and Harvard Medical School").
                if span.end_token < part.core.1
                    && part.tokens[span.end_token..part.core.1]
                        .iter()
                        .all(|t| !BODY_WORDS.contains(&t.text.as_str()))
                    && {
                        // "... and the Norwegian Public Roads Administration" starts a name.
                        let gap: Vec<String> = gap_before(input, part, span.end_token)
                            .split(|c: char| !c.is_alphabetic() && c != '&')
                            .map(str::to_lowercase)
                            .collect();
                        gap.iter()
                            .any(|w| matches!(w.as_str(), "and" | "&" | "und" | "et" | "y"))
                            && !gap.iter().any(|w| w == "the")
                    }
                    && (span.first_token..span.end_token).all(|t| !self.is_proper_name(part, t))
                {
                    refuse(trace, group.iter().copied(), || {
                        "\"and\" joins it to more words: a longer name".into()
                    });
                    continue;
                }
                // "Department of Pharmaceutical Technology" is not the "Department of
                // Pharmaceuticals": a name that opens with a unit word must run to the part's end.
                if UNIT_NAME_WORDS.contains(&part.tokens[span.first_token].text.as_str())
                    && span.end_token < part.core.1
                {
                    refuse(trace, group.iter().copied(), || {
                        "a unit's name must run to the end of its part".into()
                    });
                    continue;
                }
            }
            // The city must be named outside the match: "Newcastle University" does not name the
            // city of the University of Newcastle (Australia), nor "Saint Louis University" St. Louis.
            // A withdrawn record's name is placed by that record's city as well as its
            // successor's: "Harvard Medical School, Boston" (Harvard University is in Cambridge).
            let city_agrees = |c: &Candidate| {
                self.city_in_outside(c.org, all_tokens, outside)
                    || (c.form == NameForm::OfWithdrawn
                        && self.city_in_outside(c.owner, all_tokens, outside))
            };
            // A city named by the first words of a namesake's city does not tell them apart:
            // "Newcastle" is the Australian university's city and how addresses write Newcastle
            // upon Tyne's.
            let agreeing: Vec<u32> = group
                .iter()
                .filter(|c| city_agrees(c))
                .map(|c| c.org)
                .collect();
            narrow(
                &mut group,
                |c| {
                    city_agrees(c)
                        || agreeing
                            .iter()
                            .any(|&other| self.city_begins_with_city_of(c.org, other))
                },
                trace,
                "a namesake in the city the address names was taken",
            );
            if let Some(code) = code {
                // Taiwan, Hong Kong and Macao addresses may say China (and the other way round), so
                // the country check lets their organisations in; between namesakes, the country the
                // address names decides ("China Medical University, Taiwan" is the one in Taichung).
                narrow(
                    &mut group,
                    |c| self.registry.org(c.org).country_code.as_deref() == Some(code),
                    trace,
                    "a namesake in the very country the address names was taken",
                );
            }
            narrow(
                &mut group,
                |c| self.registry.org(c.org).status == Status::Active,
                trace,
                "it is no longer active, and an active namesake was taken",
            );
            // "University of Agriculture": one organisation's alias (a former name) and others'
            // names without their city ("The University of Agriculture, Peshawar"). With no country
            // named, the alias does not say which of them the address means. Nor inside a longer
            // part, where the others' names without their city were not taken ("Loyola University
            // Medical Center": Chicago's and New Orleans's, and an alias of the one in Andalusia).
            let name_without_city = |c: &Candidate| {
                c.form == NameForm::WithoutQualifier
                    && matches!(c.name_kind, NameKind::Display | NameKind::Label)
            };
            let aliases_only = group
                .iter()
                .all(|c| c.form == NameForm::Full && c.name_kind == NameKind::Alias);
            if code.is_none()
                && ((group.len() > 1
                    && group
                        .iter()
                        .all(|c| c.form != NameForm::Full || c.name_kind == NameKind::Alias)
                    && group.iter().any(|c| c.form == NameForm::Full)
                    && group.iter().any(|c| name_without_city(c)))
                    || (kind == MatchKind::InsidePart
                        && aliases_only
                        && group_all
                            .iter()
                            .any(|c| name_without_city(c) && group.iter().all(|g| g.org != c.org))))
            {
                refuse(trace, group.iter().copied(), || {
                    "several organisations have this name, and the address names no country".into()
                });
                continue;
            }
            if group.len() > 1 {
                let best = group
                    .iter()
                    .map(|c| (form_rank(c.form), name_rank(c.name_kind)))
                    .min()
                    .unwrap_or((0, 0));
                narrow(
                    &mut group,
                    |c| (form_rank(c.form), name_rank(c.name_kind)) == best,
                    trace,
                    "a namesake has this as its main name and was taken",
                );
            }
            if group.len() > 1 {
                // An alias shared by namesakes: the one whose display name has the matched words.
                let words = span_words(parts, &span);
                let shared = |c: &Candidate| {
                    tokenize(&self.registry.org(c.org).display_name)
                        .iter()
                        .filter(|t| words.contains(&t.text.as_str()))
                        .count()
                };
                let best = group.iter().map(|c| shared(c)).max().unwrap_or(0);
                narrow(
                    &mut group,
                    |c| shared(c) == best,
                    trace,
                    "a namesake's own name has more of these words and was taken",
                );
            }
            if group.len() > 1 {
                // Namesakes where one is the parent of all the others: the string names the parent.
                let parent = group.iter().find(|p| {
                    let p_ror = &self.registry.org(p.org).ror;
                    group.iter().all(|c| {
                        c.org == p.org || self.registry.org(c.org).parents().any(|r| r == p_ror)
                    })
                });
                if let Some(parent) = parent.map(|p| p.org) {
                    narrow(
                        &mut group,
                        |c| c.org == parent,
                        trace,
                        "its parent has the same name and was taken",
                    );
                }
            }
            if group.len() > 1 && code.is_none() {
                // Namesakes in different countries and a string that names none: the far better
                // connected one (by ROR relationships) is the likelier reading.
                if let Some(best) = self.far_best_connected(&group) {
                    narrow(
                        &mut group,
                        |c| c.org == best,
                        trace,
                        "a far better connected namesake was taken",
                    );
                }
            }
            if group.len() > 1 {
                let sharing = group.len();
                refuse(trace, group.iter().copied(), || {
                    format!(
                        "{sharing} organisations have this {}, and the address does not tell them apart",
                        if kind == MatchKind::Acronym {
                            "acronym"
                        } else {
                            "name"
                        }
                    )
                });
                if kind == MatchKind::Acronym {
                    // Acronyms are shared widely; only a unique one counts, and listing the rest helps
                    // no one.
                    continue;
                }
                result.ambiguous.push(Ambiguity {
                    substring: slice(input, group[0].start, group[0].end),
                    candidates: group
                        .iter()
                        .map(|c| self.registry.org(c.org).ror_url())
                        .collect(),
                    start: group[0].start,
                    end: group[0].end,
                });
                continue;
            }
            let mut chosen = group[0].clone();
            // A name shared by a university system and its campuses ("University of California"):
            // the campus whose city the string names, or no guess. An acronym of the system
            // ("SUNY Albany") gives the campus too, and otherwise stays the system's.
            if is_system(self.registry.org(chosen.org)) {
                let org = self.registry.org(chosen.org);
                let campuses: Vec<u32> = org
                    .children()
                    .filter_map(|r| self.registry.index_of(r))
                    .filter(|&i| {
                        let campus = self.registry.org(i);
                        // A campus in the system's own city counts only when the string does not
                        // name the system itself ("Texas A&M University System, College Station").
                        (chosen.name_kind != NameKind::Display
                            || campus.cities.iter().all(|c| !org.cities.contains(c)))
                            && campus.types.iter().any(|t| t == "education")
                            && self.city_in(i, all_tokens)
                            && code.is_none_or(|code| {
                                same_region(campus.country_code.as_deref(), code)
                            })
                    })
                    .collect();
                if let [campus] = campuses[..] {
                    chosen.org = campus;
                    chosen.name_kind = NameKind::Alias;
                } else if chosen.kind != MatchKind::Acronym && chosen.name_kind != NameKind::Display
                {
                    refuse(trace, [&chosen], || {
                        "a university system's name, and the string names none of its campuses' cities"
                            .into()
                    });
                    result.ambiguous.push(Ambiguity {
                        substring: slice(input, chosen.start, chosen.end),
                        candidates: org
                            .children()
                            .map(|r| format!("https://ror.org/{r}"))
                            .collect(),
                        start: chosen.start,
                        end: chosen.end,
                    });
                    continue;
                }
            }
            let chosen = &chosen;
            let agrees = city_agrees(chosen);
            // "Universidad Gran Asunción (UNIGRAN)": an acronym in brackets after a body's name is
            // that body's; it is not another organisation's whose names share no word with it.
            if kind == MatchKind::Acronym && self.acronym_of_another_name(input, parts, chosen) {
                refuse(trace, [chosen], || {
                    "it is in brackets after another body's name".into()
                });
                continue;
            }
            // The same acronym stands alone, beside nothing but its country ("IAEA, Austria").
            let acronym_alone = kind == MatchKind::Acronym
                && span.end_token >= parts[span.first_part].core.1
                && parts.len() == 2
                && country.strict
                && code.is_some()
                && parts
                    .iter()
                    .enumerate()
                    .all(|(pi, p)| pi == span.first_part || part_is_country(input, p));
            if kind == MatchKind::Acronym
                && !acronym_alone
                && !acronym_names_one
                && !acronym_in_its_city
                && !acronym_dominant
                && (!agrees || code.is_none())
            {
                // An acronym alone is weak evidence: it must be unique in the country and the string
                // must name the organisation's city.
                refuse(trace, [chosen], || {
                    "an acronym needs the organisation's country and city named".into()
                });
                continue;
            }
            // Without a country, a part that is just a city places the organisation: "Institute of
            // Education, London" is not the Lisbon institute of that English label, nor "St Paul's
            // College, Grahamstown" the one in Kerala. Only a display name with no namesake stands
            // against it.
            // An institute's, centre's, laboratory's or ministry's name of common words is placed
            // by the city even with the country named: "Institute of Pathology, Berlin, Germany" is
            // not the Munich institute of that label, nor "Ministère de la Santé, Regina" Ontario's.
            // A national institute works in many cities ("Istituto Nazionale di Fisica Nucleare,
            // Sezione di Padova, Padova").
            let common_words_name = span.first_part == span.last_part && {
                let part = &parts[span.first_part];
                matches!(
                    part.tokens[span.first_token].text.as_str(),
                    "inst" | "ctr" | "lab" | "minist"
                ) && (span.first_token..span.end_token)
                    .all(|t| !self.is_proper_name(part, t) && part.tokens[t].text != "natl")
            };
            if (code.is_none() || common_words_name)
                && !agrees
                && !self.registry.org(chosen.org).cities.is_empty()
                && (chosen.name_kind != NameKind::Display
                    || group_all.len() > 1
                    || common_words_name)
                && parts.iter().enumerate().any(|(pi, p)| {
                    (pi < span.first_part || pi > span.last_part)
                        && self.part_is_city(p)
                        && !part_is_country(input, p)
                })
            {
                refuse(trace, [chosen], || {
                    "the address names another city, and no country".into()
                });
                continue;
            }
            // "Mindanao State University – General Santos": a city joined to the name by a dash
            // names a campus, which is not the organisation where the city is not its own.
            if !agrees
                && parts.get(span.last_part + 1).is_some_and(|next| {
                    is_dash(gap_between(input, &parts[span.last_part], next))
                        && self.part_is_city(next)
                        && !part_is_country(input, next)
                        && !self.only_its_city(chosen.org, &next.tokens[next.core.0..next.core.1])
                })
            {
                refuse(trace, [chosen], || {
                    "a dash joins another city to its name: a campus there".into()
                });
                continue;
            }
            // "Centro Universitario de la Defensa, San Javier" is not the Zaragoza centre's name
            // without its city, nor "University of Arkansas, Fayetteville" Little Rock's: a name cut
            // short (of its city, its acronym, ...) names no one where the address names another
            // city. A city the name itself writes is no other ("Zurich University of Applied
            // Sciences (ZHAW), Zurich", in Winterthur).
            // But a name cut of its own city ("Auburn University at Montgomery") names no one where
            // the address names the city the rest of it writes ("Auburn University, Auburn").
            if chosen.form == NameForm::WithoutQualifier && !agrees && {
                let name_words = span_words(parts, &span);
                let mut cut_of_its_city = None;
                parts.iter().enumerate().any(|(pi, p)| {
                    (pi < span.first_part || pi > span.last_part)
                        && self.part_is_city(p)
                        && !part_is_country(input, p)
                        && (!p.tokens[p.core.0..p.core.1]
                            .iter()
                            .all(|t| name_words.contains(&t.text.as_str()))
                            || *cut_of_its_city
                                .get_or_insert_with(|| self.cut_of_its_city(chosen, &name_words)))
                })
            } {
                refuse(trace, [chosen], || {
                    "its name without its city, and the address names another city".into()
                });
                continue;
            }
            // "ICFAI University, Tripura" is not ICFAI University, Dehradun: a name cut of its city
            // names no one where the address names another region of its country.
            if chosen.form == NameForm::WithoutQualifier
                && !agrees
                && let Some(country) = self.registry.org(chosen.org).country_code.as_deref()
                && parts.iter().enumerate().any(|(pi, p)| {
                    (pi < span.first_part || pi > span.last_part)
                        && self.part_is_another_region(input, p, chosen.org, country)
                })
            {
                refuse(trace, [chosen], || {
                    "its name without its city, and the address names another region".into()
                });
                continue;
            }
            // "University of Houston" is not the name of the University of Houston–Victoria cut of
            // its city: what is left still names a city, whose own body it is.
            if chosen.form == NameForm::WithoutQualifier
                && !agrees
                && self.names_another_city(parts, &span, chosen.org)
                && self.cut_of_its_city(chosen, &span_words(parts, &span))
            {
                refuse(trace, [chosen], || {
                    "its name without its city names another city: that city's body".into()
                });
                continue;
            }
            accepted.push(Accepted {
                candidate: chosen.clone(),
                country_agrees: code.map(|_| true),
                city_agrees: agrees,
            });
        }
        accepted
    }

    /// True when the acronym `c` stands in brackets right after a part that names a body
    /// ("Universidad Gran Asunción (UNIGRAN)") whose proper words none of the organisation's names
    /// write.
    fn acronym_of_another_name(&self, input: &str, parts: &[Part], c: &Candidate) -> bool {
        let pi = c.span.first_part;
        let Some(before) = pi.checked_sub(1).map(|i| &parts[i]) else {
            return false;
        };
        if gap_between(input, before, &parts[pi]).trim() != "("
            || !before
                .tokens
                .iter()
                .any(|t| BODY_WORDS.contains(&t.text.as_str()))
        {
            return false;
        }
        let proper: Vec<&str> = before
            .tokens
            .iter()
            .map(|t| t.text.as_str())
            .filter(|w| !GENERIC.contains(w) && w.chars().count() > 2)
            .collect();
        if proper.is_empty() {
            return false;
        }
        !self
            .registry
            .org(c.org)
            .names
            .iter()
            .flat_map(|n| tokenize(&n.value))
            .any(|t| proper.contains(&t.text.as_str()))
    }

    /// True when the span's words write another city (one to three words) of `org`'s country, which
    /// is not also a region's name there ("Washington", "North Carolina").
    fn names_another_city(&self, parts: &[Part], span: &Span, org: u32) -> bool {
        let Some(country) = self.registry.org(org).country_code.as_deref() else {
            return false;
        };
        span_token_ranges(parts, span).any(|(part, tokens)| {
            tokens.clone().any(|from| {
                (from + 1..=(from + 3).min(tokens.end)).any(|to| {
                    let ids = &part.ids[from..to];
                    !ids.contains(&UNKNOWN)
                        && self.registry.is_city_in(hash_ids(ids), country)
                        && (from.saturating_sub(1)..=from).all(|region_from| {
                            !self
                                .registry
                                .is_region_in(hash_ids(&part.ids[region_from..to]), country)
                        })
                        && !self.only_its_city(org, &part.tokens[from..to])
                })
            })
        })
    }

    /// True when the full name of a candidate found without its qualifier writes the organisation's
    /// own city in the words the match left out ("at Montgomery").
    fn cut_of_its_city(&self, c: &Candidate, matched_words: &[&str]) -> bool {
        let Some(full) = self.registry.org(c.owner).names.get(c.name as usize) else {
            return false;
        };
        let left_out: Vec<String> = tokenize(&full.value)
            .into_iter()
            .map(|t| t.text)
            .filter(|w| !matched_words.contains(&w.as_str()))
            .collect();
        self.registry
            .city_keys(c.org)
            .iter()
            .any(|city| !city.is_empty() && city.iter().all(|w| left_out.contains(w)))
    }

    /// Of several candidates, the one with far more ROR relationships than any other (at least
    /// twice as many, and three more), if there is one.
    fn far_best_connected(&self, group: &[&Candidate]) -> Option<u32> {
        let links = |c: &Candidate| self.registry.org(c.org).relationships.len();
        let best = group.iter().max_by_key(|c| links(c))?;
        let runner_up = group
            .iter()
            .filter(|c| c.org != best.org)
            .map(|c| links(c))
            .max()
            .unwrap_or(0);
        let most = links(best);
        (most >= 2 * runner_up && most >= runner_up + 3).then_some(best.org)
    }

    /// True when `org` is the ROR parent of every other candidate in `group`.
    fn parent_of_all(&self, org: u32, group: &[Candidate]) -> bool {
        let ror = &self.registry.org(org).ror;
        group
            .iter()
            .all(|c| c.org == org || self.registry.org(c.org).parents().any(|p| p == ror))
    }

    /// Without a country to check, only a match that stands on its own is kept: a whole part, or a
    /// name inside a part that is long or names a body ("Tohoku University").
    fn trusted_without_country(&self, c: &Candidate, parts: &[Part]) -> bool {
        match c.kind {
            MatchKind::WholePart | MatchKind::AdjacentParts => true,
            MatchKind::Acronym => false,
            MatchKind::InsidePart => {
                let part = &parts[c.span.first_part];
                let words = &part.tokens[c.span.first_token..c.span.end_token];
                let distinctive = words
                    .iter()
                    .filter(|t| !GENERIC.contains(t.text.as_str()))
                    .count();
                let body = words.iter().any(|t| BODY_WORDS.contains(&t.text.as_str()));
                distinctive >= 1 && (body || words.len() >= 3)
            }
        }
    }

    /// Keeps the most specific matches and picks the main organisation of the address.
    fn choose(
        &self,
        input: &str,
        mut accepted: Vec<Accepted>,
        parts: &[Part],
        country: &AddressCountry,
        result: &mut MatchResult,
        trace: &mut Trace<'_>,
    ) {
        if accepted.is_empty() {
            return;
        }
        // A withdrawn record's name stands in for its successor only when nothing else is named: the
        // "Johns Hopkins University" in "Johns Hopkins University School of Medicine" wins over it.
        if accepted
            .iter()
            .any(|a| a.candidate.form != NameForm::OfWithdrawn)
        {
            refuse(
                trace,
                accepted
                    .iter()
                    .map(|a| &a.candidate)
                    .filter(|c| c.form == NameForm::OfWithdrawn),
                || "a withdrawn record's name, and the string names another organisation".into(),
            );
            accepted.retain(|a| a.candidate.form != NameForm::OfWithdrawn);
        }
        // Most specific first: a longer match hides any shorter one inside it.
        accepted.sort_by_key(|a| {
            (
                std::cmp::Reverse(a.candidate.len),
                kind_rank(a.candidate.kind),
                a.candidate.span,
            )
        });
        let mut kept: Vec<Accepted> = Vec::new();
        for a in accepted {
            if kept
                .iter()
                .any(|k| k.candidate.span.contains(&a.candidate.span))
            {
                refuse(trace, [&a.candidate], || {
                    "it is inside a longer name that was taken".into()
                });
                continue;
            }
            // A shorter name overlapping a longer one ("... University Hospital" over "University
            // Hospital ...") loses too.
            if kept
                .iter()
                .any(|k| k.candidate.span.overlaps(&a.candidate.span))
            {
                refuse(trace, [&a.candidate], || {
                    "it overlaps a longer name that was taken".into()
                });
                continue;
            }
            kept.push(a);
        }
        // A unit with a generic name ("Department of Mathematical Sciences", "Institute of
        // Pathology") belongs to some parent: without that parent or its city in the string, the
        // name is another body's.
        let found: Vec<u32> = kept.iter().map(|k| k.candidate.org).collect();
        // A unit of some parent the string does not name.
        let parent_unnamed = |org: &Organization| {
            org.parents().next().is_some()
                && !org.parents().any(|p| {
                    self.registry
                        .index_of(p)
                        .is_some_and(|i| found.contains(&i))
                })
        };
        let unit_placed = |k: &Accepted| {
            let org = self.registry.org(k.candidate.org);
            let first_word =
                &parts[k.candidate.span.first_part].tokens[k.candidate.span.first_token].text;
            let unit = UNIT_NAME_WORDS.contains(&first_word.as_str());
            !unit || !parent_unnamed(org) || k.city_agrees
        };
        refuse(
            trace,
            kept.iter()
                .filter(|k| !unit_placed(k))
                .map(|k| &k.candidate),
            || "a unit whose parent the string does not name, away from its city".into(),
        );
        kept.retain(unit_placed);
        // With no country named, a unit of an unnamed parent whose name is common words only
        // ("Institute of Human Genetics"), in another country than every name with a proper word in
        // the string ("..., University of Bonn"), is a namesake's: the address is where the
        // distinctive name is.
        if country.code.is_none() {
            let common_only = |k: &Accepted| {
                parent_unnamed(self.registry.org(k.candidate.org))
                    && !self.has_proper_word(parts, &k.candidate.span)
            };
            let country_of = |k: &Accepted| self.registry.org(k.candidate.org).country_code.clone();
            // A name left ambiguous still places the address among its holders' countries
            // ("Cardiovascular Research Institute, University of California").
            let ambiguous_countries = result.ambiguous.iter().flat_map(|a| {
                a.candidates.iter().filter_map(|url| {
                    let ror = url.trim_start_matches("https://ror.org/");
                    let org = self.registry.index_of(ror)?;
                    Some(self.registry.org(org).country_code.clone())
                })
            });
            let distinctive: Vec<Option<String>> = kept
                .iter()
                .filter(|k| self.has_proper_word(parts, &k.candidate.span))
                .map(country_of)
                .chain(ambiguous_countries)
                .collect();
            if !distinctive.is_empty() {
                let placed = |k: &Accepted| !common_only(k) || distinctive.contains(&country_of(k));
                refuse(
                    trace,
                    kept.iter().filter(|k| !placed(k)).map(|k| &k.candidate),
                    || {
                        "a name of common words, in another country than the string's other names"
                            .into()
                    },
                );
                kept.retain(placed);
            }
        }
        if kept.is_empty() {
            return;
        }
        // "Charité – Universitätsmedizin Berlin, corporate member of Freie Universität Berlin and
        // Humboldt-Universität zu Berlin": what comes after "member of" are bodies the affiliation
        // belongs to. While an organisation is named outside them, none of them is the main one.
        let member_of = member_of_at(input, parts[0].start);
        let umbrella = |k: &Accepted| member_of.is_some_and(|at| k.candidate.start >= at);
        let all_umbrellas = kept.iter().all(umbrella);
        let may_be_primary = |k: &Accepted| all_umbrellas || !umbrella(k);
        let mut primary = kept
            .iter()
            .enumerate()
            .filter(|(_, k)| may_be_primary(k))
            .max_by(|(_, a), (_, b)| self.salience(a, parts).total_cmp(&self.salience(b, parts)))
            .map(|(i, _)| i)
            .unwrap_or(0);
        // A unit and its parent both named: the affiliation is the parent's ("Tongji Hospital, ...,
        // Huazhong University of Science and Technology").
        for _ in 0..2 {
            let org = self.registry.org(kept[primary].candidate.org);
            let parent = kept.iter().position(|k| {
                may_be_primary(k)
                    && org
                        .parents()
                        .any(|p| p == self.registry.org(k.candidate.org).ror)
            });
            match parent {
                Some(p) => primary = p,
                None => break,
            }
        }
        let primary_org = kept[primary].candidate.org;
        let primary_span = kept[primary].candidate.span;
        for (i, a) in kept.into_iter().enumerate() {
            let is_primary = i == primary;
            if !is_primary
                && !self.named_beside(&a, primary_org)
                && !self.joined_by_and(input, parts, &a, primary_span, primary_org)
            {
                refuse(trace, [&a.candidate], || {
                    if self.related(a.candidate.org, primary_org) {
                        format!(
                            "the address is {}'s, which it is related to",
                            self.registry.org(primary_org).display_name
                        )
                    } else {
                        format!(
                            "the address is {}'s, and this is not named on its own beside it",
                            self.registry.org(primary_org).display_name
                        )
                    }
                });
                continue;
            }
            let c = &a.candidate;
            let org = self.registry.org(c.org);
            let mut confidence = c.kind.base_confidence(c.name_kind);
            if c.form != NameForm::Full {
                confidence -= 0.05;
            }
            if a.country_agrees.is_none() {
                confidence *= 0.9;
            } else if !country.strict {
                confidence *= 0.95;
            }
            if c.kind == MatchKind::InsidePart && a.city_agrees {
                confidence += 0.05;
            }
            if org.status != Status::Active {
                confidence *= 0.9;
            }
            if span_token_ranges(parts, &c.span).any(|(p, range)| p.misspelt[range].contains(&true))
            {
                confidence *= 0.9;
            }
            // The name that matched: the record's own, or a withdrawn record's, which is named too.
            // A match moved to a parent or a campus, or an acronym, shows that organisation's first
            // name of its kind.
            let owner = self.registry.org(c.owner);
            let own_name = (c.owner == c.org || c.form == NameForm::OfWithdrawn)
                .then(|| owner.names.get(c.name as usize))
                .flatten()
                .filter(|_| c.name != NO_NAME);
            let matched_name = match own_name {
                Some(name) => name.value.clone(),
                None => org
                    .names
                    .iter()
                    .find(|n| n.kinds.contains(&c.name_kind))
                    .map(|n| n.value.clone())
                    .unwrap_or_else(|| org.display_name.clone()),
            };
            let withdrawn_record = (c.form == NameForm::OfWithdrawn).then(|| owner.ror_url());
            let list = if is_primary {
                &mut result.matches
            } else {
                &mut result.also_named
            };
            list.push(OrganizationMatch {
                ror: org.ror_url(),
                name: org.display_name.clone(),
                country_code: org.country_code.clone(),
                status: org.status,
                confidence: (confidence.min(1.0) * 100.0).round() / 100.0,
                substring: slice(input, c.start, c.end),
                start: c.start,
                end: c.end,
                kind: c.kind,
                matched_name,
                name_kind: c.name_kind,
                shortened: matches!(
                    c.form,
                    NameForm::WithoutQualifier | NameForm::WithoutCountry(_)
                ),
                withdrawn_record,
                country_agrees: a.country_agrees,
                city_agrees: a.city_agrees,
                primary: is_primary,
            });
        }
    }

    /// How strongly a match reads as the organisation the address is about (higher is more).
    fn salience(&self, a: &Accepted, parts: &[Part]) -> f64 {
        let c = &a.candidate;
        let org = self.registry.org(c.org);
        let mut score = match c.kind {
            MatchKind::WholePart | MatchKind::AdjacentParts => 3.0,
            MatchKind::InsidePart => 2.0,
            MatchKind::Acronym => 1.0,
        };
        if matches!(c.name_kind, NameKind::Display | NameKind::Label) {
            score += 0.25;
        }
        if org.types.iter().any(|t| t == "education") {
            score += 1.0;
        }
        if a.city_agrees {
            score += 0.25;
        }
        if org.status == Status::Active {
            score += 0.5;
        }
        // Later parts name larger bodies ("Department, Institute, University").
        score += 0.5 * c.span.last_part as f64 / parts.len().max(1) as f64;
        score
    }

    /// Whether a second organisation in the same address is named in its own right: a whole part (or
    /// adjacent parts) that is its display name or a label, not a unit or parent of the main one.
    fn named_beside(&self, a: &Accepted, primary: u32) -> bool {
        let c = &a.candidate;
        if !matches!(c.kind, MatchKind::WholePart | MatchKind::AdjacentParts)
            || c.form != NameForm::Full
        {
            return false;
        }
        if !matches!(c.name_kind, NameKind::Display | NameKind::Label) {
            return false;
        }
        !self.related(c.org, primary)
    }

    /// Whether a second organisation is named by its own full name right after the main one's in the
    /// same part, with "and" between: "Brigham and Women's Hospital and Dana-Farber Cancer Institute".
    fn joined_by_and(
        &self,
        input: &str,
        parts: &[Part],
        a: &Accepted,
        primary: Span,
        primary_org: u32,
    ) -> bool {
        let c = &a.candidate;
        let span = c.span;
        if c.kind != MatchKind::InsidePart
            || c.form != NameForm::Full
            || !matches!(c.name_kind, NameKind::Display | NameKind::Label)
            || span.first_part != span.last_part
            || primary.last_part != span.first_part
            || primary.end_token > span.first_token
            || span.end_token != parts[span.first_part].core.1
            || self.related(c.org, primary_org)
        {
            return false;
        }
        let part = &parts[span.first_part];
        let between = slice(
            input,
            part.start + part.tokens[primary.end_token - 1].end,
            part.start + part.tokens[span.first_token].start,
        );
        let words: Vec<String> = between
            .split(|c: char| !c.is_alphanumeric() && c != '&')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words == ["and"] || words == ["&"]
    }

    /// True when a word of a part reads as a proper name rather than a subject ("Hutchinson",
    /// "Aligarh", "Minneapolis" rather than "Nutrition" or "Pathology"): few organisations use it in
    /// their names, or it is a city or a country.
    fn is_proper_name(&self, part: &Part, token: usize) -> bool {
        let id = part.ids[token];
        id == UNKNOWN
            || self.registry.word_frequency(id) < 15
            || (self.registry.is_city(hash_ids(&[id]))
                && !self.town_written_long(part, token..token + 1))
            || tandem_countries::country_code_for_name(&part.tokens[token].text).is_some()
    }

    /// True when one to three capitalised words, each a proper name but neither a place nor an
    /// acronym, follow the name with only a space between and end its part, or end where acronyms
    /// close it ("Universitas Dinamika Bangsa", "Institute of Earth Sciences Jaume Almera",
    /// "Université Paris Dauphine-PSL"): they are the end of a longer name.
    fn proper_name_after(&self, input: &str, part: &Part, (first, end): (usize, usize)) -> bool {
        let rest = end..part.core.1;
        // "Laboratoire de Biochimie Théorique": so does an adjective alone after a body's name, as
        // French and Spanish write them.
        let body_name = BODY_WORDS.contains(&part.tokens[first].text.as_str());
        if rest.is_empty() || rest.len() > 3 || !gap_before(input, part, end).trim().is_empty() {
            return false;
        }
        // A place right after it ("... Miami Coral Gables Florida") places the name. After proper
        // words, a place ends the longer name ("Escuela Normal Fronteriza Tijuana").
        let place = (rest.start + 1..=rest.end).any(|to| {
            self.is_city_words(&part.ids[rest.start..to])
                || (to - rest.start <= 2 && us_state_ends_at(input, part, to))
        });
        // Acronyms may close them, joined by a space or a hyphen ("Université Paris Dauphine-PSL").
        let mut words_end = rest.end;
        while words_end > rest.start + 1 && acronym_at(input, part, words_end - 1) {
            words_end -= 1;
        }
        !place
            && (rest.start..words_end).all(|t| {
                let token = &part.tokens[t];
                let word = slice(input, part.start + token.start, part.start + token.end);
                // "TaTU", "GovAI": capitals inside a word make an acronym.
                let capitalised = word.chars().next().is_some_and(char::is_uppercase)
                    && !acronym_at(input, part, t);
                let id = part.ids[t];
                let adjective_alone = body_name && rest.len() == 1 && is_adjective(&word);
                capitalised
                    && !word.chars().any(|c| c.is_ascii_digit())
                    && (id == UNKNOWN || self.registry.word_frequency(id) < 15 || adjective_alone)
                    && tandem_countries::country_code_for_name(&token.text).is_none()
                    && !UNIT_WORDS.contains(&token.text.as_str())
                    && !BODY_WORDS.contains(&token.text.as_str())
                    // Words joined by a hyphen or a dash are one ("Franche-Comté", "Hardin–Baylor").
                    && (t + 1 == part.core.1 || {
                        let gap = gap_before(input, part, t + 1);
                        gap.trim().is_empty() || is_dash(gap)
                    })
            })
    }

    /// True when one to three capitalised words, none of them a unit's, a body's, a country's or an
    /// acronym, open the part and run into a name that opens with a body word ("Lusíada University of
    /// Lisbon", "Research Institute for Local Government"): with the country and city named, these
    /// are still the start of a longer name, not an address that lost its commas.
    fn capitalised_words_before(&self, input: &str, part: &Part, first: usize) -> bool {
        let before = part.core.0..first;
        !before.is_empty()
            && before.len() <= 3
            && BODY_WORDS.contains(&part.tokens[first].text.as_str())
            && before.clone().all(|t| {
                let token = &part.tokens[t];
                let word = slice(input, part.start + token.start, part.start + token.end);
                word.chars().next().is_some_and(char::is_uppercase)
                    && word.chars().any(char::is_lowercase)
                    && tandem_countries::country_code_for_adjective(&token.text).is_none()
                    && tandem_countries::country_code_for_name(&token.text).is_none()
                    && !UNIT_WORDS.contains(&token.text.as_str())
                    && !UNIT_NAME_WORDS.contains(&token.text.as_str())
                    && !BODY_WORDS.contains(&token.text.as_str())
                    && (t + 1 == first || gap_before(input, part, t + 1).trim().is_empty())
            })
            && gap_before(input, part, first).trim().is_empty()
    }

    /// True when these words, all of them known, are a region's name (a state, a province).
    fn is_region_words(&self, ids: &[u32]) -> bool {
        !ids.is_empty() && !ids.contains(&UNKNOWN) && self.registry.is_region(hash_ids(ids))
    }

    /// True when these words, all of them known, are a city's name.
    fn is_city_words(&self, ids: &[u32]) -> bool {
        !ids.is_empty() && !ids.contains(&UNKNOWN) && self.registry.is_city(hash_ids(ids))
    }

    /// True when a word of the span is a proper name.
    fn has_proper_word(&self, parts: &[Part], span: &Span) -> bool {
        span_token_ranges(parts, span)
            .any(|(part, mut tokens)| tokens.any(|t| self.starts_proper_name(part, t)))
    }

    /// True when the word at `token` is a proper name or starts a two-word city ("Kansas City").
    fn starts_proper_name(&self, part: &Part, token: usize) -> bool {
        self.is_proper_name(part, token)
            || part.ids.get(token..token + 2).is_some_and(|pair| {
                self.is_city_words(pair) && !self.town_written_long(part, token..token + 2)
            })
    }

    /// True when the common words before a name that opens with a generic word ("Department of
    /// Medicine University of Toronto Toronto Ontario") are a unit's subject, not the start of a
    /// longer name: the part opens with a unit word, or the string names the organisation's city
    /// apart from the name; and no word before is a proper name or a body's.
    fn subject_before(
        &self,
        part: &Part,
        first: usize,
        group: &[&Candidate],
        tokens: &[&str],
        outside: (usize, usize),
    ) -> bool {
        first > 0
            && !self.is_proper_name(part, first - 1)
            && !part.tokens[..first]
                .iter()
                .any(|t| BODY_WORDS.contains(&t.text.as_str()))
            && (UNIT_NAME_WORDS.contains(&part.tokens[0].text.as_str())
                || group
                    .iter()
                    .any(|c| self.city_in_outside(c.org, tokens, outside)))
    }

    /// True when one of the organisation's cities appears, as whole words, among the string's tokens
    /// outside the token range `skip` (the match itself).
    fn city_in_outside(&self, org: u32, tokens: &[&str], skip: (usize, usize)) -> bool {
        self.registry.city_keys(org).iter().any(|city| {
            !city.is_empty()
                && tokens.windows(city.len()).enumerate().any(|(i, w)| {
                    (i + city.len() <= skip.0 || i >= skip.1)
                        && w.iter().zip(city).all(|(a, b)| *a == b.as_str())
                })
        })
    }

    /// True when one of `org`'s cities begins with the whole of one of `other`'s, word for word:
    /// Newcastle upon Tyne begins with Newcastle.
    fn city_begins_with_city_of(&self, org: u32, other: u32) -> bool {
        self.registry.city_keys(org).iter().any(|city| {
            self.registry.city_keys(other).iter().any(|prefix| {
                !prefix.is_empty() && prefix.len() < city.len() && city.starts_with(prefix)
            })
        })
    }

    /// True when the part right after the span, after a dash, is, to the word, a region (state,
    /// province) of `country` that is not the organisation's own place, nor a city: "Brigham Young
    /// University - Idaho".
    fn region_after_dash(
        &self,
        input: &str,
        parts: &[Part],
        span: &Span,
        org: u32,
        country: &str,
    ) -> bool {
        let Some(p) = parts.get(span.last_part + 1) else {
            return false;
        };
        let name_part = &parts[span.last_part];
        let after_name = name_part.start + name_part.tokens.last().map_or(0, |t| t.end);
        span.end_token == name_part.core.1
            // Only dropped words ("SA", "Inc.") may stand between the name and the dash.
            && input[after_name..p.start]
                .trim_end()
                .ends_with(['-', '–', '‐', '—'])
            && self.part_is_another_region(input, p, org, country)
    }

    /// True when the part is, to the word, a region (state, province) of `country` that is not the
    /// organisation's own place, nor a city or a country.
    fn part_is_another_region(&self, input: &str, p: &Part, org: u32, country: &str) -> bool {
        let core = &p.ids[p.core.0..p.core.1];
        !core.is_empty()
            && !core.contains(&UNKNOWN)
            && self.registry.is_region_in(hash_ids(core), country)
            && !self.registry.is_city(hash_ids(core))
            && !part_is_country(input, p)
            && {
                let words: Vec<&str> = p.tokens[p.core.0..p.core.1]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect();
                !self.only_its_place(org, &words)
            }
    }

    /// True when the span is a whole part that follows a part naming a city and precedes the last
    /// part, which names a country: "Hasselt, Limburg, Belgium".
    fn in_region_slot(&self, input: &str, parts: &[Part], span: &Span) -> bool {
        let p = span.first_part;
        span.last_part == p
            && p > 0
            && p + 2 == parts.len()
            && self.part_is_city(&parts[p - 1])
            && part_is_country(input, &parts[p + 1])
    }

    /// True when the part, without its footnote numbers, is a city some organisation is in.
    fn part_is_city(&self, p: &Part) -> bool {
        !p.company
            && self.is_city_words(&p.ids[p.core.0..p.core.1])
            && !self.town_written_long(p, p.core.0..p.core.1)
    }

    /// True when a word of the range is a town's name only as a short form and is written long:
    /// "Molecular" reads "mol", as "Mol" does, but names no town.
    fn town_written_long(&self, p: &Part, mut range: std::ops::Range<usize>) -> bool {
        range.any(|t| p.tokens[t].long_form && self.registry.is_city(hash_ids(&p.ids[t..t + 1])))
    }

    /// True when `tokens` are, word for word, one of the organisation's cities.
    fn only_its_city(&self, org: u32, tokens: &[Token]) -> bool {
        self.registry.city_keys(org).iter().any(|city| {
            city.len() == tokens.len() && city.iter().zip(tokens).all(|(c, t)| *c == t.text)
        })
    }

    /// True when `words` are, word for word, the organisation's own city or region.
    fn only_its_place(&self, org: u32, words: &[&str]) -> bool {
        let same = |place: &[String]| {
            place.len() == words.len() && place.iter().zip(words).all(|(a, b)| a == b)
        };
        self.registry.city_keys(org).iter().any(|city| same(city))
            || self
                .registry
                .org(org)
                .region
                .as_deref()
                .is_some_and(|region| {
                    let region: Vec<String> =
                        tokenize(region).into_iter().map(|t| t.text).collect();
                    same(&region)
                })
    }

    /// The parent a branch's name without its city stands for, when the string does not name the
    /// branch's city: the parent whose name and acronym are those words ("German Cancer Research
    /// Center (DKFZ)" of "German Cancer Research Center (DKFZ) Dresden").
    fn parent_named_by(&self, org: u32, words: &[&str]) -> Option<u32> {
        self.registry
            .org(org)
            .parents()
            .filter_map(|r| self.registry.index_of(r))
            .find(|&p| {
                let parent = self.registry.org(p);
                let acronyms: Vec<String> = parent
                    .names
                    .iter()
                    .filter(|n| n.kinds.contains(&NameKind::Acronym))
                    .flat_map(|n| tokenize(&n.value))
                    .map(|t| t.text)
                    .collect();
                parent
                    .names
                    .iter()
                    .filter(|n| !n.kinds.contains(&NameKind::Acronym))
                    .any(|n| {
                        let name = tokenize(&n.value);
                        words.len() == name.len() + 1
                            && name.iter().zip(words).all(|(a, b)| a.text == *b)
                            && acronyms.iter().any(|a| a == words[name.len()])
                    })
            })
    }

    /// True when one of the organisation's cities appears, as whole words, among the string's tokens.
    fn city_in(&self, org: u32, tokens: &[&str]) -> bool {
        self.registry.city_keys(org).iter().any(|city| {
            !city.is_empty()
                && tokens
                    .windows(city.len())
                    .any(|w| w.iter().zip(city).all(|(a, b)| *a == b.as_str()))
        })
    }

    fn related(&self, a: u32, b: u32) -> bool {
        let (oa, ob) = (self.registry.org(a), self.registry.org(b));
        let linked = |x: &Organization, y: &Organization| {
            x.relationships.iter().any(|r| {
                r.ror == y.ror
                    && matches!(
                        r.kind,
                        RelationKind::Parent | RelationKind::Child | RelationKind::Related
                    )
            })
        };
        linked(oa, ob) || linked(ob, oa)
    }

    /// A country the address ends with although the resolver would not commit to it: "Tohoku
    /// University Sendai Japan". Only the last part is read, and "New ..." is a place name, not the
    /// country ("New Mexico", "University of New England").
    fn loose_country(&self, input: &str, parts: &[Part]) -> AddressCountry {
        let none = AddressCountry {
            code: None,
            strict: false,
            loose_at: None,
        };
        let Some((pi, part)) = parts.iter().enumerate().next_back() else {
            return none;
        };
        let n = part.core.1;
        for take in (1..=3.min(n)).rev() {
            let first = n - take;
            let text = slice(
                input,
                part.start + part.tokens[first].start,
                part.start + part.tokens[n - 1].end,
            );
            if let Some(code) = tandem_countries::country_code_for_name(&text) {
                let after_new = first > 0 && part.tokens[first - 1].text == "new";
                if after_new || take == n && pi == 0 {
                    return none;
                }
                return AddressCountry {
                    code: Some(code),
                    strict: false,
                    loose_at: Some((pi, first, n)),
                };
            }
        }
        none
    }

    fn split_parts(&self, input: &str, start: usize, end: usize) -> Vec<Part> {
        let address = &input[start..end];
        let mut parts: Vec<Part> = Vec::new();
        let mut part_start = 0;
        let bytes = address.as_bytes();
        let mut i = 0;
        while i <= bytes.len() {
            let (is_separator, width) = if i == bytes.len() {
                (true, 0)
            } else {
                match bytes[i] {
                    b',' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'|' | b'/'
                    | b'\t' => (true, 1),
                    // Two spaces or more separate parts in strings that lost their commas ("Stockholm
                    // University  Kräftriket 2B 114 19 Stockholm Sweden"); a line break is a wrapped
                    // line, not a separator.
                    b' ' if bytes.get(i + 1) == Some(&b' ')
                        && (i == 0 || !matches!(bytes[i - 1], b'\n' | b'\r' | b' ')) =>
                    {
                        (true, 1)
                    }
                    // A period that ends a sentence separates ("Institute for Protein Design.
                    // University of Washington"); one after an initial or an abbreviation does not.
                    b'.' if ends_a_sentence(address, i) => (true, 1),
                    // A dash with spaces around it separates; inside a word it does not ("Paris-Sud").
                    b'-' if i > 0 && bytes[i - 1] == b' ' && bytes.get(i + 1) == Some(&b' ') => {
                        (true, 1)
                    }
                    // En and em dashes (three bytes in UTF-8) between spaces.
                    0xE2 if i > 0
                        && bytes[i - 1] == b' '
                        && bytes.get(i + 1) == Some(&0x80)
                        && matches!(bytes.get(i + 2), Some(0x93 | 0x94))
                        && bytes.get(i + 3) == Some(&b' ') =>
                    {
                        (true, 3)
                    }
                    _ => (false, 1),
                }
            };
            if is_separator {
                let text = &address[part_start..i];
                if !text.trim().is_empty() && text.split_whitespace().all(is_legal_form) {
                    // "Hitachi, Ltd.": the legal form belongs to the part before.
                    if let Some(last) = parts.pop() {
                        let from = last.start - start;
                        parts.extend(self.part(&address[from..i], last.start));
                    }
                } else if !text.trim().is_empty()
                    && !text.contains('@')
                    && let Some(part) = self.part(text, start + part_start)
                {
                    parts.push(part);
                }
                part_start = i + width;
                i += width.max(1);
            } else {
                i += 1;
            }
        }
        parts
    }

    fn part(&self, text: &str, start: usize) -> Option<Part> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return None;
        }
        let mut misspelt = vec![false; tokens.len()];
        let ids: Vec<u32> = tokens
            .iter()
            .zip(&mut misspelt)
            .map(|(t, misspelt)| match self.registry.word_id(&t.text) {
                Some(id) => id,
                None => match self.registry.misspelt_word(&t.text) {
                    Some(id) => {
                        *misspelt = true;
                        id
                    }
                    None => UNKNOWN,
                },
            })
            .collect();
        let is_number = |t: &Token| t.text.bytes().all(|b| b.is_ascii_digit());
        let mut core = (0, tokens.len());
        while core.0 < core.1 && is_number(&tokens[core.0]) {
            core.0 += 1;
        }
        while core.1 > core.0 && is_number(&tokens[core.1 - 1]) {
            core.1 -= 1;
        }
        if core.0 == core.1 {
            core = (0, tokens.len());
        }
        let trimmed = text.trim();
        // "PPL Corporation": an acronym and a legal form is the acronym.
        let acronym = match tokens.as_slice() {
            _ if !trimmed.contains(' ') => acronym_letters(trimmed),
            [only] => acronym_letters(&text[only.start..only.end]),
            _ => None,
        };
        let leading_acronym = trimmed
            .split_once(char::is_whitespace)
            .and_then(|(first, _)| {
                let end = text.len() - text.trim_start().len() + first.len();
                acronym_letters(first).map(|letters| {
                    let covered = tokens.iter().take_while(|t| t.start < end).count();
                    (letters, covered)
                })
            });
        let company = text.split_whitespace().any(is_legal_form);
        Some(Part {
            start,
            tokens,
            ids,
            misspelt,
            core,
            acronym,
            leading_acronym,
            company,
        })
    }
}

/// Whether the period at byte `dot` of `text` ends a sentence: a capital follows after a space, and
/// the word before is a word of five letters or more in lower case after its first letter, and not an
/// abbreviation ("Univ. Washington", "Calif. Inst. Technol.", "Y. Li").
fn ends_a_sentence(text: &str, dot: usize) -> bool {
    let after = &text[dot + 1..];
    let next = after.trim_start_matches(' ');
    if next.len() == after.len() || !next.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(dot, |(i, _)| i);
    let word = &before[word_start..];
    let mut letters = word.chars();
    word.chars().count() >= 5
        && letters.next().is_some()
        && letters.all(char::is_lowercase)
        && !is_abbreviation(word)
}

/// The letters of a word that is written like an acronym: 2 to 10 capitals and digits, at least two
/// of them letters ("UCL", "U.C.L.", "A*STAR", "KTH").
fn acronym_letters(word: &str) -> Option<String> {
    let letters: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    ((2..=10).contains(&letters.chars().count())
        && letters.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit()))
    .then_some(letters)
}

/// Ordinal words, which before a name make another body of that name.
const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

/// True when the words just before a name inside a part seem to belong to it: "Jiaxing Center for
/// Disease Control" is not the "Center for Disease Control". A name that opens with a generic word and
/// follows a word that is neither a unit ("Department of ...") nor a number is read as the tail of a
/// longer name.
fn continues_to_the_left(input: &str, part: &Part, first: usize) -> bool {
    if first == 0 {
        return false;
    }
    let opens_generic = GENERIC.contains(part.tokens[first].text.as_str());
    let before = part.tokens[first - 1].text.as_str();
    let before_is_unit = UNIT_WORDS.contains(&before) || before.bytes().all(|b| b.is_ascii_digit());
    // "Emergency Medicine at The University of Chicago", "College of Medicine of the University of
    // Cincinnati": a preposition starts a new name.
    let gap = gap_before(input, part, first);
    let preposition = gap.split(|c: char| !c.is_alphabetic()).any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "at" | "in"
                | "and"
                | "und"
                | "et"
                | "y"
                | "of"
                | "der"
                | "des"
                | "de"
                | "da"
                | "do"
                | "di"
                | "du"
                | "del"
                | "della"
        )
    }) || gap.contains('&');
    let hyphen_then_own_name = is_dash(gap) && opens_with_body_of(input, part, first);
    opens_generic && !before_is_unit && !preposition && !hyphen_then_own_name
}

/// True when the word at `token` has capitals after its first letter, as an acronym has ("CEPR",
/// "GovAI").
fn acronym_at(input: &str, part: &Part, token: usize) -> bool {
    let t = &part.tokens[token];
    slice(input, part.start + t.start, part.start + t.end)
        .chars()
        .skip(1)
        .any(char::is_uppercase)
}

/// What the input has between the word at `token` and the word before it.
fn gap_before<'s>(input: &'s str, part: &Part, token: usize) -> &'s str {
    input
        .get(part.start + part.tokens[token - 1].end..part.start + part.tokens[token].start)
        .unwrap_or_default()
}

/// What the input has between the last word of `before` and the first word of the part `after` it.
fn gap_between<'s>(input: &'s str, before: &Part, after: &Part) -> &'s str {
    let end = before.start + before.tokens.last().map_or(0, |t| t.end);
    let start = after.start + after.tokens.first().map_or(0, |t| t.start);
    input.get(end..start).unwrap_or_default()
}

/// True for a hyphen or a dash between two words, spaces allowed.
fn is_dash(gap: &str) -> bool {
    matches!(gap.trim(), "-" | "–" | "‐" | "—")
}

/// True when the name at `first` opens with a body word and a preposition ("University of ...",
/// "Universidad de ...", "Institute for ..."): a name in its own right, so a word joined to it by a
/// hyphen ("Tecnun-University of Navarra", "MRC-University of Glasgow Centre") is a label beside it,
/// not the start of a longer name.
fn opens_with_body_of(input: &str, part: &Part, first: usize) -> bool {
    let (Some(word), Some(next)) = (part.tokens.get(first), part.tokens.get(first + 1)) else {
        return false;
    };
    if !BODY_WORDS.contains(&word.text.as_str()) {
        return false;
    }
    input
        .get(part.start + word.end..part.start + next.start)
        .unwrap_or_default()
        .split(|c: char| !c.is_alphabetic())
        .any(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "of" | "for"
                    | "de"
                    | "di"
                    | "du"
                    | "do"
                    | "da"
                    | "del"
                    | "della"
                    | "degli"
                    | "des"
                    | "für"
                    | "fur"
                    | "van"
                    | "voor"
            )
        })
}

/// True when the name found inside a part is the start or the end of a longer name: a hyphen joins
/// the next word to it ("University of Missouri-Kansas City"), the next word says the part is a body
/// of another kind ("... University Hospital", "... Health Sciences Center"), or a compass word,
/// "Saint" or "Mount" comes just before it ("Southeast Missouri State University", "St Andrews
/// University" is not "Andrews University").
fn extends_the_name(
    input: &str,
    part: &Part,
    (first, end): (usize, usize),
    proper_next: bool,
    common_first: bool,
) -> bool {
    if let Some(next) = part.tokens.get(end) {
        let between = gap_before(input, part, end);
        // "Simon Fraser University-SIAT": a unit's acronym after the hyphen is not more name.
        let acronym_next = input
            .get(part.start + next.start..part.start + next.end)
            .is_some_and(|w| w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase()));
        // Nor is a subject ("Deakin University-Psychology"): only a proper name ("University of
        // Missouri-Kansas City") makes the name longer.
        if matches!(between, "-" | "–" | "‐")
            && next.text.bytes().any(|b| b.is_ascii_alphabetic())
            && !acronym_next
            && proper_next
        {
            return true;
        }
        if between.trim().is_empty()
            && matches!(next.text.as_str(), "hosp" | "hlth" | "sci" | "nhs")
        {
            return true;
        }
        // So does "Central", "General" or "Teaching" and "Hospital" ("Helsinki University Central
        // Hospital", "Usmanu Danfodiyo University Teaching Hospital").
        if between.trim().is_empty()
            && matches!(next.text.as_str(), "cent" | "gen" | "teaching")
            && part.tokens.get(end + 1).is_some_and(|t| t.text == "hosp")
        {
            return true;
        }
    }
    if first > 0 {
        let before = &part.tokens[first - 1];
        let gap = gap_before(input, part, first);
        let spaced = gap.trim().is_empty();
        // "St. Andrews" and "Mt. Sinai" are abbreviated with a full stop.
        let abbreviated = matches!(before.text.as_str(), "st" | "mt")
            && gap.trim_start_matches('.').trim().is_empty();
        // A compass point (or "Middle", "Central", "Upper", "Lower"), a saint, a mount or an Indian
        // honorific before a name makes another ("Southeast Missouri State University", "Middle
        // Tennessee State University", "St Andrews University", "Sri Siddhartha Academy of Higher
        // Education").
        if (spaced || abbreviated)
            && matches!(
                before.text.as_str(),
                "n" | "s"
                    | "e"
                    | "w"
                    | "ne"
                    | "nw"
                    | "se"
                    | "sw"
                    | "northern"
                    | "southern"
                    | "eastern"
                    | "western"
                    | "northeastern"
                    | "northwestern"
                    | "southeastern"
                    | "southwestern"
                    | "cent"
                    | "middle"
                    | "upper"
                    | "lower"
                    | "sri"
                    | "shri"
                    | "shree"
                    | "sree"
                    | "st"
                    | "mt"
            )
        {
            return true;
        }
        // "The Second Xiangya Hospital", "Third Affiliated Hospital": an ordinal before a name makes
        // another body of that name ("2nd" is read as "2" and "nd").
        let ordinal_suffix = matches!(before.text.as_str(), "st" | "nd" | "rd" | "th")
            && first >= 2
            && part.tokens[first - 2]
                .text
                .bytes()
                .all(|b| b.is_ascii_digit());
        if spaced && (ORDINALS.contains(&before.text.as_str()) || ordinal_suffix) {
            return true;
        }
        // "Technical University of Wrocław", "Open University in Wales", "European University
        // Cyprus": an adjective before a name that opens with a body word makes another body. So it
        // does before a name that opens with a common word ("National Sun Yat-sen University",
        // "National Radiation Protection Institute").
        let adjective = input
            .get(part.start + before.start..part.start + before.end)
            .is_some_and(is_adjective);
        if adjective
            && spaced
            && (common_first || BODY_WORDS.contains(&part.tokens[first].text.as_str()))
        {
            return true;
        }
        // "Science University of Tokyo" (the Tokyo University of Science): so does a field's name
        // alone before it in its part. After other words it is a unit's subject whose commas were
        // lost ("Department of Health Science University of Tokyo", "Civil, Construction, and
        // Environmental Engineering University of Alabama").
        if spaced
            && first - 1 == part.core.0
            && matches!(before.text.as_str(), "sci" | "technol" | "engn" | "hlth")
            && BODY_WORDS.contains(&part.tokens[first].text.as_str())
        {
            return true;
        }
    }
    false
}

/// True when a word reads as an adjective that names a kind of body ("National", "Technical",
/// "Autonomous", "Open", "European"): before a body's name it makes another body's name.
fn is_adjective(word: &str) -> bool {
    let w = word.to_lowercase();
    w.chars().count() >= 4
        && (w.ends_with("al")
            || w.ends_with("ic")
            || w.ends_with("ary")
            || w.ends_with("ous")
            // "Nationale", "Polytechnique", "Bayerisches", "Sächsische".
            || w.ends_with("ale")
            || w.ends_with("ique")
            || ["isch", "ische", "isches", "ischer", "ischen"]
                .iter()
                .any(|e| w.ends_with(e))
            || matches!(
                w.as_str(),
                "open"
                    | "free"
                    | "freie"
                    | "vrije"
                    | "libre"
                    | "libera"
                    | "maritime"
                    | "marine"
                    | "metropolitan"
                    | "independent"
                    | "private"
                    | "popular"
                    | "modern"
                    | "agrarian"
                    | "christian"
                    | "lutheran"
                    | "adventist"
                    | "baptist"
                    | "methodist"
                    | "protestant"
                    | "orthodox"
                    | "hebrew"
                    | "jewish"
                    | "european"
                    | "eurasian"
                    | "asian"
                    | "african"
                    | "arab"
                    | "arabian"
                    | "latin"
                    | "nordic"
                    | "scandinavian"
                    | "mediterranean"
                    | "caribbean"
                    | "balkan"
            ))
}

/// True when the one or two words of the part before token `end` are a US state's name, as written
/// ("Massachusetts", which the tokenizer reads "massachusett"; "Rhode Island").
fn us_state_ends_at(input: &str, part: &Part, end: usize) -> bool {
    (1..=2.min(end)).any(|n| is_us_state(input, part, end - n..end))
}

/// True when the tokens of `range`, as written, are a US state's name.
fn is_us_state(input: &str, part: &Part, range: std::ops::Range<usize>) -> bool {
    if range.is_empty() || range.end > part.tokens.len() {
        return false;
    }
    let words = slice(
        input,
        part.start + part.tokens[range.start].start,
        part.start + part.tokens[range.end - 1].end,
    );
    tandem_countries::is_us_state_name(&tandem_countries::normalize(&words))
}

/// True when the name found inside a part follows, with nothing but a space or a hyphen between, a
/// capitalised word, and none of the words before it says what kind of unit they name ("Department",
/// "School", "Institute", ...): then they are the first words of a longer name ("Aligarh Muslim
/// University", "Winston-Salem State University", "Minneapolis Heart Institute"), not a unit of the
/// organisation found. A short acronym before the name ("HHMI Janelia Research Campus") is a label of
/// its own.
fn proper_name_before(input: &str, part: &Part, first: usize) -> bool {
    if first == 0 {
        return false;
    }
    let before = &part.tokens[first - 1];
    let gap = gap_before(input, part, first);
    if !(gap.trim().is_empty() || matches!(gap, "-" | "–" | "‐")) {
        return false;
    }
    if is_dash(gap) && opens_with_body_of(input, part, first) {
        return false;
    }
    let Some(word) = input.get(part.start + before.start..part.start + before.end) else {
        return false;
    };
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    let acronym = word.chars().count() >= 3 && word.chars().all(|c| c.is_uppercase());
    if !capitalised || acronym {
        return false;
    }
    !part.tokens[..first].iter().any(|t| {
        UNIT_WORDS.contains(&t.text.as_str())
            || BODY_WORDS.contains(&t.text.as_str())
            || UNIT_NAME_WORDS.contains(&t.text.as_str())
    })
}

/// The country written against a name inside its part, and whether before it: a country's name or
/// adjective from the start of the part to the name ("US Environmental Protection Agency", "Italian
/// National Research Council"), or a country's name after a preposition to the end of the part
/// ("National Research Council of Italy").
fn country_beside(input: &str, part: &Part, span: &Span) -> Option<(&'static str, bool)> {
    let words = |from: usize, to: usize| {
        slice(
            input,
            part.start + part.tokens[from].start,
            part.start + part.tokens[to - 1].end,
        )
    };
    let first = span.first_token;
    // Country names and adjectives are a few words long ("Republic of Türkiye").
    if first > part.core.0
        && first - part.core.0 <= 4
        && gap_before(input, part, first)
            .chars()
            .all(|c| c.is_whitespace() || c == '.')
    {
        let before = words(part.core.0, first);
        if let Some(code) = tandem_countries::country_code_for_name(&before)
            .or_else(|| tandem_countries::country_code_for_adjective(&before))
        {
            return Some((code, true));
        }
    }
    let end = span.end_token;
    if end < part.core.1 && continues_to_the_right(input, part, end) {
        let after = words(end, part.core.1);
        if let Some(code) = tandem_countries::country_code_for_name(&after) {
            return Some((code, false));
        }
    }
    None
}

/// True when a school, faculty, college or department of the name follows it in its part
/// ("Washington University School of Medicine"): the name before it is whole.
fn school_follows(part: &Part, end: usize) -> bool {
    part.tokens
        .get(end)
        .is_some_and(|t| matches!(t.text.as_str(), "sch" | "fac" | "coll" | "dept"))
}

/// True when the words just after a name inside a part join it to more ("Institute for ...", "College
/// of ...", "Council on ...", "... de Recherches sur"): the part names something longer. "Sur" is a
/// word of its own in names (it is not dropped like "on").
fn continues_to_the_right(input: &str, part: &Part, end: usize) -> bool {
    let Some(next) = part.tokens.get(end) else {
        return false;
    };
    let last = &part.tokens[end - 1];
    let between = input
        .get(part.start + last.end..part.start + next.start)
        .unwrap_or_default();
    between.split(|c: char| !c.is_alphabetic()).any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "for"
                | "of"
                | "de"
                | "du"
                | "des"
                | "der"
                | "di"
                | "della"
                | "del"
                | "do"
                | "da"
                | "dos"
                | "das"
                | "für"
                | "fur"
                | "pour"
                | "para"
                | "on"
        )
    }) || next.text == "sur"
}

/// `s` with its HTML entities replaced by the characters they stand for, padded to the same length
/// with apostrophes, which words ignore: "Aut&#x00F2;noma" reads "Autònoma", "Xi&#x2019;an" "Xian",
/// and "Health &amp; Science" keeps one space on each side (two spaces would split the part).
/// Unknown entities stay.
fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity_len = rest[1..]
            .find(';')
            .filter(|&n| (2..=9).contains(&n))
            .map(|n| n + 2);
        let decoded = entity_len.and_then(|len| {
            let body = &rest[1..len - 1];
            let c = match body {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some(' '),
                _ => body
                    .strip_prefix("#x")
                    .or_else(|| body.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| body.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            (c.len_utf8() <= len).then_some((c, len))
        });
        match decoded {
            Some((c, len)) => {
                let c = if matches!(c, '’' | '‘' | 'ʼ' | '`') {
                    '\''
                } else {
                    c
                };
                out.push(c);
                out.extend(std::iter::repeat_n('\'', len - c.len_utf8()));
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `end`, moved past the rest of an HTML entity it falls inside of.
fn entity_end(s: &str, end: usize) -> usize {
    let before = &s[..end.min(s.len())];
    match (before.rfind('&'), before.rfind(';')) {
        (Some(amp), semi) if semi.is_none_or(|semi| semi < amp) && end - amp <= 9 => s[end..]
            .find(';')
            .filter(|&n| n < 9)
            .map_or(end, |n| end + n + 1),
        _ => end,
    }
}

/// Where a list of addresses written with commas only can be cut: after each comma-separated segment
/// (not the last) that is a country name, alone or with a postcode, when what follows is more than
/// another country or postcode. Byte offsets of the comma, with the country.
fn country_cuts(segment: &str) -> Vec<(usize, &'static str)> {
    let mut cuts = Vec::new();
    if !segment.contains(',') {
        return cuts;
    }
    let pieces: Vec<(usize, &str)> = segment
        .split(',')
        .scan(0, |offset, piece| {
            let start = *offset;
            *offset += piece.len() + 1;
            Some((start, piece))
        })
        .collect();
    for (i, (start, piece)) in pieces.iter().enumerate() {
        let Some((_, next)) = pieces.get(i + 1) else {
            break;
        };
        let Some(code) = bare_country(piece) else {
            continue;
        };
        // What follows must name something: letters, and not just a country or a postcode.
        let next = next.trim();
        let letters = next.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 4 || bare_country(next).is_some() {
            continue;
        }
        let rest = &segment[start + piece.len()..];
        if tandem_countries::resolve_country(rest).is_none() && rest.trim().len() < 40 {
            continue;
        }
        cuts.push((start + piece.len(), code));
    }
    cuts
}

/// The country a comma-separated segment is, alone or beside a postcode ("Japan", "D-69120 Germany",
/// "and USA").
fn bare_country(piece: &str) -> Option<&'static str> {
    // Most segments are names of five words or more: no country.
    if piece.split_whitespace().nth(5).is_some() {
        return None;
    }
    // Country names start with a capital ("Japan", "USA", "and USA").
    let first = piece.trim_start().trim_start_matches("and ").chars().next();
    if !first.is_some_and(char::is_uppercase) {
        return None;
    }
    let words: Vec<&str> = piece
        .split_whitespace()
        .filter(|w| !w.bytes().any(|b| b.is_ascii_digit()))
        .collect();
    let words = match words.first() {
        Some(&"and") => &words[1..],
        _ => &words[..],
    };
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    tandem_countries::country_code_for_name(&words.join(" "))
}

/// The range of a span in the address's tokens, all parts flattened.
fn global_range(parts: &[Part], span: &Span) -> (usize, usize) {
    let base = |part: usize| parts[..part].iter().map(|p| p.tokens.len()).sum::<usize>();
    (
        base(span.first_part) + span.first_token,
        base(span.last_part) + span.end_token,
    )
}

/// ROR's own grouping of codes that affiliation strings confuse: Great Britain and the UK; China,
/// Hong Kong, Macao and Taiwan; the United States and Puerto Rico.
fn region(code: &str) -> &str {
    match code {
        "GB" | "UK" => "GB",
        "CN" | "HK" | "TW" | "MO" => "CN",
        "US" | "PR" => "US",
        other => other,
    }
}

fn same_region(org_country: Option<&str>, code: &str) -> bool {
    org_country.is_some_and(|c| region(c) == region(code))
}

/// A university system ("University of California System"): ROR's display names say so.
fn is_system(org: &Organization) -> bool {
    org.children().next().is_some() && org.display_name.split_whitespace().any(|w| w == "System")
}

/// True when the whole part is a country's name ("Austria", "Peoples R China").
fn part_is_country(input: &str, p: &Part) -> bool {
    !p.tokens.is_empty()
        && tandem_countries::country_code_for_name(&slice(
            input,
            p.start + p.tokens[0].start,
            p.start + p.tokens[p.tokens.len() - 1].end,
        ))
        .is_some()
}

/// Where the first words "member of" at or after `from` (the start of an address) end. One in a later
/// address lies beyond every name of this one, so it changes nothing here.
fn member_of_at(input: &str, from: usize) -> Option<usize> {
    const PHRASE: &str = "member of ";
    let text = input.get(from..)?;
    text.match_indices(['m', 'M'])
        .map(|(i, _)| i)
        .find(|&i| {
            !text[..i].ends_with(char::is_alphanumeric)
                && text
                    .get(i..i + PHRASE.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(PHRASE))
        })
        .map(|i| from + i + PHRASE.len())
}

/// Each part the span covers, with the range of its tokens inside the span.
fn span_token_ranges<'p>(
    parts: &'p [Part],
    span: &Span,
) -> impl Iterator<Item = (&'p Part, std::ops::Range<usize>)> {
    let span = *span;
    parts[span.first_part..=span.last_part]
        .iter()
        .enumerate()
        .map(move |(i, p)| {
            let from = if i == 0 { span.first_token } else { 0 };
            let to = if span.first_part + i == span.last_part {
                span.end_token
            } else {
                p.tokens.len()
            };
            (p, from..to)
        })
}

/// The words a span covers, across its parts.
fn span_words<'p>(parts: &'p [Part], span: &Span) -> Vec<&'p str> {
    span_token_ranges(parts, span)
        .flat_map(|(p, tokens)| p.tokens[tokens].iter().map(|t| t.text.as_str()))
        .collect()
}

fn kind_rank(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::WholePart => 0,
        MatchKind::AdjacentParts => 1,
        MatchKind::InsidePart => 2,
        MatchKind::Acronym => 3,
    }
}

fn name_rank(kind: NameKind) -> u8 {
    match kind {
        NameKind::Display => 0,
        NameKind::Label => 1,
        NameKind::Alias => 2,
        NameKind::Acronym => 3,
    }
}

fn form_rank(form: NameForm) -> u8 {
    match form {
        NameForm::Full => 0,
        NameForm::WithoutCountry(_) => 1,
        NameForm::WithoutQualifier => 2,
        NameForm::OfWithdrawn => 3,
    }
}

fn slice(s: &str, start: usize, end: usize) -> String {
    s.get(start..end).unwrap_or_default().to_string()
}
