use serde::{Deserialize, Serialize};

/// A work's key in the store.
///
/// OpenAlex works keep their number (`W2741809807` is 2741809807). Works from other sources get a
/// negative key derived from a stable string (their DOI where they have one, so the same DOI from
/// Scopus and Web of Science is one work), which can never collide with an OpenAlex number.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct WorkId(pub i64);

/// An institution's key in the store: the OpenAlex number (`I40120149` is 40120149), or a negative key
/// derived from the ROR id for institutions known only through the ROR registry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct InstitutionId(pub i64);

fn openalex_number(s: &str, letter: char) -> Option<i64> {
    let tail = s.rsplit('/').next()?;
    let mut chars = tail.chars();
    let first = chars.next()?;
    if !first.eq_ignore_ascii_case(&letter) {
        return None;
    }
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// FNV-1a, folded into the negative range. Stable across runs and platforms.
fn negative_key(namespace: &str, key: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in namespace.bytes().chain([0u8]).chain(key.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    -((hash >> 1) as i64) - 1
}

impl WorkId {
    /// Parses `W123`, `w123` or `https://openalex.org/W123`.
    pub fn from_openalex(s: &str) -> Option<WorkId> {
        openalex_number(s, 'W').map(WorkId)
    }

    /// A key for a work from another source: by DOI when it has one, else by its source key.
    pub fn from_external(source: &str, source_key: &str, doi: Option<&str>) -> WorkId {
        match doi.and_then(normalize_doi) {
            Some(doi) => WorkId(negative_key("doi", &doi)),
            None => WorkId(negative_key(source, source_key)),
        }
    }

    pub fn is_openalex(self) -> bool {
        self.0 >= 0
    }

    /// `W123` for OpenAlex works, `#<key>` otherwise.
    pub fn display_key(self) -> String {
        if self.is_openalex() {
            format!("W{}", self.0)
        } else {
            format!("#{}", self.0)
        }
    }
}

impl InstitutionId {
    /// Parses `I123` or `https://openalex.org/I123`.
    pub fn from_openalex(s: &str) -> Option<InstitutionId> {
        openalex_number(s, 'I').map(InstitutionId)
    }

    /// The key of an institution known only by its ROR id.
    pub fn from_ror(ror: &str) -> InstitutionId {
        InstitutionId(negative_key(
            "ror",
            &normalize_ror(ror).unwrap_or_else(|| ror.to_string()),
        ))
    }

    pub fn is_openalex(self) -> bool {
        self.0 >= 0
    }
}

/// `https://doi.org/10.1/ABC` → `10.1/abc`. `None` when it does not look like a DOI.
pub fn normalize_doi(s: &str) -> Option<String> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let start = lower.find("10.")?;
    let doi = lower[start..].trim().to_string();
    if doi.len() < 6 || !doi.contains('/') {
        None
    } else {
        Some(doi)
    }
}

/// `https://ror.org/027m9bs27`, `ror.org/027m9bs27` or `027m9bs27` → `027m9bs27`.
/// `None` when it is not a ROR id (nine characters, starting with 0).
pub fn normalize_ror(s: &str) -> Option<String> {
    let tail = s
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .to_ascii_lowercase();
    let valid = tail.len() == 9
        && tail.starts_with('0')
        && tail
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    valid.then_some(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_openalex_ids() {
        assert_eq!(
            WorkId::from_openalex("https://openalex.org/W2741809807"),
            Some(WorkId(2741809807))
        );
        assert_eq!(WorkId::from_openalex("W12"), Some(WorkId(12)));
        assert_eq!(WorkId::from_openalex("I12"), None);
        assert_eq!(WorkId::from_openalex("W"), None);
        assert_eq!(WorkId::from_openalex("W12x"), None);
        assert_eq!(
            InstitutionId::from_openalex("https://openalex.org/I40120149"),
            Some(InstitutionId(40120149))
        );
    }

    #[test]
    fn external_keys_are_negative_stable_and_doi_based() {
        let a = WorkId::from_external("scopus", "2-s2.0-1", Some("https://doi.org/10.1000/ABC"));
        let b = WorkId::from_external("wos", "WOS:1", Some("10.1000/abc"));
        assert_eq!(a, b);
        assert!(a.0 < 0);
        let c = WorkId::from_external("scopus", "2-s2.0-1", None);
        assert_ne!(a, c);
        assert_eq!(c, WorkId::from_external("scopus", "2-s2.0-1", None));
        assert!(InstitutionId::from_ror("https://ror.org/052gg0110").0 < 0);
        assert_eq!(
            InstitutionId::from_ror("https://ror.org/052gg0110"),
            InstitutionId::from_ror("052gg0110")
        );
    }

    #[test]
    fn normalizes_ror_and_doi() {
        assert_eq!(
            normalize_ror("https://ror.org/027m9bs27").as_deref(),
            Some("027m9bs27")
        );
        assert_eq!(normalize_ror("027M9BS27").as_deref(), Some("027m9bs27"));
        assert_eq!(normalize_ror("27m9bs27"), None);
        assert_eq!(
            normalize_doi("https://doi.org/10.1/X").as_deref(),
            Some("10.1/x")
        );
        assert_eq!(normalize_doi("nothing"), None);
    }
}
