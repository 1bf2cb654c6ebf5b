//! Corrections a user writes for addresses the matcher could not resolve, or resolved wrongly: an
//! affiliation map of address → ROR ids (and, optionally, country).
//!
//! The file is CSV or tab-separated, with a header that names an `address` column and a `ror` or a
//! `country` column (other columns are ignored). That is the layout `tandem ingest --unresolved` writes,
//! so its file becomes a map once a `ror` column is added and filled in. An address matches when it is
//! the same text, ignoring spaces at the ends and runs of spaces inside.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tandem_model::normalize_ror;
use tandem_registry::Registry;

/// What the user says one address is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// ROR ids (the nine-character form); empty when only the country is corrected.
    pub rors: Vec<String>,
    /// ISO 3166-1 alpha-2 code, when the row gives one.
    pub country: Option<&'static str>,
    /// The line of the map the correction is on, for messages.
    pub line: u64,
}

/// Why an affiliation map cannot be used. Each names the file and, for a row, its line.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("cannot read the affiliation map {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the affiliation map {path} is not UTF-8 text; save it as \"CSV UTF-8\" or tab-separated UTF-8"
    )]
    NotUtf8 { path: PathBuf },
    #[error(
        "the affiliation map {path} needs a header line naming an `address` column and a `ror` or `country` column; found {found:?}"
    )]
    Header { path: PathBuf, found: Vec<String> },
    #[error("{path}, line {line}: {message}")]
    Row {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// Address → correction, read from one file.
#[derive(Debug, Default)]
pub struct AffiliationMap {
    entries: HashMap<String, Correction>,
    /// Rows that give neither a ROR id nor a country: left to the matcher.
    pub rows_left_to_matcher: u64,
}

impl AffiliationMap {
    /// Reads a map. ROR ids must be in `registry`; without a registry a row with ROR ids is an error,
    /// since the organisation's name, country and parents come from the registry.
    pub fn read(
        path: &Path,
        registry: Option<&Registry>,
    ) -> Result<AffiliationMap, CorrectionError> {
        let bytes = std::fs::read(path).map_err(|source| CorrectionError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| CorrectionError::NotUtf8 {
            path: path.to_path_buf(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first_line = text.lines().next().unwrap_or("");
        let tabs = first_line.contains('\t');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tabs { b'\t' } else { b',' })
            // `--unresolved` writes addresses as they are, quotes included.
            .quoting(!tabs)
            .flexible(true)
            .from_reader(text.as_bytes());
        let row_error = |line: u64, message: String| CorrectionError::Row {
            path: path.to_path_buf(),
            line,
            message,
        };
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| row_error(1, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| header.iter().position(|h| h == name);
        let (ror_at, country_at) = (column("ror"), column("country"));
        let Some(address_at) =
            column("address").filter(|_| ror_at.is_some() || country_at.is_some())
        else {
            return Err(CorrectionError::Header {
                path: path.to_path_buf(),
                found: header,
            });
        };
        let mut map = AffiliationMap::default();
        for row in reader.records() {
            let row = row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                row_error(line, e.to_string())
            })?;
            let line = row.position().map_or(0, |p| p.line());
            let field = |at: Option<usize>| at.and_then(|i| row.get(i)).unwrap_or("").trim();
            let address = address_key(field(Some(address_at)));
            let ror_field = field(ror_at);
            let country_field = field(country_at);
            if ror_field.is_empty() && country_field.is_empty() {
                map.rows_left_to_matcher += 1;
                continue;
            }
            if address.is_empty() {
                return Err(row_error(line, "the `address` column is empty".into()));
            }
            let mut rors = Vec::new();
            for id in ror_field
                .split([';', ',', ' ', '|'])
                .filter(|s| !s.is_empty())
            {
                let ror = normalize_ror(id).ok_or_else(|| {
                    row_error(
                        line,
                        format!(
                            "{id:?} is not a ROR id; expected one like https://ror.org/052gg0110"
                        ),
                    )
                })?;
                match registry {
                    None => {
                        return Err(row_error(
                            line,
                            "ROR ids need a registry: give --registry".into(),
                        ));
                    }
                    Some(registry) if registry.get(&ror).is_none() => {
                        return Err(row_error(
                            line,
                            format!("https://ror.org/{ror} is not in the registry"),
                        ));
                    }
                    Some(_) => {}
                }
                if !rors.contains(&ror) {
                    rors.push(ror);
                }
            }
            let country = if country_field.is_empty() {
                None
            } else {
                Some(
                    tandem_countries::canonical_code(country_field)
                        .or_else(|| tandem_countries::country_code_for_name(country_field))
                        .ok_or_else(|| {
                            row_error(
                                line,
                                format!(
                                    "{country_field:?} is not a country; expected an ISO 3166-1 code such as GB or a name"
                                ),
                            )
                        })?,
                )
            };
            let correction = Correction {
                rors,
                country,
                line,
            };
            if let Some(earlier) = map.entries.get(&address) {
                if (&earlier.rors, earlier.country) != (&correction.rors, correction.country) {
                    return Err(row_error(
                        line,
                        format!(
                            "this address is already corrected differently on line {}",
                            earlier.line
                        ),
                    ));
                }
                continue;
            }
            map.entries.insert(address, correction);
        }
        Ok(map)
    }

    /// The correction for an address, if the map has one.
    pub fn get(&self, address: &str) -> Option<&Correction> {
        if self.entries.is_empty() {
            return None;
        }
        self.entries.get(&address_key(address))
    }

    /// Addresses given ROR ids (the rest are given a country only).
    pub fn with_rors(&self) -> usize {
        self.entries.values().filter(|c| !c.rors.is_empty()).count()
    }

    /// Addresses with a correction.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The text an address is looked up by: trimmed, runs of white space as one space.
fn address_key(address: &str) -> String {
    address.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn reads_the_unresolved_layout_with_a_country_column_and_no_registry() {
        let (_dir, path) = write(
            "count\tcountry\toutcome\tcandidates\taddress\n\
             3\t\tno country\t\tDept Phys, \"Blue\" Lab,  Springfield\n\
             1\tGB\tno institution\t\tSomewhere, England\n\
             1\t\tno country\t\tLeft alone\n",
            "unresolved.tsv",
        );
        // A `country` header but the first row has none: that row is left to the matcher.
        let map = AffiliationMap::read(&path, None).unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(map.with_rors(), 0);
        assert_eq!(map.rows_left_to_matcher, 2);
        assert_eq!(
            map.get("Somewhere,   England ").unwrap().country,
            Some("GB")
        );
        assert!(map.get("Dept Phys, \"Blue\" Lab, Springfield").is_none());
    }

    #[test]
    fn reads_csv_with_a_byte_order_mark_and_country_names() {
        let (_dir, path) = write(
            "\u{feff}Address,Country,Note\n\"Dept Phys, Springfield\",United States,checked\n",
            "map.csv",
        );
        let map = AffiliationMap::read(&path, None).unwrap();
        assert_eq!(
            map.get("Dept Phys, Springfield").unwrap().country,
            Some("US")
        );
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let cases = [
            ("address,ror\nX,not-an-id\n", "line 2", "is not a ROR id"),
            ("address,ror\nX,052gg0110\n", "line 2", "need a registry"),
            (
                "address,country\nX,GB\nY,Atlantis\n",
                "line 3",
                "is not a country",
            ),
            (
                "address,country\nX,GB\nY,FR\nX,DE\n",
                "line 4",
                "already corrected differently on line 2",
            ),
            (
                "address,country\n,GB\n",
                "line 2",
                "`address` column is empty",
            ),
        ];
        for (text, line, message) in cases {
            let (_dir, path) = write(text, "map.csv");
            let error = AffiliationMap::read(&path, None).unwrap_err().to_string();
            assert!(error.contains("map.csv"), "{error}");
            assert!(error.contains(line), "{text:?}: {error}");
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_header_without_the_columns_is_refused() {
        let (_dir, path) = write("string,id\nX,Y\n", "map.csv");
        let error = AffiliationMap::read(&path, None).unwrap_err().to_string();
        assert!(
            error.contains("header line naming an `address` column"),
            "{error}"
        );
        let (_dir, path) = write("address,note\nX,Y\n", "map.csv");
        assert!(AffiliationMap::read(&path, None).is_err());
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.txt");
        // "address" in UTF-16LE, as a spreadsheet's "Unicode text" saves it.
        let utf16: Vec<u8> = "address\tror\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        std::fs::write(&path, [&[0xff, 0xfe][..], &utf16].concat()).unwrap();
        let error = AffiliationMap::read(&path, None).unwrap_err().to_string();
        assert!(error.contains("not UTF-8"), "{error}");
    }
}
