//! Throughput of prepared-name scoring, beside a plain Jaro-Winkler baseline in the same run.
//!
//! Target (issue 4): at least one million prepared-pair scores per second per core for typical
//! names of two to four tokens. The baseline is the textbook Jaro-Winkler of the raw strings
//! (char vectors and flag vectors allocated per call, as strsim-style implementations do), the
//! kind of comparison watch-list screeners run per pair; the ratio is what travels between
//! machines.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use portwatch_names::{score_prepared, PreparedName};

/// Typical watch-list names of two to four tokens, in several romanisations and scripts.
const NAMES: &[&str] = &[
    "Mohamed Ali Hassan",
    "Muhammad Ali Hasan",
    "Abdelkader Benali",
    "Abd al-Qadir Bin Ali",
    "Youssef El Amrani",
    "Yusuf al-Amrani",
    "Olaf Scholz",
    "Angela Dorothea Merkel",
    "Sergey Viktorovich Lavrov",
    "Сергей Лавров",
    "Vladimir Putin",
    "Wladimir Putin",
    "Jean-Pierre Dupont",
    "Hans Müller",
    "Hans Mueller",
    "Ahmed Khalil Ibrahim",
    "Achmed Chalil Ibragim",
    "Siemens AG",
    "Gazprom Neft PJSC",
    "Ocean Star Shipping Ltd",
    "Djamel Bouras",
    "Jamal Bourass",
    "Xi Jinping",
    "Kim Jong Un",
    "Fatima Zahra Bennani",
    "Fatimah Zahra Benani",
    "Ivan Petrovich Sidorov",
    "John Michael Smith",
    "Maria Garcia Lopez",
    "Omar Abdel Rahman",
    "Umar Abdul Rahman",
    "Karim Benzema",
];

/// Textbook Jaro-Winkler on the raw strings: the baseline.
fn baseline_jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_used = vec![false; a.len()];
    let mut b_used = vec![false; b.len()];
    let mut matches = 0usize;
    for i in 0..a.len() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && a[i] == b[j] {
                a_used[i] = true;
                b_used[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_m: Vec<char> = a
        .iter()
        .zip(&a_used)
        .filter(|(_, u)| **u)
        .map(|(c, _)| *c)
        .collect();
    let b_m: Vec<char> = b
        .iter()
        .zip(&b_used)
        .filter(|(_, u)| **u)
        .map(|(c, _)| *c)
        .collect();
    let transpositions = a_m.iter().zip(&b_m).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

fn bench(c: &mut Criterion) {
    let prepared: Vec<PreparedName> = NAMES.iter().map(|n| PreparedName::new(n)).collect();
    let pairs = (NAMES.len() * NAMES.len()) as u64;
    let mut group = c.benchmark_group("name_pairs");
    group.throughput(Throughput::Elements(pairs));
    group.bench_function("portwatch_score_prepared", |bench| {
        bench.iter(|| {
            let mut sum = 0.0;
            for a in &prepared {
                for b in &prepared {
                    sum += score_prepared(black_box(a), black_box(b));
                }
            }
            sum
        })
    });
    group.bench_function("baseline_raw_jaro_winkler", |bench| {
        bench.iter(|| {
            let mut sum = 0.0;
            for a in NAMES {
                for b in NAMES {
                    sum += baseline_jaro_winkler(black_box(a), black_box(b));
                }
            }
            sum
        })
    });
    group.finish();
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(NAMES.len() as u64));
    group.bench_function("portwatch_prepare_name", |bench| {
        bench.iter(|| {
            NAMES
                .iter()
                .map(|n| PreparedName::new(black_box(n)).is_empty() as usize)
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
