//! Groups: who counts as "us". Built-in groups, TOML group files, or a whole country.

use serde::Deserialize;
use std::path::Path;
use tandem_model::groups::BUILTIN_GROUPS;
use tandem_model::normalize_ror;

/// One member institution of a group, with the years it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Bare ROR id (`027m9bs27`).
    pub ror: String,
    pub name: Option<String>,
    /// First year counted (inclusive).
    pub since: Option<i32>,
    /// Last year counted (inclusive).
    pub until: Option<i32>,
    /// The member's country, when the group definition knows it.
    pub country: Option<String>,
}

/// What a group is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Membership {
    /// Institutions by ROR id; children count through OpenAlex lineage.
    Institutions(Vec<Member>),
    /// Every work whose country set holds this country.
    Country(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// As typed by the user (`russell-group`, `country:GB`, a file path).
    pub id: String,
    /// As shown to people ("Russell Group").
    pub name: String,
    pub membership: Membership,
}

#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error(
        "unknown group {0:?}: use a built-in group ({builtins}), `country:CC` for a whole country, or the path of a group file (TOML)",
        builtins = BUILTIN_GROUPS.iter().map(|g| g.0).collect::<Vec<_>>().join(", ")
    )]
    Unknown(String),
    #[error("{0:?} is not an ISO 3166-1 alpha-2 country code (for example GB, US, DE)")]
    BadCountry(String),
    #[error("{path}: cannot read group file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a valid group file: {message}\nexpected:\n  name = \"Northern partners\"\n  [[member]]\n  ror = \"https://ror.org/027m9bs27\"\n  since = 2012   # optional\n  until = 2020   # optional"
    )]
    Parse { path: String, message: String },
    #[error(
        "{path}: member {index}: {ror:?} is not a ROR id (expected https://ror.org/0xxxxxxxx or the bare 9-character id)"
    )]
    BadRor {
        path: String,
        index: usize,
        ror: String,
    },
    #[error("{path}: member {index} ({ror}): since {since} is after until {until}")]
    BadYears {
        path: String,
        index: usize,
        ror: String,
        since: i32,
        until: i32,
    },
    #[error(
        "{path}: member {index} ({ror}) is listed twice (first as member {first}); give each member once, with since/until"
    )]
    Duplicate {
        path: String,
        index: usize,
        first: usize,
        ror: String,
    },
    #[error("{path}: the group has no members")]
    Empty { path: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    name: Option<String>,
    #[serde(default)]
    member: Vec<MemberFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberFile {
    ror: String,
    name: Option<String>,
    since: Option<i32>,
    until: Option<i32>,
    country: Option<String>,
}

impl Group {
    /// Resolves what the user typed after `--group`.
    pub fn resolve(spec: &str) -> Result<Group, GroupError> {
        if let Some(code) = spec.strip_prefix("country:") {
            let code = code.trim().to_ascii_uppercase();
            if !tandem_countries::is_country_code(&code) {
                return Err(GroupError::BadCountry(code));
            }
            let name = tandem_countries::country_name(&code)
                .unwrap_or(&code)
                .to_string();
            return Ok(Group {
                id: spec.to_string(),
                name,
                membership: Membership::Country(code),
            });
        }
        if let Some((id, name, members)) = BUILTIN_GROUPS
            .iter()
            .find(|g| g.0.eq_ignore_ascii_case(spec))
        {
            return Ok(Group {
                id: id.to_string(),
                name: name.to_string(),
                membership: Membership::Institutions(
                    members
                        .iter()
                        .map(|m| Member {
                            ror: m.ror.to_string(),
                            name: Some(m.name.to_string()),
                            since: m.since,
                            until: None,
                            country: Some(m.country.to_string()),
                        })
                        .collect(),
                ),
            });
        }
        let path = Path::new(spec);
        if path.is_file() {
            return Group::from_file(path);
        }
        Err(GroupError::Unknown(spec.to_string()))
    }

    /// Reads a TOML group file.
    pub fn from_file(path: &Path) -> Result<Group, GroupError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| GroupError::Io {
            path: shown.clone(),
            source,
        })?;
        Group::from_toml(&text, &shown)
    }

    /// Parses a group file's text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Group, GroupError> {
        let file: GroupFile = toml::from_str(text).map_err(|e| GroupError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        if file.member.is_empty() {
            return Err(GroupError::Empty {
                path: origin.to_string(),
            });
        }
        let mut members = Vec::new();
        for (i, m) in file.member.into_iter().enumerate() {
            let ror = normalize_ror(&m.ror).ok_or_else(|| GroupError::BadRor {
                path: origin.to_string(),
                index: i + 1,
                ror: m.ror.clone(),
            })?;
            if let (Some(since), Some(until)) = (m.since, m.until)
                && since > until
            {
                return Err(GroupError::BadYears {
                    path: origin.to_string(),
                    index: i + 1,
                    ror,
                    since,
                    until,
                });
            }
            if let Some(first) = members.iter().position(|x: &Member| x.ror == ror) {
                return Err(GroupError::Duplicate {
                    path: origin.to_string(),
                    index: i + 1,
                    first: first + 1,
                    ror,
                });
            }
            let country = match m.country {
                Some(c) if !tandem_countries::is_country_code(&c.to_ascii_uppercase()) => {
                    return Err(GroupError::BadCountry(c));
                }
                other => other.map(|c| c.to_ascii_uppercase()),
            };
            members.push(Member {
                ror,
                name: m.name,
                since: m.since,
                until: m.until,
                country,
            });
        }
        let name = file.name.unwrap_or_else(|| {
            Path::new(origin)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| origin.to_string())
        });
        Ok(Group {
            id: origin.to_string(),
            name,
            membership: Membership::Institutions(members),
        })
    }

    pub fn members(&self) -> &[Member] {
        match &self.membership {
            Membership::Institutions(m) => m,
            Membership::Country(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_builtin_country_and_file_groups() {
        let rg = Group::resolve("russell-group").unwrap();
        assert_eq!(rg.members().len(), 24);
        assert_eq!(
            rg.members()
                .iter()
                .filter(|m| m.since == Some(2012))
                .count(),
            4
        );
        assert_eq!(
            Group::resolve("country:gb").unwrap().membership,
            Membership::Country("GB".into())
        );
        assert!(matches!(
            Group::resolve("country:XX"),
            Err(GroupError::BadCountry(_))
        ));
        let err = Group::resolve("ivy-league").unwrap_err().to_string();
        assert!(
            err.contains("russell-group") && err.contains("country:CC"),
            "{err}"
        );
        let g = Group::from_toml(
            "name = \"Northern partners\"\n[[member]]\nror = \"https://ror.org/027m9bs27\"\nname = \"Manchester\"\nsince = 2012\nuntil = 2020\n[[member]]\nror = \"04m01e293\"\n",
            "north.toml",
        )
        .unwrap();
        assert_eq!(g.name, "Northern partners");
        assert_eq!(g.members()[0].ror, "027m9bs27");
        assert_eq!(
            (g.members()[0].since, g.members()[0].until),
            (Some(2012), Some(2020))
        );
        assert_eq!(g.members()[1].ror, "04m01e293");
        assert!(matches!(
            Group::from_toml("[[member]]\nror = \"oxford\"\n", "x.toml"),
            Err(GroupError::BadRor { index: 1, .. })
        ));
        assert!(matches!(
            Group::from_toml("name = \"x\"\n", "x.toml"),
            Err(GroupError::Empty { .. })
        ));
        assert!(matches!(
            Group::from_toml(
                "[[member]]\nror = \"04m01e293\"\nsince = 2020\nuntil = 2010\n",
                "x.toml"
            ),
            Err(GroupError::BadYears { .. })
        ));
    }

    #[test]
    fn a_member_listed_twice_is_an_error_naming_both_entries() {
        let err = Group::from_toml(
            "[[member]]\nror = \"027m9bs27\"\n[[member]]\nror = \"https://ror.org/052gg0110\"\n\
             [[member]]\nror = \"https://ror.org/027m9bs27\"\nsince = 2012\n",
            "x.toml",
        )
        .unwrap_err();
        assert!(matches!(
            err,
            GroupError::Duplicate {
                index: 3,
                first: 1,
                ..
            }
        ));
        assert!(err.to_string().contains("027m9bs27"), "{err}");
    }
}
