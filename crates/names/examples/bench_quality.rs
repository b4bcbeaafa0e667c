//! Quick figures of the name benchmark without building the CLI: F1 at the default threshold
//! overall, for persons and for non-Latin cases, on the whole file, the held-out part and the
//! tuning part (the same split and figures as `portwatch bench names`, which stays the
//! reported figure). `--errors` lists the misclassified cases of the tuning part only.
//!
//! `cargo run --release -p portwatch-names --example bench_quality -- ../shared/data/name_bench_cases.csv [--errors]`;
//! `… --example bench_quality -- --explain NAME1 NAME2` prints one pair's explanation, and
//! `--forms NAME` one name's forms and index keys.

use portwatch_names::{explain_prepared, score_prepared, PreparedName, DEFAULT_THRESHOLD};

fn held_out(group: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % 2 == 0
}

fn non_latin(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_alphabetic() && c as u32 > 0x024F && !(0x1E00..=0x1EFF).contains(&(c as u32)))
}

struct Case {
    group: String,
    person: bool,
    non_latin: bool,
    is_match: bool,
    held_out: bool,
    score: f64,
    share_key: bool,
    names: (String, String),
}

fn f1(cases: &[&Case]) -> (f64, usize) {
    f1_at(cases, DEFAULT_THRESHOLD)
}

/// The best F1 over thresholds 0.00, 0.01 … 1.00 and where it is reached.
fn best_f1(cases: &[&Case]) -> (f64, f64) {
    (0..=100)
        .map(|t| (f1_at(cases, f64::from(t) / 100.0).0, f64::from(t) / 100.0))
        .fold((0.0, 0.0), |best, x| if x.0 > best.0 { x } else { best })
}

fn f1_at(cases: &[&Case], threshold: f64) -> (f64, usize) {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for c in cases {
        match (c.is_match, c.score >= threshold) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fneg += 1.0,
            _ => {}
        }
    }
    (2.0 * tp / (2.0 * tp + fp + fneg), cases.len())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "../shared/data/name_bench_cases.csv".into());
    let show_errors = args.iter().any(|a| a == "--errors");
    if args.iter().any(|a| a == "--prepare-loop") {
        // Profiling aid: prepare every benchmark name many times.
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            return;
        };
        let names: Vec<String> = reader
            .records()
            .flatten()
            .flat_map(|r| [r[2].to_string(), r[3].to_string()])
            .collect();
        let mut tokens = 0;
        for _ in 0..50 {
            for n in &names {
                tokens += usize::from(PreparedName::new(n).is_empty());
            }
        }
        println!("{tokens}");
        return;
    }
    if args.iter().any(|a| a == "--score-loop") {
        // Profiling aid: score every benchmark pair many times, prepared once.
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            return;
        };
        let pairs: Vec<(PreparedName, PreparedName)> = reader
            .records()
            .flatten()
            .map(|r| (PreparedName::new(&r[2]), PreparedName::new(&r[3])))
            .collect();
        let mut total = 0.0;
        for _ in 0..200 {
            for (a, b) in &pairs {
                total += score_prepared(a, b);
            }
        }
        println!("{total}");
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--forms") {
        // `--forms NAME`: the forms and index keys of one name, as JSON.
        if let Some(name) = args.get(at + 1) {
            let forms = PreparedName::new(name).forms();
            println!("{}", serde_json::to_string(&forms).unwrap_or_default());
        }
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--explain") {
        // `--explain NAME1 NAME2`: the alignment of one pair, as JSON.
        if let (Some(a), Some(b)) = (args.get(at + 1), args.get(at + 2)) {
            let e = explain_prepared(&PreparedName::new(a), &PreparedName::new(b));
            println!("{}", serde_json::to_string(&e).unwrap_or_default());
        }
        return;
    }
    let Ok(mut reader) = csv::Reader::from_path(&path) else {
        eprintln!("{path}: cannot read the cases");
        return;
    };
    let mut cases = Vec::new();
    for r in reader.records().flatten() {
        let (a, b) = (PreparedName::new(&r[2]), PreparedName::new(&r[3]));
        cases.push(Case {
            group: r[0].to_string(),
            person: &r[1] == "Person",
            non_latin: non_latin(&r[2]) || non_latin(&r[3]),
            is_match: &r[4] == "true",
            held_out: held_out(&r[0]),
            score: score_prepared(&a, &b),
            share_key: {
                let ka = a.index_keys();
                b.index_keys().iter().any(|k| ka.binary_search(k).is_ok())
            },
            names: (r[2].to_string(), r[3].to_string()),
        });
    }
    type Filter = fn(&Case) -> bool;
    let subsets: [(&str, Filter); 3] = [
        ("overall", |_| true),
        ("persons", |c| c.person),
        ("non-latin", |c| c.non_latin),
    ];
    let parts: [(&str, Filter); 3] = [
        ("whole", |_| true),
        ("held-out", |c| c.held_out),
        ("tuning", |c| !c.held_out),
    ];
    for (subset, s) in subsets {
        let line: Vec<String> = parts
            .iter()
            .map(|(part, p)| {
                let chosen: Vec<&Case> = cases.iter().filter(|c| s(c) && p(c)).collect();
                let (f, n) = f1(&chosen);
                let (best, at) = best_f1(&chosen);
                format!("{part} {f:.4} ({n}; best {best:.4} @{at:.2})")
            })
            .collect();
        println!("{subset:<10} {}", line.join("  "));
    }
    let accepted: Vec<&Case> = cases
        .iter()
        .filter(|c| c.score >= DEFAULT_THRESHOLD)
        .collect();
    let keyless: Vec<&&Case> = accepted.iter().filter(|c| !c.share_key).collect();
    println!(
        "index keys: {} of {} accepted pairs share a key",
        accepted.len() - keyless.len(),
        accepted.len()
    );
    if show_errors {
        for c in cases.iter().filter(|c| !c.held_out) {
            let predicted = c.score >= DEFAULT_THRESHOLD;
            if predicted != c.is_match {
                let kind = if predicted { "FP" } else { "FN" };
                let who = if c.person { "P" } else { "-" };
                println!(
                    "{kind} {:.3} [{} {who}] {} | {}",
                    c.score, c.group, c.names.0, c.names.1
                );
            }
        }
    }
}
