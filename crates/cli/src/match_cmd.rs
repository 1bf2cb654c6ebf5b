//! `tandem match`: affiliation strings to ROR organisations and countries, one string with the reasons,
//! or a file of strings as JSON Lines.

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tandem_registry::{AffiliationMatcher, MatchResult, NameNotTaken, OrganizationMatch, Registry};

#[derive(Args)]
pub struct MatchArgs {
    /// The affiliation string to match (or use --input for a file of them).
    #[arg(
        value_name = "STRING",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub string: Option<String>,
    /// A file with one affiliation string per line (`-` for standard input): writes JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Where the JSON Lines go (default: standard output).
    #[arg(long, value_name = "FILE", requires = "input")]
    pub output: Option<PathBuf>,
    /// The registry folder written by `tandem registry import`.
    #[arg(long, value_name = "DIR")]
    pub registry: PathBuf,
    /// For one string: print the JSON object instead of the explanation.
    #[arg(long)]
    pub json: bool,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: MatchArgs) -> anyhow::Result<()> {
    let registry = Registry::load(&args.registry)
        .with_context(|| format!("cannot use the registry in {}", args.registry.display()))?;
    let matcher = AffiliationMatcher::new(&registry);
    match (&args.string, &args.input) {
        (Some(string), None) => {
            let result = matcher.match_affiliation(string);
            let not_taken = not_taken(&matcher, &result);
            if args.json {
                println!("{}", json_line(&result, &not_taken));
            } else {
                explain(&registry, &result, &not_taken);
            }
            Ok(())
        }
        (None, Some(input)) => bulk(&matcher, input, args.output.as_ref(), args.quiet),
        _ => bail!("give either one STRING or --input FILE"),
    }
}

/// How many organisations a string that matched nothing lists as named but not taken.
const NOT_TAKEN_SHOWN: usize = 5;

/// For a string that matched nothing: the organisations whose names it holds, and why each was not
/// taken. Empty when something matched.
fn not_taken(matcher: &AffiliationMatcher, result: &MatchResult) -> Vec<NameNotTaken> {
    if result.matches.is_empty() {
        matcher.names_not_taken(result, NOT_TAKEN_SHOWN)
    } else {
        Vec::new()
    }
}

/// The JSON object of one input line: `input`, `matches` (ror, confidence, substring and more),
/// `country`, then the organisations named beside the main ones, the ambiguous parts and, for a
/// string that matched nothing, the organisations named in it that were not taken. Written key by
/// key so that the keys keep this order.
fn json_line(result: &MatchResult, not_taken: &[NameNotTaken]) -> String {
    // Each match as `{"ror", "confidence", "substring", ...}`, in that order.
    let org = |m: &OrganizationMatch| {
        // Only a match made through a withdrawn record's name carries that record.
        let withdrawn = m
            .withdrawn_record
            .as_deref()
            .map(|ror| format!(",\"withdrawn_record\":{}", Value::from(ror)))
            .unwrap_or_default();
        format!(
            "{{\"ror\":{},\"confidence\":{},\"substring\":{},\"name\":{},\"country_code\":{},\"status\":\"{}\",\"kind\":\"{}\",\"name_kind\":\"{}\",\"matched_name\":{},\"shortened\":{}{withdrawn}}}",
            Value::from(m.ror.as_str()),
            Value::from(m.confidence),
            Value::from(m.substring.as_str()),
            Value::from(m.name.as_str()),
            m.country_code.as_deref().map_or(Value::Null, Value::from),
            m.status.as_str(),
            m.kind.as_str(),
            m.name_kind.as_str(),
            Value::from(m.matched_name.as_str()),
            m.shortened,
        )
    };
    let list = |matches: &[OrganizationMatch]| {
        format!(
            "[{}]",
            matches.iter().map(org).collect::<Vec<_>>().join(",")
        )
    };
    let matches = list(&result.matches);
    let also_named = list(&result.also_named);
    let ambiguous: Vec<Value> = result
        .ambiguous
        .iter()
        .map(|a| json!({"substring": a.substring, "candidates": a.candidates}))
        .collect();
    let not_taken: Vec<Value> = not_taken
        .iter()
        .map(|n| {
            json!({"ror": n.ror, "name": n.name, "country_code": n.country_code,
                   "substring": n.substring, "reason": n.reason})
        })
        .collect();
    format!(
        "{{\"input\":{},\"matches\":{},\"country\":{},\"also_named\":{},\"ambiguous\":{},\"not_taken\":{}}}",
        Value::from(result.input.as_str()),
        matches,
        result.country.map_or(Value::Null, Value::from),
        also_named,
        Value::from(ambiguous),
        Value::from(not_taken),
    )
}

fn explain(registry: &Registry, result: &MatchResult, not_taken: &[NameNotTaken]) {
    println!("{:?}", result.input);
    println!();
    let mut countries = Vec::new();
    for address in result.input.split(';') {
        if let Some(found) = tandem_countries::resolve_country_detailed(address)
            && !countries
                .iter()
                .any(|c: &tandem_countries::CountryMatch| c.code == found.code)
        {
            countries.push(found);
        }
    }
    if countries.is_empty() {
        println!(
            "Country   none named (no country name, US state and ZIP, or province ends an address)"
        );
    }
    for c in &countries {
        let name = tandem_countries::country_name(c.code).unwrap_or("?");
        println!(
            "Country   {} {}  (from {:?}: {})",
            c.code, name, c.evidence, c.rule
        );
    }
    if result.matches.is_empty() {
        println!("Match     none");
    }
    for m in &result.matches {
        print_match("Match", registry, m);
    }
    for m in &result.also_named {
        print_match("Also", registry, m);
    }
    for a in &result.ambiguous {
        println!("Ambiguous {:?} could be any of:", a.substring);
        for ror in &a.candidates {
            let name = registry
                .get(ror)
                .map(|o| o.display_name.as_str())
                .unwrap_or("(not in the registry)");
            println!("            {ror}  {name}");
        }
    }
    // Without names to explain one by one, say in general what a name needs.
    if result.matches.is_empty() && result.ambiguous.is_empty() && not_taken.is_empty() {
        println!();
        println!(
            "No part of the string is a name, alias, label or acronym of an organisation in the registry"
        );
        if countries.is_empty() {
            println!(
                "that is distinctive enough to stand without a country: a name shared by several"
            );
            println!(
                "organisations, a common-word alias or an acronym needs the country (and city) too."
            );
        } else {
            println!("that agrees with the country it names.");
        }
    }
    if !not_taken.is_empty() {
        println!();
        println!("Named in the string but not taken:");
        for n in not_taken {
            println!(
                "          {:?} = {}  {}  · {}",
                n.substring,
                n.ror,
                n.name,
                n.country_code.as_deref().unwrap_or("no country")
            );
            println!("          not taken: {}", n.reason);
        }
        println!(
            "To resolve such an address in an ingest, give its ROR id in an --affiliation-map file."
        );
    }
}

fn print_match(label: &str, registry: &Registry, m: &OrganizationMatch) {
    let org = registry.get(&m.ror);
    let city = org
        .and_then(|o| o.cities.first().cloned())
        .unwrap_or_default();
    let country = m.country_code.as_deref().unwrap_or("--");
    println!(
        "{label:<9} {}  {}  · {country} · {city} · {}",
        m.ror,
        m.name,
        m.status.as_str()
    );
    println!("          confidence {:.2}", m.confidence);
    if m.shortened {
        println!(
            "          matched    {:?}, a shortened form of {} {:?}",
            m.substring,
            m.name_kind.as_str(),
            m.matched_name
        );
    } else {
        println!(
            "          matched    {:?} = {} {:?}",
            m.substring,
            m.name_kind.as_str(),
            m.matched_name
        );
    }
    println!("          why        {}", m.kind.describe());
    if let Some(record) = &m.withdrawn_record {
        println!(
            "                     {:?} is the name of {record}, withdrawn from ROR in favour of this one",
            m.matched_name
        );
    }
    let country_line = match m.country_agrees {
        Some(true) => format!("country agrees ({country})"),
        Some(false) => format!("country differs ({country})"),
        None => "the string names no country, so only a strong match is kept".to_string(),
    };
    let city_line = if m.city_agrees {
        format!("city agrees ({city})")
    } else if city.is_empty() {
        "no city in the registry".to_string()
    } else if m.substring.to_lowercase().contains(&city.to_lowercase()) {
        // "University of Tennessee, Knoxville": a city inside the name does not place it.
        format!("city ({city}) named only within the name matched")
    } else {
        format!("city ({city}) not named")
    };
    println!("                     {country_line}; {city_line}");
    if !m.primary {
        println!(
            "                     named beside the main organisation, not a unit or parent of it"
        );
    }
}

/// Lines per batch: enough to keep every core busy, small enough to stream.
const BATCH: usize = 8192;

fn bulk(
    matcher: &AffiliationMatcher,
    input: &Path,
    output: Option<&PathBuf>,
    quiet: bool,
) -> anyhow::Result<()> {
    let label = input.display().to_string();
    let (reader, total): (Box<dyn Read>, Option<u64>) = if label == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = File::open(input).with_context(|| format!("cannot open {label}"))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(file), len)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut writer: Box<dyn Write> = match output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let bar = if quiet || total.is_none() {
        ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(total.unwrap_or(0))
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>9} [{bar:30}] {bytes}/{total_bytes} · {msg} · ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_prefix("matching");

    let started = Instant::now();
    let (mut lines, mut matched, mut with_country, mut not_utf8) = (0usize, 0usize, 0usize, 0usize);
    let mut bytes_read = 0u64;
    let mut batch: Vec<String> = Vec::with_capacity(BATCH);
    let mut raw = Vec::new();
    loop {
        batch.clear();
        let mut eof = false;
        while batch.len() < BATCH {
            raw.clear();
            let n = reader
                .read_until(b'\n', &mut raw)
                .with_context(|| format!("cannot read {label}"))?;
            if n == 0 {
                eof = true;
                break;
            }
            bytes_read += n as u64;
            while raw.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                raw.pop();
            }
            let line = match String::from_utf8(std::mem::take(&mut raw)) {
                Ok(line) => line,
                Err(e) => {
                    not_utf8 += 1;
                    if not_utf8 <= 5 {
                        eprintln!(
                            "warning: {label} line {}: not UTF-8; invalid bytes replaced",
                            lines + batch.len() + 1
                        );
                    }
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            // A byte-order mark (text saved by a spreadsheet) is no part of the first string.
            let line = match line.strip_prefix('\u{feff}') {
                Some(rest) if lines + batch.len() == 0 => rest.to_string(),
                _ => line,
            };
            batch.push(line);
        }
        let results: Vec<(String, bool, bool)> = batch
            .par_iter()
            .map(|line| {
                let result = matcher.match_affiliation(line);
                (
                    json_line(&result, &not_taken(matcher, &result)),
                    !result.matches.is_empty(),
                    result.country.is_some(),
                )
            })
            .collect();
        for (json, has_match, has_country) in results {
            writer
                .write_all(json.as_bytes())
                .context("cannot write the output")?;
            writer.write_all(b"\n").context("cannot write the output")?;
            lines += 1;
            matched += has_match as usize;
            with_country += has_country as usize;
        }
        bar.set_position(bytes_read);
        bar.set_message(format!("{lines} strings"));
        if eof {
            break;
        }
    }
    writer.flush().context("cannot write the output")?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if !quiet {
        let share = |n: usize| {
            if lines == 0 {
                0.0
            } else {
                100.0 * n as f64 / lines as f64
            }
        };
        eprintln!(
            "{lines} strings in {elapsed:.2} s ({:.0}/s): {matched} ({:.1}%) matched an organisation, {with_country} ({:.1}%) named a country",
            lines as f64 / elapsed.max(1e-9),
            share(matched),
            share(with_country)
        );
        if not_utf8 > 0 {
            eprintln!("{not_utf8} lines were not UTF-8 (invalid bytes replaced)");
        }
    }
    Ok(())
}
