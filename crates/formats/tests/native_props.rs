//! Properties of the native readers and writers over generated input: no input makes a reader
//! panic, and any record the CSV format can express comes back unchanged.

use portwatch_formats::native::{Format, ReadOptions, Reader, Writer};
use portwatch_model::{
    AgencyId, CountryCode, Database, DocumentHolder, DocumentNumber, DocumentStatus, DocumentType,
    Identifier, IdentifierKind, NameKind, Notice, NoticeKind, PartialDate, Person, PersonFlag,
    PersonName, RecordBody, RecordContent, TerrorismItem, TravelDocument, Visibility,
};
use proptest::prelude::*;

const HEADER: &str = "owner,visibility,review_date,source_id,number,issuing_state,type,status,\
                      reported_on,reported_place,holder_surname,holder_given_names,\
                      holder_birth_date,holder_nationality\n";

fn read_all(bytes: &[u8], format: Format) -> usize {
    match Reader::new(bytes, format, ReadOptions::default()) {
        Ok(reader) => reader.count(),
        Err(_) => 0,
    }
}

/// The bad rows of `bytes`, read one by one, and checked on `threads` threads: (rows, bad
/// rows) each. `None` when the header is refused.
#[allow(clippy::type_complexity)]
fn both_checks(
    bytes: &[u8],
    format: Format,
    threads: usize,
) -> Option<((u64, Vec<String>), (u64, Vec<String>))> {
    let reader = Reader::new(bytes, format, ReadOptions::default()).ok()?;
    let rows: Vec<_> = reader.collect();
    let bad: Vec<String> = rows
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(ToString::to_string)
        .collect();
    let checked = Reader::new(bytes, format, ReadOptions::default())
        .ok()?
        .check(threads, usize::MAX, || {});
    assert_eq!(checked.bad_count, checked.bad.len() as u64);
    let checked_bad = checked.bad.iter().map(ToString::to_string).collect();
    Some(((rows.len() as u64, bad), (checked.rows, checked_bad)))
}

/// Free text as people type it, with the characters the formats must escape or quote.
fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[A-Za-zÀ-ÿ0-9 ,;:|\"'\\\\/-]{1,30}")
}

fn document() -> impl Strategy<Value = RecordContent> {
    (
        "[A-Z0-9]{1,20}",
        prop::sample::select(vec!["MAR", "ESP", "FRA", "DZA", "TUN", "DEU"]),
        prop::sample::select(vec![
            DocumentType::Passport,
            DocumentType::IdCard,
            DocumentType::Visa,
        ]),
        prop::sample::select(vec![
            DocumentStatus::Lost,
            DocumentStatus::StolenBlank,
            DocumentStatus::Revoked,
        ]),
        text(),
        text(),
        proptest::option::of((1900u16..2020, proptest::option::of(1u8..=12))),
    )
        .prop_filter_map(
            "valid",
            |(number, state, doc_type, status, place, surname, birth)| {
                let birth = birth.and_then(|(y, m)| PartialDate::new(y, m, None).ok());
                let known =
                    surname.as_deref().is_some_and(|s| !s.trim().is_empty()) || birth.is_some();
                let holder = known.then_some(DocumentHolder {
                    surname,
                    given_names: None,
                    birth_date: birth,
                    nationality: None,
                });
                let body = RecordBody::Document(TravelDocument {
                    number: DocumentNumber::parse(&number).ok()?,
                    issuing_state: CountryCode::parse(state).ok()?,
                    doc_type,
                    status,
                    reported_on: None,
                    reported_place: place,
                    holder,
                });
                let content = RecordContent::new(
                    AgencyId::parse("ncb-rabat").ok()?,
                    Visibility::All,
                    None,
                    None,
                    body,
                )
                .ok()?;
                // A holder left with nothing after trimming is not expressible in CSV.
                match &content.body {
                    RecordBody::Document(d)
                        if d.holder
                            .as_ref()
                            .is_some_and(|h| h.surname.is_none() && h.birth_date.is_none()) =>
                    {
                        None
                    }
                    _ => Some(content),
                }
            },
        )
}

/// Text that must be written as it is: the separators and escape of list cells included.
fn awkward() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ0-9 ,:|\\\"-]{0,12}[A-Za-z]"
}

fn person() -> impl Strategy<Value = RecordContent> {
    let names = (
        awkward(),
        proptest::collection::vec((awkward(), 0usize..3), 0..4),
    );
    let identifiers = proptest::collection::vec(
        (
            prop::sample::select(vec![IdentifierKind::Passport, IdentifierKind::NationalId]),
            proptest::option::of(prop::sample::select(vec!["DZA", "FRA"])),
            "[A-Z0-9]{1,9}",
        ),
        0..3,
    );
    let notices = proptest::collection::vec(
        (
            prop::sample::select(vec![NoticeKind::Red, NoticeKind::InterpolUnSpecial]),
            any::<bool>(),
            proptest::option::of(awkward()),
            proptest::option::of(1u8..=28),
        ),
        0..3,
    );
    let items = proptest::collection::vec((awkward(), awkward()), 0..2);
    (
        names,
        identifiers,
        notices,
        items,
        proptest::collection::vec(awkward(), 0..2),
    )
        .prop_filter_map("valid", |(names, identifiers, notices, items, places)| {
            let (primary, others) = names;
            let mut all = vec![PersonName {
                full: primary,
                kind: NameKind::Primary,
            }];
            let kinds = [
                NameKind::Alias,
                NameKind::WeakAlias,
                NameKind::OriginalScript,
            ];
            // CSV groups names by kind, so generate them grouped.
            for kind in kinds {
                for (full, k) in &others {
                    if kinds[*k] == kind {
                        all.push(PersonName {
                            full: full.clone(),
                            kind,
                        });
                    }
                }
            }
            let body = Person {
                owner_ref: "P-1".into(),
                names: all,
                birth_dates: vec![PartialDate::new(1980, Some(2), None).ok()?],
                birth_places: places,
                nationalities: vec![CountryCode::parse("MAR").ok()?],
                sex: None,
                identifiers: identifiers
                    .into_iter()
                    .map(|(kind, country, number)| {
                        Some(Identifier {
                            kind,
                            country: country.and_then(|c| CountryCode::parse(c).ok()),
                            number: DocumentNumber::parse(&number).ok()?,
                        })
                    })
                    .collect::<Option<_>>()?,
                notices: notices
                    .into_iter()
                    .map(|(kind, diffusion, reference, day)| Notice {
                        kind,
                        diffusion,
                        reference,
                        issued_on: day.and_then(|d| {
                            time::Date::from_calendar_date(2019, time::Month::May, d).ok()
                        }),
                    })
                    .collect(),
                flags: vec![PersonFlag::DiscreetCheck, PersonFlag::EscapeRisk],
                terrorism_items: items
                    .into_iter()
                    .map(|(reference, summary)| TerrorismItem { reference, summary })
                    .collect(),
            };
            let owner = AgencyId::parse("ncb-rabat").ok()?;
            RecordContent::new(owner, Visibility::All, None, None, RecordBody::Person(body)).ok()
        })
}

fn through_csv(records: &[RecordContent], kind: Database) -> Vec<RecordContent> {
    let mut writer = Writer::new(Vec::new(), Format::Csv, Some(kind)).unwrap();
    for r in records {
        writer.write(r).unwrap();
    }
    let bytes = writer.finish().unwrap();
    Reader::new(&bytes[..], Format::Csv, ReadOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn persons_with_awkward_text_round_trip_through_csv(records in proptest::collection::vec(person(), 0..6)) {
        prop_assert_eq!(through_csv(&records, Database::Persons), records);
    }

    #[test]
    fn the_csv_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes, Format::Csv);
        let mut with_header = HEADER.as_bytes().to_vec();
        with_header.extend_from_slice(&bytes);
        read_all(&with_header, Format::Csv);
    }

    #[test]
    fn the_csv_reader_never_panics_on_csv_like_text(body in "[a-z0-9,|:\\\\\"\n -]{0,300}") {
        let text = format!("{HEADER}{body}");
        read_all(text.as_bytes(), Format::Csv);
    }

    #[test]
    fn a_check_on_threads_finds_the_bad_rows_the_reader_finds(body in "[a-z0-9,|:\\\\\"\n -]{0,300}", threads in 0usize..3) {
        let text = format!("{HEADER}{body}");
        if let Some((read, checked)) = both_checks(text.as_bytes(), Format::Csv, threads) {
            prop_assert_eq!(read, checked);
        }
        if let Some((read, checked)) = both_checks(body.as_bytes(), Format::Jsonl, threads) {
            prop_assert_eq!(read, checked);
        }
    }

    #[test]
    fn the_jsonl_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes, Format::Jsonl);
    }

    #[test]
    fn documents_round_trip_through_csv(records in proptest::collection::vec(document(), 0..8)) {
        let mut writer = Writer::new(Vec::new(), Format::Csv, Some(portwatch_model::Database::Documents)).unwrap();
        for r in &records {
            writer.write(r).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let back: Vec<RecordContent> = Reader::new(&bytes[..], Format::Csv, ReadOptions::default())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(back, records);
    }
}
