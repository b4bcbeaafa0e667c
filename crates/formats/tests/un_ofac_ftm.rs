//! The FollowTheMoney JSON-lines reader on a small hand-made input: persons with linked and
//! nested documents, topics mapped to notices, skipped schemas, and bad lines reported with
//! their line while the reading goes on.

use std::fs;
use std::path::PathBuf;

use portwatch_formats::ftm;
use portwatch_formats::lists::{ListError, ListSummary};
use portwatch_model::{
    AgencyId, IdentifierKind, NameKind, NoticeKind, Person, RecordBody, RecordContent, Sex,
    Visibility,
};
use proptest::prelude::*;

fn read(bytes: &[u8]) -> (Vec<Result<RecordContent, ListError>>, ListSummary) {
    let mut reader = ftm::read(bytes, AgencyId::parse("ncb-test").unwrap(), Visibility::All);
    let items: Vec<_> = reader.by_ref().collect();
    (items, reader.into_summary())
}

fn fixture() -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists/ftm_small.jsonl");
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn person(item: &Result<RecordContent, ListError>) -> &Person {
    match item {
        Ok(RecordContent {
            body: RecordBody::Person(p),
            ..
        }) => p,
        other => panic!("expected a person, got {other:?}"),
    }
}

fn names(p: &Person, kind: NameKind) -> Vec<&str> {
    p.names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

#[test]
fn ftm_persons_are_mapped_with_their_documents_and_topics() {
    let (items, summary) = read(&fixture());
    let outcome: Vec<String> = items
        .iter()
        .map(|i| match i {
            Ok(c) => format!("ok {}", c.source_id.as_deref().unwrap_or_default()),
            Err(e) => e.to_string(),
        })
        .collect();
    assert_eq!(outcome.len(), 6, "{outcome:#?}");

    let ivan = person(&items[0]);
    assert_eq!(
        items[0].as_ref().unwrap().source_id.as_deref(),
        Some("interpol-red-2019-1234")
    );
    assert_eq!(ivan.primary_name(), "Ivan Example");
    assert_eq!(names(ivan, NameKind::OriginalScript), ["Иван Пример"]);
    assert_eq!(names(ivan, NameKind::Alias), ["Vanya Example"]);
    assert_eq!(ivan.birth_dates[0].to_string(), "1975-03-04");
    assert_eq!(ivan.nationalities[0].as_str(), "RUS");
    assert_eq!(ivan.sex, Some(Sex::Male));
    let ids: Vec<_> = ivan
        .identifiers
        .iter()
        .map(|i| {
            (
                i.kind,
                i.number.as_str(),
                i.country.map(|c| c.as_str().to_string()),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (IdentifierKind::Passport, "721234567", None),
            (
                IdentifierKind::Passport,
                "AB123456",
                Some("RUS".to_string())
            ),
        ],
        "the passport entity on a later line is joined to its holder"
    );
    let notices: Vec<NoticeKind> = ivan.notices.iter().map(|n| n.kind).collect();
    assert_eq!(notices, [NoticeKind::Red], "topic wanted");
    assert_eq!(ivan.terrorism_items.len(), 1, "topic crime.terror");

    assert!(outcome[1].starts_with("ftm line 5"), "{}", outcome[1]);
    assert!(outcome[1].contains("not a JSON entity"), "{}", outcome[1]);
    assert!(outcome[2].starts_with("ftm line 6"), "{}", outcome[2]);
    assert!(outcome[2].contains("field `id`"), "{}", outcome[2]);

    let ahmad = person(&items[3]);
    assert_eq!(
        ahmad.primary_name(),
        "Ahmad Sample",
        "built from firstName and lastName"
    );
    assert_eq!(names(ahmad, NameKind::WeakAlias), ["Abu Sample"]);
    assert_eq!(ahmad.birth_dates[0].to_string(), "1960");
    let nationalities: Vec<&str> = ahmad.nationalities.iter().map(|c| c.as_str()).collect();
    assert_eq!(nationalities, ["AFG"], "xk (Kosovo) has no ISO code");
    assert_eq!(ahmad.identifiers.len(), 1, "the nested Identification");
    assert_eq!(ahmad.identifiers[0].kind, IdentifierKind::NationalId);
    assert_eq!(ahmad.identifiers[0].number.as_str(), "12345678");
    assert_eq!(ahmad.notices[0].kind, NoticeKind::InterpolUnSpecial);

    assert!(
        outcome[4].contains("line 10") && outcome[4].contains("entry nameless"),
        "{}",
        outcome[4]
    );
    assert!(outcome[4].contains("names"), "{}", outcome[4]);
    assert!(
        outcome[5].contains("line 11") && outcome[5].contains("properties.name"),
        "{}",
        outcome[5]
    );

    assert_eq!(summary.individuals, 2);
    assert_eq!(summary.rejected, 4);
    assert_eq!(summary.skipped["organisation"].count, 1);
    assert_eq!(summary.skipped["related record"].count, 1);
    assert_eq!(summary.skipped["identity document"].count, 1);
    assert_eq!(summary.warnings.len(), 1);
    assert_eq!(summary.warnings[0].value, "xk");
}

#[test]
fn bytes_that_are_not_utf8_are_reported_with_their_line() {
    let (items, _) = read(
        b"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Jos\xe9\"]}}\n",
    );
    let e = items[0].as_ref().unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.rule.contains("UTF-8"), "{e}");
}

proptest! {
    #[test]
    fn the_ftm_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read(&bytes);
    }

    #[test]
    fn the_ftm_reader_never_panics_on_arbitrary_json_values(
        name in "\\PC{0,40}",
        date in "\\PC{0,12}",
        country in "\\PC{0,4}",
        number in "\\PC{0,30}",
    ) {
        let entity = serde_json::json!({
            "id": "p1", "schema": "Person",
            "properties": {"name": [name], "birthDate": [date], "nationality": [country], "passportNumber": [number]}
        });
        let (items, _) = read(entity.to_string().as_bytes());
        prop_assert_eq!(items.len(), 1);
    }
}
