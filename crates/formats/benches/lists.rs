//! Import throughput of the UN and OFAC readers on the real lists in `shared/data`, each beside
//! a baseline measured in the same run: the bare tokeniser (quick-xml events, csv rows) the
//! reader is built on. The ratio says what the mapping to persons costs on top of parsing.
//!
//! `cargo bench -p portwatch-formats --bench lists`; skipped with a message when the shared
//! data is absent.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use portwatch_formats::{ofac, un};
use portwatch_model::{AgencyId, Visibility};

fn shared(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// Counts the XML events of a document: the floor under any XML reader.
fn xml_events(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut events = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return events,
            Ok(_) => events += 1,
        }
        buf.clear();
    }
}

/// Counts the rows of a headerless CSV file: the floor under the OFAC reader.
fn csv_rows(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut row = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut row).unwrap_or(false) {
        rows += 1;
    }
    rows
}

fn un_list(c: &mut Criterion) {
    let Some(xml) = shared("un_sc_consolidated.xml") else {
        return;
    };
    let owner = AgencyId::parse("un-sc").unwrap();
    let mut group = c.benchmark_group("un_xml");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("baseline_quick_xml_events", |b| {
        b.iter(|| xml_events(black_box(&xml)))
    });
    group.bench_function("un_read_persons", |b| {
        b.iter(|| un::read(black_box(&xml[..]), owner.clone(), Visibility::All).count())
    });
    group.finish();
}

fn ofac_list(c: &mut Criterion) {
    let (Some(sdn), Some(alt), Some(add)) = (
        shared("ofac_sdn.csv"),
        shared("ofac_alt.csv"),
        shared("ofac_add.csv"),
    ) else {
        return;
    };
    let owner = AgencyId::parse("ofac").unwrap();
    let mut group = c.benchmark_group("ofac_csv");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(
        (sdn.len() + alt.len() + add.len()) as u64,
    ));
    group.bench_function("baseline_csv_rows", |b| {
        b.iter(|| csv_rows(black_box(&sdn)) + csv_rows(black_box(&alt)) + csv_rows(black_box(&add)))
    });
    group.bench_function("ofac_read_persons", |b| {
        b.iter(|| ofac::read(&sdn[..], &alt[..], &add[..], owner.clone(), Visibility::All).count())
    });
    group.finish();
}

criterion_group!(benches, un_list, ofac_list);
criterion_main!(benches);
