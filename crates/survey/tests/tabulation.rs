//! Tabulation and cross-tabulation against tables computed by hand.

use std::collections::BTreeMap;

use tandem_survey::tabulate::{Share, crosstab, tabulate_answers};
use tandem_survey::{Answers, Instrument, TabulateOptions, answers::parse_values};

const DEFINITION: &str = r#"
slug = "hand"
title = "Hand-computed"
opens = "2000-01-01"
closes = "2100-01-01"

[[questions]]
id = "single"
type = "single_choice"
text = "Pick one"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }, { value = "c", label = "C" }]

[[questions]]
id = "multi"
type = "multiple_choice"
text = "Pick any"
options = [{ value = "x", label = "X" }, { value = "y", label = "Y" }, { value = "z", label = "Z" }]

[[questions]]
id = "yn"
type = "yes_no"
text = "Yes or no"

[[questions]]
id = "rank"
type = "ranking"
text = "Order these"
options = [{ value = "p", label = "P" }, { value = "q", label = "Q" }, { value = "r", label = "R" }]

[[questions]]
id = "scale"
type = "scale"
text = "How much"
min = 1
max = 5
min_label = "not at all"
max_label = "very"

[[questions]]
id = "text"
type = "free_text"
text = "Say something"
"#;

fn instrument() -> Instrument {
    Instrument::from_toml(DEFINITION, "hand.toml").unwrap()
}

/// Five respondents, with gaps:
///
/// | inst | single | multi | yn  | rank  | scale | text |
/// |------|--------|-------|-----|-------|-------|------|
/// | r1   | a      | x;y   | yes | q>p   | 4     | t1   |
/// | r2   | b      | x     | no  | p>q>r | 2     |      |
/// | r3   | a      |       | yes | q     | 5     |      |
/// | r4   | b      | y;z   | yes |       | 4     | <b>  |
/// | r5   |        | x     | no  | r>p   |       |      |
/// One respondent: its id and its answers as (question, values).
type Row<'a> = (&'a str, &'a [(&'a str, &'a [&'a str])]);

fn responses(i: &Instrument) -> Vec<(String, Answers)> {
    let rows: [Row; 5] = [
        (
            "r1",
            &[
                ("single", &["a"]),
                ("multi", &["x", "y"]),
                ("yn", &["yes"]),
                ("rank", &["q", "p"]),
                ("scale", &["4"]),
                ("text", &["t1"]),
            ],
        ),
        (
            "r2",
            &[
                ("single", &["b"]),
                ("multi", &["x"]),
                ("yn", &["no"]),
                ("rank", &["p", "q", "r"]),
                ("scale", &["2"]),
            ],
        ),
        (
            "r3",
            &[
                ("single", &["a"]),
                ("yn", &["yes"]),
                ("rank", &["q"]),
                ("scale", &["5"]),
            ],
        ),
        (
            "r4",
            &[
                ("single", &["b"]),
                ("multi", &["y", "z"]),
                ("yn", &["yes"]),
                ("scale", &["4"]),
                ("text", &["<b>x</b>"]),
            ],
        ),
        (
            "r5",
            &[("multi", &["x"]), ("yn", &["no"]), ("rank", &["r", "p"])],
        ),
    ];
    rows.iter()
        .map(|(ror, pairs)| {
            let raw: BTreeMap<String, Vec<String>> = pairs
                .iter()
                .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
                .collect();
            (ror.to_string(), parse_values(i, &raw).unwrap())
        })
        .collect()
}

fn counts(t: &tandem_survey::tabulate::QuestionTable) -> Vec<(&str, u64, Option<u64>)> {
    t.rows
        .iter()
        .map(|r| {
            (
                r.value.as_str(),
                r.of_respondents.n,
                r.of_respondents.rounded(),
            )
        })
        .collect()
}

#[test]
fn percentages_round_half_up_and_show_their_denominator() {
    assert_eq!(
        Share::new(18, 20).describe("respondents"),
        "18 institutions (90%) of 20 respondents"
    );
    assert_eq!(
        Share::new(1, 20).describe("respondents"),
        "1 institution (5%) of 20 respondents"
    );
    assert_eq!(Share::new(1, 3).rounded(), Some(33));
    assert_eq!(Share::new(2, 3).rounded(), Some(67));
    assert_eq!(Share::new(1, 8).rounded(), Some(13), "12.5 rounds up");
    assert_eq!(
        Share::new(0, 0).describe("respondents"),
        "0 institutions (–) of 0 respondents"
    );
    assert_eq!(Share::new(5, 20).rounded(), Some(25));
    assert_eq!(Share::new(13, 20).rounded(), Some(65));
}

#[test]
fn question_tables_match_hand_counts_with_ties_and_no_answers() {
    let i = instrument();
    let data = responses(&i);
    let pairs: Vec<(&str, &Answers)> = data.iter().map(|(r, a)| (r.as_str(), a)).collect();
    let t = tabulate_answers(&i, &pairs, 8, &TabulateOptions::default());
    assert_eq!((t.respondents, t.members), (5, 8));

    let single = t.question("single").unwrap();
    assert_eq!(
        counts(single),
        [
            ("a", 2, Some(40)),
            ("b", 2, Some(40)),
            ("c", 0, Some(0)),
            ("no_answer", 1, Some(20))
        ]
    );
    assert_eq!(
        single.most_common,
        ["a", "b"],
        "a tie lists both, in instrument order"
    );
    assert_eq!(single.rows[0].of_members.rounded(), Some(25));
    assert_eq!(single.rows[0].of_members.of, 8);
    assert_eq!(single.answered, 4);

    let multi = t.question("multi").unwrap();
    assert_eq!(
        counts(multi),
        [
            ("x", 3, Some(60)),
            ("y", 2, Some(40)),
            ("z", 1, Some(20)),
            ("no_answer", 1, Some(20))
        ]
    );
    assert_eq!(multi.most_common, ["x"]);

    let yn = t.question("yn").unwrap();
    assert_eq!(
        counts(yn),
        [
            ("yes", 3, Some(60)),
            ("no", 2, Some(40)),
            ("no_answer", 0, Some(0))
        ]
    );

    let rank = t.question("rank").unwrap();
    assert_eq!(
        counts(rank),
        [
            ("p", 1, Some(20)),
            ("q", 2, Some(40)),
            ("r", 1, Some(20)),
            ("no_answer", 1, Some(20))
        ]
    );
    assert_eq!(rank.rows[0].rank_counts, [1, 2, 0]);
    assert_eq!(rank.rows[1].rank_counts, [2, 1, 0]);
    assert_eq!(rank.rows[2].rank_counts, [1, 0, 1]);
    assert!((rank.rows[0].mean_rank.unwrap() - 5.0 / 3.0).abs() < 1e-9);
    assert!((rank.rows[1].mean_rank.unwrap() - 4.0 / 3.0).abs() < 1e-9);
    assert_eq!(rank.rows[2].mean_rank, Some(2.0));
    assert_eq!(rank.most_common, ["q"]);

    let scale = t.question("scale").unwrap();
    assert_eq!(
        counts(scale),
        [
            ("1", 0, Some(0)),
            ("2", 1, Some(20)),
            ("3", 0, Some(0)),
            ("4", 2, Some(40)),
            ("5", 1, Some(20)),
            ("no_answer", 1, Some(20))
        ]
    );
    assert_eq!(scale.rows[0].label, "1 (not at all)");
    assert_eq!(scale.rows[4].label, "5 (very)");
    assert_eq!(scale.mean, Some(3.75));
    assert_eq!(scale.median, Some(4.0));

    let text = t.question("text").unwrap();
    assert_eq!(
        counts(text),
        [("answered", 2, Some(40)), ("no_answer", 3, Some(60))]
    );
    assert!(text.texts.is_none(), "free text only when asked for");
    let admin = tabulate_answers(
        &i,
        &pairs,
        8,
        &TabulateOptions {
            include_free_text: true,
            suppress_below: 0,
        },
    );
    assert_eq!(
        admin.question("text").unwrap().texts.as_ref().unwrap(),
        &[
            ("r1".to_string(), "t1".to_string()),
            ("r4".to_string(), "<b>x</b>".to_string())
        ]
    );
}

#[test]
fn nobody_answering_gives_zero_of_zero_not_a_division_by_zero() {
    let i = instrument();
    let t = tabulate_answers(&i, &[], 24, &TabulateOptions::default());
    let single = t.question("single").unwrap();
    assert!(
        single
            .rows
            .iter()
            .all(|r| r.of_respondents.n == 0 && r.of_respondents.percent.is_none())
    );
    assert!(single.most_common.is_empty());
    assert_eq!(single.rows[0].of_members.rounded(), Some(0));
    assert_eq!(t.question("scale").unwrap().mean, None);
    assert!(t.to_text().contains("0 institutions (–) of 0 respondents"));
}

#[test]
fn text_and_csv_exports_show_every_denominator() {
    let i = instrument();
    let data = responses(&i);
    let pairs: Vec<(&str, &Answers)> = data.iter().map(|(r, a)| (r.as_str(), a)).collect();
    let t = tabulate_answers(&i, &pairs, 8, &TabulateOptions::default());
    let text = t.to_text();
    assert!(
        text.contains("5 of 8 member institutions responded (63%)."),
        "{text}"
    );
    assert!(
        text.contains("3 institutions (60%) of 5 respondents; 38% of 8 members"),
        "{text}"
    );
    assert!(text.contains("mean 3.75, median 4, of 4 answers"), "{text}");
    let csv = t.to_csv().unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let x = rows
        .iter()
        .find(|r| &r[1] == "multi" && &r[4] == "x")
        .unwrap();
    assert_eq!(
        (&x[6], &x[7], &x[8], &x[9], &x[10]),
        ("3", "5", "60.0", "8", "37.5")
    );
    let json: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    assert_eq!(json["questions"][0]["rows"][0]["of_respondents"]["n"], 2);
    assert_eq!(json["questions"][0]["rows"][0]["of_respondents"]["of"], 5);
}

#[test]
fn crosstab_counts_every_pair() {
    let i = instrument();
    let data = responses(&i);
    let pairs: Vec<(&str, &Answers)> = data.iter().map(|(r, a)| (r.as_str(), a)).collect();
    let x = crosstab(&i, &pairs, "single", "yn", 0).unwrap();
    let grid: Vec<Vec<Option<u64>>> = x
        .cells
        .iter()
        .map(|r| r.iter().map(|c| c.count).collect())
        .collect();
    //            yes      no       no answer
    assert_eq!(
        grid,
        [
            [Some(2), Some(0), Some(0)], // a
            [Some(1), Some(1), Some(0)], // b
            [Some(0), Some(0), Some(0)], // c
            [Some(0), Some(1), Some(0)], // no answer
        ]
    );
    let totals: Vec<_> = x.row_totals.iter().map(|c| c.count).collect();
    assert_eq!(totals, [Some(2), Some(2), Some(0), Some(1)]);
    let totals: Vec<_> = x.column_totals.iter().map(|c| c.count).collect();
    assert_eq!(totals, [Some(3), Some(2), Some(0)]);
    assert_eq!(x.respondents, 5);

    // A multiple-choice row counts a respondent once per ticked option.
    let m = crosstab(&i, &pairs, "multi", "yn", 0).unwrap();
    let x_row: Vec<_> = m.cells[0].iter().map(|c| c.count).collect();
    assert_eq!(x_row, [Some(1), Some(2), Some(0)]);
    assert_eq!(m.row_totals[1].count, Some(2), "y: r1 and r4");

    let err = crosstab(&i, &pairs, "single", "text", 0).unwrap_err();
    assert!(err.to_string().contains("free-text"));
    assert!(crosstab(&i, &pairs, "single", "nope", 0).is_err());
}

#[test]
fn crosstab_hides_small_cells_and_the_counts_that_would_reveal_them() {
    let i = instrument();
    let data = responses(&i);
    let pairs: Vec<(&str, &Answers)> = data.iter().map(|(r, a)| (r.as_str(), a)).collect();
    let x = crosstab(&i, &pairs, "single", "yn", 2).unwrap();
    let grid: Vec<Vec<Option<u64>>> = x
        .cells
        .iter()
        .map(|r| r.iter().map(|c| c.count).collect())
        .collect();
    // Primary: the three 1s (b/yes, b/no, no answer/no) and the no-answer row total (1).
    // Secondary: column "yes" had one hidden count beside its total 3, so a/yes (2) goes too;
    // the row totals had one hidden, so the smallest other, a's 2 (tied with b, first wins), goes.
    assert_eq!(
        grid,
        [
            [None, Some(0), Some(0)],
            [None, None, Some(0)],
            [Some(0), Some(0), Some(0)],
            [Some(0), None, Some(0)],
        ]
    );
    let totals: Vec<_> = x.row_totals.iter().map(|c| c.count).collect();
    assert_eq!(totals, [None, Some(2), Some(0), None]);
    let totals: Vec<_> = x.column_totals.iter().map(|c| c.count).collect();
    assert_eq!(totals, [Some(3), Some(2), Some(0)]);
    let text = x.to_text();
    assert!(text.contains("<2"), "{text}");
    assert!(text.contains("Counts below 2 are hidden"), "{text}");

    // A threshold of 1 hides nothing.
    let open = crosstab(&i, &pairs, "single", "yn", 1).unwrap();
    assert!(open.cells.iter().flatten().all(|c| c.count.is_some()));
}
