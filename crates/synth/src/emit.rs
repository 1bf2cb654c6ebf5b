//! Writes a planned work as an OpenAlex work record (current schema), and institution records.

use crate::facts::{self, InstitutionFact};
use crate::json::JsonBuf;
use crate::rng::{Rng, mix};
use crate::taxonomy::{self, DOMAINS, FIELDS, SUBFIELDS, TOPICS};
use crate::world::{Work, World, stream};

const OA: &str = "https://openalex.org/";

/// Funders for `grants` (invented ids).
pub const FUNDERS: [&str; 8] = [
    "Engineering and Physical Sciences Research Council",
    "Medical Research Council",
    "Wellcome Trust",
    "Biotechnology and Biological Sciences Research Council",
    "Economic and Social Research Council",
    "European Research Council",
    "National Institutes of Health",
    "National Natural Science Foundation of China",
];

const TITLE_CONTEXTS: [&str; 10] = [
    "a national cohort study",
    "a multicentre randomised trial",
    "UK Biobank",
    "longitudinal data",
    "field observations",
    "large-scale simulations",
    "administrative records",
    "a cross-country panel",
    "a prospective study",
    "high-resolution measurements",
];

const SDGS: [(u32, &str); 5] = [
    (3, "Good health and well-being"),
    (4, "Quality education"),
    (7, "Affordable and clean energy"),
    (13, "Climate action"),
    (10, "Reduced inequalities"),
];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The title of a work, from its topic and type.
pub fn title(work: &Work) -> String {
    let (topic, keywords) = TOPICS[work.topics[0].0];
    let k0 = keywords[0];
    let k1 = keywords[(work.bulk_seed % 3) as usize];
    let context = TITLE_CONTEXTS[(work.bulk_seed >> 8) as usize % TITLE_CONTEXTS.len()];
    match work.kind {
        "paratext" => [
            "Issue Information",
            "Front Matter",
            "Table of Contents",
            "Cover Image",
        ][work.title_template as usize % 4]
            .to_string(),
        "erratum" => format!("Correction to: {} and {}", capitalise(k0), k1),
        "editorial" => format!("Editorial: {topic}"),
        "review" => match work.title_template % 2 {
            0 => format!("{topic}: a systematic review and meta-analysis"),
            _ => format!("Advances in {}: a review", topic.to_lowercase()),
        },
        "dataset" => format!("Data for: {} in {}", capitalise(k0), context),
        "book" => format!("{topic}: Theory and Practice"),
        _ => match work.title_template {
            0 => format!("{} and {}: evidence from {}", capitalise(k0), k1, context),
            1 => format!("The role of {} in {}", k1, topic.to_lowercase()),
            2 => format!(
                "{} of {}: {}",
                capitalise(
                    ["Mechanisms", "Determinants", "Patterns", "Drivers"]
                        [(work.bulk_seed >> 20) as usize % 4]
                ),
                k0,
                context
            ),
            3 => format!("A new approach to {} using {}", k0, k1),
            4 => format!("{}: insights from {}", topic, context),
            _ => format!("Quantifying {} across {}", k1, context),
        },
    }
}

fn institution_object(j: &mut JsonBuf, world: &World, i: usize) {
    let inst: &InstitutionFact = &world.institutions[i];
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}I{}", world.institution_ids[i]));
    j.kv_str("display_name", inst.name);
    j.key("ror");
    match inst.ror {
        Some(r) => j.fmt_str(format_args!("https://ror.org/{r}")),
        None => j.null(),
    }
    j.kv_opt_str("country_code", inst.country);
    j.kv_str("type", inst.kind);
    j.key("lineage");
    j.begin_array();
    j.fmt_str(format_args!("{OA}I{}", world.institution_ids[i]));
    if let Some(p) = world.parent[i] {
        j.fmt_str(format_args!("{OA}I{}", world.institution_ids[p]));
    }
    j.end_array();
    j.end_object();
}

fn affiliation_string(
    world: &World,
    work: &Work,
    institution: Option<usize>,
    country: Option<usize>,
) -> String {
    let dept = FIELDS[work.field].department;
    match (institution, country) {
        (Some(i), _) => {
            let inst = &world.institutions[i];
            let country_name = inst.country.and_then(facts::country).map(|c| c.name);
            match (inst.city.is_empty(), country_name) {
                (false, Some(cn)) => format!("{dept}, {}, {}, {cn}", inst.name, inst.city),
                _ => inst.name.to_string(),
            }
        }
        (None, Some(c)) => format!("{dept}, {}", facts::COUNTRIES[c].name),
        (None, None) => String::new(),
    }
}

fn orcid(author: u64) -> Option<String> {
    let h = mix(author ^ 0x0c1d_u64.wrapping_mul(31));
    if h % 100 >= 55 {
        return None;
    }
    // 15 digits from the hash, then the ISO 7064 MOD 11-2 check character.
    let mut digits = [0u8; 16];
    let mut v = h >> 8;
    digits[0] = 0;
    digits[1] = 0;
    digits[2] = 0;
    digits[3] = 0;
    digits[4] = 0;
    digits[5] = (v % 3) as u8;
    v /= 3;
    for d in digits.iter_mut().take(15).skip(6) {
        *d = (v % 10) as u8;
        v /= 10;
    }
    let mut total = 0u32;
    for d in digits.iter().take(15) {
        total = (total + *d as u32) * 2;
    }
    let check = (12 - total % 11) % 11;
    let check_char = if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    };
    let s: String = digits
        .iter()
        .take(15)
        .map(|d| char::from(b'0' + d))
        .collect();
    Some(format!(
        "https://orcid.org/{}-{}-{}-{}{}",
        &s[0..4],
        &s[4..8],
        &s[8..12],
        &s[12..15],
        check_char
    ))
}

fn author_name(world: &World, seed: u64, a: &crate::world::PlannedAuthorship) -> String {
    let _ = world;
    let (given, family) = facts::names(a.family);
    let h = mix(a.author ^ seed.rotate_left(17));
    let g = given[(h % given.len() as u64) as usize];
    let f = family[((h >> 20) % family.len() as u64) as usize];
    if (h >> 40).is_multiple_of(5) {
        let initial = char::from(b'A' + ((h >> 44) % 26) as u8);
        format!("{g} {initial}. {f}")
    } else {
        format!("{g} {f}")
    }
}

fn source_object(j: &mut JsonBuf, work: &Work) {
    let s = work.source.fact();
    let publisher_id = 4_310_000_000
        + (mix(s
            .publisher
            .bytes()
            .fold(0u64, |a, b| a.wrapping_mul(131).wrapping_add(b as u64)))
            % 900_000);
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!(
        "{OA}S{}",
        4_500_000_000u64 + work.source.number() * 17 + 3
    ));
    j.kv_str("display_name", s.name);
    j.kv_null("issn_l");
    j.kv_null("issn");
    j.kv_bool("is_oa", s.is_oa);
    j.kv_bool("is_in_doaj", s.is_oa && s.kind == "journal");
    j.kv_bool("is_indexed_in_scopus", s.kind == "journal");
    j.kv_bool("is_core", s.kind == "journal");
    j.key("host_organization");
    j.fmt_str(format_args!("{OA}P{publisher_id}"));
    j.kv_str("host_organization_name", s.publisher);
    j.key("host_organization_lineage");
    j.begin_array();
    j.fmt_str(format_args!("{OA}P{publisher_id}"));
    j.end_array();
    j.key("host_organization_lineage_names");
    j.begin_array();
    j.str(s.publisher);
    j.end_array();
    j.kv_str("type", s.kind);
    j.end_object();
}

fn location(j: &mut JsonBuf, work: &Work, doi: &Option<String>, repository: bool) {
    let s = work.source.fact();
    j.begin_object();
    if repository {
        let (name, base) = if matches!(FIELDS[work.field].domain, 1 | 4) {
            (
                "Europe PMC (PubMed Central)",
                "https://europepmc.org/article/MED/",
            )
        } else {
            ("arXiv (Cornell University)", "https://arxiv.org/abs/2")
        };
        j.kv_bool("is_oa", true);
        j.key("landing_page_url");
        j.fmt_str(format_args!(
            "{base}{}",
            30_000_000 + work.bulk_seed % 9_000_000
        ));
        j.kv_null("pdf_url");
        j.key("source");
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!(
            "{OA}S{}",
            4_500_009_000u64 + name.len() as u64
        ));
        j.kv_str("display_name", name);
        j.kv_null("issn_l");
        j.kv_null("issn");
        j.kv_bool("is_oa", true);
        j.kv_bool("is_in_doaj", false);
        j.kv_bool("is_indexed_in_scopus", false);
        j.kv_bool("is_core", false);
        j.kv_null("host_organization");
        j.kv_null("host_organization_name");
        j.kv_empty_array("host_organization_lineage");
        j.kv_empty_array("host_organization_lineage_names");
        j.kv_str("type", "repository");
        j.end_object();
        j.kv_null("license");
        j.kv_null("license_id");
        j.kv_str("version", "acceptedVersion");
        j.kv_bool("is_accepted", true);
        j.kv_bool("is_published", false);
    } else {
        j.kv_bool("is_oa", s.is_oa);
        j.key("landing_page_url");
        match doi {
            Some(d) => j.str(d),
            None => j.fmt_str(format_args!("{OA}W{}", work_id_number(work.index))),
        }
        j.key("pdf_url");
        if s.is_oa {
            j.fmt_str(format_args!(
                "https://www.example-publisher.org/pdf/{}",
                work.bulk_seed % 100_000_000
            ));
        } else {
            j.null();
        }
        j.key("source");
        source_object(j, work);
        if s.is_oa {
            j.kv_str("license", "cc-by");
            j.kv_str("license_id", "https://openalex.org/licenses/cc-by");
        } else {
            j.kv_null("license");
            j.kv_null("license_id");
        }
        j.kv_str(
            "version",
            if work.kind == "preprint" {
                "submittedVersion"
            } else {
                "publishedVersion"
            },
        );
        j.kv_bool("is_accepted", work.kind != "preprint");
        j.kv_bool("is_published", work.kind != "preprint");
    }
    j.end_object();
}

fn topic_object(j: &mut JsonBuf, topic: usize, score: f64) {
    let sub = &SUBFIELDS[topic / 2];
    let field = FIELDS
        .iter()
        .find(|f| f.id == sub.field_id)
        .expect("subfield's field exists");
    let domain = DOMAINS
        .iter()
        .find(|d| d.0 == field.domain)
        .expect("field's domain exists");
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}T{}", 90_000 + topic));
    j.kv_str("display_name", TOPICS[topic].0);
    j.kv_f64("score", score, 4);
    j.key("subfield");
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}subfields/{}", sub.id));
    j.kv_str("display_name", sub.name);
    j.end_object();
    j.key("field");
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}fields/{}", field.id));
    j.kv_str("display_name", field.name);
    j.end_object();
    j.key("domain");
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}domains/{}", domain.0));
    j.kv_str("display_name", domain.1);
    j.end_object();
    j.end_object();
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The OpenAlex id number of work `index` (W4400000000 onwards, like recent real works).
pub fn work_id_number(index: u64) -> u64 {
    4_400_000_000 + index
}

/// Reusable scratch space for the abstract's inverted index.
pub struct Scratch {
    positions: Vec<Vec<u32>>,
    order: Vec<u16>,
}

impl Scratch {
    pub fn new(world: &World) -> Self {
        Scratch {
            positions: vec![Vec::new(); world.lexicon.words.len()],
            order: Vec::new(),
        }
    }
}

fn abstract_inverted_index(j: &mut JsonBuf, world: &World, work: &Work, scratch: &mut Scratch) {
    let mut rng = Rng::for_item(work.bulk_seed, stream::BULK, 1);
    let length = rng.range(90, 260) as u32;
    let topic_words = &world.lexicon.topic_words[work.topics[0].0];
    let general = world.lexicon.words.len().min(taxonomy::VOCABULARY.len());
    for pos in 0..length {
        let w = if rng.chance(0.18) {
            topic_words[rng.index(topic_words.len())]
        } else {
            rng.index(general) as u16
        };
        let slot = &mut scratch.positions[w as usize];
        if slot.is_empty() {
            scratch.order.push(w);
        }
        slot.push(pos);
    }
    j.begin_object();
    for &w in &scratch.order {
        j.key(world.lexicon.words[w as usize]);
        j.begin_array();
        for &p in &scratch.positions[w as usize] {
            j.u64(p as u64);
        }
        j.end_array();
        scratch.positions[w as usize].clear();
    }
    scratch.order.clear();
    j.end_object();
}

/// What every record of one world is written with.
pub struct RecordContext<'a> {
    pub world: &'a World,
    pub detail: crate::Detail,
    pub seed: u64,
    pub scratch: Scratch,
}

/// Writes `work` as one JSON line (with trailing newline) into `j.buf`.
///
/// `id_number` is the record's work id (a merged-away `duplicate` gets its own id and no DOI);
/// `updated_date` is its ISO timestamp, which places it in its partition.
pub fn write_work(
    j: &mut JsonBuf,
    ctx: &mut RecordContext<'_>,
    work: &Work,
    id_number: u64,
    duplicate: bool,
    updated_date: &str,
) {
    let (world, detail, seed) = (ctx.world, ctx.detail, ctx.seed);
    let scratch = &mut ctx.scratch;
    let title = title(work);
    let lean = detail == crate::Detail::Lean;
    let s = work.source.fact();
    let repository_copy = work.has_repository_copy && !lean;
    let doi = if work.has_doi && !duplicate {
        Some(match work.kind {
            "preprint" if s.doi_prefix == "10.48550" => format!(
                "https://doi.org/10.48550/arxiv.{}{:02}.{:05}",
                work.year % 100,
                work.month,
                id_number % 100_000
            ),
            "dataset" => format!(
                "https://doi.org/10.5281/zenodo.{}",
                10_000_000 + id_number % 9_000_000
            ),
            _ => format!(
                "https://doi.org/{}/syn.{}.{}",
                s.doi_prefix, work.year, id_number
            ),
        })
    } else {
        None
    };
    let is_oa = s.is_oa || repository_copy;
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}W{id_number}"));
    j.kv_opt_str("doi", doi.as_deref());
    j.kv_str("title", &title);
    j.kv_str("display_name", &title);
    j.kv_u64("publication_year", work.year as u64);
    j.key("publication_date");
    j.fmt_str(format_args!(
        "{}-{:02}-{:02}",
        work.year, work.month, work.day
    ));
    j.key("ids");
    j.begin_object();
    j.key("openalex");
    j.fmt_str(format_args!("{OA}W{id_number}"));
    if let Some(d) = &doi {
        j.kv_str("doi", d);
    }
    if FIELDS[work.field].domain == 4 && work.bulk_seed % 10 < 6 {
        j.key("pmid");
        j.fmt_str(format_args!(
            "https://pubmed.ncbi.nlm.nih.gov/{}",
            30_000_000 + id_number % 9_000_000
        ));
    }
    j.end_object();
    j.kv_str("language", work.language);
    j.key("primary_location");
    location(j, work, &doi, false);
    j.kv_str("type", work.kind);
    j.kv_str(
        "type_crossref",
        match work.kind {
            "book-chapter" => "book-chapter",
            "book" => "monograph",
            "preprint" => "posted-content",
            "dataset" => "dataset",
            "other" => "other",
            _ => "journal-article",
        },
    );
    j.key("indexed_in");
    j.begin_array();
    if doi.is_some() {
        j.str("crossref");
    }
    if FIELDS[work.field].domain == 4 {
        j.str("pubmed");
    }
    if work.kind == "preprint" && s.doi_prefix == "10.48550" {
        j.str("arxiv");
    }
    j.end_array();
    j.key("open_access");
    j.begin_object();
    j.kv_bool("is_oa", is_oa);
    j.kv_str(
        "oa_status",
        if s.is_oa {
            "gold"
        } else if repository_copy {
            "green"
        } else {
            "closed"
        },
    );
    j.key("oa_url");
    if is_oa {
        match &doi {
            Some(d) if s.is_oa => j.str(d),
            _ => j.fmt_str(format_args!(
                "https://europepmc.org/articles/PMC{}",
                10_000_000 + id_number % 9_000_000
            )),
        }
    } else {
        j.null();
    }
    j.kv_bool("any_repository_has_fulltext", repository_copy);
    j.end_object();

    // Authorships.
    let mut countries_all: Vec<usize> = Vec::new();
    let mut institutions_all: Vec<usize> = Vec::new();
    let mut corresponding_author = None;
    let mut corresponding_institutions: Vec<usize> = Vec::new();
    j.key("authorships");
    j.begin_array();
    let n = work.authorships.len();
    for (pos, a) in work.authorships.iter().enumerate() {
        let countries = a.countries(world);
        for &c in &countries {
            if !countries_all.contains(&c) {
                countries_all.push(c);
            }
        }
        for &i in &a.institutions {
            if !institutions_all.contains(&i) {
                institutions_all.push(i);
            }
        }
        if a.is_corresponding {
            corresponding_author = Some(a.author);
            corresponding_institutions.extend(a.institutions.iter().copied());
        }
        let name = author_name(world, seed, a);
        j.begin_object();
        j.kv_str(
            "author_position",
            if pos == 0 {
                "first"
            } else if pos + 1 == n {
                "last"
            } else {
                "middle"
            },
        );
        j.key("author");
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!("{OA}A{}", a.author));
        j.kv_str("display_name", &name);
        j.kv_opt_str("orcid", orcid(a.author).as_deref());
        j.end_object();
        j.key("institutions");
        j.begin_array();
        for &i in &a.institutions {
            institution_object(j, world, i);
        }
        j.end_array();
        j.key("countries");
        j.begin_array();
        for &c in &countries {
            j.str(facts::COUNTRIES[c].code);
        }
        j.end_array();
        j.kv_bool("is_corresponding", a.is_corresponding);
        j.kv_str("raw_author_name", &name);
        let strings: Vec<(String, Option<usize>)> = if a.institutions.is_empty() {
            match a.bare_country {
                Some(c) => vec![(affiliation_string(world, work, None, Some(c)), None)],
                None => vec![],
            }
        } else {
            a.institutions
                .iter()
                .map(|&i| (affiliation_string(world, work, Some(i), None), Some(i)))
                .collect()
        };
        j.key("raw_affiliation_strings");
        j.begin_array();
        for (text, _) in &strings {
            j.str(text);
        }
        j.end_array();
        j.key("affiliations");
        j.begin_array();
        for (text, inst) in &strings {
            j.begin_object();
            j.kv_str("raw_affiliation_string", text);
            j.key("institution_ids");
            j.begin_array();
            if let Some(i) = inst {
                j.fmt_str(format_args!("{OA}I{}", world.institution_ids[*i]));
            }
            j.end_array();
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.kv_bool("is_authors_truncated", false);
    j.kv_empty_array("institution_assertions");
    j.kv_u64("countries_distinct_count", countries_all.len() as u64);
    j.kv_u64("institutions_distinct_count", institutions_all.len() as u64);
    j.key("corresponding_author_ids");
    j.begin_array();
    if let Some(a) = corresponding_author {
        j.fmt_str(format_args!("{OA}A{a}"));
    }
    j.end_array();
    j.key("corresponding_institution_ids");
    j.begin_array();
    for i in corresponding_institutions {
        j.fmt_str(format_args!("{OA}I{}", world.institution_ids[i]));
    }
    j.end_array();
    j.kv_null("apc_list");
    j.kv_null("apc_paid");
    j.key("fwci");
    match work.fwci {
        Some(f) => j.f64(f, 3),
        None => j.null(),
    }
    j.kv_bool("has_fulltext", work.has_abstract);
    j.kv_u64("cited_by_count", work.cited_by_count);
    let percentile = 1.0 - (-(work.fwci.unwrap_or(0.0))).exp();
    j.key("citation_normalized_percentile");
    j.begin_object();
    j.kv_f64("value", percentile, 6);
    j.kv_bool("is_in_top_1_percent", percentile > 0.99);
    j.kv_bool("is_in_top_10_percent", percentile > 0.9);
    j.end_object();
    j.key("cited_by_percentile_year");
    j.begin_object();
    let p = (percentile * 100.0) as u64;
    j.kv_u64("min", p.saturating_sub(1));
    j.kv_u64("max", p);
    j.end_object();
    j.key("biblio");
    j.begin_object();
    if s.kind == "journal" {
        j.key("volume");
        j.fmt_str(format_args!(
            "{}",
            work.year - 1900 + (work.bulk_seed % 7) as u16
        ));
        j.key("issue");
        j.fmt_str(format_args!("{}", work.month));
        let first = 1 + work.bulk_seed % 3000;
        j.key("first_page");
        j.fmt_str(format_args!("{first}"));
        j.key("last_page");
        j.fmt_str(format_args!("{}", first + 4 + (work.bulk_seed >> 12) % 20));
    } else {
        j.kv_null("volume");
        j.kv_null("issue");
        j.kv_null("first_page");
        j.kv_null("last_page");
    }
    j.end_object();
    j.kv_bool("is_retracted", work.is_retracted);
    j.kv_bool("is_paratext", work.is_paratext);
    j.key("primary_topic");
    topic_object(j, work.topics[0].0, work.topics[0].1);
    j.key("topics");
    j.begin_array();
    for &(t, score) in &work.topics {
        topic_object(j, t, score);
    }
    j.end_array();
    j.key("keywords");
    j.begin_array();
    let (_, keywords) = TOPICS[work.topics[0].0];
    for (k, kw) in keywords
        .iter()
        .enumerate()
        .take(1 + (work.bulk_seed % 3) as usize)
    {
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!("{OA}keywords/{}", slug(kw)));
        j.kv_str("display_name", kw);
        j.kv_f64("score", 0.72 - k as f64 * 0.13, 4);
        j.end_object();
    }
    j.end_array();
    j.key("concepts");
    j.begin_array();
    let field = &FIELDS[work.field];
    let sub = &SUBFIELDS[work.topics[0].0 / 2];
    let concepts = [
        (0u64, field.name, 0.61, field.id as u64),
        (1, sub.name, 0.48, sub.id as u64),
        (2, keywords[0], 0.41, 10_000 + work.topics[0].0 as u64 * 3),
        (2, keywords[1], 0.33, 10_001 + work.topics[0].0 as u64 * 3),
        (2, keywords[2], 0.27, 10_002 + work.topics[0].0 as u64 * 3),
    ];
    for (level, name, score, number) in if lean { &concepts[..0] } else { &concepts[..] }
        .iter()
        .copied()
    {
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!("{OA}C{}", 4_600_000_000 + number));
        j.kv_null("wikidata");
        j.kv_str("display_name", name);
        j.kv_u64("level", level);
        j.kv_f64("score", score, 6);
        j.end_object();
    }
    j.end_array();
    j.kv_empty_array("mesh");
    // Lean records keep the primary location only (locations and best_oa_location repeat it).
    j.kv_u64("locations_count", 1 + repository_copy as u64);
    j.key("locations");
    j.begin_array();
    if !lean {
        location(j, work, &doi, false);
    }
    if repository_copy {
        location(j, work, &doi, true);
    }
    j.end_array();
    j.key("best_oa_location");
    if lean {
        j.null();
    } else if s.is_oa {
        location(j, work, &doi, false);
    } else if repository_copy {
        location(j, work, &doi, true);
    } else {
        j.null();
    }
    j.key("sustainable_development_goals");
    j.begin_array();
    if work.bulk_seed % 10 < 3 {
        let (id, name) = match field.domain {
            4 => SDGS[0],
            1 => SDGS[0],
            2 => SDGS[1 + (work.bulk_seed as usize >> 4) % 4 / 3 * 3],
            _ => SDGS[2 + (work.bulk_seed as usize >> 4) % 2],
        };
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!("https://metadata.un.org/sdg/{id}"));
        j.kv_str("display_name", name);
        j.kv_f64(
            "score",
            0.4 + ((work.bulk_seed >> 30) % 50) as f64 / 100.0,
            2,
        );
        j.end_object();
    }
    j.end_array();
    j.key("grants");
    j.begin_array();
    if let Some(g) = work.grant {
        j.begin_object();
        j.key("funder");
        j.fmt_str(format_args!("{OA}F{}", 4_320_000_000u64 + g as u64 * 101));
        j.kv_str("funder_display_name", FUNDERS[g]);
        j.key("award_id");
        j.fmt_str(format_args!(
            "{}/{:06}/{}",
            ["EP", "MR", "WT", "BB", "ES", "ERC", "R01", "NSFC"][g],
            work.bulk_seed % 1_000_000,
            1 + work.bulk_seed % 3
        ));
        j.end_object();
    }
    j.end_array();
    j.kv_empty_array("datasets");
    j.kv_empty_array("versions");

    // References and related works: sorted ids of (mostly older) works.
    let mut rng = Rng::for_item(work.bulk_seed, stream::BULK, 2);
    let n_refs = if lean {
        0
    } else {
        match work.kind {
            "article" => rng.range(15, 55),
            "review" => rng.range(60, 180),
            "preprint" | "book-chapter" => rng.range(10, 45),
            "book" => rng.range(80, 250),
            "letter" | "editorial" => rng.range(2, 12),
            _ => 0,
        }
    } as usize;
    let mut refs: Vec<u64> = (0..n_refs)
        .map(|_| 1_500_000_000 + rng.below(2_900_000_000))
        .collect();
    refs.sort_unstable();
    refs.dedup();
    j.kv_u64("referenced_works_count", refs.len() as u64);
    j.key("referenced_works");
    j.begin_array();
    for r in &refs {
        j.fmt_str(format_args!("{OA}W{r}"));
    }
    j.end_array();
    j.key("related_works");
    j.begin_array();
    for _ in 0..if lean { 0 } else { 10 } {
        j.fmt_str(format_args!(
            "{OA}W{}",
            2_000_000_000 + rng.below(2_400_000_000)
        ));
    }
    j.end_array();
    j.key("abstract_inverted_index");
    if work.has_abstract && !lean {
        abstract_inverted_index(j, world, work, scratch);
    } else {
        j.null();
    }
    j.key("cited_by_api_url");
    j.fmt_str(format_args!(
        "https://api.openalex.org/works?filter=cites:W{id_number}"
    ));
    j.key("counts_by_year");
    j.begin_array();
    let mut remaining = work.cited_by_count;
    let mut y = 2025u16;
    while remaining > 0 && y >= work.year {
        let this = if y == work.year {
            remaining
        } else {
            (remaining as f64 * 0.35).ceil() as u64
        };
        j.begin_object();
        j.kv_u64("year", y as u64);
        j.kv_u64("cited_by_count", this);
        j.end_object();
        remaining -= this;
        y -= 1;
    }
    j.end_array();
    j.kv_str("updated_date", updated_date);
    let created = created_date(work);
    j.kv_str("created_date", &created);
    j.end_object();
    j.buf.push(b'\n');
}

fn created_date(work: &Work) -> String {
    // Days after publication, clamped to the month (a record is created soon after it appears).
    let day = (work.day as u16 + work.created_offset_days % 28).min(28);
    format!("{}-{:02}-{:02}", work.year, work.month, day)
}

/// Writes one institution entity record (a trimmed OpenAlex institution object).
pub fn write_institution(
    j: &mut JsonBuf,
    world: &World,
    i: usize,
    updated_date: &str,
    works_count: u64,
) {
    let inst = &world.institutions[i];
    let id = world.institution_ids[i];
    j.begin_object();
    j.key("id");
    j.fmt_str(format_args!("{OA}I{id}"));
    j.key("ror");
    match inst.ror {
        Some(r) => j.fmt_str(format_args!("https://ror.org/{r}")),
        None => j.null(),
    }
    j.kv_str("display_name", inst.name);
    j.kv_opt_str("country_code", inst.country);
    j.kv_str("type", inst.kind);
    j.kv_null("homepage_url");
    j.kv_empty_array("display_name_acronyms");
    j.kv_empty_array("display_name_alternatives");
    j.key("lineage");
    j.begin_array();
    j.fmt_str(format_args!("{OA}I{id}"));
    if let Some(p) = world.parent[i] {
        j.fmt_str(format_args!("{OA}I{}", world.institution_ids[p]));
    }
    j.end_array();
    j.key("geo");
    j.begin_object();
    j.kv_opt_str(
        "city",
        if inst.city.is_empty() {
            None
        } else {
            Some(inst.city)
        },
    );
    j.kv_opt_str("country_code", inst.country);
    j.kv_opt_str(
        "country",
        inst.country.and_then(facts::country).map(|c| c.name),
    );
    j.end_object();
    j.key("ids");
    j.begin_object();
    j.key("openalex");
    j.fmt_str(format_args!("{OA}I{id}"));
    if let Some(r) = inst.ror {
        j.key("ror");
        j.fmt_str(format_args!("https://ror.org/{r}"));
    }
    j.end_object();
    j.key("associated_institutions");
    j.begin_array();
    if let Some(p) = world.parent[i] {
        let parent = &world.institutions[p];
        j.begin_object();
        j.key("id");
        j.fmt_str(format_args!("{OA}I{}", world.institution_ids[p]));
        j.kv_opt_str(
            "ror",
            parent
                .ror
                .map(|r| format!("https://ror.org/{r}"))
                .as_deref(),
        );
        j.kv_str("display_name", parent.name);
        j.kv_opt_str("country_code", parent.country);
        j.kv_str("type", parent.kind);
        j.kv_str("relationship", "parent");
        j.end_object();
    }
    j.end_array();
    j.kv_u64("works_count", works_count);
    j.key("works_api_url");
    j.fmt_str(format_args!(
        "https://api.openalex.org/works?filter=institutions.id:I{id}"
    ));
    j.kv_str("updated_date", updated_date);
    j.kv_str("created_date", "2016-06-24");
    j.end_object();
    j.buf.push(b'\n');
}
