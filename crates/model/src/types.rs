/// The document types counted when the user does not say otherwise (DESIGN.md, Works).
pub const DEFAULT_TYPES: &[&str] = &["article", "review", "book-chapter", "book"];

/// Maps a source's document type to the current OpenAlex type (DESIGN.md, Works).
///
/// Crossref types (2022 OpenAlex schema), Scopus and Web of Science types all land here. Types that are
/// already current OpenAlex types pass through lowercased; unknown types pass through lowercased too, so
/// nothing is lost and `--types` can still select them.
pub fn map_work_type(original: &str) -> String {
    let t = original.trim().to_ascii_lowercase();
    let mapped = match t.as_str() {
        // Crossref (OpenAlex 2022 schema)
        "journal-article" | "proceedings-article" => "article",
        "monograph" | "edited-book" | "reference-book" | "book-set" | "book-series"
        | "book-track" => "book",
        "posted-content" => "preprint",
        "book-section" | "book-part" | "reference-entry" => "book-chapter",
        "proceedings" | "journal-issue" | "journal" | "journal-volume" | "book-series-volume" => {
            "paratext"
        }
        // Scopus and Web of Science
        "conference paper" | "proceedings paper" => "article",
        "book chapter" => "book-chapter",
        "data paper" => "article",
        "article; proceedings paper" | "article; early access" | "article; data paper" => "article",
        "review; early access" => "review",
        "editorial material" | "editorial" => "editorial",
        "letter" => "letter",
        "note" => "other",
        "erratum" | "correction" => "erratum",
        "meeting abstract" | "conference review" => "other",
        _ => return t.replace(' ', "-"),
    };
    mapped.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_crossref_scopus_and_wos_types() {
        assert_eq!(map_work_type("journal-article"), "article");
        assert_eq!(map_work_type("proceedings-article"), "article");
        assert_eq!(map_work_type("monograph"), "book");
        assert_eq!(map_work_type("edited-book"), "book");
        assert_eq!(map_work_type("reference-book"), "book");
        assert_eq!(map_work_type("posted-content"), "preprint");
        assert_eq!(map_work_type("Article"), "article");
        assert_eq!(map_work_type("Conference Paper"), "article");
        assert_eq!(map_work_type("Proceedings Paper"), "article");
        assert_eq!(map_work_type("Review"), "review");
        assert_eq!(map_work_type("Book Chapter"), "book-chapter");
        assert_eq!(map_work_type("book-chapter"), "book-chapter");
        assert_eq!(map_work_type("dissertation"), "dissertation");
    }
}
