//! An organisation as the registry keeps it: the parts of a ROR record that matching, countries and
//! lineage need.

use serde::{Deserialize, Serialize};
use tandem_model::InstitutionId;

/// How a name is used in ROR (`names[].types` in schema v2; `name`, `aliases`, `labels`, `acronyms` in v1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The name ROR displays (v1 `name`).
    Display,
    /// An official name, often in another language.
    Label,
    /// Another name the organisation is known by.
    Alias,
    /// An acronym or initialism.
    Acronym,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Display => "ror_display",
            NameKind::Label => "label",
            NameKind::Alias => "alias",
            NameKind::Acronym => "acronym",
        }
    }
}

/// One name of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgName {
    pub value: String,
    pub kinds: Vec<NameKind>,
    /// ISO 639-1 language, where ROR gives one.
    pub lang: Option<String>,
}

/// Whether the record is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Active,
    Inactive,
    Withdrawn,
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match s.trim().to_ascii_lowercase().as_str() {
            "inactive" => Status::Inactive,
            "withdrawn" => Status::Withdrawn,
            _ => Status::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Withdrawn => "withdrawn",
        }
    }
}

/// The kind of a ROR relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RelationKind {
    Parent,
    Child,
    Related,
    Predecessor,
    Successor,
}

impl RelationKind {
    pub fn parse(s: &str) -> Option<RelationKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "parent" => RelationKind::Parent,
            "child" => RelationKind::Child,
            "related" => RelationKind::Related,
            "predecessor" => RelationKind::Predecessor,
            "successor" => RelationKind::Successor,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Parent => "parent",
            RelationKind::Child => "child",
            RelationKind::Related => "related",
            RelationKind::Predecessor => "predecessor",
            RelationKind::Successor => "successor",
        }
    }
}

/// A relationship to another organisation, by its ROR id (nine characters, no URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub kind: RelationKind,
    pub ror: String,
    pub label: Option<String>,
}

/// An organisation of the ROR registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// The ROR id without its URL prefix (`052gg0110`).
    pub ror: String,
    pub display_name: String,
    pub names: Vec<OrgName>,
    /// Cities of its locations (the first is the main one).
    pub cities: Vec<String>,
    /// First-level subdivision (state, province) of the main location, where ROR gives one.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 code of the main location.
    pub country_code: Option<String>,
    /// ROR types (education, healthcare, company, ...), lowercase.
    pub types: Vec<String>,
    pub status: Status,
    pub established: Option<i32>,
    pub relationships: Vec<Relationship>,
}

impl Organization {
    /// `https://ror.org/<id>`.
    pub fn ror_url(&self) -> String {
        format!("https://ror.org/{}", self.ror)
    }

    /// The store key of this organisation.
    pub fn institution_id(&self) -> InstitutionId {
        InstitutionId::from_ror(&self.ror)
    }

    /// The first ROR type, mapped to the OpenAlex institution type vocabulary where they differ.
    pub fn openalex_kind(&self) -> Option<String> {
        self.types.first().map(|t| match t.as_str() {
            "archive" => "archive".to_string(),
            other => other.to_string(),
        })
    }

    /// ROR ids of its parents.
    pub fn parents(&self) -> impl Iterator<Item = &str> {
        self.related_ids(RelationKind::Parent)
    }

    /// ROR ids of its children.
    pub fn children(&self) -> impl Iterator<Item = &str> {
        self.related_ids(RelationKind::Child)
    }

    fn related_ids(&self, kind: RelationKind) -> impl Iterator<Item = &str> {
        self.relationships
            .iter()
            .filter(move |r| r.kind == kind)
            .map(|r| r.ror.as_str())
    }
}
