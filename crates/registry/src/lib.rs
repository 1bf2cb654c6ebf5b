//! The ROR registry and affiliation matching.
//!
//! [`import_file`] reads a ROR dump (schema v1 or v2; JSON, JSON Lines, gzip or ROR's zip) into a
//! [`Registry`], which [`Registry::save`] writes to a folder and [`Registry::load`] reads back fast.
//! [`AffiliationMatcher`] turns a raw affiliation string into ROR organisations, each with a
//! confidence and the substring that matched, following ROR's published matching strategy.

mod city_names;
mod import;
mod index;
mod matcher;
mod normalize;
mod organization;
mod ror;

use std::path::{Path, PathBuf};

pub use import::{ImportProgress, ImportReject, Imported, import_file, import_files};
pub use index::{FORMAT_VERSION, INDEX_FILE, META_FILE, Registry, RegistryMeta};
pub use matcher::{
    AffiliationMatcher, Ambiguity, MatchKind, MatchResult, NameNotTaken, OrganizationMatch,
};
pub use normalize::{Token, name_key, tokenize};
pub use organization::{NameKind, OrgName, Organization, RelationKind, Relationship, Status};

/// Why the registry could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: {message}")]
    Index { path: PathBuf, message: String },
    #[error("{path} holds no registry (no {INDEX_FILE}); create one with `tandem registry import ROR_DUMP --registry {path}`", path = .path.display())]
    NotARegistry { path: PathBuf },
}

impl RegistryError {
    fn io(path: &Path, source: std::io::Error) -> RegistryError {
        RegistryError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    fn io_label(label: &str, source: std::io::Error) -> RegistryError {
        RegistryError::Io {
            path: label.to_string(),
            source,
        }
    }

    fn format(path: &Path, message: String) -> RegistryError {
        RegistryError::Format {
            path: path.display().to_string(),
            message,
        }
    }

    fn format_label(label: &str, message: String) -> RegistryError {
        RegistryError::Format {
            path: label.to_string(),
            message,
        }
    }
}
