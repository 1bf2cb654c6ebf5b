//! A hand-written table of tricky affiliation strings, each with the country and the institution it
//! must resolve to: first against a small registry written here, then (when ../shared/data is there)
//! against the real ROR subsets.

use std::path::Path;

use tandem_registry::{AffiliationMatcher, MatchKind, Registry, import_file, import_files};

/// `(ror id, display name, aliases, city, country, type)`.
type Org = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
);

const ORGS: &[Org] = &[
    (
        "052gg0110",
        "University of Oxford",
        &["Oxford University"],
        "Oxford",
        "GB",
        "education",
    ),
    (
        "04drvxt59",
        "Beth Israel Deaconess Medical Center",
        &[],
        "Boston",
        "US",
        "healthcare",
    ),
    (
        "03vek6s52",
        "Harvard University",
        &[],
        "Cambridge",
        "US",
        "education",
    ),
    (
        "04tm3k558",
        "New England Biolabs (United States)",
        &[],
        "Ipswich",
        "US",
        "company",
    ),
    (
        "01zkghx44",
        "Georgia Institute of Technology",
        &["Georgia Tech"],
        "Atlanta",
        "US",
        "education",
    ),
    (
        "02bjhwk41",
        "University of Georgia",
        &[],
        "Athens",
        "US",
        "education",
    ),
    (
        "00hs2sm10",
        "Tbilisi State University",
        &["Ivane Javakhishvili Tbilisi State University"],
        "Tbilisi",
        "GE",
        "education",
    ),
    (
        "05c8kqv41",
        "Jersey City Medical Center",
        &[],
        "Jersey City",
        "US",
        "healthcare",
    ),
    (
        "02v51f717",
        "Peking University",
        &[],
        "Beijing",
        "CN",
        "education",
    ),
    (
        "01nrxwf90",
        "University of Edinburgh",
        &[],
        "Edinburgh",
        "GB",
        "education",
    ),
    (
        "03kk7td41",
        "Cardiff University",
        &[],
        "Cardiff",
        "GB",
        "education",
    ),
    (
        "00hswnk62",
        "Queen's University Belfast",
        &[],
        "Belfast",
        "GB",
        "education",
    ),
    (
        "05hffr360",
        "Khalifa University of Science and Technology",
        &["Khalifa University"],
        "Abu Dhabi",
        "AE",
        "education",
    ),
    (
        "02zhqgq86",
        "University of Hong Kong",
        &[],
        "Hong Kong",
        "HK",
        "education",
    ),
    (
        "00t33hh48",
        "Chinese University of Hong Kong",
        &[],
        "Hong Kong",
        "HK",
        "education",
    ),
    (
        "00f54p054",
        "Stanford University",
        &[],
        "Stanford",
        "US",
        "education",
    ),
    (
        "05f950310",
        "Israel Institute for Biological Research",
        &[],
        "Ness Ziona",
        "IL",
        "facility",
    ),
    (
        "01460j859",
        "Universitat Politècnica de València",
        &["Polytechnic University of Valencia"],
        "Valencia",
        "ES",
        "education",
    ),
    (
        "017zhmm22",
        "Xi'an Jiaotong University",
        &["Xi'an Jiao Tong University"],
        "Xi'an",
        "CN",
        "education",
    ),
    (
        "019tgvf94",
        "Université Côte d'Azur",
        &[],
        "Nice",
        "FR",
        "education",
    ),
    (
        "03taz7m60",
        "University of Southern California",
        &[],
        "Los Angeles",
        "US",
        "education",
    ),
    (
        "022fs9h90",
        "Alexandru Ioan Cuza University",
        &[],
        "Iași",
        "RO",
        "education",
    ),
    (
        "00f2txz25",
        "Kitasato University",
        &[],
        "Sagamihara",
        "JP",
        "education",
    ),
    (
        "024exxj48",
        "Gifu University",
        &[],
        "Gifu",
        "JP",
        "education",
    ),
    (
        "03tns0030",
        "Environmental Protection Agency",
        &[],
        "Washington",
        "US",
        "government",
    ),
    (
        "0000epa02",
        "Environmental Protection Agency",
        &[],
        "Wexford",
        "IE",
        "government",
    ),
    (
        "05qpz1x62",
        "Friedrich Schiller University Jena",
        &[],
        "Jena",
        "DE",
        "education",
    ),
    (
        "026vcq606",
        "KTH Royal Institute of Technology",
        &["Royal Institute of Technology"],
        "Stockholm",
        "SE",
        "education",
    ),
    (
        "05290cv24",
        "University of Naples Federico II",
        &[],
        "Naples",
        "IT",
        "education",
    ),
];

fn record(
    &(id, name, aliases, city, country, kind): &(&str, &str, &[&str], &str, &str, &str),
) -> String {
    let mut names = vec![format!(
        r#"{{"value":"{name}","types":["ror_display","label"],"lang":"en"}}"#
    )];
    names.extend(
        aliases
            .iter()
            .map(|a| format!(r#"{{"value":"{a}","types":["alias"],"lang":null}}"#)),
    );
    format!(
        r#"{{"id":"https://ror.org/{id}","names":[{}],"locations":[{{"geonames_id":1,"geonames_details":{{"name":"{city}","country_code":"{country}","country_name":"x"}}}}],"types":["{kind}"],"status":"active","relationships":[]}}"#,
        names.join(",")
    )
}

fn fixture_registry() -> Registry {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orgs.jsonl");
    std::fs::write(
        &path,
        ORGS.iter().map(record).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let imported = import_file(&path, |_| {}).unwrap();
    assert!(imported.rejects.is_empty(), "{:?}", imported.rejects);
    imported.registry
}

/// `(affiliation string, expected countries, expected institutions by display name)`.
const TRICKY: &[(&str, &[&str], &[&str])] = &[
    // "Beth Israel" is not Israel.
    (
        "Harvard Med Sch, Beth Israel Deaconess Med Ctr, Boston, MA 02215 USA",
        &["US"],
        &["Beth Israel Deaconess Medical Center"],
    ),
    (
        "Beth Israel Deaconess Medical Center, Boston, MA",
        &["US"],
        &["Beth Israel Deaconess Medical Center"],
    ),
    // "New England" is not England.
    (
        "New England Biolabs, Ipswich, MA 01938, USA",
        &["US"],
        &["New England Biolabs (United States)"],
    ),
    // "Georgia" after a US place is the state; "Rep of Georgia" is the country.
    (
        "Georgia Inst Technol, Sch Phys, Atlanta, GA 30332 USA",
        &["US"],
        &["Georgia Institute of Technology"],
    ),
    (
        "Georgia Tech, Atlanta, Georgia",
        &["US"],
        &["Georgia Institute of Technology"],
    ),
    (
        "University of Georgia, Athens, GA 30602, USA",
        &["US"],
        &["University of Georgia"],
    ),
    (
        "Tbilisi State Univ, Fac Exact & Nat Sci, Tbilisi 0179, Rep of Georgia",
        &["GE"],
        &["Tbilisi State University"],
    ),
    // "Jersey City" is not Jersey.
    (
        "Jersey City Medical Center, Jersey City, NJ 07304",
        &["US"],
        &["Jersey City Medical Center"],
    ),
    // Web of Science conventions.
    (
        "Peking Univ, Sch Phys, Beijing 100871, Peoples R China",
        &["CN"],
        &["Peking University"],
    ),
    (
        "Univ Edinburgh, Sch Phys & Astron, Edinburgh EH9 3FD, Midlothian, Scotland",
        &["GB"],
        &["University of Edinburgh"],
    ),
    (
        "Cardiff Univ, Sch Med, Cardiff CF14 4XN, S Glam, Wales",
        &["GB"],
        &["Cardiff University"],
    ),
    (
        "Queens Univ Belfast, Sch Biol Sci, Belfast BT9 7BL, Antrim, North Ireland",
        &["GB"],
        &["Queen's University Belfast"],
    ),
    (
        "Stanford Univ, Dept Chem, Stanford, CA 94305 USA",
        &["US"],
        &["Stanford University"],
    ),
    (
        "Khalifa Univ, Dept Elect Engn, Abu Dhabi, U Arab Emirates",
        &["AE"],
        &["Khalifa University of Science and Technology"],
    ),
    // Trailing e-mail addresses and ORCIDs name no place.
    (
        "University of Oxford, Oxford, UK. john.smith@ox.ac.uk",
        &["GB"],
        &["University of Oxford"],
    ),
    (
        "Department of Physics, University of Oxford, Oxford, United Kingdom, https://orcid.org/0000-0002-1825-0097",
        &["GB"],
        &["University of Oxford"],
    ),
    // Web of Science abbreviations, elided articles and syllables written apart.
    (
        "Univ Politecn Valencia, Dept Comp Syst & Computat, Valencia 46022, Spain.",
        &["ES"],
        &["Universitat Politècnica de València"],
    ),
    (
        "Xi An Jiao Tong Univ, Sch Mech Engn, Xian 710049, Peoples R China.",
        &["CN"],
        &["Xi'an Jiaotong University"],
    ),
    (
        "Univ Cote Azur, CNRS, Lab J A Dieudonne, F-06108 Nice, France",
        &["FR"],
        &["Université Côte d'Azur"],
    ),
    (
        "Univ So Calif, Keck Sch Med, Los Angeles, CA 90089 USA",
        &["US"],
        &["University of Southern California"],
    ),
    // "of" and the organisation's own city is no longer name.
    (
        "Alexandru Ioan Cuza University of Iasi, Romania",
        &["RO"],
        &["Alexandru Ioan Cuza University"],
    ),
    // Hong Kong, however it is written.
    (
        "Univ Hong Kong, Dept Phys, Pokfulam, Hong Kong, Peoples R China",
        &["HK"],
        &["University of Hong Kong"],
    ),
    (
        "The Chinese University of Hong Kong, Shatin, N.T., Hong Kong SAR",
        &["HK"],
        &["Chinese University of Hong Kong"],
    ),
    // The two layouts of the same address.
    (
        "Univ Oxford, Dept Phys, Oxford OX1 3PU, England",
        &["GB"],
        &["University of Oxford"],
    ),
    (
        "Department of Physics, University of Oxford, Oxford, United Kingdom",
        &["GB"],
        &["University of Oxford"],
    ),
    // Several addresses, several institutions.
    (
        "Univ Oxford, Oxford, England; Harvard Univ, Cambridge, MA 02138 USA",
        &["GB", "US"],
        &["University of Oxford", "Harvard University"],
    ),
    // A country and no institution of the registry.
    (
        "Department of Physics, Imaginary University, Lyon, France",
        &["FR"],
        &[],
    ),
    // A long word one letter off the name's ("Kitazato" for Kitasato).
    (
        "Department of Microbiology, Kitazato University, Sagamihara, Japan",
        &["JP"],
        &["Kitasato University"],
    ),
    // "Of" and the organisation's own country is not more name.
    (
        "Gifu University of Japan, Gifu 501-1193, Japan",
        &["JP"],
        &["Gifu University"],
    ),
    // A country before a name that several countries' bodies share says which.
    (
        "US Environmental Protection Agency, Office of Research and Development, Cincinnati, OH 45268, USA",
        &["US"],
        &["Environmental Protection Agency"],
    ),
    // A name of the wrong country is not a match.
    (
        "Israel Institute for Biological Research, Ness Ziona, USA",
        &["US"],
        &[],
    ),
    // A university named after a person, written without the person.
    (
        "Univ Jena, Inst Phys Chem, D-07743 Jena, Germany",
        &["DE"],
        &["Friedrich Schiller University Jena"],
    ),
    // An alias of three common words, with its city named.
    (
        "Royal Inst Technol, Dept Phys, S-10691 Stockholm, Sweden",
        &["SE"],
        &["KTH Royal Institute of Technology"],
    ),
    // A university of its city with a name of its own, written by that name.
    (
        "Division of Cardiology, Federico II University, Naples, Italy",
        &["IT"],
        &["University of Naples Federico II"],
    ),
];

fn check(registry: &Registry, skip_missing: bool) {
    let matcher = AffiliationMatcher::new(registry);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (affiliation, countries, institutions) in TRICKY {
        let present = |name: &&str| {
            registry
                .organizations()
                .iter()
                .any(|o| o.display_name == *name)
        };
        if skip_missing && !institutions.iter().all(present) {
            continue;
        }
        checked += 1;
        let result = matcher.match_affiliation(affiliation);
        let got_countries = tandem_countries::resolve_countries(affiliation);
        if got_countries != *countries {
            failures.push(format!(
                "{affiliation:?}: countries {got_countries:?}, expected {countries:?}"
            ));
        }
        if result.country != countries.first().copied() {
            failures.push(format!(
                "{affiliation:?}: match country {:?}, expected {:?}",
                result.country,
                countries.first()
            ));
        }
        let mut names: Vec<&str> = result.matches.iter().map(|m| m.name.as_str()).collect();
        names.sort_unstable();
        let mut expected = institutions.to_vec();
        expected.sort_unstable();
        if names != expected {
            failures.push(format!(
                "{affiliation:?}: institutions {names:?}, expected {expected:?}"
            ));
        }
        for m in &result.matches {
            if !affiliation.contains(&m.substring) || m.substring.is_empty() {
                failures.push(format!(
                    "{affiliation:?}: substring {:?} is not in the input",
                    m.substring
                ));
            }
            if !(0.0..=1.0).contains(&m.confidence) {
                failures.push(format!("{affiliation:?}: confidence {}", m.confidence));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} strings wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{checked} tricky strings right");
}

#[test]
fn tricky_strings_resolve_to_the_right_country_and_institution() {
    check(&fixture_registry(), false);
}

#[test]
fn tricky_strings_on_the_real_ror_subsets() {
    let ror = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ror");
    let (v2, v1) = (
        ror.join("ror_v2_subset.jsonl.gz"),
        ror.join("ror_v1_subset.jsonl.gz"),
    );
    if !v2.exists() || !v1.exists() {
        eprintln!("skipping: the ROR subsets are not under {}", ror.display());
        return;
    }
    let registry = import_files(&[v2.as_path(), v1.as_path()], |_| {})
        .unwrap()
        .registry;
    check(&registry, true);
}

#[test]
fn the_match_says_which_part_matched_and_how() {
    let registry = fixture_registry();
    let matcher = AffiliationMatcher::new(&registry);
    let result = matcher.match_affiliation("Univ Oxford, Dept Phys, Oxford OX1 3PU, England");
    let m = &result.matches[0];
    assert_eq!(m.ror, "https://ror.org/052gg0110");
    assert_eq!(m.substring, "Univ Oxford");
    assert_eq!(&result.input[m.start..m.end], "Univ Oxford");
    assert_eq!(m.kind, MatchKind::WholePart);
    assert_eq!(m.country_agrees, Some(true));
    assert!(m.city_agrees);
    assert!(m.primary);
    assert_eq!(m.confidence, 1.0);

    // A name inside a longer part, no commas.
    let result = matcher
        .match_affiliation("Department of Chemistry Stanford University Stanford CA 94305 USA");
    assert_eq!(result.matches[0].name, "Stanford University");
    assert_eq!(result.matches[0].kind, MatchKind::InsidePart);

    // A part that is just a city names no organisation.
    let result = matcher.match_affiliation("Oxford, England");
    assert!(result.matches.is_empty(), "{:?}", result.matches);

    // Without a country, a whole part that is a name is still trusted, with less confidence.
    let result = matcher.match_affiliation("University of Edinburgh");
    assert_eq!(result.matches[0].name, "University of Edinburgh");
    assert_eq!(result.matches[0].country_agrees, None);
    assert!(result.matches[0].confidence < 1.0);
}
