//! Survey instruments: the questions, read from TOML and checked before anything is stored.

use serde::{Deserialize, Serialize};

use crate::SurveyError;

/// The bundled instrument "International research collaboration", as TOML.
pub const INTERNATIONAL_RESEARCH_COLLABORATION: &str =
    include_str!("../instruments/international-research-collaboration.toml");

/// Longest free-text answer accepted, in characters.
pub const MAX_TEXT_LEN: usize = 10_000;

/// A survey: its identity, schedule and questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// Stable name across versions, e.g. `international-research-collaboration`.
    pub slug: String,
    /// Title shown to respondents.
    pub title: String,
    /// Introduction shown above the questions.
    #[serde(default)]
    pub description: String,
    /// First day answers are accepted (`YYYY-MM-DD`, UTC, or an RFC 3339 time).
    pub opens: String,
    /// Last day answers are accepted (`YYYY-MM-DD`, inclusive, UTC, or an RFC 3339 time).
    pub closes: String,
    /// The questions, in order.
    pub questions: Vec<Question>,
}

/// The kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option.
    SingleChoice,
    /// Any number of options (up to `max_choices`).
    MultipleChoice,
    /// Yes or no.
    YesNo,
    /// Options put in order of preference (all or the first few).
    Ranking,
    /// A whole number from `min` to `max`.
    Scale,
    /// Free text, seen by admins only.
    FreeText,
}

impl QuestionKind {
    /// The name used in TOML and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Ranking => "ranking",
            QuestionKind::Scale => "scale",
            QuestionKind::FreeText => "free_text",
        }
    }
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Identifier, unique in the instrument: lower-case letters, digits and `_`.
    pub id: String,
    /// The kind of answer expected.
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    /// The question as asked.
    pub text: String,
    /// Optional help shown under the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Whether a submitted response must answer it (when it applies).
    #[serde(default)]
    pub required: bool,
    /// Options of choice and ranking questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Most options a multiple-choice answer may tick, or a ranking may rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<usize>,
    /// Lowest value of a scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Highest value of a scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// What the lowest value of a scale means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_label: Option<String>,
    /// What the highest value of a scale means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_label: Option<String>,
    /// Ask only when an earlier answer has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

/// An option of a choice or ranking question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stored value: lower-case letters, digits and `_`.
    pub value: String,
    /// Label shown to people.
    pub label: String,
    /// For regions: the ISO 3166-1 alpha-2 codes they cover (used by the cross-analysis with
    /// publication data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
}

/// "Ask this question only if question `question` was answered with `equals`" (for a multiple
/// choice: if `equals` was among the ticked options; for yes/no: `yes` or `no`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The earlier question.
    pub question: String,
    /// The value that makes this question apply.
    pub equals: String,
}

/// The implicit options of a yes/no question.
pub fn yes_no_options() -> Vec<Choice> {
    vec![
        Choice {
            value: "yes".into(),
            label: "Yes".into(),
            countries: vec![],
        },
        Choice {
            value: "no".into(),
            label: "No".into(),
            countries: vec![],
        },
    ]
}

impl Question {
    /// The categories an answer falls in, for tabulation: options, yes/no, or each scale value.
    /// Free text has none.
    pub fn categories(&self) -> Vec<Choice> {
        match self.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice | QuestionKind::Ranking => {
                self.options.clone()
            }
            QuestionKind::YesNo => yes_no_options(),
            QuestionKind::Scale => {
                let (min, max) = (self.min.unwrap_or(1), self.max.unwrap_or(5));
                (min..=max)
                    .map(|v| {
                        let mut label = v.to_string();
                        if v == min
                            && let Some(l) = &self.min_label
                        {
                            label = format!("{v} ({l})");
                        }
                        if v == max
                            && let Some(l) = &self.max_label
                        {
                            label = format!("{v} ({l})");
                        }
                        Choice {
                            value: v.to_string(),
                            label,
                            countries: vec![],
                        }
                    })
                    .collect()
            }
            QuestionKind::FreeText => Vec::new(),
        }
    }

    /// The label of an option value (the value itself when unknown).
    pub fn label_of(&self, value: &str) -> String {
        self.categories()
            .into_iter()
            .find(|c| c.value == value)
            .map_or_else(|| value.to_string(), |c| c.label)
    }

    /// The scale's bounds (1 to 5 unless given).
    pub fn scale_bounds(&self) -> (i64, i64) {
        (self.min.unwrap_or(1), self.max.unwrap_or(5))
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parses a date (`YYYY-MM-DD`, UTC) or an RFC 3339 time into Unix seconds. A bare date given as
/// a close date means the end of that day.
pub fn parse_time(text: &str, end_of_day: bool) -> Option<i64> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let start = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
        return Some(if end_of_day { start + 86_400 } else { start });
    }
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.timestamp())
}

impl Instrument {
    /// Reads an instrument from TOML and checks it. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Instrument, SurveyError> {
        let instrument: Instrument = toml::from_str(text).map_err(|e| SurveyError::Definition {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        instrument
            .check()
            .map_err(|message| SurveyError::Definition {
                origin: origin.to_string(),
                message,
            })?;
        Ok(instrument)
    }

    /// The bundled "International research collaboration" instrument.
    pub fn bundled() -> Instrument {
        Instrument::from_toml(INTERNATIONAL_RESEARCH_COLLABORATION, "bundled instrument")
            .expect("the bundled instrument is valid (checked by a test)")
    }

    /// When answers are first accepted (Unix seconds).
    pub fn opens_at(&self) -> i64 {
        parse_time(&self.opens, false).unwrap_or(0)
    }

    /// When answers stop being accepted (Unix seconds, exclusive).
    pub fn closes_at(&self) -> i64 {
        parse_time(&self.closes, true).unwrap_or(0)
    }

    /// One question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// A hash of everything but the schedule: two imports with the same hash are the same
    /// version.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let unscheduled = Instrument {
            opens: String::new(),
            closes: String::new(),
            ..self.clone()
        };
        let json = serde_json::to_string(&unscheduled).unwrap_or_default();
        hex::encode(Sha256::digest(json.as_bytes()))
    }

    /// Checks the rules a definition must follow; the message says which question is wrong.
    pub fn check(&self) -> Result<(), String> {
        let slug_ok = !self.slug.is_empty()
            && self
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            return Err(format!(
                "slug '{}' must be lower-case letters, digits and '-'",
                self.slug
            ));
        }
        if self.title.trim().is_empty() {
            return Err("title is empty".into());
        }
        let opens = parse_time(&self.opens, false)
            .ok_or_else(|| format!("opens '{}' is not a date (YYYY-MM-DD)", self.opens))?;
        let closes = parse_time(&self.closes, true)
            .ok_or_else(|| format!("closes '{}' is not a date (YYYY-MM-DD)", self.closes))?;
        if closes <= opens {
            return Err(format!(
                "closes ({}) is not after opens ({})",
                self.closes, self.opens
            ));
        }
        if self.questions.is_empty() {
            return Err("the instrument has no questions".into());
        }
        for (index, q) in self.questions.iter().enumerate() {
            let at = |m: String| format!("question {} ('{}'): {m}", index + 1, q.id);
            if !is_identifier(&q.id) {
                return Err(at("id must be lower-case letters, digits and '_'".into()));
            }
            if self.questions[..index].iter().any(|p| p.id == q.id) {
                return Err(at("id is used twice".into()));
            }
            if q.text.trim().is_empty() {
                return Err(at("text is empty".into()));
            }
            let has_options = matches!(
                q.kind,
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice | QuestionKind::Ranking
            );
            if has_options {
                if q.options.len() < 2 {
                    return Err(at("needs at least two options".into()));
                }
                for (i, o) in q.options.iter().enumerate() {
                    if !is_identifier(&o.value) {
                        return Err(at(format!(
                            "option value '{}' must be lower-case letters, digits and '_'",
                            o.value
                        )));
                    }
                    if q.options[..i].iter().any(|p| p.value == o.value) {
                        return Err(at(format!("option '{}' is listed twice", o.value)));
                    }
                    if o.label.trim().is_empty() {
                        return Err(at(format!("option '{}' has no label", o.value)));
                    }
                }
            } else if !q.options.is_empty() {
                return Err(at(format!(
                    "a {} question takes no options",
                    q.kind.as_str()
                )));
            }
            if let Some(max) = q.max_choices {
                let allowed =
                    matches!(q.kind, QuestionKind::MultipleChoice | QuestionKind::Ranking);
                if !allowed || max == 0 || max > q.options.len() {
                    return Err(at(format!(
                        "max_choices = {max} needs a multiple-choice or ranking question with at least that many options"
                    )));
                }
            }
            if q.kind == QuestionKind::Scale {
                let (min, max) = q.scale_bounds();
                if min >= max || max - min > 20 {
                    return Err(at(format!(
                        "scale from {min} to {max}: min must be below max, at most 20 apart"
                    )));
                }
            } else if q.min.is_some() || q.max.is_some() {
                return Err(at("min and max are for scale questions".into()));
            }
            if let Some(condition) = &q.show_if {
                let Some(earlier) = self.questions[..index]
                    .iter()
                    .find(|p| p.id == condition.question)
                else {
                    return Err(at(format!(
                        "show_if refers to '{}', which is not an earlier question",
                        condition.question
                    )));
                };
                let values = match earlier.kind {
                    QuestionKind::SingleChoice
                    | QuestionKind::MultipleChoice
                    | QuestionKind::YesNo => earlier.categories(),
                    _ => {
                        return Err(at(format!(
                            "show_if needs a choice or yes/no question, '{}' is {}",
                            earlier.id,
                            earlier.kind.as_str()
                        )));
                    }
                };
                if !values.iter().any(|c| c.value == condition.equals) {
                    return Err(at(format!(
                        "show_if value '{}' is not an option of '{}'",
                        condition.equals, earlier.id
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_instrument_is_valid_and_covers_the_report() {
        let i = Instrument::bundled();
        assert_eq!(i.title, "International research collaboration");
        for id in [
            "regions_of_focus",
            "top_priority_region",
            "highest_priority_regions",
            "us_presence",
            "us_presence_kind",
            "us_presence_purposes",
            "partnership_models",
            "barriers",
        ] {
            assert!(i.question(id).is_some(), "{id}");
        }
        let kinds: Vec<_> = i
            .question("us_presence_kind")
            .unwrap()
            .options
            .iter()
            .map(|o| o.value.as_str())
            .collect();
        assert_eq!(kinds, ["office", "staff", "campus", "partner_hosted"]);
        let barriers: Vec<_> = i
            .question("barriers")
            .unwrap()
            .options
            .iter()
            .map(|o| o.value.as_str())
            .collect();
        assert_eq!(barriers, ["visas", "funding", "research_security", "other"]);
        assert!(i.opens_at() < i.closes_at());
    }

    #[test]
    fn dates_are_utc_days_with_inclusive_close() {
        assert_eq!(parse_time("1970-01-02", false), Some(86_400));
        assert_eq!(parse_time("1970-01-02", true), Some(2 * 86_400));
        assert_eq!(parse_time("1970-01-01T01:00:00Z", true), Some(3600));
        assert_eq!(parse_time("soon", false), None);
    }

    #[test]
    fn schedule_changes_do_not_change_the_content_hash() {
        let a = Instrument::bundled();
        let mut b = a.clone();
        b.closes = "2030-01-01".into();
        assert_eq!(a.content_hash(), b.content_hash());
        b.questions[0].text.push('!');
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn bad_definitions_name_the_question() {
        let base = "slug = \"s\"\ntitle = \"T\"\nopens = \"2026-01-01\"\ncloses = \"2026-02-01\"\n";
        let cases = [
            (
                "[[questions]]\nid = \"a\"\ntype = \"single_choice\"\ntext = \"Q\"\noptions = [{ value = \"x\", label = \"X\" }]\n",
                "at least two options",
            ),
            (
                "[[questions]]\nid = \"A b\"\ntype = \"free_text\"\ntext = \"Q\"\n",
                "id must be",
            ),
            (
                "[[questions]]\nid = \"a\"\ntype = \"scale\"\ntext = \"Q\"\nmin = 5\nmax = 1\n",
                "scale from 5 to 1",
            ),
            (
                "[[questions]]\nid = \"a\"\ntype = \"free_text\"\ntext = \"Q\"\nshow_if = { question = \"b\", equals = \"yes\" }\n",
                "not an earlier question",
            ),
            (
                "[[questions]]\nid = \"a\"\ntype = \"yes_no\"\ntext = \"Q\"\n[[questions]]\nid = \"b\"\ntype = \"free_text\"\ntext = \"Q\"\nshow_if = { question = \"a\", equals = \"maybe\" }\n",
                "not an option of 'a'",
            ),
            (
                "[[questions]]\nid = \"a\"\ntype = \"essay\"\ntext = \"Q\"\n",
                "unknown variant",
            ),
        ];
        for (questions, expected) in cases {
            let err = Instrument::from_toml(&format!("{base}{questions}"), "t.toml").unwrap_err();
            assert!(err.to_string().contains(expected), "{err}");
            assert!(err.to_string().contains("t.toml"), "{err}");
        }
        let swapped = "slug = \"s\"\ntitle = \"T\"\nopens = \"2026-03-01\"\ncloses = \"2026-02-01\"\n[[questions]]\nid = \"a\"\ntype = \"free_text\"\ntext = \"Q\"\n";
        assert!(
            Instrument::from_toml(swapped, "t.toml")
                .unwrap_err()
                .to_string()
                .contains("not after")
        );
    }
}
