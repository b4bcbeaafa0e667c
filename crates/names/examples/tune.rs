//! Grid search of the scorer's parameters on the **tuning part** of the name benchmark only
//! (case groups whose FNV-1a hash is odd; the held-out part is never read into the search).
//!
//! `cargo run --release -p portwatch-names --example tune -- ../shared/data/name_bench_cases.csv`

use portwatch_names::{score_prepared_with, Params, PreparedName, DEFAULT_THRESHOLD};

fn held_out(group: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % 2 == 0
}

fn f1(cases: &[(bool, bool, PreparedName, PreparedName)], p: &Params, persons: bool) -> f64 {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (is_match, is_person, a, b) in cases {
        if persons && !is_person {
            continue;
        }
        match (*is_match, score_prepared_with(a, b, p) >= DEFAULT_THRESHOLD) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fneg += 1.0,
            _ => {}
        }
    }
    2.0 * tp / (2.0 * tp + fp + fneg)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/name_bench_cases.csv".into());
    let mut reader = csv::Reader::from_path(&path).expect("cases file");
    let mut cases = Vec::new();
    for r in reader.records() {
        let r = r.expect("csv row");
        if held_out(&r[0]) {
            continue;
        }
        cases.push((
            &r[4] == "true",
            &r[1] == "Person",
            PreparedName::new(&r[2]),
            PreparedName::new(&r[3]),
        ));
    }
    let base = Params::default();
    println!(
        "default: overall {:.4} persons {:.4} ({} tuning cases)",
        f1(&cases, &base, false),
        f1(&cases, &base, true),
        cases.len()
    );
    let mut best = (0.0, base);
    for fuzzy_k in [1.5, 1.75, 2.0, 2.25, 2.5, 3.0] {
        for subset_penalty in [0.2, 0.3, 0.4, 0.5] {
            for conflict_penalty in [1.0, 1.25, 1.5, 2.0] {
                for min_pair_sim in [0.3, 0.4, 0.5, 0.55, 0.6] {
                    for phonetic_share in [0.8, 0.9, 1.0] {
                        let p = Params {
                            fuzzy_k,
                            subset_penalty,
                            conflict_penalty,
                            min_pair_sim,
                            phonetic_share,
                            ..base
                        };
                        let f = f1(&cases, &p, false) + f1(&cases, &p, true);
                        if f > best.0 {
                            best = (f, p);
                        }
                    }
                }
            }
        }
    }
    let p = best.1;
    println!(
        "best: overall {:.4} persons {:.4} {p:?}",
        f1(&cases, &p, false),
        f1(&cases, &p, true)
    );
}
