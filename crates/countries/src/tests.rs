use super::*;

#[test]
fn table_lookups() {
    assert_eq!(country_name("US"), Some("United States"));
    assert_eq!(country_name("gb"), Some("United Kingdom"));
    assert_eq!(country_name("DE"), Some("Germany"));
    assert_eq!(country_name("CN"), Some("China"));
    assert_eq!(country_name("HK"), Some("Hong Kong"));
    assert_eq!(country_name("XX"), None);
    assert_eq!(country_name("USA"), None);
    assert!(is_country_code("KR"));
    assert!(!is_country_code("UK"));
    assert!(!is_country_code(""));
    assert_eq!(canonical_code("gb"), Some("GB"));
}

#[test]
fn table_is_sorted_and_complete() {
    let codes: Vec<&str> = all_countries().map(|(c, _)| c).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        codes, sorted,
        "the table must be sorted by code with no duplicates"
    );
    assert_eq!(codes.len(), 249);
}

#[test]
fn table_matches_the_iso_list_in_shared_data() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/iso_3166-1.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipping: {path} is absent");
        return;
    };
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let iso: Vec<String> = json["3166-1"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alpha_2"].as_str().unwrap().to_string())
        .collect();
    for code in &iso {
        assert!(
            is_country_code(code),
            "{code} is in ISO 3166-1 but not in the table"
        );
    }
    assert_eq!(iso.len(), all_countries().count());
}

#[test]
fn country_adjectives_are_sorted_and_name_assigned_codes() {
    let words: Vec<&str> = COUNTRY_ADJECTIVES.iter().map(|(w, _)| *w).collect();
    let mut sorted = words.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(words, sorted, "binary search needs the table sorted");
    for (word, code) in COUNTRY_ADJECTIVES {
        assert!(is_country_code(code), "{word}: {code}");
        assert_eq!(normalize(word), *word, "keys are in normalised form");
    }
    assert_eq!(country_code_for_adjective("Italian"), Some("IT"));
    assert_eq!(country_code_for_adjective("SWISS"), Some("CH"));
    // A language and a subject as much as a country's adjective.
    assert_eq!(country_code_for_adjective("English"), None);
    assert_eq!(country_code_for_adjective("Italy"), None);
}

#[test]
fn normalizes_case_accents_and_punctuation() {
    assert_eq!(normalize("Côte d'Ivoire."), "cote d ivoire");
    assert_eq!(normalize("U.S.A."), "u s a");
    assert_eq!(normalize("Bosnia & Herceg"), "bosnia and herceg");
    assert_eq!(normalize("  Türkiye "), "turkiye");
    assert_eq!(normalize("Straße 12"), "strasse 12");
    // Letters beyond Latin-1 and Latin Extended-A fold too: Vietnamese, pinyin tones, "ǧ" beside "ğ".
    assert_eq!(normalize("Việt Nam"), "viet nam");
    assert_eq!(
        normalize("Trường Đại học Cần Thơ"),
        "truong dai hoc can tho"
    );
    assert_eq!(normalize("Běijīng Dàxué"), "beijing daxue");
    assert_eq!(normalize("Boǧaziçi"), normalize("Boğaziçi"));
    assert_eq!(normalize("Azərbaycan"), "azerbaycan");
    // Other scripts stay as they are.
    assert_eq!(normalize("Москва"), "москва");
    assert_eq!(normalize("서울"), "서울");
}

#[test]
fn names_and_variants() {
    for (name, code) in [
        ("Peoples R China", "CN"),
        ("People's Republic of China", "CN"),
        ("England", "GB"),
        ("North Ireland", "GB"),
        ("Northern Ireland", "GB"),
        ("Korea, Republic of", "KR"),
        ("U Arab Emirates", "AE"),
        ("Rep of Georgia", "GE"),
        ("Russian Federation", "RU"),
        ("Viet Nam", "VN"),
        ("Việt Nam", "VN"),
        ("Azərbaycan", "AZ"),
        ("Eesti", "EE"),
        ("Lietuva", "LT"),
        ("Slovenija", "SI"),
        ("Türkiye", "TR"),
        ("United States", "US"),
        ("U.S.A.", "US"),
        ("Hong Kong", "HK"),
    ] {
        assert_eq!(country_code_for_name(name), Some(code), "{name}");
    }
    assert_eq!(country_code_for_name("Beth Israel"), None);
    assert_eq!(country_code_for_name("New England"), None);
}

/// Hand-written tricky addresses, each with the country a careful reader would give.
#[test]
fn tricky_addresses() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "Univ Oxford, Dept Phys, Oxford OX1 3PU, England",
            Some("GB"),
        ),
        (
            "Department of Physics, University of Oxford, Oxford, United Kingdom",
            Some("GB"),
        ),
        (
            "Univ Edinburgh, Sch Informat, Edinburgh EH8 9AB, Midlothian, Scotland",
            Some("GB"),
        ),
        (
            "Queens Univ Belfast, Belfast BT7 1NN, Antrim, North Ireland",
            Some("GB"),
        ),
        (
            "Cardiff Univ, Sch Med, Cardiff CF14 4XN, S Glam, Wales",
            Some("GB"),
        ),
        (
            "Tsinghua Univ, Dept Comp Sci, Beijing 100084, Peoples R China",
            Some("CN"),
        ),
        (
            "Univ Hong Kong, Dept Med, Pokfulam, Hong Kong, Peoples R China",
            Some("HK"),
        ),
        (
            "Chinese Univ Hong Kong, Shatin, Hong Kong, Peoples R China",
            Some("HK"),
        ),
        (
            "Univ Macau, Fac Sci & Technol, Taipa, Macao, Peoples R China",
            Some("MO"),
        ),
        (
            "The University of Hong Kong, Pokfulam, Hong Kong",
            Some("HK"),
        ),
        (
            "Harvard Med Sch, Beth Israel Deaconess Med Ctr, Boston, MA 02215 USA",
            Some("US"),
        ),
        (
            "Beth Israel Deaconess Medical Center, Boston, MA",
            Some("US"),
        ),
        ("Beth Israel Deaconess Medical Center", None),
        ("Dept Med, Beth Israel", None),
        ("New England Biolabs, Ipswich, MA 01938 USA", Some("US")),
        (
            "New England Biolabs Inc., Ipswich, Massachusetts, United States",
            Some("US"),
        ),
        ("New England Biolabs", None),
        (
            "Georgia Inst Technol, Sch Elect & Comp Engn, Atlanta, GA 30332 USA",
            Some("US"),
        ),
        ("Georgia Tech, Atlanta, Georgia", Some("US")),
        ("Emory University, Atlanta, Georgia", Some("US")),
        (
            "Ivane Javakhishvili Tbilisi State Univ, Tbilisi 0179, Georgia",
            Some("GE"),
        ),
        (
            "Tbilisi State Medical University, Tbilisi, Georgia",
            Some("GE"),
        ),
        ("Ilia State Univ, Tbilisi, Rep of Georgia", Some("GE")),
        (
            "Jersey City Medical Center, Jersey City, NJ 07302 USA",
            Some("US"),
        ),
        (
            "Jersey City Medical Center, Jersey City, New Jersey",
            Some("US"),
        ),
        ("Jersey City Medical Center", None),
        ("Royal Perth Hospital, Perth, WA.", Some("AU")),
        (
            "School of Physics, University of Western Australia, Crawley, WA",
            Some("AU"),
        ),
        ("Fred Hutchinson Cancer Center, Seattle, WA", Some("US")),
        ("Jersey General Hospital, St Helier, Jersey", Some("JE")),
        ("Khalifa Univ, Abu Dhabi, U Arab Emirates", Some("AE")),
        ("Seoul Natl Univ, Seoul 08826, South Korea", Some("KR")),
        (
            "Department of Pathology, Samsung Medical Center, Seoul, Korea.",
            Some("KR"),
        ),
        (
            "Stanford University, Stanford, CA 94305, USA. jdoe@stanford.edu",
            Some("US"),
        ),
        (
            "Stanford University, Stanford, CA, United States; Electronic address: jdoe@stanford.edu",
            Some("US"),
        ),
        (
            "Karolinska Institutet, Stockholm, Sweden, 0000-0002-1825-0097",
            Some("SE"),
        ),
        ("Max Planck Inst, D-69120 Heidelberg, Germany", Some("DE")),
        ("Universität Wien, Wien, Österreich", Some("AT")),
        ("Univ Toronto, Toronto, ON M5S 1A8, Canada", Some("CA")),
        ("McGill University, Montreal, Quebec", Some("CA")),
        (
            "University of Sydney, Sydney, NSW 2006, Australia",
            Some("AU"),
        ),
        ("Univ Puerto Rico, San Juan, PR 00936 USA", Some("US")),
        ("Univ Lagos, Lagos, Nigeria.", Some("NG")),
        (
            "Indian Institute of Science, Bangalore 560012, India",
            Some("IN"),
        ),
        ("Univ Tokyo, Tokyo 1138654, Japan", Some("JP")),
        ("Univ Sao Paulo, Sao Paulo, Brazil", Some("BR")),
        ("Univ Kinshasa, Kinshasa, Dem Rep Congo", Some("CD")),
        (
            "Univ Felix Houphouet Boigny, Abidjan, Cote Ivoire",
            Some("CI"),
        ),
        ("Natl Taiwan Univ, Taipei 10617, Taiwan", Some("TW")),
        (
            "Department of Chemistry, University of Washington, Seattle, WA 98195",
            Some("US"),
        ),
        (
            "Israel Inst Technol, Technion, IL-32000 Haifa, Israel",
            Some("IL"),
        ),
        ("Universidad de Chile, Santiago, Chile", Some("CL")),
        ("Dept of Physics", None),
        ("", None),
    ];
    let mut failures = Vec::new();
    for (address, expected) in cases {
        let got = resolve_country(address);
        if got != *expected {
            failures.push(format!("{address:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "wrong countries:\n{}",
        failures.join("\n")
    );
}

#[test]
fn several_addresses() {
    assert_eq!(
        resolve_countries(
            "Univ Oxford, Oxford, England; Harvard Univ, Cambridge, MA 02138 USA; Univ Oxford, Oxford, UK"
        ),
        vec!["GB", "US"]
    );
}

#[test]
fn detailed_result_explains_itself() {
    let m = resolve_country_detailed("Stanford Univ, Stanford, CA 94305 USA").unwrap();
    assert_eq!(m.code, "US");
    assert_eq!(m.evidence, "CA 94305 USA");
}

#[test]
fn words_with_accents_where_a_zip_code_could_be() {
    // Once panicked: a five-byte cut inside "é".
    assert_eq!(
        resolve_country("Ecole Polytechnique Fédérale de Lausanne, Lausanne, Switzerland"),
        Some("CH")
    );
    assert_eq!(resolve_country("Fédérale"), None);
    assert_eq!(resolve_country("MA Fédér"), None);
}

#[test]
fn us_state_name_and_zip_code() {
    assert_eq!(
        crate::resolve_country(
            "Central Research Division, Pfizer Inc., Groton, Connecticut 06340."
        ),
        Some("US")
    );
    assert_eq!(
        crate::resolve_country("MIT, Cambridge, Massachusetts 02139-4307"),
        Some("US")
    );
}

#[test]
fn combining_marks_stay_in_their_word() {
    // Turkish capital I with a dot lowercases to "i" plus a combining dot.
    assert_eq!(normalize("ÜNİVERSİTESİ"), "universitesi");
    let mut folded = String::new();
    for c in "İZMİR".chars() {
        crate::push_folded_lowercase(c, &mut folded);
    }
    assert_eq!(folded, "izmir");
}

#[test]
fn district_of_columbia_and_hong_kong_districts_end_an_address() {
    assert_eq!(
        crate::resolve_country("U.S. Geological Survey, Washington, D.C."),
        Some("US")
    );
    assert_eq!(
        crate::resolve_country(
            "Department of Physics, Hong Kong University of Science and Technology, Clear Water Bay, Kowloon"
        ),
        Some("HK")
    );
}

#[test]
fn a_country_ends_an_address_that_lost_its_commas() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "Department of Food Science and Technology Federal University of Technology Akure Nigeria",
            Some("NG"),
        ),
        ("Tohoku University Sendai Japan", Some("JP")),
        ("Universiti Putra Malaysia", Some("MY")),
        (
            "Xi'an Jiaotong University Xi'an Shaanxi People's Republic of China",
            Some("CN"),
        ),
        ("Monash University; Clayton Australia", Some("AU")),
        ("The Oaks, Belfast, N Ireland", Some("GB")),
        // The word before makes the country part of a name.
        ("University of Nigeria", None),
        ("Department of Physics, University of New Mexico", None),
        // Not Wales.
        ("Sydney New South Wales", None),
        ("Rutgers University, New Jersey", Some("US")),
        ("Beth Israel", None),
        ("College of Mount Saint Vincent", None),
        // The state as often as the country.
        ("US Environmental Protection Agency Athens Georgia", None),
        // Not written as a name, or only a code.
        ("Institute for turkey research", None),
        ("Fish and Wildlife Service US", None),
    ];
    for (address, expected) in cases {
        assert_eq!(resolve_country(address), *expected, "{address}");
    }
}
