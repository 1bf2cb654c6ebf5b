//! Answers: their typed form, how they are read from forms and CSV cells, and how they are checked
//! against an instrument.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::instrument::{Instrument, MAX_TEXT_LEN, Question, QuestionKind};

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// A single choice (an option value).
    Choice(String),
    /// Multiple choices, in instrument order.
    Choices(Vec<String>),
    /// Yes (`true`) or no.
    YesNo(bool),
    /// Option values in order of preference, first = most preferred.
    Ranking(Vec<String>),
    /// A scale value.
    Scale(i64),
    /// Free text, kept exactly as typed.
    Text(String),
}

/// A response's answers by question id. Unanswered questions are absent.
pub type Answers = BTreeMap<String, Answer>;

/// A problem with one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    /// The question id.
    pub question: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.question, self.message)
    }
}

impl Answer {
    /// The categories this answer falls in for tabulation (a ranking's first choice).
    pub fn categories(&self) -> Vec<String> {
        match self {
            Answer::Choice(v) => vec![v.clone()],
            Answer::Choices(vs) => vs.clone(),
            Answer::YesNo(b) => vec![if *b { "yes" } else { "no" }.to_string()],
            Answer::Ranking(vs) => vs.first().cloned().into_iter().collect(),
            Answer::Scale(v) => vec![v.to_string()],
            Answer::Text(_) => Vec::new(),
        }
    }

    /// The answer as one CSV cell: multiple choices joined by `;`, rankings by `>`.
    pub fn to_cell(&self) -> String {
        match self {
            Answer::Choice(v) | Answer::Text(v) => v.clone(),
            Answer::Choices(vs) => vs.join(";"),
            Answer::Ranking(vs) => vs.join(">"),
            Answer::YesNo(b) => if *b { "yes" } else { "no" }.to_string(),
            Answer::Scale(v) => v.to_string(),
        }
    }

    /// The raw form values that reproduce this answer (see [`Answer::from_values`]).
    pub fn to_values(&self) -> Vec<String> {
        match self {
            Answer::Choices(vs) | Answer::Ranking(vs) => vs.clone(),
            other => vec![other.to_cell()],
        }
    }

    /// Reads an answer from raw values (form fields or a split CSV cell). Empty values mean "no
    /// answer" and give `Ok(None)`. For a ranking, values are option values, most preferred first.
    pub fn from_values(question: &Question, values: &[String]) -> Result<Option<Answer>, String> {
        let values: Vec<&str> = values
            .iter()
            .map(|v| {
                if question.kind == QuestionKind::FreeText {
                    v.as_str()
                } else {
                    v.trim()
                }
            })
            .filter(|v| !v.trim().is_empty())
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        let known = |v: &str| -> Result<String, String> {
            if question.options.iter().any(|o| o.value == v) {
                Ok(v.to_string())
            } else {
                let expected: Vec<_> = question.options.iter().map(|o| o.value.as_str()).collect();
                Err(format!(
                    "'{v}' is not an option (expected one of {})",
                    expected.join(", ")
                ))
            }
        };
        let single = |values: &[&str]| -> Result<(), String> {
            if values.len() > 1 {
                Err("give one answer only".to_string())
            } else {
                Ok(())
            }
        };
        let answer = match question.kind {
            QuestionKind::SingleChoice => {
                single(&values)?;
                Answer::Choice(known(values[0])?)
            }
            QuestionKind::MultipleChoice => {
                let mut chosen = Vec::new();
                for v in &values {
                    let v = known(v)?;
                    if !chosen.contains(&v) {
                        chosen.push(v);
                    }
                }
                // Instrument order, so equal answers compare equal.
                chosen.sort_by_key(|v| question.options.iter().position(|o| &o.value == v));
                if let Some(max) = question.max_choices
                    && chosen.len() > max
                {
                    return Err(format!(
                        "choose at most {max} options ({} chosen)",
                        chosen.len()
                    ));
                }
                Answer::Choices(chosen)
            }
            QuestionKind::YesNo => {
                single(&values)?;
                match values[0].to_lowercase().as_str() {
                    "yes" | "y" | "true" => Answer::YesNo(true),
                    "no" | "n" | "false" => Answer::YesNo(false),
                    other => return Err(format!("'{other}' is not yes or no")),
                }
            }
            QuestionKind::Ranking => {
                let mut ranked = Vec::new();
                for v in &values {
                    let v = known(v)?;
                    if ranked.contains(&v) {
                        return Err(format!("'{v}' is ranked twice"));
                    }
                    ranked.push(v);
                }
                if let Some(max) = question.max_choices
                    && ranked.len() > max
                {
                    return Err(format!(
                        "rank at most {max} options ({} ranked)",
                        ranked.len()
                    ));
                }
                Answer::Ranking(ranked)
            }
            QuestionKind::Scale => {
                single(&values)?;
                let (min, max) = question.scale_bounds();
                match values[0].parse::<i64>() {
                    Ok(v) if (min..=max).contains(&v) => Answer::Scale(v),
                    _ => {
                        return Err(format!(
                            "'{}' is not a whole number from {min} to {max}",
                            values[0]
                        ));
                    }
                }
            }
            QuestionKind::FreeText => {
                let text = values.join("\n");
                if text.chars().count() > MAX_TEXT_LEN {
                    return Err(format!("the text is longer than {MAX_TEXT_LEN} characters"));
                }
                Answer::Text(text)
            }
        };
        Ok(Some(answer))
    }

    /// Reads an answer from one CSV cell: `a;b` for multiple choices, `a>b>c` for a ranking.
    pub fn from_cell(question: &Question, cell: &str) -> Result<Option<Answer>, String> {
        let values: Vec<String> = match question.kind {
            QuestionKind::MultipleChoice => cell.split(';').map(str::to_string).collect(),
            QuestionKind::Ranking => cell.split('>').map(str::to_string).collect(),
            _ => vec![cell.to_string()],
        };
        Answer::from_values(question, &values)
    }

    /// Reads an answer back from its stored JSON, checking it against the question.
    pub fn from_json(
        question: &Question,
        value: &serde_json::Value,
    ) -> Result<Option<Answer>, String> {
        let values: Vec<String> = match value {
            serde_json::Value::Null => return Ok(None),
            serde_json::Value::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
            serde_json::Value::Number(n) => vec![n.to_string()],
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or("expected a list of option values")
                })
                .collect::<Result<_, _>>()?,
            serde_json::Value::Object(_) => return Err("unexpected object".into()),
        };
        Answer::from_values(question, &values)
    }
}

/// Whether a question applies given the other answers (its `show_if` condition holds, or it has
/// none).
pub fn applies(instrument: &Instrument, question: &Question, answers: &Answers) -> bool {
    let Some(condition) = &question.show_if else {
        return true;
    };
    let Some(earlier) = instrument.question(&condition.question) else {
        return false;
    };
    applies(instrument, earlier, answers)
        && answers
            .get(&condition.question)
            .is_some_and(|a| a.categories().iter().any(|c| c == &condition.equals))
}

/// Drops answers to questions that do not apply (or do not exist) and, when `complete`, checks
/// that every required question that applies is answered. Returns every problem, not just the
/// first.
pub fn finalize(
    instrument: &Instrument,
    answers: Answers,
    complete: bool,
) -> Result<Answers, Vec<AnswerError>> {
    let mut kept = Answers::new();
    let mut errors = Vec::new();
    for question in &instrument.questions {
        if !applies(instrument, question, &answers) {
            continue;
        }
        match answers.get(&question.id) {
            Some(answer) => {
                kept.insert(question.id.clone(), answer.clone());
            }
            None if complete && question.required => errors.push(AnswerError {
                question: question.id.clone(),
                message: "this question needs an answer".into(),
            }),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// Reads raw values by question id (from a form or JSON) into answers, collecting every problem.
/// Unknown question ids are errors.
pub fn parse_values(
    instrument: &Instrument,
    raw: &BTreeMap<String, Vec<String>>,
) -> Result<Answers, Vec<AnswerError>> {
    let mut answers = Answers::new();
    let mut errors = Vec::new();
    for (id, values) in raw {
        let Some(question) = instrument.question(id) else {
            errors.push(AnswerError {
                question: id.clone(),
                message: "no such question in this survey".into(),
            });
            continue;
        };
        match Answer::from_values(question, values) {
            Ok(Some(answer)) => {
                answers.insert(id.clone(), answer);
            }
            Ok(None) => {}
            Err(message) => errors.push(AnswerError {
                question: id.clone(),
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Answers as stored JSON.
pub fn to_json(answers: &Answers) -> String {
    serde_json::to_string(answers).unwrap_or_else(|_| "{}".into())
}

/// Answers from stored JSON, checked against the instrument.
pub fn from_json(instrument: &Instrument, json: &str) -> Result<Answers, String> {
    let map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| format!("stored answers are not JSON: {e}"))?;
    let mut answers = Answers::new();
    for (id, value) in map {
        let question = instrument
            .question(&id)
            .ok_or_else(|| format!("stored answer to unknown question '{id}'"))?;
        if let Some(answer) =
            Answer::from_json(question, &value).map_err(|e| format!("{id}: {e}"))?
        {
            answers.insert(id, answer);
        }
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instrument() -> Instrument {
        Instrument::bundled()
    }

    fn raw(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect()
    }

    #[test]
    fn answers_round_trip_through_json() {
        let i = instrument();
        let answers = parse_values(
            &i,
            &raw(&[
                ("regions_of_focus", &["europe", "north_america", "europe"]),
                ("top_priority_region", &["north_america"]),
                ("us_presence", &["yes"]),
                ("comments", &["'; DROP TABLE x; -- <b>hi</b>\n  spaced  "]),
            ]),
        )
        .unwrap();
        assert_eq!(
            answers["regions_of_focus"],
            Answer::Choices(vec!["north_america".into(), "europe".into()]),
            "deduplicated, instrument order"
        );
        let json = to_json(&answers);
        assert_eq!(from_json(&i, &json).unwrap(), answers);
        assert_eq!(
            answers["comments"],
            Answer::Text("'; DROP TABLE x; -- <b>hi</b>\n  spaced  ".into())
        );
    }

    #[test]
    fn bad_values_are_reported_per_question() {
        let i = instrument();
        let errors = parse_values(
            &i,
            &raw(&[
                ("top_priority_region", &["mars"]),
                (
                    "highest_priority_regions",
                    &["europe", "china", "africa", "south_asia"],
                ),
                ("us_presence", &["perhaps"]),
                ("nonsense", &["1"]),
            ]),
        )
        .unwrap_err();
        let by: BTreeMap<_, _> = errors
            .iter()
            .map(|e| (e.question.as_str(), e.message.as_str()))
            .collect();
        assert!(by["top_priority_region"].contains("'mars' is not an option"));
        assert!(by["highest_priority_regions"].contains("at most 3"));
        assert!(by["us_presence"].contains("not yes or no"));
        assert!(by["nonsense"].contains("no such question"));
    }

    #[test]
    fn conditional_questions_are_dropped_when_they_do_not_apply() {
        let i = instrument();
        let answers = parse_values(
            &i,
            &raw(&[("us_presence", &["no"]), ("us_presence_kind", &["office"])]),
        )
        .unwrap();
        let kept = finalize(&i, answers, false).unwrap();
        assert!(!kept.contains_key("us_presence_kind"));

        let answers = parse_values(&i, &raw(&[("us_presence", &["yes"])])).unwrap();
        let missing = finalize(&i, answers, true).unwrap_err();
        let ids: Vec<_> = missing.iter().map(|e| e.question.as_str()).collect();
        assert!(ids.contains(&"us_presence_kind"));
        assert!(ids.contains(&"regions_of_focus"));
        assert!(!ids.contains(&"comments"), "optional");
        assert!(!ids.contains(&"barriers_other"), "does not apply");
    }

    #[test]
    fn cells_split_multiple_choices_and_rankings() {
        let q: Question = toml::from_str(
            "id = \"r\"\ntype = \"ranking\"\ntext = \"R\"\noptions = [{ value = \"a\", label = \"A\" }, { value = \"b\", label = \"B\" }, { value = \"c\", label = \"C\" }]",
        )
        .unwrap();
        assert_eq!(
            Answer::from_cell(&q, "c>a").unwrap(),
            Some(Answer::Ranking(vec!["c".into(), "a".into()]))
        );
        assert!(Answer::from_cell(&q, "a>a").unwrap_err().contains("twice"));
        assert_eq!(Answer::from_cell(&q, "  ").unwrap(), None);
        assert_eq!(
            Answer::Ranking(vec!["c".into(), "a".into()]).to_cell(),
            "c>a"
        );
    }
}
