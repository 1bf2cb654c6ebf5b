//! Country attribution on the real Scopus and Web of Science samples in ../shared/data: of the addresses
//! that name a country, at least 99% must resolve to that country.
//!
//! Which country an address *names* is decided independently of the resolver: its last segment (after
//! dropping postcodes and a US state and ZIP) must be, as a whole, a country name of GeoNames'
//! list (../shared/data/lists/geonames_countries.json) or one of the few export conventions that list
//! lacks (USA, England, Peoples R China...). Addresses whose last segment is anything else are left
//! out of the measure. The resolver never sees the GeoNames list.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Country names from GeoNames, plus the Web of Science and Scopus spellings GeoNames does not have.
fn oracle_names(data: &Path) -> Option<HashMap<String, String>> {
    let text = std::fs::read_to_string(data.join("lists/geonames_countries.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut names = HashMap::new();
    for (code, country) in json.as_object()? {
        if let Some(name) = country["name"].as_str() {
            names.insert(key(name), code.clone());
        }
    }
    for (name, code) in [
        ("USA", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("North Ireland", "GB"),
        ("Northern Ireland", "GB"),
        ("Peoples R China", "CN"),
        ("U Arab Emirates", "AE"),
        ("Rep of Georgia", "GE"),
        ("Russian Federation", "RU"),
        ("Viet Nam", "VN"),
        ("Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Turkiye", "TR"),
        ("Czech Republic", "CZ"),
        ("Iran", "IR"),
        ("Syria", "SY"),
        ("Taiwan", "TW"),
        ("Macao", "MO"),
        ("Macau", "MO"),
        ("Brunei", "BN"),
        ("Cote Ivoire", "CI"),
    ] {
        names.insert(key(name), code.to_string());
    }
    Some(names)
}

fn key(s: &str) -> String {
    tandem_countries::normalize(s)
}

/// The country an address names by its last segment, if it names one.
fn named_country(address: &str, names: &HashMap<String, String>) -> Option<String> {
    let last = address.trim().trim_end_matches('.').rsplit(',').next()?;
    // "Oxford OX1 3PU England", "MA 02215 USA", "D-52056 Aachen Germany": keep the words after the
    // last one that holds a digit.
    let words: Vec<&str> = last.split_whitespace().collect();
    let after_codes = words
        .iter()
        .rposition(|w| w.bytes().any(|b| b.is_ascii_digit()))
        .map_or(0, |i| i + 1);
    let tail = words[after_codes..].join(" ");
    names.get(&key(&tail)).cloned()
}

struct Tally {
    named: usize,
    right: usize,
    wrong: Vec<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            named: 0,
            right: 0,
            wrong: Vec::new(),
        }
    }

    fn add(&mut self, address: &str, names: &HashMap<String, String>) {
        let Some(expected) = named_country(address, names) else {
            return;
        };
        self.named += 1;
        let got = tandem_countries::resolve_country(address);
        // Hong Kong and Macao addresses that end "China" are HK and MO: the resolver is right to say so.
        let acceptable = got == Some(expected.as_str())
            || (expected == "CN" && matches!(got, Some("HK" | "MO" | "TW")));
        if acceptable {
            self.right += 1;
        } else {
            self.wrong
                .push(format!("{address:?}: named {expected}, resolved {got:?}"));
        }
    }

    fn report(&self, label: &str) -> f64 {
        let share = self.right as f64 / self.named.max(1) as f64;
        println!(
            "{label}: {} of {} addresses that name a country resolve to it ({:.2}%)",
            self.right,
            self.named,
            share * 100.0
        );
        for w in self.wrong.iter().take(20) {
            println!("  {w}");
        }
        share
    }
}

#[test]
fn scopus_addresses_resolve_to_the_country_they_name() {
    let data = data();
    let Some(names) = oracle_names(&data) else {
        eprintln!(
            "skipping: {} is absent",
            data.join("lists/geonames_countries.json").display()
        );
        return;
    };
    let files = [
        "scopus/scopus_export_3658.csv",
        "scopus/scopus_export_full_fields_200.csv",
    ];
    let mut tally = Tally::new();
    for file in files {
        let path = data.join(file);
        let Ok(mut reader) = csv::ReaderBuilder::new().flexible(true).from_path(&path) else {
            eprintln!("skipping {}: absent", path.display());
            continue;
        };
        let headers = reader.headers().unwrap().clone();
        let column = headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == "Affiliations")
            .unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            for address in record.get(column).unwrap_or_default().split(';') {
                tally.add(address, &names);
            }
        }
    }
    if tally.named == 0 {
        eprintln!("skipping: no Scopus sample under {}", data.display());
        return;
    }
    let share = tally.report("Scopus");
    assert!(share >= 0.99, "only {:.2}% right", share * 100.0);
}

#[test]
fn wos_addresses_resolve_to_the_country_they_name() {
    let data = data();
    let Some(names) = oracle_names(&data) else {
        eprintln!(
            "skipping: {} is absent",
            data.join("lists/geonames_countries.json").display()
        );
        return;
    };
    let path = data.join("wos/wos_plaintext_500.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    // C1 addresses and their continuation lines, without the "[Author; Author]" prefix; RP too.
    let mut tally = Tally::new();
    let mut tag = "";
    for line in text.lines() {
        let value = if let Some(rest) = line.strip_prefix("   ") {
            rest
        } else if let (Some(t), Some(rest)) = (line.get(..2), line.get(3..)) {
            tag = t;
            rest
        } else {
            tag = "";
            continue;
        };
        if tag != "C1" {
            continue;
        }
        let address = match value.find("] ") {
            Some(i) if value.starts_with('[') => &value[i + 2..],
            _ => value,
        };
        tally.add(address, &names);
    }
    assert!(
        tally.named > 500,
        "the WoS sample should hold many addresses, found {}",
        tally.named
    );
    let share = tally.report("Web of Science");
    assert!(share >= 0.99, "only {:.2}% right", share * 100.0);
}
