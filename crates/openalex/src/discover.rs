use crate::lines::{InstitutionsFile, MergedIdsFile, WorksFile};
use std::path::{Path, PathBuf};
use tandem_model::Input;

/// A path given on the command line that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{path}: cannot list folder: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{0}: folder holds no OpenAlex files (expected *.gz, *.json or *.jsonl files, or a snapshot root with data/works)"
    )]
    Empty(PathBuf),
}

/// Turns the user's paths into inputs: works files, institution files and merged-id lists.
///
/// The result is sorted (merged ids, then institutions, then works by partition and path) so that a run
/// does not depend on the order the user named things in.
pub fn inputs_from_paths(paths: &[PathBuf]) -> Result<Vec<Box<dyn Input>>, DiscoverError> {
    let mut works = Vec::new();
    let mut institutions = Vec::new();
    let mut merged = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(DiscoverError::Missing(path.clone()));
        }
        if path.is_file() {
            classify_file(path, &mut works, &mut institutions, &mut merged);
            continue;
        }
        let before = works.len() + institutions.len() + merged.len();
        let data = if path.join("data").join("works").is_dir() {
            path.join("data")
        } else {
            path.clone()
        };
        let mut files = Vec::new();
        walk(&data, &mut files)?;
        for file in files {
            classify_file(&file, &mut works, &mut institutions, &mut merged);
        }
        if works.len() + institutions.len() + merged.len() == before {
            return Err(DiscoverError::Empty(path.clone()));
        }
    }
    let mut inputs: Vec<Box<dyn Input>> = Vec::new();
    merged.sort();
    merged.dedup();
    institutions.sort();
    institutions.dedup();
    works.sort();
    works.dedup();
    inputs.extend(
        merged
            .into_iter()
            .map(|p| Box::new(MergedIdsFile::new(p)) as Box<dyn Input>),
    );
    inputs.extend(
        institutions
            .into_iter()
            .map(|p| Box::new(InstitutionsFile::new(p)) as Box<dyn Input>),
    );
    inputs.extend(
        works
            .into_iter()
            .map(|(_, p)| Box::new(WorksFile::new(p)) as Box<dyn Input>),
    );
    Ok(inputs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DiscoverError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| DiscoverError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Files named `manifest`, and anything that is not gzip/JSON, are not records.
fn classify_file(
    path: &Path,
    works: &mut Vec<(String, PathBuf)>,
    institutions: &mut Vec<PathBuf>,
    merged: &mut Vec<PathBuf>,
) {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let components: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase())
        .collect();
    let under = |dir: &str| components.iter().any(|c| c == dir);
    if under("merged_ids") {
        if under("works") && (name.ends_with(".csv.gz") || name.ends_with(".csv")) {
            merged.push(path.to_path_buf());
        }
        return;
    }
    let is_data = name.ends_with(".gz") || name.ends_with(".json") || name.ends_with(".jsonl");
    if !is_data || name == "manifest" {
        return;
    }
    // Other entity folders of a snapshot (authors, sources, ...) are not works.
    let other_entity = [
        "authors",
        "sources",
        "concepts",
        "topics",
        "publishers",
        "funders",
        "fields",
        "domains",
        "subfields",
    ]
    .iter()
    .any(|e| under(e) && components.iter().any(|c| c == "data"));
    if under("institutions") && components.iter().any(|c| c == "data") {
        institutions.push(path.to_path_buf());
    } else if !other_entity {
        works.push((crate::lines::partition_of(path), path.to_path_buf()));
    }
}
