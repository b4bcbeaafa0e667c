//! MRZ parse throughput in lines per second, beside a baseline measured in the same run: a
//! plain scan that checks each line's length and alphabet (the least any reader must do).
//! Target: at least 2 million lines per second per core.
//!
//! `cargo bench -p portwatch-ident --bench mrz`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use portwatch_ident::mrz::{self, Day, Format, MrzBuilder, PartialDate, Sex};

const TODAY: Day = Day {
    year: 2026,
    month: 11,
    day: 28,
};
const CODES: [&str; 8] = ["UTO", "D", "FRA", "ESP", "ITA", "MAR", "DZA", "TUN"];
const FORMATS: [Format; 5] = [
    Format::Td3,
    Format::Td1,
    Format::Td2,
    Format::MrvA,
    Format::MrvB,
];

/// A deterministic corpus: every format, valid documents, one in ten with a misread character.
fn corpus(n: usize) -> Vec<Vec<String>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    (0..n)
        .map(|i| {
            let format = FORMATS[i % FORMATS.len()];
            let letters = |len: u64, next: &mut dyn FnMut(u64) -> u64| -> String {
                (0..len)
                    .map(|_| char::from(b'A' + next(26) as u8))
                    .collect()
            };
            let mut lines = MrzBuilder {
                format,
                document_code: match format {
                    Format::Td3 => "P".into(),
                    Format::MrvA | Format::MrvB => "V".into(),
                    _ => "ID".into(),
                },
                issuing_state: CODES[next(8) as usize].into(),
                surname: letters(3 + next(8), &mut next),
                given_names: format!(
                    "{} {}",
                    letters(3 + next(5), &mut next),
                    letters(4, &mut next)
                ),
                document_number: format!("{}{:07}", letters(2, &mut next), next(10_000_000)),
                nationality: CODES[next(8) as usize].into(),
                birth_date: Some(PartialDate {
                    year: 1940 + next(80) as u16,
                    month: Some(1 + next(12) as u8),
                    day: Some(1 + next(28) as u8),
                }),
                sex: Some(if next(2) == 0 { Sex::M } else { Sex::F }),
                expiry_date: Some(PartialDate {
                    year: 2027 + next(10) as u16,
                    month: Some(1 + next(12) as u8),
                    day: Some(1 + next(28) as u8),
                }),
                optional_data: String::new(),
                optional_data_2: String::new(),
            }
            .build()
            .expect("valid fields");
            if i % 10 == 9 {
                // An OCR slip in the document number: the parser reports it and looks for repairs.
                let last = lines.len() - 1;
                let line = if format == Format::Td1 { 0 } else { last };
                lines[line] = lines[line].replacen('0', "O", 1);
            }
            lines
        })
        .collect()
}

/// The baseline: every line has a layout's length and only MRZ characters.
fn scan(lines: &[String]) -> bool {
    lines.iter().all(|line| {
        matches!(line.len(), 30 | 36 | 44)
            && line
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'<')
    })
}

fn bench(c: &mut Criterion) {
    let corpus = corpus(10_000);
    let lines: usize = corpus.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("mrz");
    group.throughput(Throughput::Elements(lines as u64));
    group.bench_function("baseline_scan", |b| {
        b.iter(|| corpus.iter().filter(|m| scan(black_box(m))).count())
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter(|m| mrz::parse(black_box(m), TODAY).is_ok_and(|p| p.valid))
                .count()
        })
    });
    group.finish();
    let valid: Vec<Vec<String>> = corpus
        .iter()
        .filter(|m| mrz::parse(m, TODAY).is_ok_and(|p| p.valid))
        .cloned()
        .collect();
    let bad: Vec<Vec<String>> = corpus
        .iter()
        .filter(|m| mrz::parse(m, TODAY).is_ok_and(|p| !p.valid))
        .cloned()
        .collect();
    let mut group = c.benchmark_group("mrz_split");
    for (name, set) in [("valid", &valid), ("misread", &bad)] {
        group.throughput(Throughput::Elements(
            set.iter().map(Vec::len).sum::<usize>() as u64,
        ));
        group.bench_function(name, |b| {
            b.iter(|| {
                set.iter()
                    .filter(|m| mrz::parse(black_box(m), TODAY).is_ok())
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
