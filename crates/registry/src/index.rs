//! The on-disk registry: every organisation plus the normalised name keys, written with postcard to
//! one file and turned into hash maps on load.

use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};
use tandem_model::{Institution, InstitutionId, normalize_ror};

use crate::RegistryError;
use crate::city_names::{cities_written_in, other_names};
use crate::normalize::{
    BODY_WORDS, GENERIC, Token, is_elided_article, is_stop_word, joined_camel_case, name_key,
    tokenize, within_one_edit,
};
use crate::organization::{NameKind, Organization, RelationKind, Status};

/// Bumped whenever the file layout or the reading of names changes; older files must be re-imported.
pub const FORMAT_VERSION: u32 = 51;
/// The index file inside a registry folder.
pub const INDEX_FILE: &str = "registry.bin";
/// The human-readable description of what was imported, beside the index.
pub const META_FILE: &str = "registry.json";

/// What was imported, when and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryMeta {
    pub format_version: u32,
    pub source: String,
    pub imported_at: String,
    pub organizations: usize,
    pub active: usize,
    pub inactive: usize,
    pub withdrawn: usize,
    pub records_v1: usize,
    pub records_v2: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub name_keys: usize,
}

#[derive(Serialize, Deserialize)]
struct RegistryFile {
    meta: RegistryMeta,
    organizations: Vec<Organization>,
    /// `(normalised name, organisation index, how the name is used, which form of it)`, computed at
    /// import so that loading does not re-normalise every name.
    name_keys: Vec<NameKey>,
}

/// `(key, organisation, kind, form, owner, name)`: the organisation the key stands for, and which
/// name of which record it was made from (the owner differs for a withdrawn record's names).
type NameKey = (String, u32, NameKind, NameForm, u32, u16);

/// Which form of a ROR name an index key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) enum NameForm {
    /// The name as ROR writes it.
    Full,
    /// Without a trailing parenthesis that is not a country: "Wellcome Sanger Institute (Hinxton)".
    WithoutQualifier,
    /// Without a trailing "(Country)": "Pfizer (United States)" is "Pfizer" only where the string names
    /// that country, because ROR has a Pfizer for many countries.
    WithoutCountry(CountryCode),
    /// The name of a withdrawn record, indexed for its one successor ("Harvard Medical School" for
    /// Harvard University): counted only when the string names nothing else.
    OfWithdrawn,
}

/// An ISO 3166-1 alpha-2 code in two bytes.
pub(crate) type CountryCode = [u8; 2];

/// One indexed name of one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameEntry {
    pub org: u32,
    pub kind: NameKind,
    pub form: NameForm,
    /// The record whose name this is, and its place in that record's names (`NO_NAME` when the
    /// entry is not one name, as for acronyms looked up apart).
    pub owner: u32,
    pub name: u16,
}

/// `NameEntry::name` of an entry that is not one indexed name.
pub(crate) const NO_NAME: u16 = u16::MAX;

/// The loaded registry: organisations, and the lookups the matcher needs.
pub struct Registry {
    meta: RegistryMeta,
    orgs: Vec<Organization>,
    by_ror: FxHashMap<String, u32>,
    vocab: FxHashMap<String, u32>,
    /// Hash of a token-id sequence → the organisations with that name.
    names: FxHashMap<u64, Vec<NameEntry>>,
    /// Upper-case acronym → organisations.
    acronyms: FxHashMap<String, Vec<u32>>,
    /// Hashes of the normalised city names of all organisations → the countries that have a city of
    /// that name.
    cities: FxHashMap<u64, Vec<String>>,
    /// The canonical tokens of each organisation's cities, by organisation index.
    city_keys: Vec<Vec<Vec<String>>>,
    /// Hashes of the normalised names of the regions (states, provinces) organisations are in → the
    /// countries that have a region of that name.
    regions: FxHashMap<u64, Vec<String>>,
    /// Number of words of the longest indexed name, which bounds the windows worth looking up.
    pub(crate) longest_name: usize,
    /// For each vocabulary id, how many organisations have the word in one of their names.
    word_orgs: Vec<u32>,
    /// Where a word no name uses looks for the word it misspells: the hash of each long vocabulary
    /// word, and of each form of it with one letter dropped, with the word's id, sorted. Two words one
    /// edit apart share one of these keys.
    spelling_keys: Vec<(u64, u32)>,
    /// Where in `spelling_keys` the keys of each value of their top `SPELLING_BITS` bits start.
    spelling_starts: Vec<u32>,
    /// Each vocabulary word by id.
    words: Vec<Box<str>>,
}

/// Words shorter than this are not read as misspellings: short words have too many neighbours.
const MISSPELT_MIN_LEN: usize = 6;

/// `spelling_keys` is cut into 2^SPELLING_BITS runs by the top bits of the hash, so that a lookup reads
/// one short run.
const SPELLING_BITS: u32 = 18;

fn spelling_bucket(hash: u64) -> usize {
    (hash >> (64 - SPELLING_BITS)) as usize
}

/// The hash of `word` and of each form of it with one letter dropped.
fn spelling_hashes(word: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut buffer = Vec::with_capacity(word.len());
    std::iter::once(None)
        .chain((0..word.len()).map(Some))
        .map(move |dropped| {
            buffer.clear();
            match dropped {
                None => buffer.extend_from_slice(word),
                Some(i) => {
                    buffer.extend_from_slice(&word[..i]);
                    buffer.extend_from_slice(&word[i + 1..]);
                }
            }
            let mut hasher = FxHasher::default();
            hasher.write(&buffer);
            hasher.finish()
        })
}

/// Records that a place of this name (a city or a region) is in `org`'s country.
fn add_place(places: &mut FxHashMap<u64, Vec<String>>, hash: u64, org: &Organization) {
    let countries = places.entry(hash).or_default();
    if let Some(code) = &org.country_code
        && !countries.contains(code)
    {
        countries.push(code.clone());
    }
}

/// True when `country` has a place of this name in `places` (hash → countries).
fn place_in(places: &FxHashMap<u64, Vec<String>>, hash: u64, country: &str) -> bool {
    places
        .get(&hash)
        .is_some_and(|countries| countries.iter().any(|c| c == country))
}

/// Words of regions' names that are also ordinary words of organisations' names ("Centre",
/// "Western", "Maritime", "Lakes"): a region named by these alone is not recognised as one.
const PLAIN_REGION_WORDS: &[&str] = &[
    "northern",
    "southern",
    "eastern",
    "western",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "middle",
    "upper",
    "lower",
    "oriental",
    "occidental",
    "maritime",
    "nord",
    "sud",
    "est",
    "ouest",
    "norte",
    "sur",
    "centro",
    "lakes",
    "nacional",
    "capital",
    "coast",
    "littoral",
    "islands",
    "plateau",
    "highlands",
];

/// True when a region's name (ROR's first-level subdivision) can be told apart from the ordinary
/// words of names: "Queensland" and "New South Wales", not "Centre" or "Western".
fn names_a_region(region: &str) -> bool {
    static PLAIN: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
        PLAIN_REGION_WORDS
            .iter()
            .flat_map(|w| tokenize(w))
            .map(|t| t.text)
            .collect()
    });
    let tokens = tokenize(region);
    !tokens.is_empty()
        && !tokens
            .iter()
            .all(|t| GENERIC.contains(t.text.as_str()) || PLAIN.contains(&t.text))
}

/// Hashes a sequence of vocabulary ids. 64-bit FxHash over the ids; the sequences are short and the
/// vocabulary small, so a collision is vanishingly unlikely and would only add a candidate that the
/// country and city checks still have to accept.
pub(crate) fn hash_ids(ids: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    h.write_usize(ids.len());
    for id in ids {
        h.write_u32(*id);
    }
    h.finish()
}

impl Registry {
    /// Builds a registry from organisations (used by import and tests).
    pub fn from_organizations(orgs: Vec<Organization>, mut meta: RegistryMeta) -> Registry {
        let name_keys = compute_name_keys(&orgs);
        meta.name_keys = name_keys.len();
        Registry::build(meta, orgs, name_keys)
    }

    fn build(meta: RegistryMeta, orgs: Vec<Organization>, name_keys: Vec<NameKey>) -> Registry {
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut names: FxHashMap<u64, Vec<NameEntry>> = FxHashMap::default();
        let mut longest_name = 0;
        let mut ids = Vec::new();
        let mut word_org_pairs: Vec<(u32, u32)> = Vec::with_capacity(name_keys.len() * 4);
        for (key, org, kind, form, owner, name) in &name_keys {
            ids.clear();
            for word in key.split(' ') {
                let next = vocab.len() as u32;
                ids.push(*vocab.entry(word.to_string()).or_insert(next));
            }
            word_org_pairs.extend(ids.iter().map(|&w| (w, *org)));
            longest_name = longest_name.max(ids.len());
            let entries = names.entry(hash_ids(&ids)).or_default();
            // Keys are sorted, so the first entry of an organisation is its strongest kind and form.
            if !entries.iter().any(|e| e.org == *org) {
                entries.push(NameEntry {
                    org: *org,
                    kind: *kind,
                    form: *form,
                    owner: *owner,
                    name: *name,
                });
            }
        }
        let mut acronyms: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut by_ror = FxHashMap::default();
        let mut cities: FxHashMap<u64, Vec<String>> = FxHashMap::default();
        let mut regions: FxHashMap<u64, Vec<String>> = FxHashMap::default();
        let mut seen_regions: FxHashSet<(&str, Option<&str>)> = FxHashSet::default();
        let mut city_keys = Vec::with_capacity(orgs.len());
        for (i, org) in orgs.iter().enumerate() {
            // Each city under its ROR name and the other names addresses use ("München").
            let city_names = city_spellings(org);
            city_keys.push(
                city_names
                    .iter()
                    .map(|c| tokenize(c).into_iter().map(|t| t.text).collect())
                    .collect(),
            );
            by_ror.insert(org.ror.clone(), i as u32);
            for name in &org.names {
                // "PPL Corporation (United States)" is "PPL" once its legal form and country go.
                let acronym: String =
                    if name.kinds.contains(&NameKind::Acronym) || is_short_name(&name.value) {
                        name.value.chars().filter(|c| c.is_alphanumeric()).collect()
                    } else {
                        match short_word_left(&name.value) {
                            Some(word) => word,
                            None => continue,
                        }
                    };
                if acronym.chars().count() >= 2 {
                    let list = acronyms.entry(acronym.to_uppercase()).or_default();
                    if !list.contains(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
            // A place's word that no name uses gets an id, so that the place can still be recognised.
            let mut place_ids = |place: &str| -> Vec<u32> {
                name_key(place)
                    .split(' ')
                    .map(|w| {
                        let next = vocab.len() as u32;
                        *vocab.entry(w.to_string()).or_insert(next)
                    })
                    .collect()
            };
            for city in &city_names {
                add_place(&mut cities, hash_ids(&place_ids(city)), org);
            }
            // A few thousand regions among the organisations: each is read once per country.
            if let Some(region) = org.region.as_deref()
                && seen_regions.insert((region, org.country_code.as_deref()))
                && names_a_region(region)
            {
                add_place(&mut regions, hash_ids(&place_ids(region)), org);
            }
        }
        let mut words: Vec<Box<str>> = vec![Box::from(""); vocab.len()];
        let mut spelling_keys = Vec::new();
        for (word, &id) in &vocab {
            words[id as usize] = word.as_str().into();
            if word.len() + 1 >= MISSPELT_MIN_LEN && word.bytes().all(|b| b.is_ascii_lowercase()) {
                spelling_keys.extend(spelling_hashes(word.as_bytes()).map(|h| (h, id)));
            }
        }
        spelling_keys.sort_unstable();
        spelling_keys.dedup();
        let mut spelling_starts = vec![0u32; (1 << SPELLING_BITS) + 1];
        for &(hash, _) in &spelling_keys {
            spelling_starts[spelling_bucket(hash) + 1] += 1;
        }
        for i in 1..spelling_starts.len() {
            spelling_starts[i] += spelling_starts[i - 1];
        }
        word_org_pairs.sort_unstable();
        word_org_pairs.dedup();
        let mut word_orgs = vec![0u32; vocab.len()];
        for (word, _) in word_org_pairs {
            word_orgs[word as usize] += 1;
        }
        Registry {
            meta,
            word_orgs,
            orgs,
            by_ror,
            vocab,
            names,
            acronyms,
            cities,
            regions,
            city_keys,
            longest_name,
            spelling_keys,
            spelling_starts,
            words,
        }
    }

    /// Writes the registry into `dir` (created if needed): the index and a readable description.
    pub fn save(&self, dir: &Path) -> Result<(), RegistryError> {
        fs::create_dir_all(dir).map_err(|e| RegistryError::io(dir, e))?;
        let file = RegistryFile {
            meta: self.meta.clone(),
            organizations: self.orgs.clone(),
            name_keys: compute_name_keys(&self.orgs),
        };
        let bytes = postcard::to_stdvec(&file).map_err(|e| RegistryError::Index {
            path: dir.join(INDEX_FILE),
            message: format!("could not encode the index: {e}"),
        })?;
        let index_path = dir.join(INDEX_FILE);
        let tmp = dir.join(format!("{INDEX_FILE}.tmp"));
        fs::write(&tmp, bytes).map_err(|e| RegistryError::io(&tmp, e))?;
        fs::rename(&tmp, &index_path).map_err(|e| RegistryError::io(&index_path, e))?;
        let meta_json = serde_json::to_string_pretty(&self.meta).expect("meta serialises");
        let meta_path = dir.join(META_FILE);
        fs::write(&meta_path, meta_json + "\n").map_err(|e| RegistryError::io(&meta_path, e))?;
        Ok(())
    }

    /// Loads the registry written by `tandem registry import` into `dir`.
    pub fn load(dir: &Path) -> Result<Registry, RegistryError> {
        let path = dir.join(INDEX_FILE);
        let bytes = fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                RegistryError::NotARegistry {
                    path: dir.to_path_buf(),
                }
            } else {
                RegistryError::io(&path, e)
            }
        })?;
        let file: RegistryFile =
            postcard::from_bytes(&bytes).map_err(|e| RegistryError::Index {
                path: path.clone(),
                message: format!("unreadable index ({e}); re-run `tandem registry import`"),
            })?;
        if file.meta.format_version != FORMAT_VERSION {
            return Err(RegistryError::Index {
                path,
                message: format!(
                    "index format {} but this tandem reads format {FORMAT_VERSION}; re-run `tandem registry import`",
                    file.meta.format_version
                ),
            });
        }
        Ok(Registry::build(
            file.meta,
            file.organizations,
            file.name_keys,
        ))
    }

    /// The index file inside `dir`.
    pub fn index_path(dir: &Path) -> PathBuf {
        dir.join(INDEX_FILE)
    }

    pub fn meta(&self) -> &RegistryMeta {
        &self.meta
    }

    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    pub fn organizations(&self) -> &[Organization] {
        &self.orgs
    }

    /// An organisation by ROR id, in any form `normalize_ror` accepts. Inactive and withdrawn records
    /// resolve too; check [`Organization::status`].
    pub fn get(&self, ror: &str) -> Option<&Organization> {
        let ror = normalize_ror(ror)?;
        self.by_ror.get(&ror).map(|&i| &self.orgs[i as usize])
    }

    pub(crate) fn city_keys(&self, org: u32) -> &[Vec<String>] {
        &self.city_keys[org as usize]
    }

    pub(crate) fn index_of(&self, ror: &str) -> Option<u32> {
        self.by_ror.get(ror).copied()
    }

    pub(crate) fn org(&self, index: u32) -> &Organization {
        &self.orgs[index as usize]
    }

    pub(crate) fn word_id(&self, word: &str) -> Option<u32> {
        self.vocab.get(word).copied()
    }

    /// The one vocabulary word that `word`, which no name uses, misspells: one letter added, dropped,
    /// changed, or two neighbours swapped ("Datyon" for "Dayton", "Berln" for "Berlin"). Only long
    /// words of plain letters are read, the first letter must be right, and a word with two such
    /// neighbours is left unread.
    pub(crate) fn misspelt_word(&self, word: &str) -> Option<u32> {
        let bytes = word.as_bytes();
        if bytes.len() < MISSPELT_MIN_LEN || !bytes.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        let mut found = None;
        for hash in spelling_hashes(bytes) {
            let bucket = spelling_bucket(hash);
            let keys = &self.spelling_keys
                [self.spelling_starts[bucket] as usize..self.spelling_starts[bucket + 1] as usize];
            for &(_, id) in keys.iter().filter(|(h, _)| *h == hash) {
                let candidate = self.words[id as usize].as_bytes();
                if found != Some(id)
                    && candidate[0] == bytes[0]
                    && within_one_edit(bytes, candidate)
                {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(id);
                }
            }
        }
        found
    }

    /// How many organisations use the word (by vocabulary id) in their names.
    pub(crate) fn word_frequency(&self, id: u32) -> u32 {
        self.word_orgs.get(id as usize).copied().unwrap_or(0)
    }

    pub(crate) fn names_for(&self, hash: u64) -> &[NameEntry] {
        self.names.get(&hash).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn acronym(&self, acronym: &str) -> &[u32] {
        self.acronyms.get(acronym).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn is_city(&self, hash: u64) -> bool {
        self.cities.contains_key(&hash)
    }

    /// True when some organisation is in a region (state, province) of this name.
    pub(crate) fn is_region(&self, hash: u64) -> bool {
        self.regions.contains_key(&hash)
    }

    /// True when `country` has a region (state, province) of this name.
    pub(crate) fn is_region_in(&self, hash: u64, country: &str) -> bool {
        place_in(&self.regions, hash, country)
    }

    /// True when `country` has a city of this name.
    pub(crate) fn is_city_in(&self, hash: u64, country: &str) -> bool {
        place_in(&self.cities, hash, country)
    }

    /// True when a city of this name is known, and only outside `country`.
    pub(crate) fn city_only_outside(&self, hash: u64, country: &str) -> bool {
        self.cities
            .get(&hash)
            .is_some_and(|countries| !countries.iter().any(|c| c == country))
    }

    /// The store key of this organisation and of its ancestors through ROR `parent` relationships,
    /// nearest first (the shape of OpenAlex `lineage`).
    pub fn lineage(&self, ror: &str) -> Vec<InstitutionId> {
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut queue: Vec<String> = normalize_ror(ror).into_iter().collect();
        while let Some(current) = queue.first().cloned() {
            queue.remove(0);
            if seen.contains(&current) {
                continue;
            }
            out.push(InstitutionId::from_ror(&current));
            if let Some(org) = self.get(&current) {
                queue.extend(org.parents().map(str::to_string));
            }
            seen.push(current);
        }
        out
    }

    /// The store record for an organisation: id from its ROR id, lineage from its parents.
    pub fn institution(&self, org: &Organization) -> Institution {
        Institution {
            id: org.institution_id(),
            ror: Some(org.ror_url()),
            name: Some(org.display_name.clone()),
            country_code: org.country_code.clone(),
            kind: org.openalex_kind(),
            lineage: self.lineage(&org.ror),
            is_full_record: true,
        }
    }

    /// True if `ancestor` is a parent (at any depth) of `org`.
    pub fn is_ancestor(&self, ancestor: &str, org: &str) -> bool {
        let target = InstitutionId::from_ror(ancestor);
        self.lineage(org).iter().skip(1).any(|id| *id == target)
    }
}

/// The names worth indexing: every display name, label and alias, and the same without a trailing
/// parenthesis ("Pfizer (United States)" is also "Pfizer", where the country agrees), leaving out names
/// made only of generic words and names that are just a country.
fn compute_name_keys(orgs: &[Organization]) -> Vec<NameKey> {
    let mut keys = Vec::with_capacity(orgs.len() * 4);
    let words = NameWords::of(orgs);
    let index_of: FxHashMap<&str, u32> = orgs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.ror.as_str(), i as u32))
        .collect();
    for (i, org) in orgs.iter().enumerate() {
        // A withdrawn record's names ("Harvard Medical School", folded into Harvard University) are
        // its one successor's weakest aliases; without a successor they name no one.
        let mut target = i as u32;
        if org.status == Status::Withdrawn {
            let successors: Vec<u32> = org
                .relationships
                .iter()
                .filter(|r| r.kind == RelationKind::Successor)
                .filter_map(|r| index_of.get(r.ror.as_str()).copied())
                .filter(|&j| orgs[j as usize].status != Status::Withdrawn)
                .collect();
            match successors[..] {
                [successor] => target = successor,
                _ => continue,
            }
        }
        for (name_index, name) in org.names.iter().enumerate() {
            let kind = if target != i as u32 {
                NameKind::Alias
            } else if name.kinds.contains(&NameKind::Display) {
                NameKind::Display
            } else if name.kinds.contains(&NameKind::Label) {
                NameKind::Label
            } else if name.kinds.contains(&NameKind::Alias) {
                NameKind::Alias
            } else {
                continue;
            };
            let mut variants = vec![(name.value.as_str(), NameForm::Full)];
            let trimmed = name.value.trim_end();
            if let Some(open) = trimmed.rfind(" (")
                && trimmed.ends_with(')')
            {
                let qualifier = &trimmed[open + 2..trimmed.len() - 1];
                let form = match tandem_countries::country_code_for_name(qualifier) {
                    Some(code) => NameForm::WithoutCountry(code_bytes(code)),
                    None => NameForm::WithoutQualifier,
                };
                variants.push((&trimmed[..open], form));
            }
            // "Heinrich Heine University Düsseldorf" is often written without its city.
            let base = variants.last().map(|v| v.0).unwrap_or(trimmed);
            let base_tokens = tokenize(base);
            // A company's branch without its city is the company ("Microsoft Research Montréal",
            // "Information Technology (Shanghai) Co Ltd").
            let company = org.types.iter().any(|t| t.eq_ignore_ascii_case("company"));
            // The city may be written in the name by another of its names ("Indian Institute of
            // Science Bangalore", in Bengaluru).
            for city in city_spellings(org).into_iter().filter(|_| !company) {
                // Compared word by word, so "St. Louis" ends "Washington University in St. Louis"
                // whose city ROR writes "St Louis".
                let city_tokens = tokenize(city);
                let n = city_tokens.len();
                if n == 0
                    || n >= base_tokens.len()
                    || !base_tokens[base_tokens.len() - n..]
                        .iter()
                        .zip(&city_tokens)
                        .all(|(a, b)| a.text == b.text)
                {
                    continue;
                }
                let cut = base_tokens[base_tokens.len() - n].start;
                let mut without = base[..cut].trim_end_matches([' ', ',', '-', '–']);
                // "Adam Mickiewicz University in Poznań" is "Adam Mickiewicz University".
                for preposition in [" in", " at"] {
                    without = without.strip_suffix(preposition).unwrap_or(without);
                }
                // "Aristotle University of Thessaloniki" is "Aristotle University": a body named by
                // a word of its own, then "of" and its city. Not for a body that is no more: its
                // successor often has the short name ("Lusófona University of Porto").
                if let Some((head, last)) = without.rsplit_once(' ')
                    && last == "of"
                    && org.status == Status::Active
                {
                    let head_tokens = tokenize(head);
                    let body_last = head_tokens
                        .last()
                        .is_some_and(|t| BODY_WORDS.contains(&t.text.as_str()));
                    let own_word = head_tokens
                        .iter()
                        .any(|t| words.is_rare(&t.text) && !GENERIC.contains(t.text.as_str()));
                    if head_tokens.len() >= 2 && body_last && own_word {
                        variants.push((head.trim_end(), NameForm::WithoutQualifier));
                    }
                }
                // Not "People's Hospital of" from "People's Hospital of Rizhao".
                let ends_open = without.split_whitespace().last().is_none_or(is_stop_word);
                // One word left ("Polytechnique" of "Polytechnique Montréal") names no one.
                let one_word = tokenize(without).len() < 2;
                if !ends_open && !one_word {
                    variants.push((without, NameForm::WithoutQualifier));
                }
            }
            // "VSB - Technical University of Ostrava", "ICAR – Central Institute for Research on
            // Cotton Technology": the name after a leading acronym and a dash is written alone too,
            // when it has two words or more ("IISER - Kolkata" is not "Kolkata") and is not the name
            // of its parent ("OSUPS - Université Paris-Saclay" is a unit of that university).
            if let Some((head, rest)) = trimmed
                .split_once(" - ")
                .or_else(|| trimmed.split_once(" – "))
                && head.chars().count() >= 2
                && head.chars().all(|c| c.is_alphanumeric())
                && head.chars().filter(|c| c.is_uppercase()).count() >= 2
                && tokenize(rest).len() >= 2
                && !names_a_parent(org, rest)
            {
                variants.push((rest.trim(), NameForm::WithoutQualifier));
            }
            if let Some(rest) = without_own_acronym(org, trimmed, &words) {
                variants.push((rest, NameForm::WithoutQualifier));
            }
            if let Some(rest) = without_eponym(org, trimmed, &words) {
                variants.push((rest, NameForm::WithoutQualifier));
            }
            if let Some(rest) = without_parent_name(org, trimmed, &words) {
                variants.push((rest, NameForm::WithoutQualifier));
            }
            // "Technische Hochschule" is "TH" in the Web of Science ("Rhein Westfal TH Aachen").
            let abbreviated: Vec<(String, NameForm)> = variants
                .iter()
                .filter(|(v, _)| v.contains("Technische Hochschule"))
                .map(|(v, form)| (v.replace("Technische Hochschule", "TH"), *form))
                .collect();
            variants.extend(abbreviated.iter().map(|(v, form)| (v.as_str(), *form)));
            // "NatureServe" is also written "Natureserve" and "NATURESERVE", one word.
            let joined: Vec<(String, NameForm)> = variants
                .iter()
                .filter_map(|(v, form)| joined_camel_case(v).map(|j| (j, *form)))
                .collect();
            variants.extend(joined.iter().map(|(v, form)| (v.as_str(), *form)));
            // German names are also written with "ue" for "ü" ("Wuerzburg").
            let transliterated: Vec<(String, NameForm)> = variants
                .iter()
                .filter(|(v, _)| v.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü']))
                .map(|(v, form)| (transliterate_umlauts(v), *form))
                .collect();
            // "Xi'an" is also written "Xi An" ("Xi An Jiao Tong Univ").
            let apart: Vec<(String, NameForm)> = variants
                .iter()
                .filter_map(|(v, form)| apostrophe_as_space(v).map(|a| (a, *form)))
                .collect();
            // "University of Florence" is also "Università di Firenze": a name with its own city in
            // it is also written with the city's other names.
            let renamed: Vec<(String, NameForm)> = variants
                .iter()
                .flat_map(|(v, form)| {
                    with_other_city_names(v)
                        .into_iter()
                        .map(move |r| (r, *form))
                })
                .collect();
            let by_its_own_name = by_its_own_name(org, trimmed, &words)
                .into_iter()
                .map(|v| (v, NameForm::WithoutQualifier));
            let variants = variants
                .into_iter()
                .map(|(v, f)| (v.to_string(), f))
                .chain(transliterated)
                .chain(apart)
                .chain(renamed)
                .chain(by_its_own_name);
            for (variant, form) in variants {
                let variant = variant.as_str();
                if is_short_name(variant) {
                    // "CA", "UCL", "MIT": matched as acronyms, with their stricter checks.
                    continue;
                }
                let tokens = tokenize(variant);
                // One word of three letters or fewer once legal forms and punctuation are gone ("CA,
                // Inc."): an acronym, not a name.
                if tokens.len() == 1 && tokens[0].text.chars().count() <= 3 {
                    continue;
                }
                // Generic words only: "University Hospital" names no one, but four or more together
                // do ("Agency for Science, Technology and Research"), and so do three when they are
                // one of the organisation's names as ROR writes it ("Central South University"; an
                // alias or a label such as "Royal Institute of Technology" only where the address
                // names its city, as the matcher checks), not a name cut short of its city
                // ("University Medical Center" of "... Utrecht").
                // Two are indexed when they are the display name, with or without its country
                // ("Federation University", in Ballarat; "Computer Sciences Corporation (United
                // States)"): the matcher takes them only where the address names its city.
                let generic = tokens.iter().all(|t| GENERIC.contains(t.text.as_str()));
                let own_two = tokens.len() == 2
                    && matches!(form, NameForm::Full | NameForm::WithoutCountry(_))
                    && kind == NameKind::Display
                    && target == i as u32;
                if generic
                    && !own_two
                    && (tokens.len() < 3 || (tokens.len() == 3 && form != NameForm::Full))
                {
                    continue;
                }
                let key = tokens
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                // A name that is only a country ("SRL (Japan)" once "SRL" is dropped as a legal form)
                // would match every address in that country.
                if tandem_countries::country_code_for_name(variant).is_some()
                    || tandem_countries::country_code_for_name(&key).is_some()
                {
                    continue;
                }
                let form = match (target == i as u32, form) {
                    (true, form) => form,
                    (false, NameForm::Full) => NameForm::OfWithdrawn,
                    (false, _) => continue,
                };
                keys.push((key, target, kind, form, i as u32, name_index as u16));
            }
        }
    }
    keys.sort();
    // One key per organisation, kind and form: the first name that makes it is the one shown.
    keys.dedup_by(|a, b| (&a.0, a.1, a.2, a.3) == (&b.0, b.1, b.2, b.3));
    // "University of Kiel": a university's name without its eponym is not its own while another
    // organisation's name holds the same words ("Christian-Albrechts-Universität zu Kiel", "Islamic
    // Azad University, Tehran").
    let mut held: FxHashMap<String, FxHashSet<u32>> = FxHashMap::default();
    for key in keys.iter().filter(|k| k.3 == NameForm::Full) {
        let words: Vec<&str> = key.0.split(' ').collect();
        for (at, _) in words.iter().enumerate().filter(|(_, w)| **w == "univ") {
            for end in at + 2..=(at + 4).min(words.len()) {
                held.entry(words[at..end].join(" "))
                    .or_default()
                    .insert(key.1);
            }
        }
    }
    // Its partners' names do not count: those that hold the university's whole name
    // ("Translationale Onkologie an der Universitätsmedizin der Johannes Gutenberg-Universität
    // Mainz"), and those of organisations related to it in ROR ("Institut für Geschichtliche
    // Landeskunde an der Universität Mainz").
    let mut full_names: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    for key in keys.iter().filter(|k| k.3 == NameForm::Full) {
        full_names
            .entry(key.1)
            .or_default()
            .push(format!(" {} ", key.0));
    }
    let partner = |other: u32, org: u32| {
        let (a, b) = (&orgs[other as usize], &orgs[org as usize]);
        if a.relationships.iter().any(|r| r.ror == b.ror)
            || b.relationships.iter().any(|r| r.ror == a.ror)
        {
            return true;
        }
        let empty = Vec::new();
        let own = full_names.get(&org).unwrap_or(&empty);
        full_names.get(&other).is_some_and(|names| {
            names
                .iter()
                .any(|name| own.iter().any(|o| name.contains(o.as_str())))
        })
    };
    keys.retain(|key| {
        !(key.3 == NameForm::WithoutQualifier
            && is_university_of_its_city(&orgs[key.1 as usize], &key.0)
            && held
                .get(&key.0)
                .is_some_and(|owners| owners.iter().any(|&o| o != key.1 && !partner(o, key.1))))
    });
    keys
}

/// How many organisations use each word in their names, and the words of their cities: enough to
/// tell a name's own words from common ones and places while the index is built.
struct NameWords {
    organisations: FxHashMap<String, u32>,
    /// Every word of a city's name.
    place_words: FxHashSet<String>,
    /// Cities, as their normalised words joined by spaces.
    cities: FxHashSet<String>,
    /// How many organisations there are.
    total: u32,
}

impl NameWords {
    fn of(orgs: &[Organization]) -> NameWords {
        let mut organisations: FxHashMap<String, u32> = FxHashMap::default();
        let mut place_words = FxHashSet::default();
        let mut cities = FxHashSet::default();
        let mut seen = FxHashSet::default();
        for org in orgs {
            seen.clear();
            for name in &org.names {
                for token in tokenize(&name.value) {
                    if seen.insert(token.text.clone()) {
                        *organisations.entry(token.text).or_default() += 1;
                    }
                }
            }
            for city in &org.cities {
                let words: Vec<String> = tokenize(city).into_iter().map(|t| t.text).collect();
                cities.insert(words.join(" "));
                place_words.extend(words);
            }
        }
        NameWords {
            organisations,
            place_words,
            cities,
            total: orgs.len() as u32,
        }
    }

    /// A word that few organisations' names have for the registry's size (at most one in 2,000,
    /// and at least 15 allowed), and no place or country.
    fn is_rare(&self, word: &str) -> bool {
        let allowed = (self.total / 2000).max(15);
        self.organisations.get(word).copied().unwrap_or(0) < allowed
            && !self.place_words.contains(word)
            && tandem_countries::country_code_for_name(word).is_none()
    }

    /// A word few organisations' names have (as the matcher counts a proper name) and no place.
    fn is_own(&self, word: &str) -> bool {
        self.organisations.get(word).copied().unwrap_or(0) < 15
            && !self.place_words.contains(word)
            && tandem_countries::country_code_for_name(word).is_none()
    }

    /// True when the first `n` words of `text` (its `tokens`) are a city or a country.
    fn is_place(&self, text: &str, tokens: &[Token], n: usize) -> bool {
        let key = tokens[..n]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        self.cities.contains(&key)
            || tandem_countries::country_code_for_name(&text[tokens[0].start..tokens[n - 1].end])
                .is_some()
    }
}

/// "Friedrich Schiller University Jena", "Philipps-Universität Marburg": a university named after a
/// person is also written without the person ("Universität Jena", "University of Marburg", "Univ
/// Marburg"). Only when what is left is the word "University" and the organisation's own city, and
/// every word dropped is a name: few organisations have it, it is no place, and it does not say what
/// kind of university ("Technical University of Munich" is not the "University of Munich"). Not for
/// a body that is no more: "Argosy University Denver" closed, and the "University of Denver" is another.
fn without_eponym<'n>(org: &Organization, name: &'n str, words: &NameWords) -> Option<&'n str> {
    if !org.types.iter().any(|t| t == "education") || org.status != Status::Active {
        return None;
    }
    let tokens = tokenize(name);
    let body = tokens.iter().position(|t| t.text == "univ")?;
    if body == 0 {
        return None;
    }
    let rest = &tokens[body + 1..];
    let own_city = city_spellings(org).into_iter().any(|city| {
        let city = tokenize(city);
        !city.is_empty()
            && city.len() == rest.len()
            && city.iter().zip(rest).all(|(a, b)| a.text == b.text)
    });
    let eponym = tokens[..body].iter().all(|t| {
        let word = name[t.start..t.end].to_lowercase();
        words.is_rare(&t.text)
            && !GENERIC.contains(t.text.as_str())
            && !KIND_OF_UNIVERSITY.contains(&word.as_str())
            && !word.ends_with("al")
            && !word.ends_with("ic")
            // "Technická univerzita Ostrava", "Ekonomická univerzita": Slavic adjectives of kind.
            && !word.starts_with("techn")
            && !["ická", "ický", "iczna", "ična"].iter().any(|e| word.ends_with(e))
            && tandem_countries::country_code_for_adjective(&word).is_none()
    });
    (own_city && eponym).then(|| &name[tokens[body].start..])
}

/// "The University of Texas MD Anderson Cancer Center" (a unit of The University of Texas System),
/// "Gachon University Gil Medical Center": a name that opens with its parent's is also written
/// without it, when what is left says what kind of body it is and names it by a word of its own
/// ("Chungju Hospital" of "Konkuk University Chungju Hospital" names no one: its one word is a city).
fn without_parent_name<'n>(
    org: &Organization,
    name: &'n str,
    words: &NameWords,
) -> Option<&'n str> {
    let tokens = tokenize(name);
    org.relationships
        .iter()
        .filter(|r| r.kind == RelationKind::Parent)
        .filter_map(|r| r.label.as_deref())
        .find_map(|label| {
            let parent = tokenize(label.strip_suffix(" System").unwrap_or(label));
            if parent.is_empty()
                || parent.len() + 2 > tokens.len()
                || !parent.iter().zip(&tokens).all(|(p, t)| p.text == t.text)
            {
                return None;
            }
            let rest = &tokens[parent.len()..];
            let own_word = rest
                .iter()
                .any(|t| words.is_rare(&t.text) && !GENERIC.contains(t.text.as_str()));
            let body = rest.iter().any(|t| BODY_WORDS.contains(&t.text.as_str()));
            let text = &name[rest[0].start..];
            (own_word && body && text.starts_with(char::is_uppercase)).then_some(text)
        })
}

/// "University of Naples Federico II", "University of Rome Tor Vergata": a university named "University
/// of" its city and a name of its own is also written by that name alone, before or after the word
/// "University" ("Federico II University", "Università Sapienza"), with the city elsewhere or not at
/// all. Only when every word of its own is a name (few organisations have it, it is no place) or a
/// number.
fn by_its_own_name(org: &Organization, name: &str, words: &NameWords) -> Vec<String> {
    let tokens = tokenize(name);
    if !org.types.iter().any(|t| t == "education")
        || tokens.first().is_none_or(|t| t.text != "univ")
    {
        return Vec::new();
    }
    let Some(city_len) = city_spellings(org).into_iter().find_map(|city| {
        let city = tokenize(city);
        (!city.is_empty()
            && tokens.len() > city.len() + 1
            && city.iter().zip(&tokens[1..]).all(|(c, t)| c.text == t.text))
        .then_some(city.len())
    }) else {
        return Vec::new();
    };
    let own = &tokens[1 + city_len..];
    let is_number =
        |w: &str| w.bytes().all(|b| b.is_ascii_digit()) || matches!(w, "i" | "ii" | "iii");
    let named = own
        .iter()
        .any(|t| t.text.len() >= 4 && words.is_rare(&t.text))
        && own.iter().all(|t| {
            is_number(&t.text) || (words.is_rare(&t.text) && !GENERIC.contains(t.text.as_str()))
        });
    // A translation's words are no name of its own ("Universidad de Detroit Misericordia" of the
    // University of Detroit Mercy): the display name has them too.
    let display = tokenize(&org.display_name);
    let in_display = own.iter().all(|t| display.iter().any(|d| d.text == t.text));
    if !named || !in_display {
        return Vec::new();
    }
    let own_name = name[own[0].start..].trim_matches(|c: char| !c.is_alphanumeric());
    let university = &name[tokens[0].start..tokens[0].end];
    vec![
        format!("{own_name} {university}"),
        format!("{university} {own_name}"),
    ]
}

/// True when `key` is "univ" and one of the organisation's cities, as [`without_eponym`] leaves it.
fn is_university_of_its_city(org: &Organization, key: &str) -> bool {
    key.strip_prefix("univ ").is_some_and(|rest| {
        city_spellings(org).into_iter().any(|city| {
            tokenize(city)
                .iter()
                .map(|t| t.text.as_str())
                .eq(rest.split(' '))
        })
    })
}

/// Words before "University" that say what kind it is, not whom it is named after (besides those
/// ending in "-al" or "-ic", such as "Technical" and "Catholic", which the check turns away anyway).
#[rustfmt::skip]
const KIND_OF_UNIVERSITY: &[&str] = &[
    "free", "open", "christian", "technische", "state", "new", "old", "private", "public",
    "metropolitan", "protestant", "adventist", "baptist", "methodist", "jewish", "hebrew",
    "northern", "southern", "eastern", "western", "north", "south", "east", "west", "city",
    "county", "capital", "peoples", "normal",
];

/// "ZHAW Zurich University of Applied Sciences", "SRON Netherlands Institute for Space Research": a
/// name that opens with the organisation's own acronym, written without it. Only when what follows
/// says what kind of body it is and names it: by a word of its own ("KNCV Tuberculosis Foundation")
/// or by a place before the body word ("Zurich University ..."). Not "IESE Business
/// School" (common words), "KSA South Korea", or the name of its parent ("FIR at RWTH Aachen
/// University").
fn without_own_acronym<'n>(
    org: &Organization,
    name: &'n str,
    words: &NameWords,
) -> Option<&'n str> {
    let (head, rest) = name.split_once(' ')?;
    let rest = rest.trim();
    let own_acronym = head.chars().filter(|c| c.is_uppercase()).count() >= 2
        && head.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && org
            .names
            .iter()
            .any(|n| n.kinds.contains(&NameKind::Acronym) && n.value.trim() == head);
    // "CMCC Foundation - Euro-Mediterranean ..." and "FRAPS CVL - ..." belong to the dash rule.
    if !own_acronym || rest.contains(" - ") || rest.contains(" – ") || rest.contains(',') {
        return None;
    }
    let tokens = tokenize(rest);
    let body = tokens
        .iter()
        .position(|t| BODY_WORDS.contains(&t.text.as_str()))?;
    let named = tokens.iter().any(|t| words.is_own(&t.text))
        || (1..=body).any(|n| words.is_place(rest, &tokens, n));
    // Not "at RWTH Aachen University" or "e. V. ...": what is left must start like a name.
    let starts_with_a_word = rest.starts_with(|c: char| c.is_uppercase());
    // Two words that open with the body word are too often the end of another name: "University
    // Sikkim" of "SRM University Sikkim" is also in "Central University of Sikkim".
    let long_enough = tokens.len() >= 3 || (tokens.len() == 2 && body > 0);
    let keep = long_enough && named && starts_with_a_word && !names_a_parent(org, rest);
    keep.then_some(rest)
}

/// True when `name` is, word for word, the name ROR gives one of the organisation's parents.
fn names_a_parent(org: &Organization, name: &str) -> bool {
    let words = |s: &str| -> Vec<String> { tokenize(s).into_iter().map(|t| t.text).collect() };
    let name = words(name);
    org.relationships
        .iter()
        .filter(|r| r.kind == RelationKind::Parent)
        .filter_map(|r| r.label.as_deref())
        .any(|label| words(label) == name)
}

/// The name with each apostrophe between two syllables of two or more letters written as a space:
/// "Xi'an" as "Xi an", "Chang'an" as "Chang an"; `None` when there is none. "King's", "O'Higgins" and
/// "Hawai'i" keep theirs.
fn apostrophe_as_space(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let letters_run = |range: &mut dyn Iterator<Item = usize>| {
        range.take_while(|&j| chars[j].is_alphabetic()).count()
    };
    let mut out = String::with_capacity(name.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        let between_syllables = matches!(c, '\'' | '’' | 'ʼ') && {
            let before = letters_run(&mut (0..i).rev());
            before >= 2
                && letters_run(&mut (i + 1..chars.len())) >= 2
                && !is_elided_article(&chars[i - before..i].iter().collect::<String>())
        };
        if between_syllables {
            out.push(' ');
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// Every way an address may write the organisation's cities: ROR's name and the others ("Milan",
/// "Milano").
fn city_spellings(org: &Organization) -> Vec<&str> {
    org.cities
        .iter()
        .flat_map(|c| std::iter::once(c.as_str()).chain(other_names(c).iter().copied()))
        .collect()
}

/// The name with each city it names, where it stands as whole words, written with each of the
/// city's other names: "University of Florence" → "University of Firenze", "University of
/// Milano-Bicocca" → "University of Milan-Bicocca", and, for a city that is not the organisation's
/// own, "University of Erlangen-Nuremberg" → "University of Erlangen-Nürnberg".
fn with_other_city_names(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (city, others) in cities_written_in(name) {
        let spellings = || std::iter::once(city).chain(others.iter().copied());
        for written in spellings() {
            let Some(at) = name.find(written) else {
                continue;
            };
            let end = at + written.len();
            let whole = !name[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && !name[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if whole {
                out.extend(
                    spellings()
                        .filter(|&other| other != written)
                        .map(|other| format!("{}{other}{}", &name[..at], &name[end..])),
                );
            }
        }
    }
    out
}

fn transliterate_umlauts(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            other => out.push(other),
        }
    }
    out
}

/// The one word of three letters or fewer a name comes to without its legal form and a qualifier in
/// brackets ("PPL Corporation (United States)"), as written.
fn short_word_left(name: &str) -> Option<String> {
    let trimmed = name.trim_end();
    let base = match trimmed.rfind(" (") {
        Some(open) if trimmed.ends_with(')') => &trimmed[..open],
        _ => trimmed,
    };
    // The registry is built at every load: a cheap test first, at most three words and a short one.
    let short = |w: &str| (1..=3).contains(&w.chars().filter(|c| c.is_alphanumeric()).count());
    if base.split_whitespace().count() > 3 || !base.split_whitespace().any(short) {
        return None;
    }
    match tokenize(base).as_slice() {
        [only] if only.text.chars().count() <= 3 => Some(base[only.start..only.end].to_string()),
        _ => None,
    }
}

/// A name of one short word, or one word in capitals: an acronym whatever ROR calls it.
fn is_short_name(name: &str) -> bool {
    let name = name.trim();
    let letters = name.chars().filter(|c| c.is_alphanumeric()).count();
    !name.contains(' ')
        && (letters <= 3
            || (letters <= 8
                && name
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase)))
}

pub(crate) fn code_bytes(code: &str) -> CountryCode {
    let b = code.as_bytes();
    [
        b.first().copied().unwrap_or(b' '),
        b.get(1).copied().unwrap_or(b' '),
    ]
}
