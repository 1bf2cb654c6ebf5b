//! One small hand-written case (or two) for each matching rule, against a registry written here. Each
//! case fails without its rule.

use tandem_registry::{AffiliationMatcher, OrganizationMatch, Registry, import_file};

/// `(ror id, display name, aliases, city, country, type, relationships as (type, ror id))`.
type Org = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const ORGS: &[Org] = &[
    (
        "0000qqzi1",
        "QQZI Qarlstad Zorn Institute",
        &[],
        "Orebro",
        "SE",
        "facility",
        &[],
    ),
    (
        "0000nnvr1",
        "NNVRI Nutrition Vision Research Institute",
        &[],
        "Elsewhere",
        "FR",
        "facility",
        &[],
    ),
    (
        "0000emu01",
        "Eastern Medical University",
        &[],
        "Shenyang",
        "CN",
        "education",
        &[],
    ),
    (
        "0000emu02",
        "Eastern Medical University",
        &[],
        "Taichung",
        "TW",
        "education",
        &[],
    ),
    (
        "0000vn001",
        "Trường Đại học Sông Lam",
        &["Song Lam University"],
        "Vinh",
        "VN",
        "education",
        &[],
    ),
    (
        "01kj2bm70",
        "Newcastle University",
        &["University of Newcastle upon Tyne"],
        "Newcastle upon Tyne",
        "GB",
        "education",
        &[],
    ),
    (
        "00eae9z71",
        "University of Newcastle Australia",
        &["Newcastle University"],
        "Newcastle",
        "AU",
        "education",
        &[],
    ),
    (
        "04tv5tr73",
        "CA Technologies (United States)",
        &["CA, Inc."],
        "New York",
        "US",
        "company",
        &[],
    ),
    (
        "00f1zfq44",
        "Central South University",
        &[],
        "Changsha",
        "CN",
        "education",
        &[],
    ),
    (
        "0000hosp1",
        "University Hospital",
        &[],
        "Somewhere",
        "DE",
        "healthcare",
        &[],
    ),
    (
        "01hhn8329",
        "Chiba University",
        &[],
        "Chiba",
        "JP",
        "education",
        &[],
    ),
    (
        "02kpeqv85",
        "Kyoto University",
        &[],
        "Kyoto",
        "JP",
        "education",
        &[],
    ),
    (
        "02s6k3f65",
        "University of Basel",
        &[],
        "Basel",
        "CH",
        "education",
        &[],
    ),
    (
        "00cvxb145",
        "University of Washington",
        &[],
        "Seattle",
        "US",
        "education",
        &[],
    ),
    (
        "02dgjyy92",
        "University of Miami",
        &[],
        "Coral Gables",
        "US",
        "education",
        &[],
    ),
    (
        "02ymw8z06",
        "University of Missouri",
        &[],
        "Columbia",
        "US",
        "education",
        &[],
    ),
    (
        "01hrg8r23",
        "Missouri State University",
        &[],
        "Springfield",
        "US",
        "education",
        &[],
    ),
    (
        "0000muslm",
        "Muslim University",
        &[],
        "Somewhere",
        "BD",
        "education",
        &[],
    ),
    (
        "0000crc01",
        "Cancer Research Center",
        &[],
        "Madrid",
        "ES",
        "facility",
        &[],
    ),
    (
        "01jmxt844",
        "University of Otago",
        &[],
        "Dunedin",
        "NZ",
        "education",
        &[],
    ),
    (
        "05qxv7t34",
        "Ondokuz Mayıs University",
        &[],
        "Samsun",
        "TR",
        "education",
        &[],
    ),
    (
        "01xdqrp08",
        "Pfizer (United States)",
        &[],
        "New York",
        "US",
        "company",
        &[],
    ),
    (
        "03x9b7y18",
        "Pfizer (Germany)",
        &[],
        "Berlin",
        "DE",
        "company",
        &[],
    ),
    (
        "0000inedu",
        "Instituto de Educação da Universidade de Lisboa",
        &["Institute of Education"],
        "Lisbon",
        "PT",
        "education",
        &[],
    ),
    (
        "0000andrw",
        "Andrews University",
        &[],
        "Berrien Springs",
        "US",
        "education",
        &[],
    ),
    (
        "0000lond0",
        "London School of Hygiene",
        &[],
        "London",
        "GB",
        "education",
        &[],
    ),
    (
        "02dqehb95",
        "Purdue University West Lafayette",
        &[],
        "West Lafayette",
        "US",
        "education",
        &[],
    ),
    (
        "02zt1gg83",
        "International Atomic Energy Agency",
        &[],
        "Vienna",
        "AT",
        "other",
        &[],
    ),
    ("01sjwvz98", "RIKEN", &[], "Wako", "JP", "facility", &[]),
    // Shares the acronym IAEA.
    (
        "0000iaea2",
        "Irish Agricultural Economics Association",
        &[],
        "Dublin",
        "IE",
        "other",
        &[],
    ),
    // A university system whose name its campuses share, with a campus in the system's own city.
    (
        "0000wsys0",
        "Westmarch University System",
        &["Westmarch University"],
        "Eastbrook",
        "US",
        "education",
        &[("child", "0000wsea0"), ("child", "0000wsri0")],
    ),
    (
        "0000wsea0",
        "Westmarch University at Eastbrook",
        &["Westmarch University"],
        "Eastbrook",
        "US",
        "education",
        &[("parent", "0000wsys0")],
    ),
    (
        "0000wsri0",
        "Westmarch University at Riverton",
        &["Westmarch University", "Westmarch University at Lakeside"],
        "Riverton",
        "US",
        "education",
        &[("parent", "0000wsys0")],
    ),
    (
        "03g03ge92",
        "Amgen (United States)",
        &[],
        "Thousand Oaks",
        "US",
        "company",
        &[("child", "00gvw5y42"), ("child", "05wvz0b04")],
    ),
    (
        "00gvw5y42",
        "Amgen (Canada)",
        &[],
        "Mississauga",
        "CA",
        "company",
        &[("parent", "03g03ge92")],
    ),
    (
        "05wvz0b04",
        "Amgen (China)",
        &[],
        "Shanghai",
        "CN",
        "company",
        &[("parent", "03g03ge92")],
    ),
    (
        "02v0b4f23",
        "Xi'an Technological University",
        &[],
        "Xi'an",
        "CN",
        "education",
        &[],
    ),
    (
        "01yc7t268",
        "Washington University in St. Louis",
        &[],
        "St Louis",
        "US",
        "education",
        &[],
    ),
    (
        "0000msrmo",
        "Microsoft Research Montréal",
        &[],
        "Montreal",
        "CA",
        "company",
        &[],
    ),
    (
        "05f8d4e86",
        "Polytechnique Montréal",
        &[],
        "Montreal",
        "CA",
        "education",
        &[],
    ),
    (
        "04k51q396",
        "University Hospital of Basel",
        &[],
        "Basel",
        "CH",
        "healthcare",
        &[],
    ),
    (
        "05x8mcb75",
        "VSB - Technical University of Ostrava",
        &[],
        "Ostrava",
        "CZ",
        "education",
        &[],
    ),
    (
        "0000iiser",
        "IISER - Navi Mumbai",
        &[],
        "Navi Mumbai",
        "IN",
        "education",
        &[],
    ),
    (
        "00ayhx656",
        "University of Sussex",
        &[],
        "Brighton",
        "GB",
        "education",
        &[],
    ),
    (
        "0000nuhsp",
        "Nutrition University Hospital",
        &[],
        "Zurich",
        "CH",
        "healthcare",
        &[],
    ),
    (
        "0000hnutr",
        "Human Nutrition",
        &[],
        "Lyon",
        "FR",
        "facility",
        &[],
    ),
    (
        "0000insth",
        "Centre for Vision",
        &[],
        "Grenoble",
        "FR",
        "facility",
        &[],
    ),
    (
        "0000isint",
        "Institute for Scientific Interchange",
        &[],
        "Turin",
        "IT",
        "facility",
        &[],
    ),
    (
        "0000gcrc1",
        "Global Cancer Research Centre",
        &[],
        "Heidelberg",
        "DE",
        "facility",
        &[("child", "0000gcrc2")],
    ),
    (
        "0000gcrc2",
        "Global Cancer Research Centre (GCRC) Dresden",
        &[],
        "Dresden",
        "DE",
        "facility",
        &[("parent", "0000gcrc1")],
    ),
    (
        "0000pharm",
        "Department of Pharmaceuticals",
        &[],
        "New Delhi",
        "IN",
        "government",
        &[],
    ),
    (
        "0000upsac",
        "Université Paris-Saclay",
        &[],
        "Gif-sur-Yvette",
        "FR",
        "education",
        &[],
    ),
    (
        "0000osups",
        "Unité d'Appui et de Recherche OSUPS",
        &["OSUPS - Université Paris-Saclay"],
        "Paris",
        "FR",
        "facility",
        &[("parent", "0000upsac")],
    ),
    (
        "01dp7jr64",
        "École Normale Supérieure",
        &[],
        "Bujumbura",
        "BI",
        "education",
        &[],
    ),
    (
        "0288swk05",
        "Maj Institute of Pharmacology",
        &[],
        "Krakow",
        "PL",
        "facility",
        &[],
    ),
    (
        "0000ucnth",
        "University College of the North",
        &[],
        "The Pas",
        "CA",
        "education",
        &[],
    ),
    (
        "0000zrv01",
        "Zorvath University",
        &[],
        "Springfield",
        "US",
        "education",
        &[],
    ),
    (
        "0000zrv02",
        "Zorvath University",
        &[],
        "Shelbyville",
        "US",
        "education",
        &[],
    ),
    (
        "0000ihgen",
        "Institute of Human Nutrition",
        &[],
        "Montpellier",
        "FR",
        "facility",
        &[("parent", "0000upsac")],
    ),
    (
        "041nas322",
        "University of Bonn",
        &[],
        "Bonn",
        "DE",
        "education",
        &[],
    ),
    (
        "0000limbg",
        "Province of Limburg",
        &["Limburg"],
        "Hasselt",
        "BE",
        "government",
        &[],
    ),
    (
        "0000actgv",
        "ACT Government",
        &["Australian Capital Territory"],
        "Canberra",
        "AU",
        "government",
        &[],
    ),
    (
        "0000ngmed",
        "Northgate Medical School",
        &[],
        "Northgate",
        "GB",
        "healthcare",
        &[("related", "0000ngunv"), ("related", "0000ngtec")],
    ),
    (
        "0000ngunv",
        "University of Northgate",
        &[],
        "Northgate",
        "GB",
        "education",
        &[("related", "0000ngmed")],
    ),
    (
        "0000ngtec",
        "Northgate Institute of Technology",
        &[],
        "Northgate",
        "GB",
        "education",
        &[("related", "0000ngmed")],
    ),
];

/// First-level subdivisions, for the organisations that need one.
const REGIONS: &[(&str, &str)] = &[
    ("0000actgv", "Australian Capital Territory"),
    ("0000qcc01", "South Qaustralia"),
    ("0000qcc02", "Qictoria"),
    ("0000qcc03", "Lakes"),
    ("0000qcc04", "Qasmania"),
    ("0000qhv03", "Qashington"),
    ("0000qrg01", "Qttarakhand"),
    ("0000qrg02", "Qripura"),
];

/// One ROR record; relationships are labelled with the names of the organisations in `named`.
fn record(&(id, name, aliases, city, country, kind, relationships): &Org, named: &[Org]) -> String {
    let acronym = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect::<String>();
    let mut names = vec![format!(
        r#"{{"value":"{name}","types":["ror_display","label"],"lang":"en"}}"#
    )];
    if acronym.len() >= 3 {
        names.push(format!(
            r#"{{"value":"{acronym}","types":["acronym"],"lang":null}}"#
        ));
    }
    names.extend(
        aliases
            .iter()
            .map(|a| format!(r#"{{"value":"{a}","types":["alias"],"lang":null}}"#)),
    );
    let relationships: Vec<String> = relationships
        .iter()
        .map(|(kind, ror)| {
            // ROR labels a relationship with the other organisation's name.
            let label = named.iter().find(|o| o.0 == *ror).map_or("x", |o| o.1);
            format!(r#"{{"type":"{kind}","id":"https://ror.org/{ror}","label":"{label}"}}"#)
        })
        .collect();
    let region = REGIONS
        .iter()
        .find(|(ror, _)| *ror == id)
        .map_or(String::new(), |(_, region)| {
            format!(r#","country_subdivision_name":"{region}""#)
        });
    format!(
        r#"{{"id":"https://ror.org/{id}","names":[{}],"locations":[{{"geonames_id":1,"geonames_details":{{"name":"{city}","country_code":"{country}","country_name":"x"{region}}}}}],"types":["{kind}"],"status":"active","relationships":[{}]}}"#,
        names.join(","),
        relationships.join(",")
    )
}

/// `count` organisations in one place, the `i`th named `name(i)`: the words their names share become
/// common words, which the matcher no longer reads as proper names. Ids are `id_prefix` and `i`,
/// nine characters in all.
fn orgs_named(
    count: usize,
    id_prefix: &str,
    name: impl Fn(usize) -> String,
    (city, country, kind): (&'static str, &'static str, &'static str),
) -> Vec<Org> {
    (0..count)
        .map(|i| -> Org {
            let width = 9 - id_prefix.len();
            let id = Box::leak(format!("{id_prefix}{i:0width$}").into_boxed_str());
            let name = Box::leak(name(i).into_boxed_str());
            (id, name, &[], city, country, kind, &[])
        })
        .collect()
}

/// `orgs` and sixteen organisations elsewhere whose names use `words`: those become common words,
/// which the matcher no longer reads as proper names. `id_prefix` is seven characters.
fn with_common_words(orgs: &[Org], words: &str, id_prefix: &str) -> Vec<Org> {
    let mut all = orgs.to_vec();
    all.extend(orgs_named(
        16,
        id_prefix,
        |i| format!("{words} Qoffice {i}"),
        ("Elsewhere", "FR", "facility"),
    ));
    all
}

fn registry() -> Registry {
    // Subjects are words many organisations use in their names: twenty nutrition and vision
    // research institutes.
    let subjects = orgs_named(
        20,
        "0nutr",
        |i| {
            format!(
                "Institute of Human Nutrition and Vision Research {}",
                ["Alpha", "Beta", "Gamma", "Delta"][i % 4].to_string() + &"x".repeat(i)
            )
        },
        ("Elsewhere", "FR", "facility"),
    );
    let lines: Vec<String> = ORGS
        .iter()
        .chain(&subjects)
        .map(|o| record(o, ORGS))
        .collect();
    registry_from_lines(&lines)
}

/// A registry of ROR records given as JSON lines; every record must import.
fn registry_from_lines(lines: &[String]) -> Registry {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orgs.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let imported = import_file(&path, |_| {}).unwrap();
    assert!(imported.rejects.is_empty(), "{:?}", imported.rejects);
    imported.registry
}

/// A registry of just these organisations.
fn registry_of(orgs: &[Org]) -> Registry {
    registry_from_lines(&orgs.iter().map(|o| record(o, orgs)).collect::<Vec<_>>())
}

/// The display names of the main matches.
fn matched(registry: &Registry, s: &str) -> Vec<String> {
    main_matches(registry, s).map(|m| m.name).collect()
}

/// The ROR ids of the main matches, for namesakes that display names do not tell apart.
fn matched_rors(registry: &Registry, s: &str) -> Vec<String> {
    main_matches(registry, s).map(|m| m.ror).collect()
}

fn main_matches(registry: &Registry, s: &str) -> impl Iterator<Item = OrganizationMatch> {
    AffiliationMatcher::new(registry)
        .match_affiliation(s)
        .matches
        .into_iter()
}

#[test]
fn a_city_inside_the_name_does_not_count_as_the_city() {
    let r = registry();
    // "Newcastle" is the city of the Australian namesake, but here it is part of the name: the
    // display name wins over the other's alias.
    assert_eq!(
        matched(&r, "School of Education, Newcastle University"),
        ["Newcastle University"]
    );
    // A city named outside the name still decides.
    assert_eq!(
        matched(&r, "Newcastle University, Newcastle, NSW, Australia"),
        ["University of Newcastle Australia"]
    );
}

#[test]
fn a_city_that_begins_a_namesakes_city_does_not_tell_them_apart() {
    let r = registry();
    // "Newcastle" is the Australian namesake's city and the first word of Newcastle upon Tyne.
    assert_eq!(
        matched(
            &r,
            "Newcastle Fibrosis Research Group, Biosciences Institute, Newcastle University"
        ),
        ["Newcastle University"]
    );
    assert_eq!(
        matched(&r, "Newcastle University, Newcastle, United Kingdom"),
        ["Newcastle University"]
    );
}

#[test]
fn a_name_that_shrinks_to_a_short_word_is_an_acronym_only() {
    let r = registry();
    // "CA, Inc." is "ca" once the legal form goes; "CA 93117" is a state and ZIP code.
    assert!(matched(&r, "Soilmoisture Equipment Corp., Goleta, CA 93117, US.").is_empty());
    assert!(matched(&r, "Amgen Research, South San Francisco, CA, USA").is_empty());
}

#[test]
fn three_generic_words_can_be_a_display_name_as_a_whole_part() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "School of Metallurgy, Central South University, Changsha, China"
        ),
        ["Central South University"]
    );
    // Two are not enough, and three inside a longer part are not a name.
    assert!(matched(&r, "Department of Surgery, University Hospital").is_empty());
    assert!(matched(&r, "Hunan Central South University Hospital, China").is_empty());
}

#[test]
fn two_spaces_separate_parts() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "School of Metallurgy  Central South University  Changsha  China"
        ),
        ["Central South University"]
    );
}

#[test]
fn addresses_listed_with_commas_end_at_a_country() {
    let r = registry();
    let mut got = matched(
        &r,
        "Department of Chemistry, Chiba University, Chiba 263-8522, Japan, Department of Physics, \
         Kyoto University, Kyoto 606-8502, Japan",
    );
    got.sort();
    assert_eq!(got, ["Chiba University", "Kyoto University"]);
}

#[test]
fn place_university_reads_as_university_of_place_in_that_place() {
    let r = registry();
    assert_eq!(
        matched(&r, "Department of Biomedicine, Basel University"),
        ["University of Basel"]
    );
    // "Newcastle University" is two organisations' name: without a country, no guess.
    assert!(matched(&r, "School of Social Sciences, University of Newcastle").is_empty());
    assert_eq!(
        matched(
            &r,
            "School of Social Sciences, University of Newcastle, NSW, Australia"
        ),
        ["University of Newcastle Australia"]
    );
    // The University of Washington is in Seattle: "Washington University" is someone else.
    assert_eq!(
        matched(&r, "Department of Medicine, Washington University"),
        ["Washington University in St. Louis"]
    );
}

#[test]
fn words_around_a_name_inside_a_part_can_make_it_another_name() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Department of Cardiology, University of Miami Hospital, USA"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Department of Cardiology, University of Miami General Hospital, USA"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "School of Biological Sciences, University of Missouri-Kansas City, USA"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Department of Biology, Southeast Missouri State University, USA"
        )
        .is_empty()
    );
    // "St." with its full stop as much as "St".
    for s in [
        "School of Chemistry, St Andrews University, Fife",
        "School of Chemistry, St. Andrews University, Fife",
    ] {
        assert!(matched(&r, s).is_empty(), "{s}");
    }
    // Without the extra words the names are found.
    assert_eq!(
        matched(&r, "Department of Cardiology, the University of Miami, USA"),
        ["University of Miami"]
    );
}

#[test]
fn a_proper_name_before_a_name_inside_a_part_makes_a_longer_name() {
    let r = registry();
    // "Aligarh" and "Fred Hutchinson" open longer names; no unit word comes before them.
    assert!(matched(&r, "Aligarh Muslim University").is_empty());
    assert!(
        matched(
            &r,
            "Human Biology Division, Fred Hutchinson Cancer Research Center"
        )
        .is_empty()
    );
    // A subject before the name is a unit written without a comma ("Human Nutrition"), and a unit
    // word before it ("Department of ...") says the same.
    assert_eq!(
        matched(
            &r,
            "Human Nutrition University of Otago Dunedin New Zealand"
        ),
        ["University of Otago"]
    );
    assert_eq!(
        matched(
            &r,
            "Department of Preventive Aligarh Muslim University, Bangladesh"
        ),
        ["Muslim University"]
    );
}

#[test]
fn turkish_body_words_and_dotted_capitals_normalise() {
    let r = registry();
    assert_eq!(
        matched(&r, "ONDOKUZ MAYIS ÜNİVERSİTESİ"),
        ["Ondokuz Mayıs University"]
    );
}

#[test]
fn a_us_state_name_with_a_zip_code_gives_the_country() {
    let r = registry();
    // Without the country, "Pfizer" could be any of ROR's Pfizers.
    assert_eq!(
        matched(
            &r,
            "Central Research Division, Pfizer Inc., Groton, Connecticut 06340."
        ),
        ["Pfizer (United States)"]
    );
}

#[test]
fn without_a_country_a_city_part_must_be_the_organisations_city() {
    let r = registry();
    // "Institute of Education" is another name of a Lisbon institute; the string is in London.
    assert!(matched(&r, "Institute of Education, London").is_empty());
    assert_eq!(
        matched(&r, "Institute of Education, Lisbon"),
        ["Instituto de Educação da Universidade de Lisboa"]
    );
}

#[test]
fn a_name_without_its_city_inside_a_part_needs_the_city_elsewhere() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Food Science, Purdue University College of Agriculture, West Lafayette, IN"
        ),
        ["Purdue University West Lafayette"]
    );
    assert!(
        matched(
            &r,
            "Department of Food Science, Purdue University Cooperative Extension Service"
        )
        .is_empty()
    );
}

#[test]
fn an_acronym_beside_only_its_country_is_enough() {
    let r = registry();
    assert_eq!(
        matched(&r, "IAEA, Austria"),
        ["International Atomic Energy Agency"]
    );
    // In a longer address the acronym still needs the city.
    assert!(matched(&r, "Department of Safety, IAEA, Austria").is_empty());
    // Alone, without a country, an acronym two organisations have names neither.
    assert!(matched(&r, "IAEA").is_empty());
}

#[test]
fn an_acronym_in_a_city_that_another_part_names_is_enough_without_a_country() {
    let r = registry();
    // IAEA is the Vienna agency's acronym and the Dublin association's.
    assert_eq!(
        matched(&r, "Department of Safety, IAEA, Vienna"),
        ["International Atomic Energy Agency"]
    );
    assert_eq!(
        matched(&r, "IAEA, Dublin"),
        ["Irish Agricultural Economics Association"]
    );
    // A city inside another name is not the city of the address.
    assert!(matched(&r, "Vienna Research Institute, IAEA").is_empty());
    // A city that is neither organisation's names neither.
    assert!(matched(&r, "IAEA, Oxford").is_empty());
}

#[test]
fn an_acronym_followed_by_a_city_in_one_part_is_placed_by_that_city() {
    let r = registry();
    assert_eq!(
        matched(&r, "Department of Safety, IAEA Vienna"),
        ["International Atomic Energy Agency"]
    );
    assert_eq!(
        matched(&r, "IAEA Dublin, Ireland"),
        ["Irish Agricultural Economics Association"]
    );
    // The city must be the organisation's.
    assert_eq!(matched(&r, "IAEA Dublin, Austria"), Vec::<String>::new());
    // Words that are not a city make no acronym of the first word.
    assert!(matched(&r, "IAEA Safety Department").is_empty());
    // A university system's acronym and a campus city is that campus.
    assert_eq!(
        matched(&r, "WUS Riverton, MA 02115, USA"),
        ["Westmarch University at Riverton"]
    );
}

#[test]
fn a_string_that_is_only_an_acronym_no_other_organisation_has_names_its_organisation() {
    let r = registry();
    assert_eq!(matched(&r, "CSU"), ["Central South University"]);
    assert_eq!(matched(&r, " CSU "), ["Central South University"]);
    // Beside other words it still needs its country and city.
    assert!(matched(&r, "Department of Physics, CSU").is_empty());
}

#[test]
fn a_system_name_with_a_campus_city_named_is_that_campus_even_in_the_systems_own_city() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Westmarch University, Department of History, Riverton, MA 02115, USA"
        ),
        ["Westmarch University at Riverton"]
    );
    // The system's offices share the city with a campus; an address there is the campus. (With the
    // city right after the name, "Westmarch University, Eastbrook" is the campus's own name.)
    assert_eq!(
        matched(
            &r,
            "Westmarch University, Department of History, Eastbrook, MA 02115, USA"
        ),
        ["Westmarch University at Eastbrook"]
    );
    // Named by its own name, the system stays the system.
    assert_eq!(
        matched(&r, "Westmarch University System, Eastbrook, MA 02115, USA"),
        ["Westmarch University System"]
    );
    // No campus city: no guess.
    assert!(matched(&r, "Department of History, Westmarch University, USA").is_empty());
}

#[test]
fn a_shared_name_inside_a_longer_name_that_matched_is_no_ambiguity() {
    let r = registry();
    let result = AffiliationMatcher::new(&r)
        .match_affiliation("Department of History, Westmarch University, USA");
    assert_eq!(result.ambiguous.len(), 1, "{result:?}");
    assert_eq!(result.ambiguous[0].substring, "Westmarch University");
    let result = AffiliationMatcher::new(&r)
        .match_affiliation("Department of History, Westmarch University at Lakeside, USA");
    assert_eq!(result.matches.len(), 1, "{result:?}");
    assert_eq!(result.matches[0].name, "Westmarch University at Riverton");
    assert!(result.ambiguous.is_empty(), "{result:?}");
}

#[test]
fn words_run_together_are_split_at_a_capital() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Physics, Kyoto UniversityKyoto 606-8502Japan"
        ),
        ["Kyoto University"]
    );
    // Both sides are split alike, so names written with inner capitals still meet.
    assert_eq!(tandem_registry::name_key("McGill"), "mcgill");
    assert_eq!(
        tandem_registry::name_key("GlaxoSmithKline"),
        tandem_registry::name_key("GlaxoSmithKline plc")
    );
}

#[test]
fn a_short_display_name_written_as_is_names_its_organisation() {
    let r = registry();
    assert_eq!(
        matched(&r, "Chromosome Dynamics Laboratory, RIKEN"),
        ["RIKEN"]
    );
}

#[test]
fn a_company_name_without_a_country_is_the_parent_of_its_national_branches() {
    let r = registry();
    assert_eq!(matched(&r, "Amgen, Inc."), ["Amgen (United States)"]);
    // With a country, the branch there.
    assert_eq!(
        matched(&r, "Amgen, Mississauga, Ontario, Canada"),
        ["Amgen (Canada)"]
    );
    // Pfizer's two branches in the registry here have no parent between them: no guess.
    assert!(matched(&r, "Pfizer").is_empty());
}

#[test]
fn university_of_place_reads_as_place_university_in_that_place() {
    let r = registry();
    assert_eq!(
        matched(&r, "Faculty of Science, University of Kyoto"),
        ["Kyoto University"]
    );
}

#[test]
fn html_entities_read_as_their_characters() {
    let r = registry();
    let input = "School of Mechatronic Engineering, Xi&#x2019;an Technological University, Xi&#x2019;an, China";
    let result = AffiliationMatcher::new(&r).match_affiliation(input);
    let names: Vec<&str> = result.matches.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Xi'an Technological University"]);
    // The substring is the input as written, entity and all.
    assert_eq!(
        result.matches[0].substring,
        "Xi&#x2019;an Technological University"
    );
    assert_eq!(result.input, input);
    assert_eq!(result.country, Some("CN"));
    // An entity inside a word or between words splits nothing.
    assert_eq!(
        matched(&r, "Faculty of Law, Universit&#x00E4;t Basel"),
        ["University of Basel"]
    );
    assert_eq!(
        matched(
            &r,
            "Human Nutrition &amp; Dietetics Chiba University Chiba Japan"
        ),
        ["Chiba University"]
    );
}

#[test]
fn a_unit_name_inside_a_part_must_run_to_its_end() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Department of Pharmaceutical Technology, Jadavpur University, Kolkata 700 032, India"
        )
        .is_empty()
    );
    assert_eq!(
        matched(
            &r,
            "Secretary, Department of Pharmaceuticals, New Delhi, India"
        ),
        ["Department of Pharmaceuticals"]
    );
}

#[test]
fn a_name_without_its_city_is_found_when_the_city_is_written_another_way() {
    let r = registry();
    // ROR writes the city "St Louis", the name "... in St. Louis": compared word by word.
    assert_eq!(
        matched(
            &r,
            "Department of Biology, Washington University, St. Louis, MO"
        ),
        ["Washington University in St. Louis"]
    );
    assert_eq!(
        matched(&r, "Washington University"),
        ["Washington University in St. Louis"]
    );
    // A company's branch without its city is the company, not this branch; one word left names no one.
    assert!(matched(&r, "Microsoft Research").is_empty());
    assert!(matched(&r, "Department of Mechanical Engineering, Polytechnique").is_empty());
    // A school of it after the name inside a part: the name is whole.
    assert_eq!(
        matched(
            &r,
            "Department of Genetics, Washington University School of Medicine"
        ),
        ["Washington University in St. Louis"]
    );
    // Unless two organisations' names without their cities are the same.
    let orgs: &[Org] = &[
        (
            "0000zar01",
            "University of Zarnia, Northfield",
            &[],
            "Northfield",
            "US",
            "education",
            &[],
        ),
        (
            "0000zar02",
            "University of Zarnia, Southbury",
            &[],
            "Southbury",
            "US",
            "education",
            &[],
        ),
    ];
    let zarnia = registry_of(orgs);
    assert_eq!(
        matched(&zarnia, "University of Zarnia, Southbury, USA"),
        ["University of Zarnia, Southbury"]
    );
    assert!(
        matched(
            &zarnia,
            "Department of Surgery, University of Zarnia School of Medicine"
        )
        .is_empty()
    );
}

#[test]
fn a_preposition_before_a_name_starts_it() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Pediatrics, College of Medicine of the University of Miami"
        ),
        ["University of Miami"]
    );
    // The same in the languages that write "of the" as one word ("der", "della", "de la").
    for s in [
        "Staatswissenschaftliches Seminar der University of Miami",
        "Laboratorio Zanetti della University of Miami",
        "Centro Investigaciones Biomédicas de la University of Miami",
    ] {
        assert_eq!(matched(&r, s), ["University of Miami"], "{s}");
        let without = s
            .replace(" der ", " ")
            .replace(" della ", " ")
            .replace(" de la ", " ");
        assert!(matched(&r, &without).is_empty(), "{without}");
    }
    // Without the preposition and without a country, "Medicine University of Miami" may be one name.
    assert!(
        matched(
            &r,
            "Department of Pediatrics, Sports Medicine University of Miami"
        )
        .is_empty()
    );
}

#[test]
fn a_label_joined_by_a_hyphen_to_a_university_of_name_is_beside_it() {
    let r = registry();
    assert_eq!(
        matched(&r, "Tecnun-University of Basel"),
        ["University of Basel"]
    );
    // An acronym after the hyphen is a unit's label; a place after it makes another name.
    assert_eq!(
        matched(&r, "University of Otago-SIAT, Dunedin, New Zealand"),
        ["University of Otago"]
    );
    assert!(matched(&r, "University of Missouri-Kansas City, USA").is_empty());
    // A subject after the hyphen is the unit, not more of the name.
    assert_eq!(
        matched(&r, "University of Otago-Nutrition, Dunedin, New Zealand"),
        ["University of Otago"]
    );
}

#[test]
fn a_name_after_other_words_counts_when_its_city_and_country_are_named_apart() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Anatomy, Histology and Embryology Chiba University  Chiba Japan"
        ),
        ["Chiba University"]
    );
    // The same words without the city: "Embryology Chiba University" may be a longer name.
    assert!(
        matched(
            &r,
            "Department of Anatomy, Histology and Embryology Chiba University, Japan"
        )
        .is_empty()
    );
}

#[test]
fn common_words_after_a_unit_word_are_its_subject_not_part_of_the_name() {
    let r = registry();
    assert_eq!(
        matched(&r, "Department of Nutrition University of Basel"),
        ["University of Basel"]
    );
    // Or the organisation's city, named after it, places it.
    assert_eq!(
        matched(
            &r,
            "Human Nutrition University of Miami Coral Gables Florida"
        ),
        ["University of Miami"]
    );
    // A proper name before it may still start a longer name.
    assert!(matched(&r, "Department of Nutrition Sanofi University of Basel").is_empty());
}

#[test]
fn a_branch_name_without_its_city_is_the_parent_it_is_named_after() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Division of Immunology, Global Cancer Research Centre (GCRC), 69120 Heidelberg, Germany"
        ),
        ["Global Cancer Research Centre"]
    );
    assert_eq!(
        matched(&r, "Global Cancer Research Centre (GCRC), Dresden, Germany"),
        ["Global Cancer Research Centre (GCRC) Dresden"]
    );
    // The substring keeps the bracket it opened.
    let result = AffiliationMatcher::new(&r).match_affiliation(
        "Division of Immunology, Global Cancer Research Centre (GCRC), 69120 Heidelberg, Germany",
    );
    assert_eq!(
        result.matches[0].substring,
        "Global Cancer Research Centre (GCRC)"
    );
}

#[test]
fn an_adjective_before_a_body_word_makes_another_body() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Institute of Physics, Technical University of Basel, Basel, Switzerland"
        )
        .is_empty()
    );
    assert!(matched(&r, "Staff Tutor, Open University of Basel, Basel").is_empty());
    assert_eq!(
        matched(
            &r,
            "Institute of Physics, University of Basel, Basel, Switzerland"
        ),
        ["University of Basel"]
    );
    // So does a field's name alone before it; after a unit's words it is the unit's subject.
    let university: Org = (
        "0000qsc01",
        "University of Qasel",
        &[],
        "Qasel",
        "CH",
        "education",
        &[],
    );
    let r = registry_of(&with_common_words(
        &[university],
        "Science Department Health",
        "0000qsd",
    ));
    assert!(matched(&r, "Science University of Qasel, Qasel, Switzerland").is_empty());
    assert_eq!(
        matched(
            &r,
            "Department of Health Science University of Qasel, Qasel, Switzerland"
        ),
        ["University of Qasel"]
    );
}

#[test]
fn place_university_hospital_reads_as_university_hospital_of_place_in_that_place() {
    let r = registry();
    assert_eq!(
        matched(&r, "Department of Neurology, Basel University Hospital"),
        ["University Hospital of Basel"]
    );
    // Only in that place: Chiba is not where this University Hospital is.
    assert!(matched(&r, "Department of Neurology, Chiba University Hospital").is_empty());
}

#[test]
fn with_the_country_named_a_proper_name_will_do_for_the_place() {
    let r = registry();
    // Brighton is the city, Sussex the county: a proper name, and the country agrees.
    assert_eq!(
        matched(&r, "School of Life Sciences, Sussex University, England"),
        ["University of Sussex"]
    );
    // Not without the country, and not a subject for a place.
    assert!(matched(&r, "School of Life Sciences, Sussex University").is_empty());
    assert!(
        matched(
            &r,
            "Research Unit; University Hospital of Nutrition; Bern, Switzerland"
        )
        .is_empty()
    );
}

#[test]
fn a_name_after_a_leading_acronym_and_a_dash_is_a_name_alone() {
    let r = registry();
    assert_eq!(
        matched(&r, "Faculty of Mining, Technical University of Ostrava"),
        ["VSB - Technical University of Ostrava"]
    );
    // Not when what follows the dash is only the place.
    assert!(matched(&r, "Department of Physics, Navi Mumbai, Maharashtra, India").is_empty());
}

#[test]
fn a_withdrawn_records_name_stands_for_its_successor_when_nothing_else_is_named() {
    let orgs: &[Org] = &[
        (
            "03vek6s52",
            "Harvard University",
            &["Universitas Harvardiana", "Harvard College"],
            "Cambridge",
            "US",
            "education",
            &[],
        ),
        (
            "03wevmz92",
            "Harvard Medical School",
            &[],
            "Boston",
            "US",
            "education",
            &[("successor", "03vek6s52")],
        ),
        (
            "002pd6e78",
            "Massachusetts General Hospital",
            &[],
            "Boston",
            "US",
            "healthcare",
            &[],
        ),
    ];
    let lines: Vec<String> = orgs
        .iter()
        .map(|o| {
            let line = record(o, ORGS);
            if o.1 == "Harvard Medical School" {
                line.replace(r#""status":"active""#, r#""status":"withdrawn""#)
            } else {
                line
            }
        })
        .collect();
    let r = registry_from_lines(&lines);
    assert_eq!(
        matched(
            &r,
            "Department of Genetics, Harvard Medical School, Boston, MA"
        ),
        ["Harvard University"]
    );
    assert_eq!(
        matched(
            &r,
            "Department of Neurology, Massachusetts General Hospital, Harvard Medical School"
        ),
        ["Massachusetts General Hospital"]
    );
    // Without a country, the city that places the name is the withdrawn record's own (Boston), not
    // only its successor's (Cambridge).
    assert_eq!(
        matched(&r, "Department of Genetics, Harvard Medical School, Boston"),
        ["Harvard University"]
    );
    // The result names the record and the name that matched.
    let matcher = AffiliationMatcher::new(&r);
    let m = &matcher
        .match_affiliation("Department of Genetics, Harvard Medical School, Boston, MA")
        .matches[0];
    assert_eq!(m.matched_name, "Harvard Medical School");
    assert_eq!(
        m.withdrawn_record.as_deref(),
        Some("https://ror.org/03wevmz92")
    );
    // Of several aliases, the one written.
    let m = &matcher
        .match_affiliation("Harvard College, Cambridge, MA")
        .matches[0];
    assert_eq!(m.matched_name, "Harvard College");
    assert_eq!(m.withdrawn_record, None);
}

#[test]
fn common_words_after_a_unit_word_that_opens_the_part_are_its_subject() {
    let r = registry();
    assert!(matched(&r, "Department of Human Nutrition, Lyon, France").is_empty());
    // As a part of its own, the name is the body's.
    assert_eq!(
        matched(&r, "Human Nutrition, Lyon, France"),
        ["Human Nutrition"]
    );
}

#[test]
fn an_institutes_name_continued_by_a_common_word_is_a_longer_name() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Department of Psychology, Centre for Vision Research, Grenoble, France"
        )
        .is_empty()
    );
    // A place after it, or "in" and a place, is not more name.
    assert_eq!(
        matched(&r, "Centre for Vision in Grenoble, France"),
        ["Centre for Vision"]
    );
    // A name that ends in a proper name is whole, whatever follows.
    assert_eq!(
        matched(
            &r,
            "Complex Networks Lagrange Laboratory, Institute for Scientific Interchange Nutrition, \
             Turin, Italy"
        ),
        ["Institute for Scientific Interchange"]
    );
}

#[test]
fn a_units_alias_acronym_dash_parent_does_not_make_the_parents_name_its_own() {
    let r = registry();
    // "OSUPS - Université Paris-Saclay" is a unit (in Paris) of the university named after the dash.
    assert_eq!(
        matched(&r, "Université Paris-Saclay, Paris, France"),
        ["Université Paris-Saclay"]
    );
}

#[test]
fn an_organisations_own_region_as_its_name_is_the_place_in_an_address() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Medical School; Canberra; Australian Capital Territory; Australia"
        )
        .is_empty()
    );
    assert_eq!(matched(&r, "ACT Government, Canberra"), ["ACT Government"]);
}

#[test]
fn a_city_that_only_other_countries_have_after_a_name_names_another_organisation() {
    let r = registry();
    // Paris is a city only in France (here), the Burundian school is in Bujumbura.
    assert!(matched(&r, "École Normale Supérieure Paris").is_empty());
    assert_eq!(
        matched(&r, "École Normale Supérieure Bujumbura"),
        ["École Normale Supérieure"]
    );
    // Words in capitals are an acronym, not the town of The Pas in Canada.
    assert_eq!(
        matched(
            &r,
            "Laboratory of Pharmacogenomics, Maj Institute of Pharmacology PAS"
        ),
        ["Maj Institute of Pharmacology"]
    );
}

#[test]
fn a_common_name_in_another_country_than_the_distinctive_names_is_a_namesakes() {
    let r = registry();
    let matcher = AffiliationMatcher::new(&r);
    // No country named, but "Bonn" places the address in Germany: the French institute of that
    // name is not named beside the university.
    let result = matcher.match_affiliation("Institute of Human Nutrition, University of Bonn");
    let names = |list: &[tandem_registry::OrganizationMatch]| {
        list.iter().map(|m| m.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&result.matches), ["University of Bonn"]);
    assert!(
        names(&result.also_named).is_empty(),
        "{:?}",
        result.also_named
    );
    // A name the address leaves ambiguous places it too: both Zorvath Universities are American.
    let result = matcher.match_affiliation("Institute of Human Nutrition, Zorvath University");
    assert!(result.matches.is_empty(), "{:?}", result.matches);
    assert_eq!(result.ambiguous.len(), 1, "{:?}", result.ambiguous);
    // Alone, the name is still the institute's.
    assert_eq!(
        matched(&r, "Institute of Human Nutrition"),
        ["Institute of Human Nutrition"]
    );
}

#[test]
fn a_part_between_the_city_and_the_country_is_the_region() {
    let r = registry();
    assert!(
        matched(
            &r,
            "Centre for Biostatistics and Statistical Bioinformatics, Hasselt, Limburg, Belgium"
        )
        .is_empty()
    );
    // Elsewhere in the address, the name is the province's.
    assert_eq!(
        matched(&r, "Limburg, Hasselt, Belgium"),
        ["Province of Limburg"]
    );
}

#[test]
fn the_bodies_an_affiliation_is_a_member_of_are_not_the_affiliation() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Anatomy, Northgate Medical School, corporate member of University of \
             Northgate and Northgate Institute of Technology"
        ),
        ["Northgate Medical School"]
    );
    // With nothing named before it, what follows "member of" is still the affiliation.
    assert_eq!(
        matched(&r, "Member of the Northgate Institute of Technology"),
        ["Northgate Institute of Technology"]
    );
}

#[test]
fn a_name_written_with_or_without_vietnamese_marks_is_the_same_name() {
    let r = registry();
    // The registry has the name with its marks; the address is typed without them, and the other way
    // round the country "Việt Nam" still ends the address.
    assert_eq!(
        matched(&r, "Khoa Hoa hoc, Truong Dai hoc Song Lam, Vinh, Viet Nam"),
        ["Trường Đại học Sông Lam"]
    );
    let matcher = AffiliationMatcher::new(&r);
    let result = matcher.match_affiliation("Trường Đại Học Sông Lam, Vinh, Việt Nam");
    assert_eq!(result.country, Some("VN"));
    assert_eq!(result.matches.len(), 1);
    assert_eq!(result.matches[0].name, "Trường Đại học Sông Lam");
}

#[test]
fn between_namesakes_in_china_and_taiwan_the_country_named_decides() {
    let r = registry();
    let matcher = AffiliationMatcher::new(&r);
    // The country check lets Taiwan's organisations in for "China" and China's for "Taiwan" (exports
    // mix them up), but between two namesakes the one in the country named is meant.
    for (address, country) in [
        (
            "Research Centre for Computing, Eastern Medical University, Taiwan",
            "TW",
        ),
        (
            "School of Pharmacy, Eastern Medical University, China",
            "CN",
        ),
    ] {
        let result = matcher.match_affiliation(address);
        assert!(
            result.ambiguous.is_empty(),
            "{address}: {:?}",
            result.ambiguous
        );
        let countries: Vec<_> = result
            .matches
            .iter()
            .map(|m| m.country_code.as_deref())
            .collect();
        assert_eq!(countries, [Some(country)], "{address}");
    }
}

#[test]
fn a_name_that_opens_with_its_own_acronym_is_written_without_it() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "Department of Optics, Qarlstad Zorn Institute, Orebro, Sweden"
        ),
        ["QQZI Qarlstad Zorn Institute"]
    );
    // Without the acronym, words that twenty other organisations use name no one.
    assert!(
        matched(&r, "Nutrition Vision Research Institute, Paris, France").is_empty(),
        "{:?}",
        matched(&r, "Nutrition Vision Research Institute, Paris, France")
    );
    assert_eq!(
        matched(
            &r,
            "NNVRI Nutrition Vision Research Institute, Paris, France"
        ),
        ["NNVRI Nutrition Vision Research Institute"]
    );
}

#[test]
fn a_name_with_an_apostrophe_between_syllables_is_also_written_apart() {
    let orgs: &[Org] = &[(
        "0000xian1",
        "Xi'an Qinling University",
        &[],
        "Xi'an",
        "CN",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "Xi An Qinling Univ, Xian, Peoples R China",
        "Xian Qinling University, China",
        "Xi'an Qinling University",
    ] {
        assert_eq!(
            matched(&r, written),
            ["Xi'an Qinling University"],
            "{written}"
        );
    }
}

#[test]
fn names_the_matcher_did_not_take_are_listed_with_a_reason() {
    let r = registry();
    let matcher = AffiliationMatcher::new(&r);
    let s = "Department of Safety, International Atomic Energy Agency, Vienna, France";
    assert!(matcher.match_affiliation(s).matches.is_empty());
    let not_taken = matcher.names_not_taken(&matcher.match_affiliation(s), 5);
    assert_eq!(not_taken.len(), 1, "{not_taken:?}");
    assert_eq!(not_taken[0].ror, "https://ror.org/02zt1gg83");
    assert_eq!(not_taken[0].substring, "International Atomic Energy Agency");
    assert_eq!(not_taken[0].reason, "it is in AT, and the address names FR");
    // The namesake the display name lost to.
    let not_taken = matcher.names_not_taken(&matcher.match_affiliation("Newcastle University"), 5);
    assert_eq!(not_taken.len(), 1, "{not_taken:?}");
    assert_eq!(not_taken[0].name, "University of Newcastle Australia");
    assert_eq!(
        not_taken[0].reason,
        "a namesake has this as its main name and was taken"
    );
    // The reason is the check that refused the name, not a guess from the string.
    let reason_for = |s: &str| {
        let not_taken = matcher.names_not_taken(&matcher.match_affiliation(s), 5);
        assert_eq!(not_taken.len(), 1, "{s}: {not_taken:?}");
        not_taken[0].reason.clone()
    };
    assert_eq!(
        reason_for("Aligarh Muslim University"),
        "a proper name before it makes it part of a longer name"
    );
    assert_eq!(
        reason_for("University of Missouri-Kansas City, USA"),
        "the words around it make it part of another name"
    );
    assert_eq!(
        reason_for("École Normale Supérieure Paris"),
        "the city after it is in another country: a namesake there"
    );
    // What was taken is not listed again.
    assert!(
        matcher
            .names_not_taken(
                &matcher.match_affiliation("International Atomic Energy Agency, Vienna, Austria"),
                5
            )
            .is_empty()
    );
}

#[test]
fn a_name_continued_by_of_and_its_own_city_is_that_organisation() {
    let r = registry();
    assert_eq!(
        matched(
            &r,
            "School of Nursing, Eastern Medical University of Shenyang, China"
        ),
        ["Eastern Medical University"]
    );
    let matcher = AffiliationMatcher::new(&r);
    let m = &matcher
        .match_affiliation("Eastern Medical University of Taichung, Taiwan")
        .matches;
    assert_eq!(m[0].ror, "https://ror.org/0000emu02");
    // Any other words after "of" make another name.
    assert!(matched(&r, "Eastern Medical University of Nursing, China").is_empty());
}

#[test]
fn a_city_written_in_its_own_language_is_the_city() {
    let r = registry();
    // The agency is in "Vienna", as ROR names the city.
    assert_eq!(
        matched(&r, "Department of Safety, IAEA, Wien"),
        ["International Atomic Energy Agency"]
    );
    assert_eq!(
        matched(&r, "IAEA Wien, Austria"),
        ["International Atomic Energy Agency"]
    );
}

#[test]
fn common_words_before_of_and_a_city_are_another_bodys_name() {
    let ispa: Org = (
        "0000ispa1",
        "ISPA - Instituto Universitário",
        &[],
        "Lisbon",
        "PT",
        "education",
        &[],
    );
    // Common words: twenty other university institutes.
    let others = orgs_named(
        20,
        "0inst",
        |i| format!("Instituto Universitário Zeta{}", "x".repeat(i)),
        ("Faro", "PT", "education"),
    );
    let lines: Vec<String> = std::iter::once(&ispa)
        .chain(&others)
        .map(|o| record(o, ORGS))
        .collect();
    let r = registry_from_lines(&lines);
    assert!(matched(&r, "Instituto Universitário de Lisboa (ISCTE-IUL)").is_empty());
    assert!(matched(&r, "Instituto Universitário de Lisboa, Portugal").is_empty());
}

#[test]
fn a_name_with_its_city_in_it_is_also_written_with_the_citys_other_names() {
    let orgs: &[Org] = &[(
        "0000flor1",
        "University of Florence",
        &[],
        "Florence",
        "IT",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "Dipartimento di Chimica, Università di Firenze, Firenze, Italy",
        "University of Firenze",
        "University of Florence",
    ] {
        assert_eq!(
            matched(&r, written),
            ["University of Florence"],
            "{written}"
        );
    }
}

#[test]
fn a_name_with_another_name_of_its_city_in_it_is_also_written_with_rors() {
    let orgs: &[Org] = &[
        (
            "0000mibi1",
            "University of Milano-Qelmora",
            &[],
            "Milan",
            "IT",
            "education",
            &[],
        ),
        (
            "0000iisc1",
            "Indian Institute of Qelmistry Bangalore",
            &[],
            "Bengaluru",
            "IN",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    for written in [
        "University of Milan-Qelmora",
        "Department of Psychology, University of Milan Qelmora, Milan, Italy",
    ] {
        assert_eq!(
            matched(&r, written),
            ["University of Milano-Qelmora"],
            "{written}"
        );
    }
    // The city in the name is an older name of the one ROR gives, and the name is written without it.
    assert_eq!(
        matched(&r, "Department of Physics, Indian Institute of Qelmistry"),
        ["Indian Institute of Qelmistry Bangalore"]
    );
}

#[test]
fn a_city_in_a_name_that_is_not_the_organisations_own_is_also_written_with_its_other_names() {
    // The university is in Erlangen; its name also names Nuremberg, which addresses write "Nürnberg".
    let orgs: &[Org] = &[(
        "0000qen01",
        "University of Qelmen-Nuremberg",
        &[],
        "Qelmen",
        "DE",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "University of Qelmen-Nürnberg, Germany",
        "Institute of Particle Technology; University of Qelmen-Nuernberg; Qelmen",
    ] {
        assert_eq!(
            matched(&r, written),
            ["University of Qelmen-Nuremberg"],
            "{written}"
        );
    }
}

#[test]
fn a_city_named_with_its_river_is_written_without_it_too() {
    // GeoNames places the university in "Freiburg im Breisgau"; addresses write "Freiburg".
    let orgs: &[Org] = &[(
        "0000qfr01",
        "Qelmora-Universität Freiburg",
        &[],
        "Freiburg im Breisgau",
        "DE",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "Qelmora-Universitat, Bertoldstr. 17, 79098 Freiburg",
        "Qelmora-Universität",
        "Institut für Physik, Qelmora-Universität Freiburg, Germany",
    ] {
        assert_eq!(
            matched(&r, written),
            ["Qelmora-Universität Freiburg"],
            "{written}"
        );
    }
}

#[test]
fn german_names_are_also_read_as_the_web_of_science_abbreviates_them() {
    let orgs: &[Org] = &[
        (
            "0000rwq01",
            "Rheinisch-Westfälische Technische Hochschule Qelmen",
            &[],
            "Qelmen",
            "DE",
            "education",
            &[],
        ),
        (
            "0000wwq01",
            "Westfälische Zorn-Universität Orlstadt",
            &[],
            "Orlstadt",
            "DE",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Rhein Westfal TH Qelmen, Sch Business & Econ, D-52056 Qelmen, Germany."
        ),
        ["Rheinisch-Westfälische Technische Hochschule Qelmen"]
    );
    for written in [
        "Westfal Zorn Univ Orlstadt, Inst Phys Chem, Orlstadt, Germany.",
        "Westfaelische Zorn-Universitaet Orlstadt",
    ] {
        assert_eq!(
            matched(&r, written),
            ["Westfälische Zorn-Universität Orlstadt"],
            "{written}"
        );
    }
}

#[test]
fn more_web_of_science_abbreviations_are_read() {
    let orgs: &[Org] = &[
        (
            "0000hqe01",
            "Hôpital Européen Qelmora",
            &[],
            "Paris",
            "FR",
            "healthcare",
            &[],
        ),
        (
            "0000mhq01",
            "Medizinische Hochschule Qelmstadt",
            &[],
            "Qelmstadt",
            "DE",
            "education",
            &[],
        ),
        (
            "0000mmq01",
            "Qelmoran Military Medical Academy",
            &[],
            "Sofia",
            "BG",
            "education",
            &[],
        ),
        (
            "0000isq01",
            "Qelmoran Statistical Institute",
            &[],
            "Kolkata",
            "IN",
            "education",
            &[],
        ),
        (
            "0000paq01",
            "Qelmoran Institute of Public Administration",
            &[],
            "Riyadh",
            "SA",
            "education",
            &[],
        ),
        (
            "0000qcu01",
            "Qelmora University",
            &[],
            "Jinan",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qcu02",
            "Qelmora University of Traditional Chinese Medicine",
            &[],
            "Jinan",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qcu03",
            "Qelmora University of Petroleum",
            &[],
            "Beijing",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qhs01",
            "Qelmora Health System",
            &[],
            "Durham",
            "US",
            "healthcare",
            &[],
        ),
        (
            "0000qhs02",
            "Qelmora Health Services",
            &[],
            "Singapore",
            "SG",
            "healthcare",
            &[],
        ),
        (
            "0000qdc01",
            "Qelmora Center for Disease Control and Prevention",
            &[],
            "Haikou",
            "CN",
            "government",
            &[],
        ),
        (
            "0000qep01",
            "North Qelmora Electric Power University",
            &[],
            "Baoding",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qrs01",
            "Centre for Economic and Regional Studies of Qelmora",
            &[],
            "Budapest",
            "HU",
            "facility",
            &[],
        ),
        (
            "0000qcm01",
            "Qelmora University of Mining and Technology",
            &[],
            "Xuzhou",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qbp01",
            "Max Qelm Institute of Biophysics",
            &[],
            "Frankfurt am Main",
            "DE",
            "facility",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    for (written, expected) in [
        (
            "Hop Europeen Qelmora, Paris, France.",
            "Hôpital Européen Qelmora",
        ),
        (
            "Med Hsch Qelmstadt, D-30625 Qelmstadt, Germany.",
            "Medizinische Hochschule Qelmstadt",
        ),
        (
            "Qelmoran Mil Med Acad, Sofia, Bulgaria.",
            "Qelmoran Military Medical Academy",
        ),
        (
            "Qelmoran Stat Inst, Kolkata 700108, India.",
            "Qelmoran Statistical Institute",
        ),
        (
            "Qelmoran Inst Publ Adm, Riyadh 11141, Saudi Arabia.",
            "Qelmoran Institute of Public Administration",
        ),
        // Not the university whose name the abbreviated one opens with.
        (
            "Qelmora Univ Tradit Chinese Med, Jinan 250014, Peoples R China.",
            "Qelmora University of Traditional Chinese Medicine",
        ),
        (
            "Qelmora Univ Petr, Sch Foreign Languages, Beijing, Peoples R China.",
            "Qelmora University of Petroleum",
        ),
        (
            "Qelmora Hlth Syst, Dept Med, Durham, NC 27710 USA.",
            "Qelmora Health System",
        ),
        (
            "Qelmora Hlth Serv, Artificial Intelligence Off, Singapore, Singapore.",
            "Qelmora Health Services",
        ),
        (
            "Qelmora Ctr Dis Control & Prevent, Haikou, Peoples R China.",
            "Qelmora Center for Disease Control and Prevention",
        ),
        (
            "N Qelmora Elect Power Univ, Baoding 071003, Peoples R China.",
            "North Qelmora Electric Power University",
        ),
        (
            "Ctr Econ & Reg Studies Qelmora, H-1097 Budapest, Hungary.",
            "Centre for Economic and Regional Studies of Qelmora",
        ),
        (
            "Max Qelm Inst Biophys, D-60438 Frankfurt, Germany.",
            "Max Qelm Institute of Biophysics",
        ),
        (
            "Qelmora Univ Min & Technol, Sch Mines, Xuzhou 221116, Jiangsu, Peoples R China.",
            "Qelmora University of Mining and Technology",
        ),
    ] {
        assert_eq!(matched(&r, written), [expected], "{written}");
    }
}

#[test]
fn mol_is_molecular_where_it_is_written_short_and_the_town_only_as_written() {
    let orgs: &[Org] = &[
        (
            "0000qmb01",
            "Qelmora Laboratory of Molecular Biology",
            &[],
            "Cambridge",
            "GB",
            "facility",
            &[],
        ),
        (
            "0000qnr01",
            "Qelmoran Nuclear Research Centre",
            &[],
            "Mol",
            "BE",
            "facility",
            &[],
        ),
        (
            "0000qum01",
            "Qelmichigan Regents University",
            &["University of Qelmichigan"],
            "Ann Arbor",
            "US",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Qelmora Lab Mol Biol, Cambridge CB2 0QH, England."),
        ["Qelmora Laboratory of Molecular Biology"]
    );
    // "The Molecular" is no town of Mol placing the address away from Ann Arbor.
    assert_eq!(
        matched(
            &r,
            "The Molecular, Cellular and Developmental Biology Graduate Program, The University of \
             Qelmichigan"
        ),
        ["Qelmichigan Regents University"]
    );
    // Written short, it is the town.
    assert_eq!(
        matched(
            &r,
            "Qelmoran Nuclear Research Centre, Boeretang 200, 2400 Mol, Belgium"
        ),
        ["Qelmoran Nuclear Research Centre"]
    );
}

#[test]
fn pedagogical_is_written_pedag_as_the_web_of_science_abbreviates_it() {
    let orgs: &[Org] = &[(
        "0000pqu01",
        "Qelmora State Pedagogical University",
        &[],
        "Qelmora",
        "UA",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Qelmora State Pedag Univ, Fac Philol, Qelmora, Ukraine."
        ),
        ["Qelmora State Pedagogical University"]
    );
}

#[test]
fn the_city_and_country_of_an_address_are_not_a_company_named_after_the_city() {
    let orgs: &[Org] = &[
        (
            "0000qmc01",
            "Qelmachi Corporation (Japan)",
            &[],
            "Tokyo",
            "JP",
            "company",
            &[],
        ),
        (
            "0000qmh01",
            "Qelmachi Municipal Hospital",
            &[],
            "Qelmachi",
            "JP",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert!(matched(&r, "Department of Surgery, Qelmachi, Japan").is_empty());
    assert_eq!(
        matched(&r, "Qelmachi Municipal Hosp, Qelmachi, Japan."),
        ["Qelmachi Municipal Hospital"]
    );
    // With its legal form written, even in a part of its own, it is the company.
    for written in [
        "Qelmachi Corporation, Tokyo, Japan",
        "Central Research Laboratory, Qelmachi, Ltd., Tokyo, Japan",
        "Qelmachi Ltd., Tokyo, 101-8608, Japan",
    ] {
        assert_eq!(
            matched(&r, written),
            ["Qelmachi Corporation (Japan)"],
            "{written}"
        );
    }
}

#[test]
fn teknologi_is_written_teknol_as_the_web_of_science_abbreviates_it() {
    let orgs: &[Org] = &[
        (
            "0000utq01",
            "Universiti Teknologi Qelmora",
            &[],
            "Johor Bahru",
            "MY",
            "education",
            &[],
        ),
        (
            "0000itd01",
            "Institut Teknologi Del",
            &[],
            "Toba",
            "ID",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Univ Teknol Qelmora, Fac Comp, Johor Baharu 80000, Johor, Malaysia."
        ),
        ["Universiti Teknologi Qelmora"]
    );
    // "Del" goes as an article, so "Teknologi" is what names this institute: it is not read as the
    // generic "Technology".
    assert_eq!(
        matched(
            &r,
            "Faculty of Informatics, Institut Teknologi Del, Toba, Indonesia"
        ),
        ["Institut Teknologi Del"]
    );
}

#[test]
fn an_ordinal_before_a_name_makes_another_body() {
    let orgs: &[Org] = &[(
        "0000qgh01",
        "Qarlstad General Hospital",
        &[],
        "Orebro",
        "SE",
        "healthcare",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Surgery, Qarlstad General Hospital, Orebro, Sweden"
        ),
        ["Qarlstad General Hospital"]
    );
    assert!(matched(&r, "The Second Qarlstad General Hospital, Orebro, Sweden").is_empty());
    assert!(matched(&r, "2nd Qarlstad General Hospital, Orebro, Sweden").is_empty());
}

#[test]
fn a_long_word_one_letter_off_reads_as_the_word_it_misspells() {
    let orgs: &[Org] = &[
        (
            "0000dyt01",
            "University of Dayton",
            &[],
            "Dayton",
            "US",
            "education",
            &[],
        ),
        (
            "0000rdc01",
            "Redcliffe Hospital",
            &[],
            "Redcliffe",
            "AU",
            "healthcare",
            &[],
        ),
        (
            "0000gnt01",
            "Genentech",
            &[],
            "South San Francisco",
            "US",
            "company",
            &[],
        ),
        (
            "0000mrk01",
            "Marker University",
            &[],
            "Springfield",
            "US",
            "education",
            &[],
        ),
        (
            "0000mrk02",
            "Marked University",
            &[],
            "Springfield",
            "US",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    let result = AffiliationMatcher::new(&r).match_affiliation("University of Datyon");
    assert_eq!(result.matches.len(), 1);
    let m = &result.matches[0];
    assert_eq!(m.name, "University of Dayton");
    assert_eq!(m.substring, "University of Datyon");
    // Read as written, with less confidence.
    let exact = AffiliationMatcher::new(&r).match_affiliation("University of Dayton");
    assert!(m.confidence < exact.matches[0].confidence);
    // A letter added, a letter changed, two swapped; and one dropped.
    for written in [
        "University of Daytoon",
        "University of Daxton",
        "University of Dyaton",
    ] {
        assert_eq!(matched(&r, written), ["University of Dayton"], "{written}");
    }
    assert_eq!(matched(&r, "Redclife Hospital"), ["Redcliffe Hospital"]);
    // Inside a longer part, the word is a name the registry does not have: "John Radcliffe
    // Hospital" is not the Redcliffe Hospital.
    assert!(matched(&r, "Department of Surgery, John Radcliffe Hospital").is_empty());
    // One word alone is too little to guess from.
    assert!(matched(&r, "Genenetech").is_empty());
    assert_eq!(matched(&r, "Genentech"), ["Genentech"]);
    // Two words one letter off: no guess.
    assert!(matched(&r, "Markes University").is_empty());
    // Short words have too many neighbours.
    assert!(matched(&r, "University of Dayto").is_empty());
}

#[test]
fn a_period_that_ends_a_sentence_separates_parts() {
    let orgs: &[Org] = &[
        (
            "0000uwa01",
            "University of Qarlstad",
            &[],
            "Qarlstad",
            "SE",
            "education",
            &[],
        ),
        (
            "0000cit01",
            "California Institute of Technology",
            &[],
            "Pasadena",
            "US",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Institute for Protein Design. University of Qarlstad"),
        ["University of Qarlstad"]
    );
    // After an abbreviation, a period is part of the name.
    assert_eq!(
        matched(&r, "Calif. Institute of Technology"),
        ["California Institute of Technology"]
    );
}

#[test]
fn of_and_the_organisations_own_country_after_a_name_is_not_more_name() {
    let orgs: &[Org] = &[
        (
            "0000qun01",
            "Qarlstad University",
            &[],
            "Qarlstad",
            "SE",
            "education",
            &[],
        ),
        (
            "0000qun02",
            "Qarlstad University",
            &[],
            "Qarlstad",
            "NO",
            "education",
            &[],
        ),
        (
            "0000gfu01",
            "Gifu University",
            &[],
            "Gifu",
            "JP",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(matched(&r, "Gifu University of japan"), ["Gifu University"]);
    // The country chooses between namesakes.
    let norway = AffiliationMatcher::new(&r)
        .match_affiliation("Department of Physics, Qarlstad University of Norway")
        .matches;
    assert_eq!(norway.len(), 1);
    assert_eq!(norway[0].ror, "https://ror.org/0000qun02");
    // Another country is another body: "Gifu University of Korea" is not the one in Japan.
    assert!(matched(&r, "Gifu University of Korea").is_empty());
}

#[test]
fn a_country_or_its_adjective_before_a_name_several_countries_share_says_which() {
    let orgs: &[Org] = &[
        (
            "0000epa01",
            "Environmental Protection Agency",
            &[],
            "Washington",
            "US",
            "government",
            &[],
        ),
        (
            "0000epa02",
            "Environmental Protection Agency",
            &[],
            "Wexford",
            "IE",
            "government",
            &[],
        ),
        (
            "0000suh01",
            "State University for the Humanities",
            &[],
            "Moscow",
            "RU",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched_rors(
            &r,
            "US Environmental Protection Agency, Office of Research and Development"
        ),
        ["https://ror.org/0000epa01"]
    );
    assert_eq!(
        matched_rors(
            &r,
            "Irish Environmental Protection Agency, Johnstown Castle"
        ),
        ["https://ror.org/0000epa02"]
    );
    // A country that has no organisation of that name: another body.
    assert!(matched(&r, "Brazilian Environmental Protection Agency").is_empty());
    // The address's own country and the one before the name disagree.
    assert!(matched(&r, "US Environmental Protection Agency, Dublin, Ireland").is_empty());
    // A name that one country alone has, after that country's adjective, is the end of a longer
    // name ("Russian State University for the Humanities" is another university).
    assert!(matched(&r, "Russian State University for the Humanities").is_empty());
}

#[test]
fn an_acronym_alone_is_the_far_best_connected_of_those_that_have_it() {
    const CHILDREN: &[(&str, &str)] = &[
        ("child", "0000qrc11"),
        ("child", "0000qrc12"),
        ("child", "0000qrc13"),
        ("child", "0000qrc14"),
        ("child", "0000qrc15"),
    ];
    let orgs: &[Org] = &[
        (
            "0000qrc01",
            "Quillon Research Council",
            &[],
            "Lyon",
            "FR",
            "government",
            CHILDREN,
        ),
        (
            "0000qrc02",
            "Quarry Rock College",
            &[],
            "Denver",
            "US",
            "education",
            &[],
        ),
        (
            "0000qrc03",
            "Quinta Rural Center",
            &[],
            "Recife",
            "BR",
            "facility",
            &[("related", "0000qrc02")],
        ),
        // Two as well connected as each other.
        (
            "0000xbc01",
            "Xeno Biology Center",
            &[],
            "Oslo",
            "NO",
            "facility",
            &[("related", "0000xbc02")],
        ),
        (
            "0000xbc02",
            "Xylo Botany College",
            &[],
            "Perth",
            "AU",
            "education",
            &[("related", "0000xbc01")],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(matched(&r, "QRC"), ["Quillon Research Council"]);
    // Beside other words an acronym is too often a unit's or another body's.
    assert!(matched(&r, "Department of Physics, QRC").is_empty());
    assert!(matched(&r, "XBC").is_empty());
    let matcher = AffiliationMatcher::new(&r);
    let not_taken = matcher.names_not_taken(&matcher.match_affiliation("QRC"), 5);
    assert!(not_taken.is_empty(), "acronyms are not offered as hints");
}

#[test]
fn the_organisations_own_city_before_its_name_places_it() {
    let orgs: &[Org] = &[
        (
            "0000qlm01",
            "Zentrum für Qelmforschung",
            &[],
            "Kiel",
            "DE",
            "facility",
            &[],
        ),
        (
            "0000qlm02",
            "Zentrum für Qelmforschung",
            &[],
            "Hamburg",
            "DE",
            "facility",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched_rors(&r, "Kiel Zentrum für Qelmforschung"),
        ["https://ror.org/0000qlm01"]
    );
    assert_eq!(
        matched_rors(
            &r,
            "Abteilung Wirtschaft, Hamburg Zentrum für Qelmforschung"
        ),
        ["https://ror.org/0000qlm02"]
    );
    // Another city before the name makes a longer name.
    assert!(matched(&r, "Bremen Zentrum für Qelmforschung").is_empty());
}

#[test]
fn a_university_named_after_a_person_is_also_written_without_the_person() {
    let orgs: &[Org] = &[
        (
            "0000epo01",
            "Qelmar Zorvinger University Blimburg",
            &["Qelmar-Zorvinger-Universität Blimburg"],
            "Blimburg",
            "DE",
            "education",
            &[],
        ),
        (
            "0000tvo01",
            "Technical University Vorstadt",
            &[],
            "Vorstadt",
            "DE",
            "education",
            &[],
        ),
        (
            "0000fzm01",
            "Farzam University Qazvintown",
            &[],
            "Qazvintown",
            "IR",
            "education",
            &[],
        ),
        (
            "0000azq01",
            "Islamic Azad University, Qazvintown",
            &[],
            "Qazvintown",
            "IR",
            "education",
            &[],
        ),
        (
            "0000epl01",
            "Laboratorium an der Universität Blimburg",
            &[],
            "Blimburg",
            "DE",
            "facility",
            &[("related", "0000epo01")],
        ),
    ];
    let r = registry_of(orgs);
    for written in [
        "University of Blimburg",
        "Universität Blimburg",
        "Univ Blimburg, Blimburg, Germany",
    ] {
        assert_eq!(
            matched(&r, written),
            ["Qelmar Zorvinger University Blimburg"],
            "{written}"
        );
    }
    // Words that say what kind of university it is are no eponym.
    assert!(matched(&r, "University of Vorstadt").is_empty());
    // Another organisation's name holds "University Qazvintown": the words name neither.
    assert!(
        matched(&r, "University of Qazvintown")
            .iter()
            .all(|name| name != "Farzam University Qazvintown")
    );
    // A Slavic adjective of kind is no eponym either.
    let technical: Org = (
        "0000epc02",
        "Technická univerzita Qostrava",
        &[],
        "Qostrava",
        "CZ",
        "education",
        &[],
    );
    let r = registry_of(&[technical]);
    assert_eq!(
        matched(&r, "Technická univerzita Qostrava"),
        ["Technická univerzita Qostrava"]
    );
    assert!(matched(&r, "University of Qostrava").is_empty());
    // Not a body that is no more: the "University of Qenver" is another.
    let closed: Org = (
        "0000epc01",
        "Qargosy University Qenver",
        &[],
        "Qenver",
        "US",
        "education",
        &[],
    );
    let line = record(&closed, &[]).replace(r#""status":"active""#, r#""status":"inactive""#);
    let r = registry_from_lines(&[line]);
    assert_eq!(
        matched(&r, "Qargosy University Qenver"),
        ["Qargosy University Qenver"]
    );
    assert!(matched(&r, "University of Qenver").is_empty());
}

#[test]
fn a_name_that_opens_with_its_parents_is_also_written_without_it() {
    let orgs: &[Org] = &[
        (
            "0000qsu01",
            "Qelm State University System",
            &[],
            "Austin",
            "US",
            "education",
            &[("child", "0000qsu02"), ("child", "0000qsu03")],
        ),
        (
            "0000qsu02",
            "Qelm State University Vorbeck Cancer Center",
            &[],
            "Houston",
            "US",
            "healthcare",
            &[("parent", "0000qsu01")],
        ),
        (
            "0000qsu03",
            "Qelm State University Dallas Hospital",
            &[],
            "Dallas",
            "US",
            "healthcare",
            &[("parent", "0000qsu01")],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Radiation Oncology, Vorbeck Cancer Center, Houston, TX, United States"
        ),
        ["Qelm State University Vorbeck Cancer Center"]
    );
    // What is left must name the body by a word of its own, not only by its city.
    assert!(matched(&r, "Dallas Hospital, Dallas, TX, United States").is_empty());
}

#[test]
fn a_university_of_a_city_with_a_name_of_its_own_is_also_written_by_that_name() {
    let orgs: &[Org] = &[
        (
            "0000qtb01",
            "University of Qorvia Tor Belmonte",
            &[],
            "Qorvia",
            "IT",
            "education",
            &[],
        ),
        (
            "0000qtb02",
            "University of Blimtown Mercy",
            &["Universidad de Blimtown Misericordia"],
            "Blimtown",
            "US",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    for written in [
        "Department of Physics, Tor Belmonte University, Qorvia, Italy",
        "Università “Tor Belmonte”",
        "University Tor Belmonte of Qorvia, Department of Physics",
    ] {
        assert_eq!(
            matched(&r, written),
            ["University of Qorvia Tor Belmonte"],
            "{written}"
        );
    }
    // A translation's words are not a name of its own.
    assert!(matched(&r, "Misericordia University").is_empty());
}

#[test]
fn a_name_of_its_own_then_of_and_the_city_is_also_written_without_them() {
    let orgs: &[Org] = &[
        (
            "0000qmt01",
            "Qelmotle University of Blimburg",
            &[],
            "Blimburg",
            "DE",
            "education",
            &[],
        ),
        (
            "0000qmt02",
            "Zarvotle University of Vorstadt",
            &[],
            "Vorstadt",
            "DE",
            "education",
            &[],
        ),
    ];
    let lines: Vec<String> = orgs
        .iter()
        .map(|o| {
            let line = record(o, orgs);
            if o.0 == "0000qmt02" {
                line.replace(r#""status":"active""#, r#""status":"inactive""#)
            } else {
                line
            }
        })
        .collect();
    let r = registry_from_lines(&lines);
    assert_eq!(
        matched(&r, "Department of Physics, Qelmotle University, Germany"),
        ["Qelmotle University of Blimburg"]
    );
    // A body that is no more keeps its whole name only.
    assert!(matched(&r, "Zarvotle University, Germany").is_empty());
}

#[test]
fn a_part_that_is_an_acronym_of_five_letters_one_organisation_has_names_it() {
    let orgs: &[Org] = &[
        (
            "0000qai01",
            "Qorvath Advanced Institute of Science and Technology",
            &[],
            "Daejeon",
            "KR",
            "education",
            &[],
        ),
        (
            "0000zor01",
            "Zelm Orbital Research Kollegium",
            &[],
            "Bern",
            "CH",
            "facility",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Department of Electrical Engineering, QAIST"),
        ["Qorvath Advanced Institute of Science and Technology"]
    );
    // Four letters are too few without the country or the city.
    assert!(matched(&r, "Department of Physics, ZORK").is_empty());
    assert_eq!(
        matched(&r, "Department of Physics, ZORK, Bern, Switzerland"),
        ["Zelm Orbital Research Kollegium"]
    );
}

#[test]
fn an_alias_of_three_common_words_names_its_organisation_where_the_address_names_its_city() {
    let orgs: &[Org] = &[(
        "0000kqh01",
        "Kungliga Qelmska Högskolan",
        &["Royal Institute of Technology"],
        "Stockholm",
        "SE",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Physics, Royal Institute of Technology, Stockholm, Sweden"
        ),
        ["Kungliga Qelmska Högskolan"]
    );
    assert!(
        matched(
            &r,
            "Department of Physics, Royal Institute of Technology, Sweden"
        )
        .is_empty()
    );
}

#[test]
fn universities_in_the_plural_are_no_university() {
    let orgs: &[Org] = &[
        (
            "0000qlu01",
            "Qelmtown University",
            &[],
            "Qelmtown",
            "CN",
            "education",
            &[],
        ),
        (
            "0000qlu02",
            "Qelmtown Normal University",
            &[],
            "Qelmtown",
            "CN",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Mathematics, Qelmtown Normal University and Key Laboratory of Qelmtown Universities, Qelmtown 200234, China"
        ),
        ["Qelmtown Normal University"]
    );
}

#[test]
fn a_display_name_of_two_common_words_names_its_organisation_as_a_whole_part_with_its_city() {
    let orgs: &[Org] = &[(
        "0000fdu01",
        "Federation University",
        &[],
        "Qelmarat",
        "AU",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "School of Science, Federation University, Qelmarat, Victoria, Australia"
        ),
        ["Federation University"]
    );
    // Without its city, or inside a longer part, the two words name no one.
    assert!(matched(&r, "Federation University, Melbourne, Australia").is_empty());
    assert!(matched(&r, "School of Science, Federation University, Australia").is_empty());
    assert!(
        matched(
            &r,
            "Qelmarat Federation University Hospital, Qelmarat, Australia"
        )
        .is_empty()
    );
}

#[test]
fn a_company_name_that_needs_its_country_takes_its_city_instead() {
    let orgs: &[Org] = &[(
        "0000kgc01",
        "Qelmogi Corporation (Japan)",
        &[],
        "Himeji",
        "JP",
        "company",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Qelmogi Corporation, Himeji"),
        ["Qelmogi Corporation (Japan)"]
    );
    // One word with neither its country nor its city names no one.
    assert!(matched(&r, "Qelmogi Corporation, Osaka").is_empty());
}

#[test]
fn a_name_in_camel_case_is_also_found_written_as_one_word() {
    let orgs: &[Org] = &[(
        "0000nts01",
        "QelmaServe",
        &[],
        "Arlington",
        "US",
        "nonprofit",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "QelmaServe, Arlington, VA, USA",
        "Qelmaserve, Arlington, VA, USA",
        "QELMASERVE, ARLINGTON, VA, USA",
    ] {
        assert_eq!(matched(&r, written), ["QelmaServe"], "{written}");
    }
}

#[test]
fn a_company_named_by_a_short_word_and_its_legal_form_is_matched_as_an_acronym() {
    let orgs: &[Org] = &[(
        "0000qpl01",
        "QPL Corporation (United States)",
        &[],
        "Allentown",
        "US",
        "company",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "QPL Corporation, Allentown, PA 18101, USA"),
        ["QPL Corporation (United States)"]
    );
    assert_eq!(
        matched(&r, "QPL, Allentown, PA, USA"),
        ["QPL Corporation (United States)"]
    );
    // As an acronym it needs its city as well as its country.
    assert!(matched(&r, "QPL Corporation, Boston, MA, USA").is_empty());
}

#[test]
fn an_acronym_with_a_legal_form_names_a_company_only() {
    let polytechnic: Org = (
        "0000qjs01",
        "Qigawa State Polytechnic",
        &["QSP"],
        "Dutse",
        "NG",
        "education",
        &[],
    );
    let company: Org = (
        "0000qjs02",
        "QSP Corporation (Japan)",
        &[],
        "Tokyo",
        "JP",
        "company",
        &[],
    );
    let r = registry_of(&[polytechnic]);
    assert!(matched(&r, "QSP Corporation").is_empty());
    assert_eq!(matched(&r, "QSP"), ["Qigawa State Polytechnic"]);
    let r = registry_of(&[polytechnic, company]);
    assert_eq!(matched(&r, "QSP Corporation"), ["QSP Corporation (Japan)"]);
}

#[test]
fn nhs_after_a_university_name_makes_a_trust_of_it() {
    let orgs: &[Org] = &[(
        "0000qnh01",
        "Qelmchester University",
        &[],
        "Qelmchester",
        "US",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Department of Biology, Qelmchester University"),
        ["Qelmchester University"]
    );
    assert!(
        matched(
            &r,
            "Department of Surgery, Qelmchester University NHS Foundation Trust"
        )
        .is_empty()
    );
}

#[test]
fn a_us_state_before_a_name_makes_a_longer_name() {
    // "Virginia" is in many names, so it is no proper name by its rarity.
    let mut orgs = orgs_named(
        20,
        "0vir",
        |i| format!("Virginia Qelm Society {}", "x".repeat(i + 1)),
        ("Richmond", "US", "nonprofit"),
    );
    orgs.push((
        "0000qwy01",
        "Qelmeyan University",
        &[],
        "Middletown",
        "US",
        "education",
        &[],
    ));
    let r = registry_of(&orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Biology, Qelmeyan University, Middletown, CT, USA"
        ),
        ["Qelmeyan University"]
    );
    assert!(matched(&r, "Virginia Qelmeyan University, Norfolk, VA, USA").is_empty());
}

#[test]
fn vietnamese_words_for_a_university_are_common_words() {
    let orgs: &[Org] = &[(
        "0000qvn01",
        "Qelmvinh University",
        &["Trường Đại học Qelmvinh"],
        "Qelmvinh",
        "VN",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Trường Đại học Qelmvinh, Qelmvinh, Vietnam"),
        ["Qelmvinh University"]
    );
    // "Trường Đại học" alone is "University": it is no name once the city is cut off, though the
    // string names the city by a word of another place's name, as "Vinh" in "Vĩnh Long".
    assert!(
        matched(
            &r,
            "Department of Biology, Trường Đại học Cửu Long, Qelmvinh Long, Vietnam"
        )
        .is_empty()
    );
}

#[test]
fn a_company_named_by_two_common_words_needs_its_city() {
    let orgs: &[Org] = &[(
        "0000csc01",
        "Computer Sciences Corporation (United States)",
        &[],
        "Falls Church",
        "US",
        "company",
        &[],
    )];
    let r = registry_of(orgs);
    // A department's subject is no company.
    assert!(matched(&r, "Univ Qelmington, Comp Sci, Qelmington, NC 28403 USA.").is_empty());
    assert_eq!(
        matched(&r, "Computer Sciences Corporation, Falls Church, VA, USA"),
        ["Computer Sciences Corporation (United States)"]
    );
}

#[test]
fn a_name_cut_short_of_its_city_names_no_one_where_the_address_names_another_city() {
    let orgs: &[Org] = &[
        (
            "0000qcd01",
            "Centro Universitario de la Qelmensa Zaragoza",
            &[],
            "Zaragoza",
            "ES",
            "education",
            &[],
        ),
        (
            "0000qcd02",
            "Hospital General de San Javier",
            &[],
            "San Javier",
            "ES",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Centro Universitario de la Qelmensa, Zaragoza, Spain"),
        ["Centro Universitario de la Qelmensa Zaragoza"]
    );
    assert_eq!(
        matched(&r, "Centro Universitario de la Qelmensa, Spain"),
        ["Centro Universitario de la Qelmensa Zaragoza"]
    );
    assert!(matched(&r, "Centro Universitario de la Qelmensa, San Javier, Spain").is_empty());
}

#[test]
fn a_city_the_name_writes_is_no_other_city() {
    let orgs: &[Org] = &[
        (
            "0000qhw01",
            // A name that writes another city than its own, with its acronym.
            "Qelmzurich University of Applied Sciences (QHAW)",
            &[],
            "Winterthur",
            "CH",
            "education",
            &[],
        ),
        (
            "0000qhw02",
            "Qelmzurich Zoo",
            &[],
            "Qelmzurich",
            "CH",
            "nonprofit",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "School of Life Sciences, Qelmzurich University of Applied Sciences, Qelmzurich, Switzerland"
        ),
        ["Qelmzurich University of Applied Sciences (QHAW)"]
    );
}

#[test]
fn international_and_education_in_other_languages_meet_their_web_of_science_abbreviations() {
    let orgs: &[Org] = &[
        (
            "0000qir01",
            "Universidad Internacional de Qelmrioja",
            &[],
            "Logroño",
            "ES",
            "education",
            &[],
        ),
        (
            "0000qed01",
            "Universidad Nacional de Educación a Qelmdistancia",
            &[],
            "Madrid",
            "ES",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Univ Int Qelmrioja, Doctoral Sch, Logrono, Spain."),
        ["Universidad Internacional de Qelmrioja"]
    );
    assert_eq!(
        matched(&r, "Univ Nacl Educ Qelmdistancia, Fac Educ, Madrid, Spain."),
        ["Universidad Nacional de Educación a Qelmdistancia"]
    );
}

#[test]
fn defence_is_written_def_and_defense_too() {
    let orgs: &[Org] = &[(
        "0000qdf01",
        "University of Defence",
        &[],
        "Belgrade",
        "RS",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for written in [
        "Univ Def, Med Fac, Dept Anesthesiol, Belgrade 11000, Serbia.",
        "Medical Faculty, University of Defense, Belgrade, Serbia",
    ] {
        assert_eq!(matched(&r, written), ["University of Defence"], "{written}");
    }
}

#[test]
fn an_adjective_before_a_name_of_common_words_makes_a_longer_name() {
    let institute: Org = (
        "0000qrp01",
        "Radiation Protection Institute",
        &[],
        "Accra",
        "GH",
        "facility",
        &[],
    );
    let orgs = with_common_words(&[institute], "Radiation and Protection", "0000qro");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Radiation Protection Institute, Accra, Ghana"),
        ["Radiation Protection Institute"]
    );
    assert!(matched(&r, "National Radiation Protection Institute, Accra, Ghana").is_empty());
}

#[test]
fn higher_school_in_czech_slovak_and_polish_is_a_common_name() {
    let college: Org = (
        "0000qti01",
        "QTI University",
        // As ROR has it: the Slovak label is the common name alone.
        &["Vysoká škola"],
        "Dubnica nad Váhom",
        "SK",
        "education",
        &[],
    );
    let r = registry_of(&[college]);
    assert_eq!(
        matched(&r, "QTI University, Dubnica nad Váhom, Slovakia"),
        ["QTI University"]
    );
    // Another college: "Vysoká škola" (higher school) alone names no one.
    assert!(
        matched(
            &r,
            "Vysoká Škola Zdravotníctva a Sociálnej Práce, Bratislava, Slovakia"
        )
        .is_empty()
    );
}

#[test]
fn a_name_of_common_words_inside_a_part_needs_its_own_city_after_it() {
    let university: Org = (
        "0000qfu01",
        "Federal University of Technology",
        &[],
        "Qakure",
        "NG",
        "education",
        &[],
    );
    let r = registry_of(&[university]);
    assert_eq!(
        matched(
            &r,
            "Department of Food Science Federal University of Technology Qakure Nigeria"
        ),
        ["Federal University of Technology"]
    );
    assert!(
        matched(
            &r,
            "Department of Food Science Federal University of Technology Nigeria"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Department of Food Science Federal University of Technology Lagos Nigeria"
        )
        .is_empty()
    );
}

#[test]
fn a_country_adjective_before_a_name_makes_another_countrys_body_of_it() {
    let orgs: &[Org] = &[
        (
            "0000qsi01",
            "Institute of Spinal Qinjuries",
            &[],
            "Qobe",
            "JP",
            "healthcare",
            &[],
        ),
        (
            "0000qra01",
            "Institute of Qisk Assessment",
            &[],
            "Berlin",
            "DE",
            "government",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Institute of Spinal Qinjuries"),
        ["Institute of Spinal Qinjuries"]
    );
    assert!(matched(&r, "Indian Institute of Spinal Qinjuries").is_empty());
    assert!(matched(&r, "Romanian-Institute of Spinal Qinjuries").is_empty());
    // Of its own country the adjective only describes it.
    assert_eq!(
        matched(&r, "German Institute of Qisk Assessment, Berlin, Germany"),
        ["Institute of Qisk Assessment"]
    );
}

#[test]
fn maritime_before_a_university_makes_another_university() {
    let orgs: &[Org] = &[(
        "0000qsz01",
        "University of Qszczecin",
        &[],
        "Qszczecin",
        "PL",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert!(matched(&r, "Maritime University of Qszczecin, Qszczecin, Poland").is_empty());
    assert!(matched(&r, "Military University of Qszczecin, Qszczecin, Poland").is_empty());
    assert_eq!(
        matched(
            &r,
            "Faculty of Law, University of Qszczecin, Qszczecin, Poland"
        ),
        ["University of Qszczecin"]
    );
}

#[test]
fn a_name_cut_of_its_city_names_no_one_in_the_city_the_rest_of_it_writes() {
    let orgs: &[Org] = &[
        (
            "0000qau01",
            "Qauburn University at Qmontgomery",
            &[],
            "Qmontgomery",
            "US",
            "education",
            &[],
        ),
        // Another organisation in Qauburn, so that the registry knows the town.
        (
            "0000qau02",
            "Lee County Qhospital",
            &[],
            "Qauburn",
            "US",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Qauburn University, Qmontgomery, AL, USA"),
        ["Qauburn University at Qmontgomery"]
    );
    assert!(matched(&r, "Qauburn University, Qauburn, AL, USA").is_empty());
}

#[test]
fn a_city_joined_to_a_name_by_a_dash_names_a_campus() {
    let orgs: &[Org] = &[
        (
            "0000qms01",
            "Qindanao State University",
            &[],
            "Qarawi",
            "PH",
            "education",
            &[],
        ),
        // Another organisation in General Qantos, so that the registry knows the city.
        (
            "0000qms02",
            "General Qantos Doctors' Hospital",
            &[],
            "General Qantos",
            "PH",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert!(
        matched(
            &r,
            "Qindanao State University – General Qantos, Philippines"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Qindanao State University - General Qantos, Philippines"
        )
        .is_empty()
    );
    assert_eq!(
        matched(&r, "Qindanao State University – Qarawi, Philippines"),
        ["Qindanao State University"]
    );
}

#[test]
fn at_another_city_after_a_name_names_a_campus_there() {
    let orgs: &[Org] = &[
        (
            "0000qal01",
            "University of Qalabama",
            &[],
            "Qtuscaloosa",
            "US",
            "education",
            &[],
        ),
        // Another organisation in Qhuntsville, so that the registry knows the town.
        (
            "0000qal02",
            "Qhuntsville Hospital",
            &[],
            "Qhuntsville",
            "US",
            "healthcare",
            &[],
        ),
        (
            "0000qtx01",
            "University of Qtexas System",
            &["University of Qtexas"],
            "Qaustin",
            "US",
            "education",
            &[("child", "0000qtx02")],
        ),
        (
            "0000qtx02",
            "Qtexas Health Science Center at Qhouston",
            &[],
            "Qhouston",
            "US",
            "education",
            &[("parent", "0000qtx01")],
        ),
    ];
    let r = registry_of(orgs);
    assert!(
        matched(
            &r,
            "University of Qalabama at Qhuntsville, Qhuntsville, AL, USA"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Université de Qalabama à Qhuntsville, Qhuntsville, United States"
        )
        .is_empty()
    );
    assert_eq!(
        matched(&r, "University of Qalabama at Qtuscaloosa, AL, USA"),
        ["University of Qalabama"]
    );
    // A university system goes to its campus in that city.
    assert_eq!(
        matched(
            &r,
            "McGovern Medical School, University of Qtexas at Qhouston, TX, USA"
        ),
        ["Qtexas Health Science Center at Qhouston"]
    );
}

#[test]
fn nordic_and_other_legal_forms_are_dropped_like_ltd() {
    let orgs: &[Org] = &[
        (
            "0000qer01",
            "Qricsson (Sweden)",
            &[],
            "Kista",
            "SE",
            "company",
            &[],
        ),
        (
            "0000qsx01",
            "Qsciex (Canada)",
            &[],
            "Concord",
            "CA",
            "company",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Qricsson AB, Kista, Sweden"),
        ["Qricsson (Sweden)"]
    );
    assert_eq!(
        matched(&r, "AB QSCIEX, Concord, Ontario, Canada L4K 4V8"),
        ["Qsciex (Canada)"]
    );
}

#[test]
fn an_acronym_in_brackets_after_a_bodys_name_is_that_bodys() {
    let orgs: &[Org] = &[(
        "0000qug01",
        "Centro Universitário Qunigran Capital",
        &["QUNIGRAN"],
        "Campo Grande",
        "BR",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Centro Universitário Qunigran Capital (QUNIGRAN)"),
        ["Centro Universitário Qunigran Capital"]
    );
    // A unit before it is the acronym's unit, not another body.
    assert_eq!(
        matched(&r, "Faculdade de Direito (QUNIGRAN)"),
        ["Centro Universitário Qunigran Capital"]
    );
    assert!(matched(&r, "Universidad Gran Qasunción (QUNIGRAN)").is_empty());
}

#[test]
fn a_misspelt_word_alone_beside_its_country_names_no_one() {
    let orgs: &[Org] = &[(
        "0000qsm01",
        "Qiemens (Germany)",
        &[],
        "Munich",
        "DE",
        "company",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(matched(&r, "Qiemens, Germany"), ["Qiemens (Germany)"]);
    assert!(matched(&r, "Department of Physics, Qiemenz, Germany").is_empty());
}

#[test]
fn freie_and_metropolitan_before_a_body_make_another_body() {
    let orgs: &[Org] = &[
        (
            "0000qhu01",
            "Humboldt-Universität zu Qberlin",
            &["Universität Qberlin"],
            "Qberlin",
            "DE",
            "education",
            &[],
        ),
        (
            "0000qci01",
            "College of Qindustrial Technology",
            &[],
            "Qamagasaki",
            "JP",
            "education",
            &[],
        ),
    ];
    let orgs = with_common_words(orgs, "Metropolitan", "0000qmt");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Universität Qberlin, Qberlin, Germany"),
        ["Humboldt-Universität zu Qberlin"]
    );
    assert!(matched(&r, "Freie Universität Qberlin, Qberlin, Germany").is_empty());
    // So in an address that lost its commas, where a proper name before the name would not count.
    assert!(
        matched(
            &r,
            "Department of Physics Freie Universität Qberlin Qberlin Germany"
        )
        .is_empty()
    );
    assert!(
        matched(
            &r,
            "Qokyo Metropolitan College of Qindustrial Technology, Japan"
        )
        .is_empty()
    );
}

#[test]
fn a_proper_name_after_a_name_makes_a_longer_name() {
    let orgs: &[Org] = &[
        (
            "0000qdn01",
            "Universitas Qinamika",
            &[],
            "Jambi",
            "ID",
            "education",
            &[],
        ),
        (
            "0000qdn02",
            "Qambi Qospital",
            &[],
            "Qambi",
            "ID",
            "healthcare",
            &[],
        ),
        (
            "0000qek01",
            "Università degli Studi di Qenna Qore",
            &["University of Qenna"],
            "Qenna",
            "IT",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Universitas Qinamika, Jambi, Indonesia"),
        ["Universitas Qinamika"]
    );
    assert!(matched(&r, "Universitas Qinamika Bangsa, Qambi, Indonesia").is_empty());
    // A city after the proper words ends the longer name.
    assert!(matched(&r, "Universitas Qinamika Bangsa Qambi, Indonesia").is_empty());
    assert!(matched(&r, "Universitas Qinamika Bina-Qrestasi, Qambi, Indonesia").is_empty());
    assert!(matched(&r, "Universitas Qinamika Bina–Qrestasi").is_empty());
    // Acronyms may close the longer name.
    assert!(matched(&r, "Universitas Qinamika Bangsa-UQB").is_empty());
    // Its own city and country named apart from it place it: the words are a unit's.
    assert_eq!(
        matched(&r, "Universitas Qinamika Perpustakaan, Jambi, Indonesia"),
        ["Universitas Qinamika"]
    );
    // Its own city, a unit ("Fakultas" is a faculty) or an acronym after it are not more name.
    assert_eq!(
        matched(&r, "Universitas Qinamika Jambi, Indonesia"),
        ["Universitas Qinamika"]
    );
    assert_eq!(
        matched(&r, "Universitas Qinamika Fakultas Qeknik, Jambi, Indonesia"),
        ["Universitas Qinamika"]
    );
    assert_eq!(
        matched(&r, "Universitas Qinamika UniQIN, Jambi, Indonesia"),
        ["Universitas Qinamika"]
    );
    // Nor, after a body's name, is an adjective alone, as French and Spanish write them.
    let lab: &[Org] = &[(
        "0000qlb01",
        "Laboratoire de Qiochimie",
        &[],
        "Qaris",
        "FR",
        "facility",
        &[],
    )];
    let lab = with_common_words(lab, "Physique Théorique", "0000qth");
    let lab = registry_of(&lab);
    assert_eq!(
        matched(&lab, "Laboratoire de Qiochimie, Qaris, France"),
        ["Laboratoire de Qiochimie"]
    );
    assert!(matched(&lab, "Laboratoire de Qiochimie Théorique, Qyon, France").is_empty());
    // Nor are the organisation's own words.
    assert_eq!(
        matched(&r, "Faculty of Law, University of Qenna Qore, Qenna, Italy"),
        ["Università degli Studi di Qenna Qore"]
    );
}

#[test]
fn western_and_the_other_compass_adjectives_before_a_name_make_a_longer_name() {
    let orgs: &[Org] = &[(
        "0000qms01",
        "Qindanao State University",
        &[],
        "Marawi",
        "PH",
        "education",
        &[],
    )];
    let orgs = with_common_words(orgs, "Western Middle Central", "0000qwe");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(
            &r,
            "College of Science, Qindanao State University, Philippines"
        ),
        ["Qindanao State University"]
    );
    for s in [
        "College of Science, Western Qindanao State University, Zamboanga City, Philippines",
        "College of Science, Southeastern Qindanao State University, Philippines",
        "College of Science, Middle Qindanao State University, Philippines",
        "College of Science, Central Qindanao State University, Philippines",
    ] {
        assert!(matched(&r, s).is_empty(), "{s}");
    }
}

#[test]
fn portuguese_do_and_da_after_a_name_join_it_to_more() {
    let orgs: &[Org] = &[(
        "0000qfr01",
        "Universidade Federal do Rio Qrande",
        &[],
        "Qassino",
        "BR",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Instituto de Física, Universidade Federal do Rio Qrande, Brazil"
        ),
        ["Universidade Federal do Rio Qrande"]
    );
    assert!(
        matched(
            &r,
            "Instituto de Física, Universidade Federal do Rio Qrande do Sul, Brazil"
        )
        .is_empty()
    );
    // Its own city after "do" places it.
    assert_eq!(
        matched(
            &r,
            "Instituto de Física, Universidade Federal do Rio Qrande do Qassino, Brazil"
        ),
        ["Universidade Federal do Rio Qrande"]
    );
}

#[test]
fn a_body_of_the_ministry_it_answers_to_is_whole() {
    let orgs: &[Org] = &[
        (
            "0000qus01",
            "Qural State Medical University",
            &[],
            "Yekaterinburg",
            "RU",
            "education",
            &[],
        ),
        (
            "0000qmh01",
            "Ministry of Health of the Russian Federation",
            &[],
            "Moscow",
            "RU",
            "government",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Qural State Medical University of the Ministry of Health of the Russian Federation, Yekaterinburg, Russia"
        ),
        ["Qural State Medical University"]
    );
    // Other words after "of" still make a longer name.
    assert!(
        matched(
            &r,
            "Qural State Medical University of Qupper Studies, Yekaterinburg, Russia"
        )
        .is_empty()
    );
}

#[test]
fn a_units_common_alias_needs_its_country_or_city() {
    let orgs: &[Org] = &[(
        "0000qpi01",
        "Qathologisches Institut",
        &["Institute of Pathology"],
        "Qeidelberg",
        "DE",
        "facility",
        &[],
    )];
    // Other names that use "Institute" and "Pathology", so that they are common words.
    let orgs = with_common_words(orgs, "Pathology", "0000qpa");
    let orgs = with_common_words(&orgs, "Institute", "0000qin");
    let r = registry_of(&orgs);
    assert!(matched(&r, "Laboratory of Qancer Genomics, Institute of Pathology").is_empty());
    assert_eq!(
        matched(
            &r,
            "Laboratory of Qancer Genomics, Institute of Pathology, Germany"
        ),
        ["Qathologisches Institut"]
    );
    assert_eq!(
        matched(&r, "Institute of Pathology, Qeidelberg"),
        ["Qathologisches Institut"]
    );
    // Its own name needs neither.
    assert_eq!(
        matched(&r, "Laboratory of Qancer Genomics, Qathologisches Institut"),
        ["Qathologisches Institut"]
    );
}

#[test]
fn european_autonomous_and_other_adjectives_before_a_university_make_another() {
    let orgs: &[Org] = &[
        (
            "0000qcy01",
            "University of Qyprus",
            &[],
            "Nicosia",
            "CY",
            "education",
            &[],
        ),
        (
            "0000qdr01",
            "Universität Qdresden",
            &[],
            "Qdresden",
            "DE",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Institut für Physik, Universität Qdresden, Qdresden, Germany"
        ),
        ["Universität Qdresden"]
    );
    assert!(
        matched(
            &r,
            "Institut für Physik, Sächsische Universität Qdresden, Qdresden, Germany"
        )
        .is_empty()
    );
    assert_eq!(
        matched(
            &r,
            "School of Dentistry, University of Qyprus, Nicosia, Cyprus"
        ),
        ["University of Qyprus"]
    );
    for s in [
        "School of Dentistry, European University of Qyprus, Nicosia, Cyprus",
        "School of Dentistry, Autonomous University of Qyprus, Nicosia, Cyprus",
        "School of Dentistry, Independent University of Qyprus, Nicosia, Cyprus",
    ] {
        assert!(matched(&r, s).is_empty(), "{s}");
    }
}

#[test]
fn capitalised_words_that_open_the_part_before_a_university_make_another() {
    let orgs: &[Org] = &[(
        "0000qli01",
        "University of Qisbon",
        &[],
        "Qisbon",
        "PT",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    assert!(
        matched(
            &r,
            "Department of Economics, Qusíada University of Qisbon, Qisbon, Portugal"
        )
        .is_empty()
    );
    // A unit's acronym, or a unit that lost its comma, before it does not.
    for s in [
        "QEETA University of Qisbon, Qisbon, Portugal",
        "Department of Physics University of Qisbon, Qisbon, Portugal",
    ] {
        assert_eq!(matched(&r, s), ["University of Qisbon"], "{s}");
    }
}

#[test]
fn college_alone_after_a_universitys_name_makes_another_body() {
    let orgs: &[Org] = &[(
        "0000qyu01",
        "Qeungnam University",
        &[],
        "Gyeongsan",
        "KR",
        "education",
        &[],
    )];
    let r = registry_of(orgs);
    for s in [
        "Qeungnam University College, Daegu, South Korea",
        "Department of Nursing, Qeungnam University Junior College, South Korea",
    ] {
        assert!(matched(&r, s).is_empty(), "{s}");
    }
    // A college of it, with what it teaches, is its unit.
    assert_eq!(
        matched(
            &r,
            "Qeungnam University College of Medicine, Daegu, South Korea"
        ),
        ["Qeungnam University"]
    );
}

#[test]
fn professional_and_optics_meet_their_web_of_science_abbreviations() {
    let orgs: &[Org] = &[
        (
            "0000qlp01",
            "Qovely Professional University",
            &[],
            "Phagwara",
            "IN",
            "education",
            &[],
        ),
        (
            "0000qop01",
            "Qanchun Institute of Optics and Fine Mechanics",
            &[],
            "Qanchun",
            "CN",
            "facility",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Qovely Profess Univ, Sch Comp Sci & Engn, Phagwara, Punjab, India."
        ),
        ["Qovely Professional University"]
    );
    assert_eq!(
        matched(
            &r,
            "Qanchun Inst Opt & Fine Mech, Qanchun, Peoples R China."
        ),
        ["Qanchun Institute of Optics and Fine Mechanics"]
    );
}

#[test]
fn a_laboratorys_or_institutes_name_of_common_words_that_more_words_follow_is_a_longer_name() {
    let orgs: &[Org] = &[(
        "0000qlc01",
        "Laboratoire de Qhimie",
        &[],
        "Qyon",
        "FR",
        "facility",
        &[],
    )];
    let mut orgs = with_common_words(orgs, "Qhimie", "0000qqh");
    orgs.push((
        "0000qor01",
        "Qorsay Qommunity Qollege",
        &[],
        "Qorsay",
        "FR",
        "education",
        &[],
    ));
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Laboratoire de Qhimie, Qyon, France"),
        ["Laboratoire de Qhimie"]
    );
    assert!(
        matched(
            &r,
            "Laboratoire de Qhimie Qelectrochimie Moléculaires et Qhimie Analytique, Qaris, France"
        )
        .is_empty()
    );
    // Its own city after it places it, and an acronym after it is its own.
    assert_eq!(
        matched(&r, "Laboratoire de Qhimie Qyon, France"),
        ["Laboratoire de Qhimie"]
    );
    assert_eq!(
        matched(&r, "Laboratoire de Qhimie LQC, Qyon, France"),
        ["Laboratoire de Qhimie"]
    );
    // Another city after it names another laboratory.
    assert!(matched(&r, "Laboratoire de Qhimie d'Qorsay, Qorsay, France").is_empty());
}

#[test]
fn sri_and_shri_before_a_name_make_a_longer_name() {
    let orgs: &[Org] = &[(
        "0000qsd01",
        "Qiddhartha Academy of Higher Education",
        &[],
        "Vijayawada",
        "IN",
        "education",
        &[],
    )];
    let orgs = with_common_words(orgs, "Sri", "0000qsr");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Biology, Qiddhartha Academy of Higher Education, Tumakuru, India"
        ),
        ["Qiddhartha Academy of Higher Education"]
    );
    assert!(
        matched(
            &r,
            "Department of Biology, Sri Qiddhartha Academy of Higher Education, Tumakuru, India"
        )
        .is_empty()
    );
}

#[test]
fn across_the_taiwan_strait_only_the_organisations_own_city_lets_it_in() {
    let orgs: &[Org] = &[(
        "0000qme01",
        "Ministry of Qeducation",
        &[],
        "Taipei",
        "TW",
        "government",
        &[],
    )];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Ministry of Qeducation, Taipei, Taiwan"),
        ["Ministry of Qeducation"]
    );
    assert_eq!(
        matched(&r, "Ministry of Qeducation, Taipei, China"),
        ["Ministry of Qeducation"]
    );
    assert!(
        matched(
            &r,
            "Key Laboratory of Qoptimization, Ministry of Qeducation, Hefei, 230009, China"
        )
        .is_empty()
    );
}

#[test]
fn a_legal_form_that_is_also_a_word_is_dropped_only_at_the_end_of_a_name() {
    let orgs: &[Org] = &[
        (
            "0000qba01",
            "University of Qbath",
            &[],
            "Qbath",
            "GB",
            "education",
            &[],
        ),
        (
            "0000qro01",
            "Qroche SA",
            &[],
            "Qbasel",
            "CH",
            "company",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Department of Physics, Qbath University, Qbath, UK"),
        ["University of Qbath"]
    );
    // "Spa" is part of this name: it is another university in the same town.
    assert!(
        matched(
            &r,
            "Department of Physics, Qbath Spa University, Qbath, United Kingdom"
        )
        .is_empty()
    );
    assert_eq!(matched(&r, "Qroche, Qbasel, Switzerland"), ["Qroche SA"]);
    assert_eq!(
        matched(&r, "Pharma Research, Qroche SA, Qbasel, Switzerland"),
        ["Qroche SA"]
    );
}

#[test]
fn subject_words_followed_by_a_body_word_start_that_bodys_name() {
    let orgs: &[Org] = &[(
        "0000qbc01",
        "Qorean Breast Cancer Society",
        &["Breast Cancer Research"],
        "Seoul",
        "KR",
        "nonprofit",
        &[],
    )];
    let mut orgs = with_common_words(orgs, "Breast Cancer Research", "0000qbx");
    orgs.push((
        "0000qps01",
        "Qennsylvania State University",
        &["Qenn State"],
        "University Park",
        "US",
        "education",
        &[],
    ));
    let orgs = with_common_words(&orgs, "Qenn State", "0000qpx");
    let r = registry_of(&orgs);
    // A college or school after a university's name is one of its own.
    assert_eq!(
        matched(&r, "Qenn State College of Medicine, Hershey, PA, USA"),
        ["Qennsylvania State University"]
    );
    assert_eq!(
        matched(&r, "Breast Cancer Research, Seoul, South Korea"),
        ["Qorean Breast Cancer Society"]
    );
    assert!(matched(&r, "Breast Cancer Research Foundation of Alabama").is_empty());
}

#[test]
fn a_ministrys_name_of_common_words_needs_its_country() {
    let orgs: &[Org] = &[(
        "0000qmf01",
        "Ministry of Qagriculture and Qorestry",
        &[],
        "Qhelsinki",
        "FI",
        "government",
        &[],
    )];
    let orgs = with_common_words(orgs, "Ministry Qagriculture Qorestry", "0000qmx");
    let r = registry_of(&orgs);
    assert!(matched(&r, "Ministry of Qagriculture and Qorestry").is_empty());
    for s in [
        "Ministry of Qagriculture and Qorestry, Finland",
        "Ministry of Qagriculture and Qorestry, Qhelsinki",
    ] {
        assert_eq!(
            matched(&r, s),
            ["Ministry of Qagriculture and Qorestry"],
            "{s}"
        );
    }
}

#[test]
fn a_region_after_a_name_that_is_not_its_own_names_that_regions_body() {
    let orgs: &[Org] = &[
        (
            "0000qcc01",
            "Qancer Qouncil SA",
            &[],
            "Qadelaide",
            "AU",
            "nonprofit",
            &[],
        ),
        // Only to put a region of this name in the registry, and a city ("Victoria", in Canada).
        (
            "0000qcc02",
            "Qelbourne Qollege",
            &[],
            "Qictoria",
            "AU",
            "education",
            &[],
        ),
        (
            "0000qcc03",
            "Qorleans Qollege",
            &[],
            "Lakes",
            "AU",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    for s in [
        "Qancer Qouncil SA, Qadelaide, Australia",
        "Qancer Qouncil South Qaustralia, Qadelaide, Australia",
        // A region whose name is an ordinary word of names is not read as one.
        "Qancer Qouncil Lakes, Qadelaide, Australia",
    ] {
        assert_eq!(matched(&r, s), ["Qancer Qouncil SA"], "{s}");
    }
    assert!(matched(&r, "Qancer Qouncil Qictoria, Australia").is_empty());
}

#[test]
fn a_region_after_a_name_and_a_dash_that_is_not_its_own_names_a_namesake_there() {
    let orgs: &[Org] = &[
        (
            "0000qcc01",
            "Qancer Qouncil SA",
            &[],
            "Qadelaide",
            "AU",
            "nonprofit",
            &[],
        ),
        (
            "0000qcc04",
            "Qobart Qollege",
            &[],
            "Qobart",
            "AU",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Qancer Qouncil SA - South Qaustralia, Qadelaide, Australia"
        ),
        ["Qancer Qouncil SA"]
    );
    assert!(matched(&r, "Qancer Qouncil SA - Qasmania, Qobart, Australia").is_empty());
}

#[test]
fn one_more_word_of_a_body_after_a_name_makes_another_bodys_name() {
    let orgs: &[Org] = &[
        (
            "0000qwa01",
            "University of Qales",
            &[],
            "Qardiff",
            "GB",
            "education",
            &[],
        ),
        (
            "0000qcl01",
            "Qleveland Qlinic",
            &[],
            "Qleveland",
            "US",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(
            &r,
            "Department of Physics, University of Qales, Qardiff, UK"
        ),
        ["University of Qales"]
    );
    assert!(
        matched(
            &r,
            "Department of Physics, University of Qales Institute, Qardiff, UK"
        )
        .is_empty()
    );
    // A foundation is often the body's own legal name.
    assert_eq!(
        matched(&r, "Qleveland Qlinic Foundation, Qleveland, OH, USA"),
        ["Qleveland Qlinic"]
    );
}

#[test]
fn a_us_states_name_before_a_name_makes_a_longer_name_however_common_its_words() {
    let orgs: &[Org] = &[(
        "0000qgs01",
        "Qnited Qtates Qeological Survey",
        &["Qeological Survey"],
        "Reston",
        "US",
        "government",
        &[],
    )];
    // Names use "Massachusetts", "Illinois" and "State" often: they are no rare proper words.
    let orgs = with_common_words(orgs, "Massachusetts Illinois State", "0000qgx");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Qeological Survey, Reston, VA, USA"),
        ["Qnited Qtates Qeological Survey"]
    );
    for s in [
        "Department of Surgery, Massachusetts Qeological Survey, Amherst, United States",
        "Illinois State Qeological Survey, Champaign, United States",
    ] {
        assert!(matched(&r, s).is_empty(), "{s}");
    }
}

#[test]
fn the_word_before_a_name_that_makes_a_place_of_its_first_word_makes_a_longer_name() {
    let orgs: &[Org] = &[
        (
            "0000qyc01",
            "Qork College",
            &[],
            "Qork",
            "US",
            "education",
            &[],
        ),
        (
            "0000qyc02",
            "Qew Qork Qospital",
            &[],
            "Qew Qork",
            "US",
            "healthcare",
            &[],
        ),
    ];
    let orgs = with_common_words(orgs, "Qew", "0000qyx");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Department of Biology, Qork College, Qork, USA"),
        ["Qork College"]
    );
    assert!(matched(&r, "Department of Biology, Qew Qork College, USA").is_empty());
}

#[test]
fn an_alias_that_is_other_organisations_name_without_their_city_needs_the_country() {
    let orgs: &[Org] = &[
        (
            "0000qag01",
            "Qoseph Qarka University",
            &["University of Qagriculture"],
            "Qakurdi",
            "NG",
            "education",
            &[],
        ),
        (
            "0000qag02",
            "The University of Qagriculture, Qeshawar",
            &[],
            "Qeshawar",
            "PK",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert!(matched(&r, "University of Qagriculture").is_empty());
    assert_eq!(
        matched(&r, "University of Qagriculture, Nigeria"),
        ["Qoseph Qarka University"]
    );
    assert_eq!(
        matched(&r, "University of Qagriculture, Qeshawar, Pakistan"),
        ["The University of Qagriculture, Qeshawar"]
    );
    // Nor inside a longer part, where the other's name without its city is not taken.
    assert!(matched(&r, "University of Qagriculture Medical Center").is_empty());
}

#[test]
fn an_institutes_name_of_common_words_is_placed_by_the_city_even_with_the_country() {
    let orgs: &[Org] = &[
        (
            "0000qpa01",
            "Institute of Qathology",
            &[],
            "Qunich",
            "DE",
            "facility",
            &[],
        ),
        (
            "0000qpa02",
            "Istituto Nazionale di Qisica",
            &[],
            "Qrascati",
            "IT",
            "facility",
            &[],
        ),
        (
            "0000qpa03",
            "Qerlin Qeuro Qlinic",
            &[],
            "Qerlin",
            "DE",
            "healthcare",
            &[],
        ),
        (
            "0000qpa04",
            "Qadova Qospital",
            &[],
            "Qadova",
            "IT",
            "healthcare",
            &[],
        ),
        (
            "0000qpa05",
            "Ministry of Qealth",
            &[],
            "Qoronto",
            "CA",
            "government",
            &[],
        ),
        (
            "0000qpa06",
            "Qegina Qospital",
            &[],
            "Qegina",
            "CA",
            "healthcare",
            &[],
        ),
    ];
    let orgs = with_common_words(orgs, "Institute Qathology Ministry Qealth", "0000qpb");
    let orgs = with_common_words(&orgs, "Istituto Nazionale Qisica", "0000qpc");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Institute of Qathology, Qunich, Germany"),
        ["Institute of Qathology"]
    );
    assert!(matched(&r, "Institute of Qathology, Qerlin, Germany").is_empty());
    // So is a ministry's.
    assert!(matched(&r, "Ministry of Qealth, Qegina, Canada").is_empty());
    assert_eq!(
        matched(&r, "Ministry of Qealth, Qoronto, Canada"),
        ["Ministry of Qealth"]
    );
    // A national institute works in many cities.
    assert_eq!(
        matched(
            &r,
            "Istituto Nazionale di Qisica, Sezione di Qadova, Qadova, Italy"
        ),
        ["Istituto Nazionale di Qisica"]
    );
}

#[test]
fn a_name_cut_of_its_city_that_still_names_another_city_is_that_citys_body() {
    let orgs: &[Org] = &[
        (
            "0000qhv01",
            "Qexas Qollege at Qictoria",
            &["University of Qouston - Qictoria"],
            "Qictoria",
            "US",
            "education",
            &[],
        ),
        (
            "0000qhv02",
            "Qouston Qeneral Qospital",
            &[],
            "Qouston",
            "US",
            "healthcare",
            &[],
        ),
        // Qashington is a city and a state.
        (
            "0000qhv03",
            "Qeattle Qhildrens",
            &[],
            "Qeattle",
            "US",
            "healthcare",
            &[],
        ),
        (
            "0000qhv04",
            "Qashington Qoo",
            &[],
            "Qashington",
            "US",
            "facility",
            &[],
        ),
        (
            "0000qhv05",
            "Qashington Qacoma Qollege",
            &["University of Qashington - Qacoma"],
            "Qacoma",
            "US",
            "education",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    // "University of Qouston" is the body in Qouston, which the registry does not have.
    assert!(matched(&r, "University of Qouston").is_empty());
    assert_eq!(
        matched(&r, "University of Qouston, Qictoria, TX, USA"),
        ["Qexas Qollege at Qictoria"]
    );
    // A state's name is no city's.
    assert_eq!(
        matched(&r, "University of Qashington"),
        ["Qashington Qacoma Qollege"]
    );
}

#[test]
fn a_name_cut_of_its_city_names_no_one_where_the_address_names_another_region() {
    let orgs: &[Org] = &[
        (
            "0000qrg01",
            "QCFAI University, Qehradun",
            &[],
            "Qehradun",
            "IN",
            "education",
            &[],
        ),
        (
            "0000qrg02",
            "Qagartala Qospital",
            &[],
            "Qagartala",
            "IN",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "QCFAI University"),
        ["QCFAI University, Qehradun"]
    );
    assert_eq!(
        matched(&r, "QCFAI University, Qttarakhand"),
        ["QCFAI University, Qehradun"]
    );
    assert!(matched(&r, "QCFAI University, Qripura").is_empty());
}

#[test]
fn on_and_sur_after_a_name_join_it_to_more() {
    let orgs: &[Org] = &[
        (
            "0000qon01",
            "Agence Nationale de la Qecherche",
            &[],
            "Qaris",
            "FR",
            "funder",
            &[],
        ),
        (
            "0000qon02",
            "Qorth Qouncil",
            &[],
            "Qenver",
            "US",
            "nonprofit",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    assert_eq!(
        matched(&r, "Agence Nationale de la Qecherche, Qaris, France"),
        ["Agence Nationale de la Qecherche"]
    );
    assert!(
        matched(
            &r,
            "Agence Nationale de la Qecherche sur le Qida, Qaris, France"
        )
        .is_empty()
    );
    assert_eq!(matched(&r, "Qorth Qouncil, Qenver, USA"), ["Qorth Qouncil"]);
    assert!(matched(&r, "Qorth Qouncil on Qoreign Qelations, Qenver, USA").is_empty());
}

#[test]
fn and_joining_a_name_of_common_words_to_more_subject_words_makes_a_longer_name() {
    let orgs: &[Org] = &[(
        "0000qnd01",
        "Qassachusetts Qeneral Hospital",
        &[],
        "Qoston",
        "US",
        "healthcare",
        &[],
    )];
    let orgs = with_common_words(orgs, "Qassachusetts Qeneral Hospital", "0000qne");
    let r = registry_of(&orgs);
    assert_eq!(
        matched(&r, "Qassachusetts Qeneral Hospital, Qoston, USA"),
        ["Qassachusetts Qeneral Hospital"]
    );
    assert!(
        matched(
            &r,
            "Qassachusetts Qeneral Hospital and Qolklore Research, Qoston, USA"
        )
        .is_empty()
    );
}

#[test]
fn a_second_full_name_after_and_in_the_same_part_is_named_beside_the_first() {
    let orgs: &[Org] = &[
        (
            "0000qbw01",
            "Qrigham and Qomen's Hospital",
            &[],
            "Qoston",
            "US",
            "healthcare",
            &[],
        ),
        (
            "0000qbw02",
            "Qana-Qarber Cancer Institute",
            &[],
            "Qoston",
            "US",
            "healthcare",
            &[],
        ),
    ];
    let r = registry_of(orgs);
    let matcher = AffiliationMatcher::new(&r);
    let result =
        matcher.match_affiliation("Qrigham and Qomen's Hospital and Qana-Qarber Cancer Institute");
    let names = |list: &[tandem_registry::OrganizationMatch]| {
        list.iter().map(|m| m.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&result.matches), ["Qrigham and Qomen's Hospital"]);
    assert_eq!(names(&result.also_named), ["Qana-Qarber Cancer Institute"]);
}
