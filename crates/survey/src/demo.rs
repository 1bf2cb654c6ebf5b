//! Synthetic responses to the bundled instrument, for demonstrations: 20 of the 24 Russell Group
//! members answer, and the answers reproduce the published aggregates (18 of 20 report a US or
//! North American focus, 5 name it their top priority, 12 one of their highest priorities, and
//! 13 have a direct presence in the US). Every other answer is invented. Loaded responses are
//! marked synthetic, and every view says so.

use crate::instrument::Instrument;
use crate::store::{StoredInstrument, Surveys};
use crate::{Result, SurveyError};

/// How many institutions answer in the demonstration.
pub const DEMO_RESPONDENTS: usize = 20;

const OTHER_TOP: [&str; 15] = [
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "europe",
    "china",
    "china",
    "east_asia",
    "south_asia",
    "australasia",
];

/// The synthetic responses as CSV (the format of [`Surveys::import_responses_csv`]), for the
/// first 20 of `members` (ROR ids, in the order given).
pub fn responses_csv(members: &[String]) -> Result<String> {
    if members.len() < DEMO_RESPONDENTS {
        return Err(SurveyError::Tabulation(format!(
            "the demonstration needs {DEMO_RESPONDENTS} member institutions, the group has {}",
            members.len()
        )));
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "institution",
        "regions_of_focus",
        "top_priority_region",
        "highest_priority_regions",
        "us_presence",
        "us_presence_kind",
        "us_presence_purposes",
        "partnership_models",
        "barriers",
        "barriers_other",
        "comments",
    ];
    let err = |e: csv::Error| SurveyError::Stored(e.to_string());
    writer.write_record(header).map_err(err)?;
    for (i, ror) in members.iter().take(DEMO_RESPONDENTS).enumerate() {
        // Institutions 0-4 put the US first; 0-11 count it among their highest priorities;
        // 0-17 focus on it; 0-12 have a presence there.
        let top = if i < 5 {
            "north_america"
        } else {
            OTHER_TOP[i - 5]
        };
        let mut focus = vec!["europe"];
        if i < 18 {
            focus.insert(0, "north_america");
        }
        if i % 2 == 0 {
            focus.push("china");
        }
        if i % 3 == 0 {
            focus.push("east_asia");
        }
        if i % 4 == 1 {
            focus.push("australasia");
        }
        if i % 5 == 2 {
            focus.push("africa");
        }
        if !focus.contains(&top) {
            focus.push(top);
        }
        let mut highest = vec![top];
        if i < 12 && top != "north_america" {
            highest.push("north_america");
        }
        if top != "europe" {
            highest.push("europe");
        }
        if highest.len() < 3 && i % 2 == 0 && top != "china" {
            highest.push("china");
        }
        highest.truncate(3);
        let presence = i < 13;
        let (kinds, purposes) = if presence {
            let kinds = match i % 4 {
                0 => "office;staff",
                1 => "staff",
                2 => "office;partner_hosted",
                _ => {
                    if i == 3 {
                        "campus;staff"
                    } else {
                        "partner_hosted"
                    }
                }
            };
            let purposes = match i % 3 {
                0 => "recruitment;alumni_relations;research",
                1 => "alumni_relations;recruitment",
                _ => "research",
            };
            (kinds, purposes)
        } else {
            ("", "")
        };
        let models = match i % 4 {
            0 => "strategic_partnerships;joint_centres;joint_phd",
            1 => "strategic_partnerships;seed_funds",
            2 => "joint_phd;staff_mobility;consortia",
            _ => "strategic_partnerships;consortia",
        };
        let (barriers, other) = match i % 5 {
            0 => ("visas;funding;research_security", ""),
            1 => ("funding;research_security", ""),
            2 => ("visas;funding", ""),
            3 => (
                "visas;funding;research_security;other",
                "Synthetic answer: time zones and contract negotiation.",
            ),
            _ => ("funding", ""),
        };
        writer
            .write_record([
                ror.as_str(),
                &focus.join(";"),
                top,
                &highest.join(";"),
                if presence { "yes" } else { "no" },
                kinds,
                purposes,
                models,
                barriers,
                other,
                "Synthetic response generated for the Tandem demonstration.",
            ])
            .map_err(err)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| SurveyError::Stored(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| SurveyError::Stored(e.to_string()))
}

/// Imports the bundled instrument, invites every member and loads the synthetic responses of 20
/// of them (replacing earlier demonstration responses). Returns the version loaded.
pub async fn load(surveys: &Surveys) -> Result<StoredInstrument> {
    let (stored, _) = surveys
        .import_instrument(&Instrument::bundled(), None)
        .await?;
    let members: Vec<String> = surveys
        .db()
        .institutions()
        .await?
        .into_iter()
        .map(|i| i.ror)
        .collect();
    for ror in &members {
        surveys.invite(stored.id, ror, None).await?;
    }
    let csv = responses_csv(&members)?;
    surveys
        .import_responses_csv(&stored, &csv, "demo (synthetic)", true, true, None)
        .await?;
    Ok(stored)
}
