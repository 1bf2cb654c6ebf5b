//! Turning one raw address string into a country and institutions, and counting how well that went.
//!
//! Shared by the Scopus and Web of Science readers: both hand over address strings only. Each string
//! goes through the country resolver (`tandem-countries`) and, when a registry is loaded, the affiliation
//! matcher (`tandem-registry`). A string that resolves to nothing is still kept by the readers as the
//! authorship's raw affiliation; here it is only counted and remembered for the report.

use crate::corrections::AffiliationMap;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tandem_model::{Institution, InstitutionId, InstitutionRef, normalize_ror};
use tandem_registry::{AffiliationMatcher, Registry};

/// Organisations suggested for an address that matched nothing.
const CANDIDATES_SUGGESTED: usize = 3;

/// Distinct unresolved strings remembered for the report; beyond this they are only counted.
const MAX_REMEMBERED: usize = 200_000;

/// What became of one address string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No registry was given; only the country was looked for.
    NoRegistry,
    /// One or more institutions were found.
    Matched,
    /// The string names organisations the matcher could not choose between.
    Ambiguous,
    /// The registry found no organisation.
    Unmatched,
}

/// One address string, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedAddress {
    /// The country the string names (ISO 3166-1 alpha-2), read from the string itself.
    pub country: Option<&'static str>,
    /// The institutions the matcher found, with their ROR lineage.
    pub institutions: Vec<InstitutionRef>,
    pub outcome: Outcome,
    /// For ambiguous strings, the ROR ids it could not choose between; for unmatched ones, the
    /// organisations named in it that the matcher did not take (another country's, a namesake): ids a
    /// person correcting the address might pick.
    pub candidates: Vec<String>,
    /// The candidates as "Name (CC)", in the same order.
    pub candidate_names: Vec<String>,
    /// True when the institutions (or the country) come from the user's affiliation map.
    pub corrected: bool,
}

impl ResolvedAddress {
    /// The string's country, or else the country of the first institution found.
    pub fn any_country(&self) -> Option<&str> {
        self.country.or_else(|| {
            self.institutions
                .iter()
                .find_map(|i| i.country_code.as_deref())
        })
    }
}

/// A string that did not resolve fully, and how often it was seen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnresolvedAddress {
    pub count: u64,
    pub country: Option<&'static str>,
    /// True when the matcher found several organisations it could not choose between.
    pub ambiguous: bool,
    /// See [`ResolvedAddress::candidates`].
    pub candidates: Vec<String>,
    pub candidate_names: Vec<String>,
}

/// How well the addresses of an ingest resolved. One address is one distinct address string of one
/// record (a Scopus `Affiliations` entry, a Web of Science `C1` line).
#[derive(Debug, Clone, Default)]
pub struct AffiliationReport {
    /// True when a registry was loaded, so institution figures mean something.
    pub registry_used: bool,
    pub addresses: u64,
    /// Addresses with a country, from the string or from the institution matched.
    pub with_country: u64,
    /// Addresses with at least one institution.
    pub with_institution: u64,
    pub ambiguous: u64,
    /// Unmatched addresses that name an organisation the matcher did not take (see
    /// [`ResolvedAddress::candidates`]).
    pub unmatched_with_candidates: u64,
    /// Addresses resolved through the user's affiliation map (`--affiliation-map`).
    pub corrected: u64,
    /// Addresses that resolved to no country and, with a registry, to no institution, keyed by string.
    pub unresolved: HashMap<String, UnresolvedAddress>,
    /// Unresolved occurrences beyond [`MAX_REMEMBERED`] distinct strings, counted only.
    pub unresolved_not_remembered: u64,
}

impl AffiliationReport {
    /// Share of addresses with a country, 0–1 (`None` without addresses).
    pub fn country_share(&self) -> Option<f64> {
        (self.addresses > 0).then(|| self.with_country as f64 / self.addresses as f64)
    }

    /// Share of addresses with an institution, 0–1 (`None` without addresses or without a registry).
    pub fn institution_share(&self) -> Option<f64> {
        (self.addresses > 0 && self.registry_used)
            .then(|| self.with_institution as f64 / self.addresses as f64)
    }

    /// Unresolved strings, most frequent first, ties by text.
    pub fn unresolved_by_count(&self) -> Vec<(&str, &UnresolvedAddress)> {
        let mut list: Vec<_> = self
            .unresolved
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        list.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        list
    }

    fn merge(&mut self, other: AffiliationReport) {
        self.addresses += other.addresses;
        self.with_country += other.with_country;
        self.with_institution += other.with_institution;
        self.ambiguous += other.ambiguous;
        self.unmatched_with_candidates += other.unmatched_with_candidates;
        self.corrected += other.corrected;
        self.unresolved_not_remembered += other.unresolved_not_remembered;
        for (text, entry) in other.unresolved {
            if let Some(mine) = self.unresolved.get_mut(&text) {
                mine.count += entry.count;
            } else if self.unresolved.len() < MAX_REMEMBERED {
                self.unresolved.insert(text, entry);
            } else {
                self.unresolved_not_remembered += entry.count;
            }
        }
    }
}

/// Resolves address strings for every input of an ingest and gathers one [`AffiliationReport`].
///
/// ```
/// use tandem_scopus::address::AddressResolver;
/// let resolver = AddressResolver::new(None);
/// let mut session = resolver.session();
/// let resolved = session.resolve("Univ Oxford, Dept Phys, Oxford OX1 3PU, England");
/// assert_eq!(resolved.country, Some("GB"));
/// drop(session);
/// assert_eq!(resolver.report().addresses, 1);
/// ```
pub struct AddressResolver {
    registry: Option<Arc<Registry>>,
    corrections: AffiliationMap,
    report: Mutex<AffiliationReport>,
}

impl AddressResolver {
    /// Without a registry only countries are resolved.
    pub fn new(registry: Option<Arc<Registry>>) -> AddressResolver {
        AddressResolver {
            report: Mutex::new(AffiliationReport {
                registry_used: registry.is_some(),
                ..Default::default()
            }),
            registry,
            corrections: AffiliationMap::default(),
        }
    }

    /// Addresses in `map` resolve as it says, before the matcher is asked. Read the map against the
    /// same registry.
    pub fn with_corrections(mut self, map: AffiliationMap) -> AddressResolver {
        self.corrections = map;
        self
    }

    /// A resolver for one input (one thread): it caches strings and counts locally, and adds its counts
    /// to the shared report when dropped.
    pub fn session(&self) -> ResolverSession<'_> {
        ResolverSession {
            owner: self,
            matcher: self.registry.as_deref().map(AffiliationMatcher::new),
            cache: HashMap::new(),
            report: AffiliationReport::default(),
            ancestors_sent: BTreeSet::new(),
        }
    }

    /// What every finished session counted so far.
    pub fn report(&self) -> AffiliationReport {
        self.report
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// One input's view of an [`AddressResolver`].
pub struct ResolverSession<'a> {
    owner: &'a AddressResolver,
    matcher: Option<AffiliationMatcher<'a>>,
    cache: HashMap<String, Arc<ResolvedAddress>>,
    report: AffiliationReport,
    ancestors_sent: BTreeSet<InstitutionId>,
}

impl ResolverSession<'_> {
    /// Resolves one address and counts it as one address of the current record. Call it once per
    /// distinct address of a record.
    pub fn resolve(&mut self, address: &str) -> Arc<ResolvedAddress> {
        let resolved = match self.cache.get(address) {
            Some(hit) => hit.clone(),
            None => {
                let fresh = Arc::new(self.resolve_uncached(address));
                // The cache only saves time; keep it bounded on very large exports.
                if self.cache.len() >= MAX_REMEMBERED {
                    self.cache.clear();
                }
                self.cache.insert(address.to_string(), fresh.clone());
                fresh
            }
        };
        self.count(address, &resolved);
        resolved
    }

    /// Full institution records (from the registry) for the institutions of `resolved` and their
    /// ancestors, each only once per session; the store needs the ancestors for group membership.
    pub fn new_institutions(&mut self, resolved: &ResolvedAddress) -> Vec<Institution> {
        let Some(registry) = self.owner.registry.as_deref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // Walk each institution and its ROR parents by id, as `Registry::lineage` does.
        let mut queue: Vec<String> = resolved
            .institutions
            .iter()
            .filter_map(|i| i.ror.clone())
            .collect();
        while let Some(ror) = queue.pop() {
            let id = InstitutionId::from_ror(&ror);
            if !self.ancestors_sent.insert(id) {
                continue;
            }
            let Some(org) = registry.get(&ror) else {
                continue;
            };
            queue.extend(org.parents().map(str::to_string));
            out.push(Institution {
                id,
                ror: Some(org.ror.clone()),
                name: Some(org.display_name.clone()),
                country_code: org.country_code.clone(),
                kind: org.openalex_kind(),
                lineage: registry.lineage(&org.ror),
                is_full_record: true,
            });
        }
        out
    }

    fn resolve_uncached(&self, address: &str) -> ResolvedAddress {
        let correction = self.owner.corrections.get(address);
        let found = tandem_countries::resolve_country(address);
        let country = correction.and_then(|c| c.country).or(found);
        let registry = self.owner.registry.as_deref();
        if let (Some(correction), Some(registry)) = (correction, registry)
            && !correction.rors.is_empty()
        {
            return ResolvedAddress {
                country,
                institutions: correction
                    .rors
                    .iter()
                    .filter_map(|ror| institution_ref(registry, ror, None, None))
                    .collect(),
                outcome: Outcome::Matched,
                candidates: Vec::new(),
                candidate_names: Vec::new(),
                corrected: true,
            };
        }
        // A map row that only restates the country found (as a file from --unresolved does) corrects
        // nothing.
        let corrected = country != found;
        let (Some(matcher), Some(registry)) = (&self.matcher, registry) else {
            return ResolvedAddress {
                country,
                institutions: Vec::new(),
                outcome: Outcome::NoRegistry,
                candidates: Vec::new(),
                candidate_names: Vec::new(),
                corrected,
            };
        };
        let result = matcher.match_affiliation(address);
        let institutions: Vec<InstitutionRef> = result
            .matches
            .iter()
            .filter_map(|m| {
                institution_ref(registry, &m.ror, Some(&m.name), m.country_code.as_deref())
            })
            .collect();
        let mut candidates: Vec<String> = result
            .ambiguous
            .iter()
            .flat_map(|a| a.candidates.iter().cloned())
            .collect();
        let outcome = if !institutions.is_empty() {
            Outcome::Matched
        } else if !candidates.is_empty() {
            Outcome::Ambiguous
        } else {
            Outcome::Unmatched
        };
        if outcome == Outcome::Unmatched {
            candidates = matcher
                .names_not_taken(&result, CANDIDATES_SUGGESTED)
                .into_iter()
                .map(|n| n.ror)
                .collect();
        }
        let candidate_names = candidates
            .iter()
            .map(|ror| match registry.get(ror) {
                Some(org) => match &org.country_code {
                    Some(code) => format!("{} ({code})", org.display_name),
                    None => org.display_name.clone(),
                },
                None => ror.clone(),
            })
            .collect();
        ResolvedAddress {
            country,
            institutions,
            outcome,
            candidates,
            candidate_names,
            corrected,
        }
    }

    fn count(&mut self, address: &str, resolved: &ResolvedAddress) {
        let report = &mut self.report;
        report.addresses += 1;
        let has_country = resolved.any_country().is_some();
        report.with_country += u64::from(has_country);
        report.with_institution += u64::from(resolved.outcome == Outcome::Matched);
        report.ambiguous += u64::from(resolved.outcome == Outcome::Ambiguous);
        report.unmatched_with_candidates +=
            u64::from(resolved.outcome == Outcome::Unmatched && !resolved.candidates.is_empty());
        report.corrected += u64::from(resolved.corrected);
        let unresolved =
            !has_country || matches!(resolved.outcome, Outcome::Ambiguous | Outcome::Unmatched);
        if !unresolved {
            return;
        }
        if let Some(entry) = report.unresolved.get_mut(address) {
            entry.count += 1;
        } else if report.unresolved.len() < MAX_REMEMBERED {
            report.unresolved.insert(
                address.to_string(),
                UnresolvedAddress {
                    count: 1,
                    country: resolved.country,
                    ambiguous: resolved.outcome == Outcome::Ambiguous,
                    candidates: resolved.candidates.clone(),
                    candidate_names: resolved.candidate_names.clone(),
                },
            );
        } else {
            report.unresolved_not_remembered += 1;
        }
    }
}

/// The institution a ROR id stands for, with its name, country, kind and lineage from the registry
/// (or, for an id the registry lacks, the matcher's name and country).
fn institution_ref(
    registry: &Registry,
    ror: &str,
    name: Option<&str>,
    country_code: Option<&str>,
) -> Option<InstitutionRef> {
    let ror = normalize_ror(ror)?;
    let org = registry.get(&ror);
    Some(InstitutionRef {
        id: InstitutionId::from_ror(&ror),
        name: org
            .map(|o| o.display_name.clone())
            .or_else(|| name.map(str::to_string)),
        country_code: country_code
            .map(str::to_string)
            .or_else(|| org.and_then(|o| o.country_code.clone())),
        kind: org.and_then(|o| o.openalex_kind()),
        lineage: registry.lineage(&ror),
        ror: Some(ror),
    })
}

/// The addresses of one record, each resolved once, and the registry institutions seen for the first
/// time in this session (to hand to the sink before the work).
#[derive(Debug, Default)]
pub struct RecordAddresses {
    resolved: HashMap<String, Arc<ResolvedAddress>>,
    pub new_institutions: Vec<Institution>,
}

impl RecordAddresses {
    /// The countries (from the strings, in order, distinct) and institutions (distinct) of one
    /// author's addresses. Addresses not resolved through [`ResolverSession::resolve_record`] add
    /// nothing.
    pub fn places(&self, addresses: &[String]) -> (Vec<String>, Vec<InstitutionRef>) {
        let mut countries: Vec<String> = Vec::new();
        let mut institutions: Vec<InstitutionRef> = Vec::new();
        for address in addresses {
            let Some(resolved) = self.resolved.get(address) else {
                continue;
            };
            if let Some(c) = resolved.country
                && !countries.iter().any(|x| x == c)
            {
                countries.push(c.to_string());
            }
            for inst in &resolved.institutions {
                if !institutions.iter().any(|x| x.id == inst.id) {
                    institutions.push(inst.clone());
                }
            }
        }
        (countries, institutions)
    }
}

impl ResolverSession<'_> {
    /// Resolves the distinct addresses of one record (each counted once).
    pub fn resolve_record<'s>(
        &mut self,
        addresses: impl IntoIterator<Item = &'s String>,
    ) -> RecordAddresses {
        let mut record = RecordAddresses::default();
        for address in addresses {
            if record.resolved.contains_key(address) {
                continue;
            }
            let resolved = self.resolve(address);
            record
                .new_institutions
                .extend(self.new_institutions(&resolved));
            record.resolved.insert(address.clone(), resolved);
        }
        record
    }
}

impl Drop for ResolverSession<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.report);
        self.owner
            .report
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .merge(local);
    }
}

/// Undoes the HTML escaping Scopus leaves in its exports ("Merck & amp; Co." for "Merck & Co."), which
/// would otherwise split an address at its `;`.
pub fn unescape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for (escaped, plain) in [
        ("& amp;", "&"),
        ("&amp;", "&"),
        ("& lt;", "<"),
        ("&lt;", "<"),
        ("& gt;", ">"),
        ("&gt;", ">"),
        ("& quot;", "\""),
        ("&quot;", "\""),
        ("&#39;", "'"),
    ] {
        if out.contains(escaped) {
            out = out.replace(escaped, plain);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_countries_without_a_registry() {
        let resolver = AddressResolver::new(None);
        {
            let mut s = resolver.session();
            assert_eq!(
                s.resolve("Dept Phys, Univ Oxford, Oxford OX1 3PU, England")
                    .country,
                Some("GB")
            );
            assert_eq!(s.resolve("Somewhere without a country").country, None);
            assert_eq!(
                s.resolve("Dept Phys, Univ Oxford, Oxford OX1 3PU, England")
                    .outcome,
                Outcome::NoRegistry
            );
        }
        let report = resolver.report();
        assert_eq!(report.addresses, 3);
        assert_eq!(report.with_country, 2);
        assert_eq!(report.institution_share(), None);
        assert_eq!(report.unresolved_by_count().len(), 1);
    }

    #[test]
    fn unescapes_scopus_html_entities() {
        assert_eq!(
            unescape_html("Merck & amp; Co., Rahway, NJ, United States"),
            "Merck & Co., Rahway, NJ, United States"
        );
        assert_eq!(unescape_html("A &amp; B"), "A & B");
        assert_eq!(unescape_html("plain"), "plain");
    }
}
