//! Tabulation: counts and percentages for each question with the denominator always shown
//! ("18 institutions (90%) of 20 respondents"), cross-tabulation of two questions with
//! suppression of small cells, and text, JSON and CSV renderings.
//!
//! Only submitted responses are counted. Percentages are of respondents (institutions that
//! submitted) and of members (all member institutions of the group); a multiple-choice question's
//! rows can add up to more than 100%.

use std::fmt::Write as _;

use serde::Serialize;

use crate::answers::{Answer, Answers, applies};
use crate::instrument::{Instrument, Question, QuestionKind};
use crate::store::{Response, StoredInstrument};
use crate::{Result, SurveyError};

/// The category name used for respondents who gave no answer.
pub const NO_ANSWER: &str = "no_answer";

/// Choices made when tabulating.
#[derive(Debug, Clone, Default)]
pub struct TabulateOptions {
    /// Include free-text answers (admins only).
    pub include_free_text: bool,
    /// In cross-tabulations, hide counts from 1 to this value minus one (0 or 1: hide nothing).
    pub suppress_below: u64,
}

/// A count and what it is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// The count.
    pub n: u64,
    /// The denominator.
    pub of: u64,
    /// `n / of` as a percentage, unrounded; `None` when the denominator is zero.
    pub percent: Option<f64>,
}

impl Share {
    /// `n` of `of`.
    pub fn new(n: u64, of: u64) -> Share {
        Share {
            n,
            of,
            percent: (of > 0).then(|| 100.0 * n as f64 / of as f64),
        }
    }

    /// The percentage rounded half up to a whole number, computed exactly.
    pub fn rounded(&self) -> Option<u64> {
        (self.of > 0).then(|| (200 * self.n + self.of) / (2 * self.of))
    }

    /// "90%", or "–" with no denominator.
    pub fn percent_text(&self) -> String {
        self.rounded()
            .map_or_else(|| "–".to_string(), |p| format!("{p}%"))
    }

    /// "18 institutions (90%) of 20 respondents".
    pub fn describe(&self, denominator: &str) -> String {
        let noun = if self.n == 1 {
            "institution"
        } else {
            "institutions"
        };
        format!(
            "{} {noun} ({}) of {} {denominator}",
            self.n,
            self.percent_text(),
            self.of
        )
    }
}

/// One row of a question's table.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    /// The option value (or `no_answer`).
    pub value: String,
    /// Its label.
    pub label: String,
    /// Respondents in this row, as a share of all respondents.
    pub of_respondents: Share,
    /// The same count as a share of all member institutions.
    pub of_members: Share,
    /// Rankings only: how many put this option 1st, 2nd, ...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rank_counts: Vec<u64>,
    /// Rankings only: its mean position among those who ranked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_rank: Option<f64>,
}

/// The table of one question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionTable {
    /// Question id.
    pub id: String,
    /// Question text.
    pub text: String,
    /// Question type.
    pub kind: QuestionKind,
    /// When the question is conditional: the condition, e.g. `us_presence = yes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_if: Option<String>,
    /// Respondents the question applied to.
    pub asked: u64,
    /// Respondents who answered.
    pub answered: u64,
    /// One row per option (per value for scales), in the instrument's order, then "No answer".
    /// Rankings count first places.
    pub rows: Vec<TableRow>,
    /// The option values with the highest count (several when tied); empty when nobody answered.
    pub most_common: Vec<String>,
    /// Scales only: mean of the answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Scales only: median of the answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    /// Free text only, and only when asked for (admins): the answers, by institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub texts: Option<Vec<(String, String)>>,
}

/// The tabulation of a survey version.
#[derive(Debug, Clone, Serialize)]
pub struct Tabulation {
    /// `slug@version`.
    pub survey: String,
    /// The survey's title.
    pub title: String,
    /// Institutions that submitted a response.
    pub respondents: u64,
    /// Member institutions of the group.
    pub members: u64,
    /// Whether any counted response is synthetic (demo data).
    pub synthetic: bool,
    /// One table per question.
    pub questions: Vec<QuestionTable>,
}

fn asked_if(question: &Question) -> Option<String> {
    question
        .show_if
        .as_ref()
        .map(|c| format!("{} = {}", c.question, c.equals))
}

fn table(
    instrument: &Instrument,
    question: &Question,
    responses: &[(&str, &Answers)],
    members: u64,
    options: &TabulateOptions,
) -> QuestionTable {
    let respondents = responses.len() as u64;
    let asked = responses
        .iter()
        .filter(|(_, a)| applies(instrument, question, a))
        .count() as u64;
    let answers: Vec<(&str, &Answer)> = responses
        .iter()
        .filter_map(|(ror, a)| a.get(&question.id).map(|answer| (*ror, answer)))
        .collect();
    let answered = answers.len() as u64;
    let mut rows = Vec::new();
    let categories = question.categories();
    for category in &categories {
        let count = answers
            .iter()
            .filter(|(_, a)| a.categories().contains(&category.value))
            .count() as u64;
        let mut row = TableRow {
            value: category.value.clone(),
            label: category.label.clone(),
            of_respondents: Share::new(count, respondents),
            of_members: Share::new(count, members),
            rank_counts: Vec::new(),
            mean_rank: None,
        };
        if question.kind == QuestionKind::Ranking {
            let positions: Vec<usize> = answers
                .iter()
                .filter_map(|(_, a)| match a {
                    Answer::Ranking(order) => order.iter().position(|v| v == &category.value),
                    _ => None,
                })
                .collect();
            row.rank_counts = (0..categories.len())
                .map(|rank| positions.iter().filter(|p| **p == rank).count() as u64)
                .collect();
            row.mean_rank = (!positions.is_empty()).then(|| {
                positions.iter().map(|p| (p + 1) as f64).sum::<f64>() / positions.len() as f64
            });
        }
        rows.push(row);
    }
    if question.kind != QuestionKind::FreeText {
        let max = rows.iter().map(|r| r.of_respondents.n).max().unwrap_or(0);
        let most_common = if max == 0 {
            Vec::new()
        } else {
            rows.iter()
                .filter(|r| r.of_respondents.n == max)
                .map(|r| r.value.clone())
                .collect()
        };
        rows.push(TableRow {
            value: NO_ANSWER.into(),
            label: "No answer".into(),
            of_respondents: Share::new(respondents - answered, respondents),
            of_members: Share::new(respondents - answered, members),
            rank_counts: Vec::new(),
            mean_rank: None,
        });
        let (mean, median) = if question.kind == QuestionKind::Scale {
            let mut values: Vec<i64> = answers
                .iter()
                .filter_map(|(_, a)| match a {
                    Answer::Scale(v) => Some(*v),
                    _ => None,
                })
                .collect();
            values.sort_unstable();
            let mean = (!values.is_empty())
                .then(|| values.iter().sum::<i64>() as f64 / values.len() as f64);
            let median = (!values.is_empty()).then(|| {
                let mid = values.len() / 2;
                if values.len() % 2 == 1 {
                    values[mid] as f64
                } else {
                    (values[mid - 1] + values[mid]) as f64 / 2.0
                }
            });
            (mean, median)
        } else {
            (None, None)
        };
        return QuestionTable {
            id: question.id.clone(),
            text: question.text.clone(),
            kind: question.kind,
            asked_if: asked_if(question),
            asked,
            answered,
            rows,
            most_common,
            mean,
            median,
            texts: None,
        };
    }
    let texts = options.include_free_text.then(|| {
        answers
            .iter()
            .filter_map(|(ror, a)| match a {
                Answer::Text(t) => Some((ror.to_string(), t.clone())),
                _ => None,
            })
            .collect()
    });
    QuestionTable {
        id: question.id.clone(),
        text: question.text.clone(),
        kind: question.kind,
        asked_if: asked_if(question),
        asked,
        answered,
        rows: vec![
            TableRow {
                value: "answered".into(),
                label: "Answered".into(),
                of_respondents: Share::new(answered, respondents),
                of_members: Share::new(answered, members),
                rank_counts: Vec::new(),
                mean_rank: None,
            },
            TableRow {
                value: NO_ANSWER.into(),
                label: "No answer".into(),
                of_respondents: Share::new(respondents - answered, respondents),
                of_members: Share::new(respondents - answered, members),
                rank_counts: Vec::new(),
                mean_rank: None,
            },
        ],
        most_common: Vec::new(),
        mean: None,
        median: None,
        texts,
    }
}

/// Tabulates answers: `responses` are (institution, answers) pairs of submitted responses.
pub fn tabulate_answers(
    instrument: &Instrument,
    responses: &[(&str, &Answers)],
    members: u64,
    options: &TabulateOptions,
) -> Tabulation {
    Tabulation {
        survey: instrument.slug.clone(),
        title: instrument.title.clone(),
        respondents: responses.len() as u64,
        members,
        synthetic: false,
        questions: instrument
            .questions
            .iter()
            .map(|q| table(instrument, q, responses, members, options))
            .collect(),
    }
}

/// Tabulates the submitted responses of a stored version.
pub fn tabulate(
    stored: &StoredInstrument,
    responses: &[Response],
    members: u64,
    options: &TabulateOptions,
) -> Tabulation {
    let pairs: Vec<(&str, &Answers)> = responses
        .iter()
        .filter(|r| r.instrument_id == stored.id)
        .map(|r| (r.institution_ror.as_str(), &r.answers))
        .collect();
    let mut tabulation = tabulate_answers(&stored.instrument, &pairs, members, options);
    tabulation.survey = stored.reference();
    tabulation.synthetic = responses.iter().any(|r| r.synthetic);
    tabulation
}

impl Tabulation {
    /// The table of one question.
    pub fn question(&self, id: &str) -> Option<&QuestionTable> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// A plain-text report: every count with its denominator.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} ({})", self.title, self.survey);
        if self.synthetic {
            let _ = writeln!(
                out,
                "SYNTHETIC DATA: these responses were generated for a demonstration."
            );
        }
        let responded = Share::new(self.respondents, self.members);
        let _ = writeln!(
            out,
            "{} of {} member institutions responded ({}).",
            self.respondents,
            self.members,
            responded.percent_text()
        );
        for (index, q) in self.questions.iter().enumerate() {
            let _ = writeln!(out);
            let _ = writeln!(out, "{}. {}", index + 1, q.text);
            let mut notes = vec![q.kind.as_str().replace('_', " ")];
            if let Some(c) = &q.asked_if {
                notes.push(format!(
                    "asked if {c}: {} of {} respondents",
                    q.asked, self.respondents
                ));
            }
            if q.kind == QuestionKind::MultipleChoice {
                notes.push("several answers allowed: rows can add up to more than 100%".into());
            }
            if q.kind == QuestionKind::Ranking {
                notes.push("rows count first places".into());
            }
            let _ = writeln!(out, "   [{}]", notes.join("; "));
            let width = q
                .rows
                .iter()
                .map(|r| r.label.chars().count())
                .max()
                .unwrap_or(0);
            for row in &q.rows {
                let pad = width - row.label.chars().count();
                let _ = write!(
                    out,
                    "   {}{}  {}; {} of {} members",
                    row.label,
                    " ".repeat(pad),
                    row.of_respondents.describe("respondents"),
                    row.of_members.percent_text(),
                    self.members
                );
                if let Some(mean) = row.mean_rank {
                    let _ = write!(out, "; mean rank {mean:.1}");
                }
                let _ = writeln!(out);
            }
            if let (Some(mean), Some(median)) = (q.mean, q.median) {
                let _ = writeln!(
                    out,
                    "   mean {mean:.2}, median {median}, of {} answers",
                    q.answered
                );
            }
            if let Some(texts) = &q.texts {
                for (ror, text) in texts {
                    let _ = writeln!(out, "   - {ror}: {}", text.replace('\n', " "));
                }
            }
        }
        out
    }

    /// One CSV row per question row, with counts, denominators and rounded percentages.
    pub fn to_csv(&self) -> Result<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let err = |e: csv::Error| SurveyError::Stored(e.to_string());
        writer
            .write_record([
                "survey",
                "question",
                "question_text",
                "type",
                "value",
                "label",
                "count",
                "respondents",
                "percent_of_respondents",
                "members",
                "percent_of_members",
                "synthetic",
            ])
            .map_err(err)?;
        for q in &self.questions {
            for row in &q.rows {
                let pct = |s: &Share| s.percent.map_or_else(String::new, |p| format!("{p:.1}"));
                writer
                    .write_record([
                        self.survey.as_str(),
                        &q.id,
                        &q.text,
                        q.kind.as_str(),
                        &row.value,
                        &row.label,
                        &row.of_respondents.n.to_string(),
                        &row.of_respondents.of.to_string(),
                        &pct(&row.of_respondents),
                        &row.of_members.of.to_string(),
                        &pct(&row.of_members),
                        if self.synthetic { "true" } else { "false" },
                    ])
                    .map_err(err)?;
            }
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| SurveyError::Stored(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| SurveyError::Stored(e.to_string()))
    }

    /// The tabulation as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A count that may be hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The count; `None` when suppressed.
    pub count: Option<u64>,
}

impl Cell {
    /// The count, or `<T` when suppressed below threshold `T`.
    pub fn text(&self, threshold: u64) -> String {
        self.count
            .map_or_else(|| format!("<{threshold}"), |n| n.to_string())
    }
}

/// A category of a cross-tabulation axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Option value, or `no_answer`.
    pub value: String,
    /// Label.
    pub label: String,
}

/// Two questions against each other: how many respondents fall in each pair of categories.
#[derive(Debug, Clone, Serialize)]
pub struct CrossTab {
    /// The question whose categories are the rows.
    pub row_question: String,
    /// The question whose categories are the columns.
    pub column_question: String,
    /// Row categories (options, then "No answer").
    pub rows: Vec<Category>,
    /// Column categories (options, then "No answer").
    pub columns: Vec<Category>,
    /// `cells[r][c]`: respondents in row category r and column category c.
    pub cells: Vec<Vec<Cell>>,
    /// Respondents in each row category.
    pub row_totals: Vec<Cell>,
    /// Respondents in each column category.
    pub column_totals: Vec<Cell>,
    /// All respondents.
    pub respondents: u64,
    /// Counts from 1 to `threshold - 1` are hidden (as are the counts that would reveal them).
    pub threshold: u64,
}

fn axis(question: &Question) -> Result<Vec<Category>> {
    if question.kind == QuestionKind::FreeText {
        return Err(SurveyError::Tabulation(format!(
            "'{}' is a free-text question and cannot be cross-tabulated",
            question.id
        )));
    }
    let mut categories: Vec<Category> = question
        .categories()
        .into_iter()
        .map(|c| Category {
            value: c.value,
            label: c.label,
        })
        .collect();
    categories.push(Category {
        value: NO_ANSWER.into(),
        label: "No answer".into(),
    });
    Ok(categories)
}

fn categories_of(question: &Question, answers: &Answers) -> Vec<String> {
    match answers.get(&question.id) {
        Some(answer) => answer.categories(),
        None => vec![NO_ANSWER.to_string()],
    }
}

/// Cross-tabulates two questions over submitted answers. Rankings use first places; a
/// multiple-choice respondent is counted in each ticked category.
///
/// Suppression (when `threshold` > 1): every count from 1 to `threshold - 1`, in cells and
/// totals, is hidden; then, as long as some row or column (or the row or column totals) has
/// exactly one hidden count beside a shown total, the smallest other non-zero count in it is hidden
/// too (or the total, if there is none), so that no hidden count can be worked out by subtraction.
/// Zeros are shown.
pub fn crosstab(
    instrument: &Instrument,
    responses: &[(&str, &Answers)],
    row_question: &str,
    column_question: &str,
    threshold: u64,
) -> Result<CrossTab> {
    let find = |id: &str| {
        instrument
            .question(id)
            .ok_or_else(|| SurveyError::NotFound(format!("question '{id}'")))
    };
    let (rq, cq) = (find(row_question)?, find(column_question)?);
    let (rows, columns) = (axis(rq)?, axis(cq)?);
    let mut counts = vec![vec![0u64; columns.len()]; rows.len()];
    let mut row_totals = vec![0u64; rows.len()];
    let mut column_totals = vec![0u64; columns.len()];
    let index = |axis: &[Category], v: &str| axis.iter().position(|c| c.value == v);
    for (_, answers) in responses {
        let rs: Vec<usize> = categories_of(rq, answers)
            .iter()
            .filter_map(|v| index(&rows, v))
            .collect();
        let cs: Vec<usize> = categories_of(cq, answers)
            .iter()
            .filter_map(|v| index(&columns, v))
            .collect();
        for &r in &rs {
            row_totals[r] += 1;
            for &c in &cs {
                counts[r][c] += 1;
            }
        }
        for &c in &cs {
            column_totals[c] += 1;
        }
    }
    let hidden = suppress(&counts, &row_totals, &column_totals, threshold);
    let cell = |n: u64, hide: bool| Cell {
        count: (!hide).then_some(n),
    };
    Ok(CrossTab {
        row_question: rq.id.clone(),
        column_question: cq.id.clone(),
        cells: counts
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, &n)| cell(n, hidden.cells[r][c]))
                    .collect()
            })
            .collect(),
        row_totals: row_totals
            .iter()
            .enumerate()
            .map(|(r, &n)| cell(n, hidden.rows[r]))
            .collect(),
        column_totals: column_totals
            .iter()
            .enumerate()
            .map(|(c, &n)| cell(n, hidden.columns[c]))
            .collect(),
        rows,
        columns,
        respondents: responses.len() as u64,
        threshold,
    })
}

struct Hidden {
    cells: Vec<Vec<bool>>,
    rows: Vec<bool>,
    columns: Vec<bool>,
}

/// Hides one more count in a line of counts that has exactly one hidden: the smallest non-zero
/// shown one. Returns whether it hid something.
fn hide_complement(values: &[u64], hidden: &mut [&mut bool]) -> bool {
    let candidate = values
        .iter()
        .enumerate()
        .filter(|(i, n)| **n > 0 && !*hidden[*i])
        .min_by_key(|(i, n)| (**n, *i))
        .map(|(i, _)| i);
    match candidate {
        Some(i) => {
            *hidden[i] = true;
            true
        }
        None => false,
    }
}

fn suppress(
    counts: &[Vec<u64>],
    row_totals: &[u64],
    column_totals: &[u64],
    threshold: u64,
) -> Hidden {
    let small = |n: u64| n > 0 && n < threshold;
    let mut h = Hidden {
        cells: counts
            .iter()
            .map(|row| row.iter().map(|&n| small(n)).collect())
            .collect(),
        rows: row_totals.iter().map(|&n| small(n)).collect(),
        columns: column_totals.iter().map(|&n| small(n)).collect(),
    };
    if threshold <= 1 {
        return h;
    }
    loop {
        let mut changed = false;
        for (r, row_counts) in counts.iter().enumerate() {
            if h.cells[r].iter().filter(|x| **x).count() == 1 && !h.rows[r] {
                let mut refs: Vec<&mut bool> = h.cells[r].iter_mut().collect();
                if !hide_complement(row_counts, &mut refs) {
                    h.rows[r] = true;
                }
                changed = true;
            }
        }
        for c in 0..column_totals.len() {
            let column: Vec<u64> = counts.iter().map(|row| row[c]).collect();
            if h.cells.iter().filter(|row| row[c]).count() == 1 && !h.columns[c] {
                let mut refs: Vec<&mut bool> = h.cells.iter_mut().map(|row| &mut row[c]).collect();
                if !hide_complement(&column, &mut refs) {
                    h.columns[c] = true;
                }
                changed = true;
            }
        }
        for (values, flags) in [(row_totals, &mut h.rows), (column_totals, &mut h.columns)] {
            if flags.iter().filter(|x| **x).count() == 1 {
                let mut refs: Vec<&mut bool> = flags.iter_mut().collect();
                changed |= hide_complement(values, &mut refs);
            }
        }
        if !changed {
            return h;
        }
    }
}

impl CrossTab {
    /// A plain-text grid; hidden counts show as `<T`.
    pub fn to_text(&self) -> String {
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut header = vec![format!("{} \\ {}", self.row_question, self.column_question)];
        header.extend(self.columns.iter().map(|c| c.label.clone()));
        header.push("Total".into());
        grid.push(header);
        for (r, category) in self.rows.iter().enumerate() {
            let mut line = vec![category.label.clone()];
            line.extend(self.cells[r].iter().map(|c| c.text(self.threshold)));
            line.push(self.row_totals[r].text(self.threshold));
            grid.push(line);
        }
        let mut totals = vec!["Total".to_string()];
        totals.extend(self.column_totals.iter().map(|c| c.text(self.threshold)));
        totals.push(self.respondents.to_string());
        grid.push(totals);
        let widths: Vec<usize> = (0..grid[0].len())
            .map(|i| grid.iter().map(|l| l[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for line in grid {
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{s:>w$}", w = widths[i]))
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
        let _ = writeln!(out, "{} respondents.", self.respondents);
        if self.threshold > 1 {
            let _ = writeln!(
                out,
                "Counts below {} are hidden (<{}), with any count that would reveal them.",
                self.threshold, self.threshold
            );
        }
        out
    }
}
