//! Survey storage on SQLite and PostgreSQL: versioned imports, draft/resume/submit, the
//! collection window, CSV import and export.

use std::collections::BTreeMap;

use tandem_db::Role;
use tandem_survey::tabulate::tabulate;
use tandem_survey::{
    Answers, ImportKind, Instrument, Status, SurveyError, Surveys, TabulateOptions,
    answers::parse_values,
};

const OXFORD: &str = "https://ror.org/052gg0110";
const CAMBRIDGE: &str = "https://ror.org/013meh722";
const UCL: &str = "https://ror.org/02jx3x895";

fn open_instrument() -> Instrument {
    let mut i = Instrument::bundled();
    i.opens = "2000-01-01".into();
    i.closes = "2100-01-01".into();
    i
}

fn answers(i: &Instrument, pairs: &[(&str, &[&str])]) -> Answers {
    let raw: BTreeMap<String, Vec<String>> = pairs
        .iter()
        .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
        .collect();
    parse_values(i, &raw).unwrap()
}

fn complete(i: &Instrument, top: &str) -> Answers {
    answers(
        i,
        &[
            ("regions_of_focus", &["north_america", "europe"]),
            ("top_priority_region", &[top]),
            ("highest_priority_regions", &["north_america", "europe"]),
            ("us_presence", &["yes"]),
            ("us_presence_kind", &["office", "partner_hosted"]),
            ("us_presence_purposes", &["research"]),
            ("partnership_models", &["joint_phd"]),
            ("barriers", &["visas", "other"]),
            ("barriers_other", &["'; DROP TABLE survey_responses; --"]),
        ],
    )
}

tandem_db::backend_tests! {
    async fn instruments_are_versioned_by_content(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let i = open_instrument();
        let (v1, kind) = surveys.import_instrument(&i, None).await.unwrap();
        assert_eq!((v1.version, kind), (1, ImportKind::New));
        let (same, kind) = surveys.import_instrument(&i, None).await.unwrap();
        assert_eq!((same.id, kind), (v1.id, ImportKind::Unchanged));

        let mut rescheduled = i.clone();
        rescheduled.closes = "2099-06-30".into();
        let (r, kind) = surveys.import_instrument(&rescheduled, None).await.unwrap();
        assert_eq!((r.id, r.version, kind), (v1.id, 1, ImportKind::Rescheduled));
        assert_eq!(r.closes_at, rescheduled.closes_at());

        let mut changed = rescheduled.clone();
        changed.questions[0].help = Some("Changed help".into());
        let (v2, kind) = surveys.import_instrument(&changed, None).await.unwrap();
        assert_eq!((v2.version, kind), (2, ImportKind::New));
        assert_ne!(v2.id, v1.id);

        assert_eq!(surveys.find("international-research-collaboration").await.unwrap().id, v2.id);
        assert_eq!(surveys.find("international-research-collaboration@1").await.unwrap().id, v1.id);
        assert_eq!(surveys.find(&v1.id.to_string()).await.unwrap().version, 1);
        assert!(matches!(surveys.find("nope").await, Err(SurveyError::NotFound(_))));
        assert_eq!(surveys.instruments().await.unwrap().len(), 2);
        let actions: Vec<String> = db.audit_log(10).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["survey.import", "survey.reschedule", "survey.import"]);
    }

    async fn drafts_resume_and_submit_once_per_institution(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let i = open_instrument();
        let (s, _) = surveys.import_instrument(&i, None).await.unwrap();
        let member = db.create_user("m@ox.ac.uk", Role::Member, Some(OXFORD)).await.unwrap();

        let draft = answers(&i, &[("regions_of_focus", &["europe"])]);
        let refused = surveys.save_draft(&s, OXFORD, draft.clone(), Some(&member)).await;
        assert!(matches!(refused, Err(SurveyError::NotInvited(_))), "{refused:?}");
        surveys.invite(s.id, "052gg0110", None).await.unwrap();
        surveys.invite(s.id, OXFORD, None).await.unwrap();
        surveys.invite(s.id, CAMBRIDGE, None).await.unwrap();
        assert_eq!(surveys.invitations(s.id).await.unwrap().len(), 2);

        let saved = surveys.save_draft(&s, OXFORD, draft, Some(&member)).await.unwrap();
        assert_eq!(saved.status, Status::Draft);
        let resumed = surveys.response(&s, OXFORD).await.unwrap().unwrap();
        assert_eq!(resumed.answers["regions_of_focus"], tandem_survey::Answer::Choices(vec!["europe".into()]));
        let progress = surveys.progress(s.id).await.unwrap();
        assert_eq!((progress.submitted, progress.invited, progress.drafts), (0, 2, 1));

        // Submitting an incomplete response names what is missing and stores nothing.
        let incomplete = surveys.submit(&s, OXFORD, resumed.answers.clone(), Some(&member)).await;
        match incomplete {
            Err(SurveyError::Answers(problems)) => {
                assert!(problems.iter().any(|p| p.question == "top_priority_region"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(surveys.response(&s, OXFORD).await.unwrap().unwrap().status, Status::Draft);

        let submitted = surveys.submit(&s, OXFORD, complete(&i, "north_america"), Some(&member)).await.unwrap();
        assert_eq!(submitted.status, Status::Submitted);
        let first_submission = submitted.submitted_at.unwrap();
        assert_eq!(
            submitted.answers["barriers_other"],
            tandem_survey::Answer::Text("'; DROP TABLE survey_responses; --".into()),
            "stored verbatim"
        );
        assert!(matches!(
            surveys.save_draft(&s, OXFORD, Answers::new(), Some(&member)).await,
            Err(SurveyError::AlreadySubmitted)
        ));
        // Edits until the close date keep one response per institution.
        let edited = surveys.submit(&s, OXFORD, complete(&i, "europe"), Some(&member)).await.unwrap();
        assert_eq!(edited.id, submitted.id);
        assert_eq!(edited.submitted_at, Some(first_submission));
        assert_eq!(surveys.submitted_responses(&s).await.unwrap().len(), 1);
        let progress = surveys.progress(s.id).await.unwrap();
        assert_eq!(progress.to_string(), "1 of 2 institutions responded (0 drafts in progress)");
        let log = db.audit_log(3).await.unwrap();
        assert_eq!(log[0].action, "survey.edit");
        assert_eq!(log[0].actor, "m@ox.ac.uk");
        assert!(log[0].detail.contains("top_priority_region"), "{}", log[0].detail);
        assert_eq!(log[1].action, "survey.submit");
    }

    async fn closed_and_unopened_surveys_refuse_answers(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let mut closed = open_instrument();
        closed.slug = "closed".into();
        closed.opens = "2001-01-01".into();
        closed.closes = "2001-12-31".into();
        let (c, _) = surveys.import_instrument(&closed, None).await.unwrap();
        surveys.invite(c.id, OXFORD, None).await.unwrap();
        let result = surveys.submit(&c, OXFORD, complete(&closed, "europe"), None).await;
        assert!(matches!(result, Err(SurveyError::Closed(_))), "{result:?}");

        let mut future = open_instrument();
        future.slug = "future".into();
        future.opens = "2099-01-01".into();
        future.closes = "2099-12-31".into();
        let (f, _) = surveys.import_instrument(&future, None).await.unwrap();
        surveys.invite(f.id, OXFORD, None).await.unwrap();
        let result = surveys.save_draft(&f, OXFORD, Answers::new(), None).await;
        assert!(matches!(result, Err(SurveyError::NotOpen(_))), "{result:?}");
        assert!(!f.is_open_at(tandem_db::now()));
    }

    async fn csv_import_is_all_or_nothing_with_row_errors(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let i = open_instrument();
        let (s, _) = surveys.import_instrument(&i, None).await.unwrap();
        let header = "institution,regions_of_focus,top_priority_region,highest_priority_regions,us_presence,us_presence_kind,us_presence_purposes,partnership_models,barriers,comments";
        let good = format!(
            "{header}\n\
             052gg0110,north_america;europe,north_america,north_america;europe,yes,office,research,joint_phd,visas,\"Commas, \"\"quotes\"\" and <tags>\"\n\
             https://ror.org/013meh722,europe,europe,europe,no,,,consortia,funding,\n"
        );
        let bad = format!(
            "{header}\n\
             052gg0110,north_america,north_america,north_america,yes,office,research,joint_phd,visas,\n\
             0abcdef12,europe,europe,europe,no,,,consortia,funding,\n\
             02jx3x895,europe,mars,europe,maybe,,,consortia,funding,\n\
             052gg0110,europe,europe,europe,no,,,consortia,funding,\n\
             013meh722,,europe,europe,no,,,consortia,funding,\n"
        );
        match surveys.import_responses_csv(&s, &bad, "bad.csv", false, false, None).await {
            Err(SurveyError::Import(errors)) => {
                let found: Vec<(u64, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
                assert_eq!(found, [
                    (3, Some("institution")),
                    (4, Some("top_priority_region")),
                    (4, Some("us_presence")),
                    (5, Some("institution")),
                    (6, Some("regions_of_focus")),
                ]);
                assert!(errors[0].message.contains("not a member institution"));
                assert!(errors[3].message.contains("already answered on line 2"));
                assert!(errors[4].message.contains("needs an answer"));
            }
            other => panic!("{other:?}"),
        }
        assert!(surveys.submitted_responses(&s).await.unwrap().is_empty(), "nothing half-imported");

        let unknown_column = format!("{header},shoe_size\n");
        let err = surveys.import_responses_csv(&s, &unknown_column, "x.csv", false, false, None).await.unwrap_err();
        assert!(err.to_string().contains("'shoe_size' is not a question"), "{err}");

        assert_eq!(surveys.import_responses_csv(&s, &good, "good.csv", false, false, None).await.unwrap(), 2);
        let again = surveys.import_responses_csv(&s, &good, "good.csv", false, false, None).await.unwrap_err();
        assert!(again.to_string().contains("already has a response"), "{again}");
        assert_eq!(surveys.import_responses_csv(&s, &good, "good.csv", true, false, None).await.unwrap(), 2);

        let responses = surveys.submitted_responses(&s).await.unwrap();
        assert_eq!(responses.len(), 2);
        let oxford = responses.iter().find(|r| r.institution_ror == OXFORD).unwrap();
        assert_eq!(oxford.source, "good.csv");
        assert_eq!(oxford.answers["comments"], tandem_survey::Answer::Text("Commas, \"quotes\" and <tags>".into()));

        // Export reads back in as the same answers.
        let exported = surveys.export_responses_csv(&s).await.unwrap();
        assert!(exported.starts_with("institution,regions_of_focus,"));
        let mut copy = i.clone();
        copy.slug = "copy".into();
        let (c, _) = surveys.import_instrument(&copy, None).await.unwrap();
        assert_eq!(surveys.import_responses_csv(&c, &exported, "export", false, false, None).await.unwrap(), 2);
        let copied = surveys.submitted_responses(&c).await.unwrap();
        for (a, b) in responses.iter().zip(&copied) {
            assert_eq!(a.answers, b.answers);
        }
    }

    async fn results_never_mix_versions(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let i = open_instrument();
        let (v1, _) = surveys.import_instrument(&i, None).await.unwrap();
        for ror in [OXFORD, CAMBRIDGE] {
            surveys.invite(v1.id, ror, None).await.unwrap();
            surveys.submit(&v1, ror, complete(&i, "north_america"), None).await.unwrap();
        }
        let mut changed = i.clone();
        changed.title = "International research collaboration 2027".into();
        let (v2, _) = surveys.import_instrument(&changed, None).await.unwrap();
        surveys.invite(v2.id, UCL, None).await.unwrap();
        surveys.submit(&v2, UCL, complete(&changed, "china"), None).await.unwrap();

        let members = surveys.member_count().await.unwrap() as u64;
        assert_eq!(members, 24);
        let t1 = tabulate(&v1, &surveys.submitted_responses(&v1).await.unwrap(), members, &TabulateOptions::default());
        let t2 = tabulate(&v2, &surveys.submitted_responses(&v2).await.unwrap(), members, &TabulateOptions::default());
        assert_eq!((t1.respondents, t2.respondents), (2, 1));
        let top = t1.question("top_priority_region").unwrap();
        assert_eq!(top.rows[0].of_respondents.describe("respondents"), "2 institutions (100%) of 2 respondents");
        assert_eq!(top.rows[0].of_members.rounded(), Some(8));
        assert_eq!(t2.question("top_priority_region").unwrap().most_common, ["china"]);
        assert_eq!(t1.survey, "international-research-collaboration@1");
        assert!(!t1.synthetic);
    }
}

tandem_db::backend_tests! {
    async fn demo_responses_reproduce_the_published_aggregates(db: &TestDb) {
        let surveys = Surveys::new(db.db.clone());
        let s = tandem_survey::demo::load(&surveys).await.unwrap();
        let responses = surveys.submitted_responses(&s).await.unwrap();
        assert_eq!(responses.len(), 20);
        assert!(responses.iter().all(|r| r.synthetic));
        let progress = surveys.progress(s.id).await.unwrap();
        assert_eq!((progress.submitted, progress.invited), (20, 24));
        let t = tabulate(&s, &responses, 24, &TabulateOptions::default());
        assert!(t.synthetic);
        assert!(t.to_text().contains("SYNTHETIC DATA"));
        let na = |q: &str| {
            let row = t.question(q).unwrap().rows.iter().find(|r| r.value == "north_america").unwrap();
            row.of_respondents.describe("respondents")
        };
        assert_eq!(na("regions_of_focus"), "18 institutions (90%) of 20 respondents");
        assert_eq!(na("top_priority_region"), "5 institutions (25%) of 20 respondents");
        assert_eq!(na("highest_priority_regions"), "12 institutions (60%) of 20 respondents");
        let yes = &t.question("us_presence").unwrap().rows[0];
        assert_eq!(yes.of_respondents.describe("respondents"), "13 institutions (65%) of 20 respondents");
        // Loading again replaces the demonstration rather than adding to it.
        tandem_survey::demo::load(&surveys).await.unwrap();
        assert_eq!(surveys.submitted_responses(&s).await.unwrap().len(), 20);
    }
}
