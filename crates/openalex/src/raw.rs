//! The OpenAlex JSON shapes, current and 2022 schema, as serde structs. Every field is optional:
//! `field_presence_240M.json` shows that any of them can be absent or null across a full snapshot.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use tandem_model::{
    Authorship, Institution, InstitutionId, InstitutionRef, Keyword, Named, SourceKind, Topic,
    Work, WorkId, map_work_type, normalize_doi, normalize_ror,
};

/// Accepts a number, a numeric string (2022 concept scores are strings) or null. A visitor rather than
/// an untagged enum: serde buffers every untagged value, and works carry dozens of scores.
fn flexible_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct Flexible;
    impl<'de> serde::de::Visitor<'de> for Flexible {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number, a numeric string or null")
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse().ok())
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(Flexible)
}

/// A string borrowed from the input when it has no escapes (most do not), owned otherwise. serde
/// borrows a `Cow<str>` field only when it is the field's whole type, not inside `Option` or `Vec`.
#[derive(Default)]
pub(crate) struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Text<'_>> for String {
    fn from(text: Text<'_>) -> String {
        text.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// `null` and absent both become the default.
fn null_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Strings that are only parsed, normalised or used as a fallback are borrowed from the input line
/// (`Cow`): most have no escapes, so they cost no allocation.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawWork<'a> {
    #[serde(borrow)]
    pub id: Option<Text<'a>>,
    #[serde(borrow)]
    pub doi: Option<Text<'a>>,
    pub title: Option<String>,
    /// The same as `title` in current records; used only when the title is missing.
    #[serde(borrow)]
    pub display_name: Option<Text<'a>>,
    pub publication_year: Option<i32>,
    pub publication_date: Option<String>,
    pub language: Option<String>,
    #[serde(rename = "type")]
    pub work_type: Option<String>,
    pub type_crossref: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub is_paratext: bool,
    #[serde(deserialize_with = "null_default")]
    pub is_retracted: bool,
    pub cited_by_count: Option<i64>,
    #[serde(deserialize_with = "flexible_f64")]
    pub fwci: Option<f64>,
    pub updated_date: Option<String>,
    pub primary_location: Option<RawLocation>,
    /// 2022 schema.
    pub host_venue: Option<RawSource>,
    pub primary_topic: Option<RawTopic>,
    #[serde(deserialize_with = "null_default")]
    pub topics: Vec<RawTopic>,
    #[serde(deserialize_with = "null_default")]
    pub keywords: Vec<RawConcept>,
    #[serde(deserialize_with = "null_default")]
    pub concepts: Vec<RawConcept>,
    #[serde(deserialize_with = "null_default", borrow)]
    pub authorships: Vec<RawAuthorship<'a>>,
    #[serde(deserialize_with = "null_default")]
    pub is_authors_truncated: bool,
    pub countries_distinct_count: Option<i32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawLocation {
    pub source: Option<RawSource>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawSource {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawNamed {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawTopic {
    pub id: Option<String>,
    pub display_name: Option<String>,
    #[serde(deserialize_with = "flexible_f64")]
    pub score: Option<f64>,
    pub subfield: Option<RawNamed>,
    pub field: Option<RawNamed>,
    pub domain: Option<RawNamed>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawConcept {
    pub id: Option<String>,
    pub display_name: Option<String>,
    #[serde(deserialize_with = "flexible_f64")]
    pub score: Option<f64>,
    pub level: Option<i32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawAuthor {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub orcid: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawAuthorship<'a> {
    pub author_position: Option<String>,
    pub author: Option<RawAuthor>,
    #[serde(deserialize_with = "null_default", borrow)]
    pub institutions: Vec<RawInstitution<'a>>,
    #[serde(deserialize_with = "null_default", borrow)]
    pub countries: Vec<Option<Text<'a>>>,
    pub is_corresponding: Option<bool>,
    pub raw_author_name: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub raw_affiliation_strings: Vec<Option<String>>,
    /// 2022 schema.
    pub raw_affiliation_string: Option<String>,
}

/// An institution object, inside a work or as a full entity record.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawInstitution<'a> {
    #[serde(borrow)]
    pub id: Option<Text<'a>>,
    pub display_name: Option<String>,
    #[serde(borrow)]
    pub ror: Option<Text<'a>>,
    #[serde(borrow)]
    pub country_code: Option<Text<'a>>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "null_default", borrow)]
    pub lineage: Vec<Option<Text<'a>>>,
}

/// Why a JSON value could not become a work.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RecordError {
    #[error("not valid JSON for an OpenAlex work: {0}")]
    Json(String),
    #[error(
        "record has no `id`; expected an OpenAlex work id such as \"https://openalex.org/W2741809807\""
    )]
    MissingId,
    #[error(
        "`id` is {0:?}; expected an OpenAlex work id such as \"https://openalex.org/W2741809807\""
    )]
    BadId(String),
}

/// Trimmed and owned, or `None` when blank. An owned string with nothing to trim (the common case) is
/// reused; a borrowed one is copied once.
fn non_empty<S: std::ops::Deref<Target = str> + Into<String>>(s: Option<S>) -> Option<String> {
    let s = s?;
    let trimmed = s.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == s.len() {
        Some(s.into())
    } else {
        Some(trimmed.to_string())
    }
}

fn country(s: Option<Text<'_>>) -> Option<String> {
    let s = s?;
    let trimmed = s.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_ascii_uppercase())
}

fn named(raw: Option<RawNamed>) -> Option<Named> {
    let raw = raw?;
    Some(Named {
        id: non_empty(raw.id),
        name: non_empty(raw.display_name)?,
    })
}

fn topic(raw: RawTopic) -> Option<Topic> {
    Some(Topic {
        id: non_empty(raw.id),
        name: non_empty(raw.display_name)?,
        score: raw.score,
        subfield: named(raw.subfield),
        field: named(raw.field),
        domain: named(raw.domain),
    })
}

fn concept(raw: RawConcept) -> Option<Keyword> {
    Some(Keyword {
        id: non_empty(raw.id),
        name: non_empty(raw.display_name)?,
        score: raw.score,
        level: raw.level,
    })
}

impl RawInstitution<'_> {
    /// `None` when the object has no usable id (it is then only a name, kept as a raw affiliation).
    pub(crate) fn into_ref(self) -> Option<InstitutionRef> {
        let id = self
            .id
            .as_deref()
            .and_then(InstitutionId::from_openalex)
            .or_else(|| {
                self.ror
                    .as_deref()
                    .and_then(normalize_ror)
                    .map(|r| InstitutionId::from_ror(&r))
            })?;
        let mut lineage: Vec<InstitutionId> = self
            .lineage
            .iter()
            .flatten()
            .filter_map(|l| InstitutionId::from_openalex(l))
            .collect();
        if !lineage.contains(&id) {
            lineage.insert(0, id);
        }
        Some(InstitutionRef {
            id,
            ror: self.ror.as_deref().and_then(normalize_ror),
            name: non_empty(self.display_name),
            country_code: country(self.country_code),
            kind: non_empty(self.kind),
            lineage,
        })
    }

    pub(crate) fn into_institution(self) -> Option<Institution> {
        let r = self.into_ref()?;
        let mut inst = Institution::from(&r);
        inst.is_full_record = true;
        Some(inst)
    }
}

impl RawWork<'_> {
    pub(crate) fn into_work(self) -> Result<Work, RecordError> {
        let raw_id = self
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(RecordError::MissingId)?;
        let id =
            WorkId::from_openalex(raw_id).ok_or_else(|| RecordError::BadId(raw_id.to_string()))?;
        // The 2022 schema has only Crossref types in `type`; the current one has OpenAlex types in `type`
        // and Crossref types in `type_crossref`.
        let original_type = non_empty(self.work_type);
        let work_type = original_type.as_deref().map(map_work_type);
        let venue = self
            .primary_location
            .and_then(|l| l.source)
            .or(self.host_venue);
        let authorships = self
            .authorships
            .into_iter()
            .enumerate()
            .map(|(index, a)| {
                let mut raw_affiliations: Vec<String> = a
                    .raw_affiliation_strings
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.trim().is_empty())
                    .collect();
                if let Some(single) = non_empty(a.raw_affiliation_string) {
                    raw_affiliations.push(single);
                }
                let author = a.author.unwrap_or_default();
                let mut countries: Vec<String> =
                    a.countries.into_iter().filter_map(country).collect();
                countries.dedup();
                Authorship {
                    index: index as i32,
                    position: non_empty(a.author_position),
                    author_id: non_empty(author.id),
                    author_name: non_empty(author.display_name).or(non_empty(a.raw_author_name)),
                    orcid: non_empty(author.orcid),
                    is_corresponding: a.is_corresponding,
                    countries,
                    institutions: a
                        .institutions
                        .into_iter()
                        .filter_map(RawInstitution::into_ref)
                        .collect(),
                    raw_affiliations,
                }
            })
            .collect();
        Ok(Work {
            id,
            source: Some(SourceKind::OpenAlex),
            source_key: format!("W{}", id.0),
            doi: self.doi.as_deref().and_then(normalize_doi),
            title: non_empty(self.title).or_else(|| non_empty(self.display_name)),
            publication_year: self.publication_year,
            publication_date: non_empty(self.publication_date),
            work_type,
            original_type,
            is_paratext: self.is_paratext,
            is_retracted: self.is_retracted,
            cited_by_count: self.cited_by_count,
            fwci: self.fwci,
            updated_date: non_empty(self.updated_date),
            language: non_empty(self.language),
            venue_id: venue.as_ref().and_then(|v| non_empty(v.id.clone())),
            venue_name: venue.and_then(|v| non_empty(v.display_name)),
            primary_topic: self.primary_topic.and_then(topic),
            topics: self.topics.into_iter().filter_map(topic).collect(),
            keywords: self.keywords.into_iter().filter_map(concept).collect(),
            concepts: self.concepts.into_iter().filter_map(concept).collect(),
            authorships,
            is_authors_truncated: self.is_authors_truncated,
            countries_distinct_count: self.countries_distinct_count,
        })
    }
}
