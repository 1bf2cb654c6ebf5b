//! Regions named by the survey's priority questions, with the countries they cover: what the
//! cross-analysis sets beside publication figures.

use crate::answers::{Answer, Answers};
use crate::instrument::Instrument;

/// The question whose answer is an institution's single top-priority region.
pub const TOP_PRIORITY_QUESTION: &str = "top_priority_region";
/// The question whose answers are an institution's highest-priority regions.
pub const HIGHEST_PRIORITY_QUESTION: &str = "highest_priority_regions";

/// A region option and its countries (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The option value, e.g. `north_america`.
    pub value: String,
    /// The label shown, e.g. `US / North America`.
    pub label: String,
    /// The countries it covers, in the order the instrument lists them.
    pub countries: Vec<String>,
}

/// The regions of the top-priority question, each with the countries given for the same option
/// value anywhere in the instrument (an option may list its countries in one question only).
/// Empty when the instrument has no top-priority question.
pub fn regions(instrument: &Instrument) -> Vec<Region> {
    let Some(top) = instrument.question(TOP_PRIORITY_QUESTION) else {
        return Vec::new();
    };
    top.options
        .iter()
        .map(|option| {
            let countries = std::iter::once(option)
                .chain(
                    instrument
                        .questions
                        .iter()
                        .flat_map(|q| q.options.iter())
                        .filter(|o| o.value == option.value),
                )
                .find(|o| !o.countries.is_empty())
                .map(|o| o.countries.clone())
                .unwrap_or_default();
            Region {
                value: option.value.clone(),
                label: option.label.clone(),
                countries,
            }
        })
        .collect()
}

/// The region covering `country`, if any.
pub fn region_of<'a>(regions: &'a [Region], country: &str) -> Option<&'a Region> {
    regions
        .iter()
        .find(|r| r.countries.iter().any(|c| c.eq_ignore_ascii_case(country)))
}

/// What one response says about one region: is it the top priority, among the highest ones?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    /// The region is the institution's top priority.
    pub top: bool,
    /// The region is among its highest priorities (the top priority counts as one).
    pub high: bool,
}

/// What `answers` state about `region`.
pub fn stated(answers: &Answers, region: &str) -> Stated {
    let top = matches!(answers.get(TOP_PRIORITY_QUESTION), Some(Answer::Choice(v)) if v == region);
    let high = match answers.get(HIGHEST_PRIORITY_QUESTION) {
        Some(Answer::Choices(values)) => values.iter().any(|v| v == region),
        Some(Answer::Choice(v)) => v == region,
        _ => false,
    };
    Stated {
        top,
        high: high || top,
    }
}

/// The value of an institution's top-priority region, if answered.
pub fn top_priority(answers: &Answers) -> Option<&str> {
    match answers.get(TOP_PRIORITY_QUESTION) {
        Some(Answer::Choice(v)) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_regions_carry_their_countries() {
        let instrument = Instrument::bundled();
        let all = regions(&instrument);
        assert_eq!(all.len(), 10);
        let europe = all.iter().find(|r| r.value == "europe").unwrap();
        assert!(
            europe.countries.contains(&"DE".to_string()),
            "countries found on the same option of another question"
        );
        assert_eq!(region_of(&all, "us").unwrap().value, "north_america");
        assert_eq!(region_of(&all, "HK").unwrap().value, "china");
        assert!(region_of(&all, "GB").is_none());
    }

    #[test]
    fn stated_priorities_read_both_questions() {
        let mut answers = Answers::new();
        answers.insert(
            TOP_PRIORITY_QUESTION.into(),
            Answer::Choice("north_america".into()),
        );
        assert_eq!(
            stated(&answers, "north_america"),
            Stated {
                top: true,
                high: true
            }
        );
        answers.insert(
            HIGHEST_PRIORITY_QUESTION.into(),
            Answer::Choices(vec!["europe".into(), "china".into()]),
        );
        assert_eq!(
            stated(&answers, "china"),
            Stated {
                top: false,
                high: true
            }
        );
        assert_eq!(
            stated(&answers, "africa"),
            Stated {
                top: false,
                high: false
            }
        );
        assert_eq!(top_priority(&answers), Some("north_america"));
    }
}
