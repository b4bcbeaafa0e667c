//! `portwatch bench names`: name-matching quality on the labelled benchmark, beside logic-v2.
//!
//! Reads `name_bench_cases.csv` (`case_group,schema,name1,name2,is_match,…`) and, when present,
//! `name_bench_logicv2_scores.csv` beside it: the scores of nomenklatura's logic-v2 matcher, the
//! default of the yente screening API. Prints precision, recall and F1 at portwatch's default
//! threshold and at the best threshold found on each subset, with logic-v2's figures at its
//! threshold 0.70 on the same cases: overall, for persons, and for cases with a name in a
//! non-Latin script; each on the whole file, on the held-out part and on the tuning part.
//!
//! **Held-out split.** A case is held out when the FNV-1a 64-bit hash of its `case_group` is
//! even. The rules of `portwatch-names` were tuned looking only at the other cases; `--errors`
//! lists misclassified cases of the tuning part only, never of the held-out part.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use portwatch_names::{score_prepared, PreparedName, DEFAULT_THRESHOLD};
use serde::Serialize;

use super::UsageError;

/// logic-v2's decision threshold in the published scores.
const LOGICV2_THRESHOLD: f64 = 0.70;

/// Arguments of `portwatch bench names`.
#[derive(clap::Args)]
pub struct NamesBench {
    /// The labelled cases (`case_group,schema,name1,name2,is_match,…`).
    #[arg(long, default_value = "../shared/data/name_bench_cases.csv")]
    cases: PathBuf,
    /// logic-v2's scores of the same cases [default: name_bench_logicv2_scores.csv beside
    /// --cases, if present].
    #[arg(long)]
    logicv2: Option<PathBuf>,
    /// Also list the misclassified cases of the tuning part (never of the held-out part).
    #[arg(long)]
    errors: bool,
    /// Print the figures as one JSON document instead of a table.
    #[arg(long)]
    json: bool,
}

/// One labelled case with both matchers' scores.
struct Case {
    group: String,
    schema: String,
    name1: String,
    name2: String,
    is_match: bool,
    non_latin: bool,
    held_out: bool,
    ours: f64,
    logicv2: Option<f64>,
    share_key: bool,
}

/// Precision, recall and F1 of one matcher at one threshold on one set of cases.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Figures {
    pub threshold: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub cases: usize,
}

/// The figures of one subset and part.
#[derive(Debug, Serialize)]
pub struct Row {
    pub subset: &'static str,
    pub part: &'static str,
    pub cases: usize,
    pub ours_default: Figures,
    pub ours_best: Figures,
    pub logicv2: Option<Figures>,
}

#[derive(Serialize)]
struct Report {
    default_threshold: f64,
    held_out_groups: Vec<String>,
    rows: Vec<Row>,
    accepted_pairs: usize,
    accepted_pairs_sharing_a_key: usize,
}

pub fn run(args: NamesBench) -> anyhow::Result<()> {
    let cases = load_cases(&args.cases)?;
    let logicv2_path = args
        .logicv2
        .clone()
        .unwrap_or_else(|| args.cases.with_file_name("name_bench_logicv2_scores.csv"));
    let mut cases = cases;
    if logicv2_path.exists() {
        attach_logicv2(&mut cases, &logicv2_path)?;
    } else if args.logicv2.is_some() {
        return Err(UsageError(format!(
            "--logicv2 {}: no such file",
            logicv2_path.display()
        ))
        .into());
    }
    let report = build_report(&cases);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report, cases.len());
    }
    if args.errors {
        print_tuning_errors(&cases);
    }
    Ok(())
}

fn load_cases(path: &Path) -> anyhow::Result<Vec<Case>> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| UsageError(format!("--cases {}: {e}", path.display())))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "--cases {}: missing column `{name}`",
                path.display()
            ))
        })
    };
    let (group, schema, n1, n2, label) = (
        col("case_group")?,
        col("schema")?,
        col("name1")?,
        col("name2")?,
        col("is_match")?,
    );
    let mut cases = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        let field = |c: usize| record.get(c).unwrap_or("").to_string();
        let is_match = match field(label).as_str() {
            "true" | "True" | "1" => true,
            "false" | "False" | "0" => false,
            other => {
                return Err(UsageError(format!(
                    "{} row {}: is_match must be true or false, found `{other}`",
                    path.display(),
                    i + 2
                ))
                .into())
            }
        };
        let (name1, name2) = (field(n1), field(n2));
        let (a, b) = (PreparedName::new(&name1), PreparedName::new(&name2));
        let ours = score_prepared(&a, &b);
        let share_key = {
            let ka = a.index_keys();
            b.index_keys().iter().any(|k| ka.binary_search(k).is_ok())
        };
        let group = field(group);
        cases.push(Case {
            held_out: is_held_out(&group),
            non_latin: has_non_latin(&name1) || has_non_latin(&name2),
            schema: field(schema),
            group,
            name1,
            name2,
            is_match,
            ours,
            logicv2: None,
            share_key,
        });
    }
    Ok(cases)
}

/// The held-out part: case groups whose FNV-1a 64 hash is even.
pub fn is_held_out(case_group: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in case_group.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % 2 == 0
}

fn has_non_latin(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_alphabetic() && c as u32 > 0x024F && !(0x1E00..=0x1EFF).contains(&(c as u32)))
}

/// Joins logic-v2's scores on (schema, name1, name2), preferring a row of the same case group
/// (the scores file names some case groups differently), in file order for repeats.
fn attach_logicv2(cases: &mut [Case], path: &Path) -> anyhow::Result<()> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| UsageError(format!("--logicv2 {}: {e}", path.display())))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "--logicv2 {}: missing column `{name}`",
                path.display()
            ))
        })
    };
    let group_col = col("case_group")?;
    let cols = [col("schema")?, col("name1")?, col("name2")?];
    let score_col = col("score")?;
    let mut scores: HashMap<[String; 3], Vec<(String, f64)>> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        let key = cols.map(|c| record.get(c).unwrap_or("").to_string());
        let score: f64 = record.get(score_col).unwrap_or("").parse().map_err(|_| {
            UsageError(format!(
                "{} row {}: score is not a number",
                path.display(),
                i + 2
            ))
        })?;
        let group = record.get(group_col).unwrap_or("").to_string();
        scores.entry(key).or_default().push((group, score));
    }
    for case in cases {
        let key = [case.schema.clone(), case.name1.clone(), case.name2.clone()];
        if let Some(list) = scores.get_mut(&key) {
            let at = list.iter().position(|(g, _)| *g == case.group);
            if let Some(at) = at.or((!list.is_empty()).then_some(0)) {
                case.logicv2 = Some(list.remove(at).1);
            }
        }
    }
    Ok(())
}

fn figures(labels_scores: &[(bool, f64)], threshold: f64) -> Figures {
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for &(is_match, score) in labels_scores {
        match (is_match, score >= threshold) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fneg += 1,
            (false, false) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fneg);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Figures {
        threshold,
        precision,
        recall,
        f1,
        cases: labels_scores.len(),
    }
}

fn best_figures(labels_scores: &[(bool, f64)]) -> Figures {
    (0..=100)
        .map(|t| figures(labels_scores, f64::from(t) / 100.0))
        .fold(None::<Figures>, |best, f| match best {
            Some(b) if b.f1 >= f.f1 => Some(b),
            _ => Some(f),
        })
        .unwrap_or_else(|| figures(labels_scores, DEFAULT_THRESHOLD))
}

fn build_report(cases: &[Case]) -> Report {
    type Filter = fn(&Case) -> bool;
    let subsets: [(&'static str, Filter); 3] = [
        ("overall", |_| true),
        ("persons", |c| c.schema == "Person"),
        ("non-latin", |c| c.non_latin),
    ];
    let parts: [(&'static str, Filter); 3] = [
        ("whole", |_| true),
        ("held-out", |c| c.held_out),
        ("tuning", |c| !c.held_out),
    ];
    let mut rows = Vec::new();
    for (subset, in_subset) in subsets {
        for (part, in_part) in parts {
            let chosen: Vec<&Case> = cases
                .iter()
                .filter(|c| in_subset(c) && in_part(c))
                .collect();
            let ours: Vec<(bool, f64)> = chosen.iter().map(|c| (c.is_match, c.ours)).collect();
            let theirs: Vec<(bool, f64)> = chosen
                .iter()
                .filter_map(|c| c.logicv2.map(|s| (c.is_match, s)))
                .collect();
            rows.push(Row {
                subset,
                part,
                cases: chosen.len(),
                ours_default: figures(&ours, DEFAULT_THRESHOLD),
                ours_best: best_figures(&ours),
                logicv2: (!theirs.is_empty()).then(|| figures(&theirs, LOGICV2_THRESHOLD)),
            });
        }
    }
    let mut held_out_groups: Vec<String> = cases
        .iter()
        .filter(|c| c.held_out)
        .map(|c| c.group.clone())
        .collect();
    held_out_groups.sort();
    held_out_groups.dedup();
    let accepted: Vec<&Case> = cases
        .iter()
        .filter(|c| c.ours >= DEFAULT_THRESHOLD)
        .collect();
    Report {
        default_threshold: DEFAULT_THRESHOLD,
        held_out_groups,
        rows,
        accepted_pairs: accepted.len(),
        accepted_pairs_sharing_a_key: accepted.iter().filter(|c| c.share_key).count(),
    }
}

fn print_table(report: &Report, total: usize) {
    println!(
        "name benchmark: {total} cases; held out (FNV-1a of case_group even): {}",
        report.held_out_groups.join(", ")
    );
    println!(
        "{:<10} {:<9} {:>4} | {:^25} | {:^32} | {:^30}",
        "subset",
        "part",
        "n",
        format!("portwatch @{:.2}  P / R / F1", report.default_threshold),
        "portwatch best  thr  P / R / F1",
        format!("logic-v2 @{LOGICV2_THRESHOLD:.2}  P / R / F1 (n)"),
    );
    for r in &report.rows {
        let f = |x: &Figures| format!("{:.3} {:.3} {:.3}", x.precision, x.recall, x.f1);
        let theirs = r
            .logicv2
            .as_ref()
            .map_or("-".to_string(), |x| format!("{} ({})", f(x), x.cases));
        println!(
            "{:<10} {:<9} {:>4} | {:^25} | {:^32} | {:^30}",
            r.subset,
            r.part,
            r.cases,
            f(&r.ours_default),
            format!("{:.2}  {}", r.ours_best.threshold, f(&r.ours_best)),
            theirs,
        );
    }
    let share = if report.accepted_pairs == 0 {
        100.0
    } else {
        100.0 * report.accepted_pairs_sharing_a_key as f64 / report.accepted_pairs as f64
    };
    println!(
        "index keys: {} of {} pairs scoring >= {:.2} share a key ({share:.1} %)",
        report.accepted_pairs_sharing_a_key, report.accepted_pairs, report.default_threshold
    );
}

fn print_tuning_errors(cases: &[Case]) {
    println!("misclassified cases of the tuning part (held-out cases are never listed):");
    for c in cases.iter().filter(|c| !c.held_out) {
        let predicted = c.ours >= DEFAULT_THRESHOLD;
        if predicted != c.is_match {
            let kind = if predicted { "FP" } else { "FN" };
            let theirs = c.logicv2.map_or("-".to_string(), |s| format!("{s:.2}"));
            println!(
                "{kind} {:.3} (logic-v2 {theirs}) [{} {}] {} | {}",
                c.ours, c.group, c.schema, c.name1, c.name2
            );
        }
    }
    println!("pairs of the tuning part scoring >= the threshold without a shared index key:");
    for c in cases
        .iter()
        .filter(|c| !c.held_out && c.ours >= DEFAULT_THRESHOLD && !c.share_key)
    {
        println!("NOKEY {:.3} {} | {}", c.ours, c.name1, c.name2);
    }
}
