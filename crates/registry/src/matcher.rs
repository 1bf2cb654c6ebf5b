//! Affiliation matching, after ROR's published strategy: split the string into candidate parts,
//! normalise them, look them up among names, labels, aliases and acronyms, require agreement with the
//! country (and use the city to choose between namesakes), prefer the most specific match, and return
//! every organisation the string names.

use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::index::{NameEntry, Registry, hash_ids};
use crate::normalize::{Token, tokenize};
use crate::organization::{NameKind, Organization, Status};

/// How an organisation was recognised, from strongest to weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A whole comma-separated part is one of its names.
    WholePart,
    /// Two or three adjacent parts together are one of its names ("University of California, Berkeley").
    AdjacentParts,
    /// One of its names is inside a part whose other words name no other organisation.
    InsidePart,
    /// A part is one of its acronyms, in capitals, and the country agrees.
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

    fn rank(self) -> u8 {
        match self {
            MatchKind::WholePart => 0,
            MatchKind::AdjacentParts => 1,
            MatchKind::InsidePart => 2,
            MatchKind::Acronym => 3,
        }
    }

    /// In words, for `tandem match`.
    pub fn describe(self) -> &'static str {
        match self {
            MatchKind::WholePart => "a whole part of the string is one of its names",
            MatchKind::AdjacentParts => "adjacent parts of the string together are one of its names",
            MatchKind::InsidePart => "one of its names appears inside a part of the string",
            MatchKind::Acronym => "a part of the string is its acronym, and the country agrees",
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
    pub kind: MatchKind,
    /// The name it matched, as ROR writes it.
    pub matched_name: String,
    pub name_kind: NameKind,
    /// True when the string names the organisation's city.
    pub city_agrees: bool,
}

/// A part of the string that names several organisations the matcher could not choose between.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ambiguity {
    pub substring: String,
    pub candidates: Vec<String>,
}

/// Everything the matcher found in one string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    pub input: String,
    /// The country the string names (ISO 3166-1 alpha-2), from the country resolver.
    pub country: Option<&'static str>,
    pub matches: Vec<OrganizationMatch>,
    pub ambiguous: Vec<Ambiguity>,
}

/// Matches affiliation strings against a loaded [`Registry`]. Cheap to create; `Sync`, so one can
/// serve many threads.
pub struct AffiliationMatcher<'r> {
    registry: &'r Registry,
}

/// Words that say a part names an organisation of its own: when a name is found inside a part that
/// also holds one of these outside the name, the part is about another body and no guess is made.
const ORGANIZATION_WORDS: &[&str] =
    &["univ", "inst", "hosp", "coll", "ctr", "lab", "acad", "fdn", "clin", "company", "agcy", "minist", "council"];

struct Part<'s> {
    text: &'s str,
    /// Byte offset of `text` in the input.
    offset: usize,
    tokens: Vec<Token>,
    ids: Vec<Option<u32>>,
}

struct Candidate {
    org: u32,
    name_kind: NameKind,
    kind: MatchKind,
    /// Which parts and tokens the match covers: (first part, first token) to (last part, end token).
    span: (usize, usize, usize, usize),
    substring: String,
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
        let country = tandem_countries::resolve_countries(affiliation).into_iter().next();
        let mut result = MatchResult { input: affiliation.to_string(), country, matches: Vec::new(), ambiguous: Vec::new() };
        let mut offset = 0;
        // Several addresses in one string are separated by ';' and each has its own country.
        for address in affiliation.split(';') {
            let address_country = tandem_countries::resolve_country(address).or(country);
            self.match_address(affiliation, address, offset, address_country, &mut result);
            offset += address.len() + 1;
        }
        // The same organisation found twice keeps its strongest match.
        result.matches.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        let mut seen = FxHashSet::default();
        result.matches.retain(|m| seen.insert(m.ror.clone()));
        result
    }

    fn match_address(&self, input: &str, address: &str, base: usize, country: Option<&str>, result: &mut MatchResult) {
        let parts = self.split_parts(address, base);
        if parts.is_empty() {
            return;
        }
        let all_tokens: Vec<&str> = parts.iter().flat_map(|p| p.tokens.iter().map(|t| t.text.as_str())).collect();
        let mut candidates: Vec<Candidate> = Vec::new();
        let longest = self.registry.longest_name.max(1);

        for (pi, part) in parts.iter().enumerate() {
            let n = part.tokens.len();
            // Names inside one part, longest windows first.
            for start in 0..n {
                for end in (start + 1..=n.min(start + longest)).rev() {
                    let Some(ids) = part.ids[start..end].iter().copied().collect::<Option<Vec<u32>>>() else {
                        continue;
                    };
                    let whole = start == 0 && end == n;
                    let hash = hash_ids(&ids);
                    let entries = self.registry.names_for(hash);
                    if entries.is_empty() {
                        continue;
                    }
                    // A part that is just a city ("Oxford") names a place, not an organisation.
                    if self.registry.is_city(hash) {
                        continue;
                    }
                    let kind = if whole {
                        MatchKind::WholePart
                    } else {
                        if end - start < 2 {
                            continue;
                        }
                        let others_name_a_body = part.tokens[..start]
                            .iter()
                            .chain(&part.tokens[end..])
                            .any(|t| ORGANIZATION_WORDS.contains(&t.text.as_str()));
                        if others_name_a_body {
                            continue;
                        }
                        MatchKind::InsidePart
                    };
                    let substring = slice(input, part.offset + part.tokens[start].start, part.offset + part.tokens[end - 1].end);
                    push_candidates(&mut candidates, entries, kind, (pi, start, pi, end), substring);
                }
            }
            // Two or three adjacent whole parts.
            for extra in 1..=2 {
                let last = pi + extra;
                if last >= parts.len() {
                    break;
                }
                let ids: Option<Vec<u32>> = parts[pi..=last].iter().flat_map(|p| p.ids.iter().copied()).collect();
                let Some(ids) = ids else { continue };
                if ids.is_empty() || ids.len() > longest {
                    continue;
                }
                let hash = hash_ids(&ids);
                let entries = self.registry.names_for(hash);
                if entries.is_empty() || self.registry.is_city(hash) {
                    continue;
                }
                let first_tok = parts[pi].tokens.first();
                let last_tok = parts[last].tokens.last();
                if let (Some(f), Some(l)) = (first_tok, last_tok) {
                    let substring = slice(input, parts[pi].offset + f.start, parts[last].offset + l.end);
                    let end = parts[last].tokens.len();
                    push_candidates(&mut candidates, entries, MatchKind::AdjacentParts, (pi, 0, last, end), substring);
                }
            }
            // Acronyms: a whole part in capitals, only where the country is known.
            if country.is_some() {
                let letters: String = part.text.chars().filter(|c| c.is_alphanumeric()).collect();
                let is_acronym = (2..=10).contains(&letters.chars().count())
                    && letters.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && letters.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
                    && !part.text.trim().contains(' ');
                if is_acronym {
                    let orgs = self.registry.acronym(&letters);
                    let entries: Vec<NameEntry> = orgs.iter().map(|&org| NameEntry { org, kind: NameKind::Acronym }).collect();
                    let substring = part.text.trim().to_string();
                    push_candidates(&mut candidates, &entries, MatchKind::Acronym, (pi, 0, pi, part.tokens.len()), substring);
                }
            }
        }

        self.choose(candidates, country, &all_tokens, result);
    }

    /// Applies the country and city checks to each matched substring, then keeps the most specific.
    fn choose(&self, candidates: Vec<Candidate>, country: Option<&str>, all_tokens: &[&str], result: &mut MatchResult) {
        // Group the candidates by the substring (span) they came from.
        let mut spans: Vec<(usize, usize, usize, usize)> = candidates.iter().map(|c| c.span).collect();
        spans.sort_unstable();
        spans.dedup();
        let mut accepted: Vec<(Candidate, bool)> = Vec::new();
        for span in spans {
            let mut group: Vec<&Candidate> = candidates.iter().filter(|c| c.span == span).collect();
            let kind = group[0].kind;
            if let Some(country) = country {
                group.retain(|c| self.registry.org(c.org).country_code.as_deref() == Some(country));
            } else if kind != MatchKind::WholePart && kind != MatchKind::AdjacentParts {
                // Without a country only a whole part that is a name is trusted.
                continue;
            }
            if group.is_empty() {
                continue;
            }
            let city_agrees = |c: &Candidate| city_in(self.registry.org(c.org), all_tokens);
            if group.len() > 1 {
                let in_city: Vec<&Candidate> = group.iter().copied().filter(|c| city_agrees(c)).collect();
                if !in_city.is_empty() {
                    group = in_city;
                }
            }
            if group.len() > 1 {
                let active: Vec<&Candidate> =
                    group.iter().copied().filter(|c| self.registry.org(c.org).status == Status::Active).collect();
                if !active.is_empty() {
                    group = active;
                }
            }
            if group.len() > 1 {
                let best = group.iter().map(|c| name_rank(c.name_kind)).min().unwrap_or(0);
                group.retain(|c| name_rank(c.name_kind) == best);
            }
            if group.len() > 1 {
                result.ambiguous.push(Ambiguity {
                    substring: group[0].substring.clone(),
                    candidates: group.iter().map(|c| self.registry.org(c.org).ror_url()).collect(),
                });
                continue;
            }
            if kind == MatchKind::Acronym && !city_agrees(group[0]) {
                // An acronym alone is weak evidence; it must be unique in the country (checked above)
                // and the string must name the organisation's city.
                continue;
            }
            let chosen = group[0];
            let agrees = city_agrees(chosen);
            accepted.push((
                Candidate {
                    org: chosen.org,
                    name_kind: chosen.name_kind,
                    kind: chosen.kind,
                    span: chosen.span,
                    substring: chosen.substring.clone(),
                },
                agrees,
            ));
        }

        // Most specific first: a longer match hides any shorter one inside it.
        accepted.sort_by_key(|(c, _)| (std::cmp::Reverse(span_len(c.span)), c.kind.rank()));
        let mut kept: Vec<(Candidate, bool)> = Vec::new();
        for (candidate, agrees) in accepted {
            if kept.iter().any(|(k, _)| contains(k.span, candidate.span)) {
                continue;
            }
            kept.push((candidate, agrees));
        }
        for (c, city_agrees) in kept {
            let org = self.registry.org(c.org);
            let mut confidence = c.kind.base_confidence(c.name_kind);
            if country.is_none() {
                confidence *= 0.9;
            }
            if org.status != Status::Active {
                confidence *= 0.9;
            }
            let matched_name = org
                .names
                .iter()
                .find(|n| n.kinds.contains(&c.name_kind))
                .map(|n| n.value.clone())
                .unwrap_or_else(|| org.display_name.clone());
            result.matches.push(OrganizationMatch {
                ror: org.ror_url(),
                name: org.display_name.clone(),
                country_code: org.country_code.clone(),
                status: org.status,
                confidence: (confidence * 100.0).round() / 100.0,
                substring: c.substring,
                kind: c.kind,
                matched_name,
                name_kind: c.name_kind,
                city_agrees,
            });
        }
    }

    fn split_parts<'s>(&self, address: &'s str, base: usize) -> Vec<Part<'s>> {
        let mut parts = Vec::new();
        let mut start = 0;
        let bytes = address.as_bytes();
        for i in 0..=bytes.len() {
            let at_end = i == bytes.len();
            if at_end || matches!(bytes[i], b',' | b'(' | b')' | b'[' | b']' | b'|' | b'\n' | b'\t') {
                let text = &address[start..i];
                if !text.trim().is_empty() && !text.contains('@') {
                    let tokens = tokenize(text);
                    if !tokens.is_empty() {
                        let ids = tokens.iter().map(|t| self.registry.word_id(&t.text)).collect();
                        parts.push(Part { text, offset: base + start, tokens, ids });
                    }
                }
                start = i + 1;
            }
        }
        parts
    }
}

fn push_candidates(
    candidates: &mut Vec<Candidate>,
    entries: &[NameEntry],
    kind: MatchKind,
    span: (usize, usize, usize, usize),
    substring: String,
) {
    for e in entries {
        candidates.push(Candidate { org: e.org, name_kind: e.kind, kind, span, substring: substring.clone() });
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

fn slice(s: &str, start: usize, end: usize) -> String {
    s.get(start..end).unwrap_or_default().to_string()
}

/// Length of a span in tokens, counting parts coarsely (a multi-part span outranks any single part).
fn span_len(span: (usize, usize, usize, usize)) -> usize {
    (span.2 - span.0) * 1000 + span.3 - span.1
}

fn contains(outer: (usize, usize, usize, usize), inner: (usize, usize, usize, usize)) -> bool {
    let starts_after = (inner.0, inner.1) >= (outer.0, outer.1);
    let ends_before = (inner.2, inner.3) <= (outer.2, outer.3);
    starts_after && ends_before
}

/// True when one of the organisation's cities appears, as whole words, among the string's tokens.
fn city_in(org: &Organization, tokens: &[&str]) -> bool {
    org.cities.iter().any(|city| {
        let city_tokens: Vec<String> = tokenize(city).into_iter().map(|t| t.text).collect();
        !city_tokens.is_empty()
            && tokens.windows(city_tokens.len()).any(|w| w.iter().zip(&city_tokens).all(|(a, b)| *a == b.as_str()))
    })
}
