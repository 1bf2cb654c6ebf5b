//! Importing ROR dumps: the real subsets in ../shared/data round-trip with no parse errors; every layout
//! (JSON Lines, JSON array, gzip, ROR's zip, one object, an API response) reads; a bad record is
//! reported with its file and position, and the import goes on.

use std::io::Write;
use std::path::{Path, PathBuf};

use tandem_registry::{NameKind, Registry, RegistryError, Status, import_file, import_files};

fn shared_ror() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ror")
}

fn v2(id: &str, name: &str, status: &str) -> String {
    format!(
        r#"{{"id":"https://ror.org/{id}","names":[{{"value":"{name}","types":["ror_display","label"],"lang":"en"}},{{"value":"XYZ","types":["acronym"],"lang":null}}],"locations":[{{"geonames_id":1,"geonames_details":{{"name":"Leeds","country_code":"GB","country_name":"United Kingdom"}}}}],"types":["education"],"status":"{status}","relationships":[]}}"#
    )
}

fn v1(id: &str, name: &str) -> String {
    format!(
        r#"{{"id":"https://ror.org/{id}","name":"{name}","aliases":["Alias of {name}"],"acronyms":["ABC"],"labels":[{{"label":"Étiquette","iso639":"fr"}}],"country":{{"country_name":"France","country_code":"FR"}},"addresses":[{{"city":"Lyon","state":null}}],"types":["Education"],"status":"active","relationships":[{{"type":"Parent","id":"https://ror.org/0parent00","label":"P"}}]}}"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn real_v2_subset_round_trips_with_no_rejects() {
    let path = shared_ror().join("ror_v2_subset.jsonl.gz");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let imported = import_file(&path, |_| {}).unwrap();
    assert!(
        imported.rejects.is_empty(),
        "{:?}",
        &imported.rejects[..imported.rejects.len().min(5)]
    );
    let meta = imported.registry.meta().clone();
    assert_eq!(meta.records_v2, 35_990);
    assert_eq!(meta.organizations + meta.duplicates, 35_990);
    assert!(
        meta.inactive > 0 && meta.withdrawn > 0,
        "the subset holds inactive and withdrawn records: {meta:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    imported.registry.save(dir.path()).unwrap();
    let loaded = Registry::load(dir.path()).unwrap();
    assert_eq!(loaded.meta(), &meta);
    assert_eq!(loaded.organizations(), imported.registry.organizations());

    // Inactive and withdrawn records stay resolvable, marked as such.
    for status in [Status::Inactive, Status::Withdrawn] {
        let org = loaded
            .organizations()
            .iter()
            .find(|o| o.status == status)
            .unwrap();
        let found = loaded.get(&org.ror_url()).unwrap();
        assert_eq!(found.status, status);
        assert_eq!(found.display_name, org.display_name);
    }
    let oxford = loaded
        .get("https://ror.org/052gg0110")
        .expect("Oxford is in the subset");
    assert_eq!(oxford.display_name, "University of Oxford");
    assert_eq!(oxford.country_code.as_deref(), Some("GB"));
    assert_eq!(oxford.cities.first().map(String::as_str), Some("Oxford"));
}

#[test]
fn real_v1_subset_round_trips_with_no_rejects() {
    let path = shared_ror().join("ror_v1_subset.jsonl.gz");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let imported = import_file(&path, |_| {}).unwrap();
    assert!(
        imported.rejects.is_empty(),
        "{:?}",
        &imported.rejects[..imported.rejects.len().min(5)]
    );
    let meta = imported.registry.meta();
    assert_eq!(meta.records_v1, 15_380);
    assert_eq!(meta.organizations + meta.duplicates, 15_380);
    assert!(
        imported
            .registry
            .organizations()
            .iter()
            .all(|o| !o.display_name.is_empty())
    );
    assert!(
        imported
            .registry
            .organizations()
            .iter()
            .filter(|o| o.country_code.is_some())
            .count()
            > 15_000
    );
}

#[test]
fn a_bad_line_is_rejected_with_its_file_and_line_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        v2("0aaaaaa01", "University of Testing", "active"),
        "{\"id\": \"https://ror.org/0aaaaaa02\", \"names\": [".to_string(),
        r#"{"names":[{"value":"No Id Institute","types":["ror_display"]}]}"#.to_string(),
        r#"{"id":"not-a-ror-id","name":"X"}"#.to_string(),
        r#"{"id":"https://ror.org/0aaaaaa05","names":[]}"#.to_string(),
        v2("0aaaaaa06", "Testing Polytechnic", "inactive"),
    ]
    .join("\n");
    let path = write(dir.path(), "dump.jsonl", &text);
    let imported = import_file(&path, |_| {}).unwrap();
    assert_eq!(imported.registry.len(), 2);
    let positions: Vec<&str> = imported
        .rejects
        .iter()
        .map(|r| r.position.as_str())
        .collect();
    assert_eq!(positions, ["line 2", "line 3", "line 4", "line 5"]);
    assert!(
        imported
            .rejects
            .iter()
            .all(|r| r.file.ends_with("dump.jsonl"))
    );
    assert!(
        imported.rejects[0].reason.contains("not a ROR record"),
        "{}",
        imported.rejects[0]
    );
    assert!(
        imported.rejects[1].reason.contains("no \"id\""),
        "{}",
        imported.rejects[1]
    );
    assert!(
        imported.rejects[2].reason.contains("not a ROR id"),
        "{}",
        imported.rejects[2]
    );
    assert!(
        imported.rejects[3].reason.contains("no name"),
        "{}",
        imported.rejects[3]
    );
    assert_eq!(
        imported.rejects[0].to_string().split(':').next().unwrap(),
        format!("{} line 2", path.display())
    );
    assert_eq!(imported.registry.meta().rejected, 4);
    assert_eq!(
        imported.registry.get("0aaaaaa06").unwrap().status,
        Status::Inactive
    );
}

#[test]
fn a_bad_element_of_a_json_array_is_rejected_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[{}, {{\"id\": 12}}, {}]",
        v1("0bbbbbb01", "Institut Un"),
        v2("0bbbbbb03", "Trois College", "active")
    );
    let path = write(dir.path(), "dump.json", &text);
    let imported = import_file(&path, |_| {}).unwrap();
    assert_eq!(imported.registry.len(), 2);
    assert_eq!(imported.rejects.len(), 1);
    assert_eq!(imported.rejects[0].position, "element 2");
}

#[test]
fn a_broken_json_array_is_an_error_naming_the_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.json",
        &format!("[{},\n{{\"id\": ", v2("0ccccccc1", "A", "active")),
    );
    let Err(error) = import_file(&path, |_| {}) else {
        panic!("a truncated array must fail")
    };
    let message = error.to_string();
    assert!(message.contains("broken.json"), "{message}");
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn a_file_that_is_not_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "dump.csv", "id,name\n1,2\n");
    let error = import_file(&path, |_| {}).err().unwrap();
    assert!(matches!(error, RegistryError::Format { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("expected a JSON array or JSON Lines"),
        "{error}"
    );
    let missing = import_file(&dir.path().join("missing.json"), |_| {})
        .err()
        .unwrap();
    assert!(missing.to_string().contains("missing.json"), "{missing}");
}

#[test]
fn v1_records_keep_names_aliases_labels_acronyms_and_parents() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "v1.jsonl", &v1("0ddddddd1", "Institut Quatre"));
    let imported = import_file(&path, |_| {}).unwrap();
    let org = imported.registry.get("0ddddddd1").unwrap();
    assert_eq!(org.display_name, "Institut Quatre");
    assert_eq!(org.country_code.as_deref(), Some("FR"));
    assert_eq!(org.cities, ["Lyon"]);
    assert_eq!(org.types, ["education"]);
    let kinds: Vec<NameKind> = org.names.iter().flat_map(|n| n.kinds.clone()).collect();
    assert_eq!(
        kinds,
        [
            NameKind::Display,
            NameKind::Alias,
            NameKind::Acronym,
            NameKind::Label
        ]
    );
    assert_eq!(org.names[3].lang.as_deref(), Some("fr"));
    assert_eq!(org.parents().collect::<Vec<_>>(), ["0parent00"]);
    assert_eq!(imported.registry.meta().records_v1, 1);
}

#[test]
fn gzip_zip_single_objects_and_api_responses_read() {
    let dir = tempfile::tempdir().unwrap();
    // gzip of a JSON array
    let gz_path = dir.path().join("dump.json.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(format!("[{}]", v2("0eeeeee01", "Gzip University", "active")).as_bytes())
        .unwrap();
    gz.finish().unwrap();
    assert!(
        import_file(&gz_path, |_| {})
            .unwrap()
            .registry
            .get("0eeeeee01")
            .is_some()
    );

    // ROR's zip: the v2 file is preferred over the v1 file and the CSV.
    let zip_path = dir.path().join("v1.45-2024-05-01-ror-data.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("v1.45-2024-05-01-ror-data.csv", options)
        .unwrap();
    zip.write_all(b"id,name\n").unwrap();
    zip.start_file("v1.45-2024-05-01-ror-data.json", options)
        .unwrap();
    zip.write_all(format!("[{}]", v1("0eeeeee02", "Old Layout Institute")).as_bytes())
        .unwrap();
    zip.start_file("v1.45-2024-05-01-ror-data_schema_v2.json", options)
        .unwrap();
    zip.write_all(format!("[{}]", v2("0eeeeee03", "New Layout Institute", "active")).as_bytes())
        .unwrap();
    zip.finish().unwrap();
    let imported = import_file(&zip_path, |_| {}).unwrap();
    assert_eq!(imported.registry.len(), 1);
    assert!(imported.registry.get("0eeeeee03").is_some());

    // One pretty-printed record, and a ROR API response.
    let one = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&v2("0eeeeee04", "Pretty College", "active"))
            .unwrap(),
    )
    .unwrap();
    let path = write(dir.path(), "one.json", &one);
    assert!(
        import_file(&path, |_| {})
            .unwrap()
            .registry
            .get("0eeeeee04")
            .is_some()
    );
    let api = format!(
        "{{\n  \"number_of_results\": 2,\n  \"items\": [{}, {}]\n}}",
        v2("0eeeeee05", "Api One", "active"),
        v2("0eeeeee06", "Api Two", "active")
    );
    let path = write(dir.path(), "api.json", &api);
    assert_eq!(import_file(&path, |_| {}).unwrap().registry.len(), 2);
}

#[test]
fn several_files_make_one_registry_and_a_later_copy_wins() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.jsonl",
        &[
            v2("0fffff001", "First Name", "active"),
            v2("0fffff002", "Other", "active"),
        ]
        .join("\n"),
    );
    let b = write(
        dir.path(),
        "b.jsonl",
        &v2("0fffff001", "Second Name", "inactive"),
    );
    let mut seen = Vec::new();
    let imported = import_files(&[a.as_path(), b.as_path()], |p| seen.push(p)).unwrap();
    assert_eq!(imported.registry.len(), 2);
    assert_eq!(imported.registry.meta().duplicates, 1);
    let org = imported.registry.get("0fffff001").unwrap();
    assert_eq!(org.display_name, "Second Name");
    assert_eq!(org.status, Status::Inactive);
    let last = seen.last().unwrap();
    assert_eq!(last.records, 3);
    assert_eq!(
        last.bytes,
        std::fs::metadata(&a).unwrap().len() + std::fs::metadata(&b).unwrap().len()
    );
}

#[test]
fn loading_a_folder_without_a_registry_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let error = Registry::load(dir.path()).err().unwrap();
    assert!(
        error.to_string().contains("tandem registry import"),
        "{error}"
    );
    std::fs::write(dir.path().join("registry.bin"), b"garbage").unwrap();
    let error = Registry::load(dir.path()).err().unwrap();
    assert!(
        error
            .to_string()
            .contains("re-run `tandem registry import`"),
        "{error}"
    );
}
