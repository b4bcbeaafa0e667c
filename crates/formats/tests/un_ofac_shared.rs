//! Imports of the real UN Consolidated List and OFAC SDN list kept in `shared/data` at the
//! project's root. Each test prints a message and passes when the files are absent (a checkout
//! without the shared data), so that CI without them still runs the rest.

use std::collections::HashMap;
use std::fs::File;
use std::path::PathBuf;

use portwatch_formats::lists::ListSummary;
use portwatch_formats::{ofac, un};
use portwatch_model::{
    AgencyId, IdentifierKind, NameKind, NoticeKind, Person, RecordBody, RecordContent, Sex,
    Visibility,
};

fn shared(name: &str) -> Option<File> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    match File::open(&path) {
        Ok(f) => Some(f),
        Err(_) => {
            eprintln!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// Every person of a list by its source id, and the summary; fails on any error.
fn collect(
    items: impl Iterator<Item = Result<RecordContent, portwatch_formats::lists::ListError>>,
) -> HashMap<String, Person> {
    let mut persons = HashMap::new();
    for item in items {
        let content = item.unwrap_or_else(|e| panic!("{e}"));
        let id = content.source_id.clone().expect("a source id");
        let RecordBody::Person(person) = content.body else {
            panic!("{id} is not a person")
        };
        assert_eq!(person.owner_ref, id);
        persons.insert(id, person);
    }
    persons
}

fn names(p: &Person, kind: NameKind) -> Vec<&str> {
    p.names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

fn dates(p: &Person) -> Vec<String> {
    p.birth_dates.iter().map(ToString::to_string).collect()
}

fn ids(p: &Person) -> Vec<(IdentifierKind, &str, Option<&str>)> {
    p.identifiers
        .iter()
        .map(|i| {
            (
                i.kind,
                i.number.as_str(),
                i.country.as_ref().map(|c| c.as_str()),
            )
        })
        .collect()
}

fn read_un() -> Option<(HashMap<String, Person>, ListSummary)> {
    let file = shared("un_sc_consolidated.xml")?;
    let mut reader = un::read(file, AgencyId::parse("un-sc").unwrap(), Visibility::All);
    let persons = collect(reader.by_ref());
    Some((persons, reader.into_summary()))
}

#[test]
fn the_un_list_holds_730_individuals_and_273_skipped_entities() {
    let Some((persons, summary)) = read_un() else {
        return;
    };
    assert_eq!(persons.len(), 730);
    assert_eq!(summary.individuals, 730);
    assert_eq!(summary.rejected, 0);
    let entities = &summary.skipped["entity"];
    assert_eq!(entities.count, 273);
    assert!(entities.reason.contains("not persons"));
    assert!(
        summary.aliases > 1500 && summary.weak_aliases > 600,
        "{summary:?}"
    );
    assert_eq!(summary.original_script_names, 336);
    for person in persons.values() {
        assert_eq!(person.notices.len(), 1);
        assert_eq!(person.notices[0].kind, NoticeKind::InterpolUnSpecial);
    }
    // What could not be mapped is reported, not dropped silently.
    let unmapped: Vec<&str> = summary.warnings.iter().map(|w| w.value.as_str()).collect();
    assert!(unmapped.contains(&"former Soviet Union"), "{unmapped:?}");
    assert!(
        unmapped.contains(&"24/06/1402 (Hijri Calendar)"),
        "{unmapped:?}"
    );
}

#[test]
fn un_individuals_keep_aliases_scripts_dates_and_documents() {
    let Some((persons, _)) = read_un() else {
        return;
    };
    // An exact date, good and low aliases, original script, passport and national ID.
    let p = &persons["QDi.020"];
    assert_eq!(p.primary_name(), "MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL");
    assert_eq!(
        names(p, NameKind::OriginalScript),
        ["محمد حمدي محمد صادق الأهدل"]
    );
    assert_eq!(
        names(p, NameKind::Alias),
        [
            "Al-Hamati, Muhammad",
            "Muhammad Muhammad Abdullah Al-Ahdal",
            "Mohamed Mohamed Abdullah Al-Ahdal"
        ]
    );
    assert_eq!(
        names(p, NameKind::WeakAlias),
        ["Abu Asim Al-Makki", "Ahmed"]
    );
    assert_eq!(dates(p), ["1971-11-19"]);
    assert_eq!(p.birth_places, ["Medina, SAU"]);
    assert_eq!(p.nationalities[0].as_str(), "YEM");
    assert_eq!(
        ids(p),
        [
            (IdentifierKind::Passport, "541939", Some("YEM")),
            (IdentifierKind::NationalId, "216040", None)
        ]
    );
    assert_eq!(p.terrorism_items.len(), 1, "an Al-Qaida listing");

    // APPROXIMATELY 1960 and EXACT 1966; a passport number written with a dash.
    let p = &persons["TAi.011"];
    assert_eq!(dates(p), ["1959", "1960", "1961", "1966"]);
    assert_eq!(
        ids(p),
        [(IdentifierKind::Passport, "SE011697", Some("AFG"))]
    );
    assert_eq!(names(p, NameKind::WeakAlias), ["Naib Imam"]);
    assert!(p.terrorism_items.is_empty(), "a Taliban listing");

    // An exact date and BETWEEN 1958 and 1964.
    let p = &persons["TAi.150"];
    assert_eq!(
        dates(p),
        [
            "1966-01-01",
            "1958",
            "1959",
            "1960",
            "1961",
            "1962",
            "1963",
            "1964"
        ]
    );
    assert_eq!(
        p.birth_places,
        ["Sarana Village, Garda Saray area, Waza Zadran District, Paktia Province, AFG"]
    );

    // Several exact dates; gender.
    let p = &persons["QDi.291"];
    assert_eq!(dates(p), ["1982-04-19", "1982-04-18"]);
    assert_eq!(
        ids(p),
        [
            (IdentifierKind::Passport, "F654645", Some("SAU")),
            (IdentifierKind::NationalId, "1028745097", Some("SAU"))
        ]
    );

    let p = &persons["CDi.001"];
    assert_eq!(p.primary_name(), "ERIC BADEGE");
    assert_eq!(p.sex, Some(Sex::Male));
    assert_eq!(dates(p), ["1971"]);
    assert_eq!(p.nationalities[0].as_str(), "COD");
}

fn read_ofac() -> Option<(HashMap<String, Person>, ListSummary)> {
    let sdn = shared("ofac_sdn.csv")?;
    let alt = shared("ofac_alt.csv")?;
    let add = shared("ofac_add.csv")?;
    let owner = AgencyId::parse("ofac").unwrap();
    let mut reader = ofac::read(sdn, alt, add, owner, Visibility::All);
    let persons = collect(reader.by_ref());
    Some((persons, reader.into_summary()))
}

#[test]
fn the_ofac_list_holds_3845_individuals() {
    let Some((persons, summary)) = read_ofac() else {
        return;
    };
    assert_eq!(persons.len(), 3845);
    assert_eq!(summary.individuals, 3845);
    assert_eq!(summary.rejected, 0);
    assert_eq!(summary.skipped["entity"].count, 2994);
    assert_eq!(summary.skipped["vessel"].count, 323);
    assert_eq!(summary.skipped["aircraft"].count, 217);
    assert_eq!(summary.individuals + summary.skipped_total(), 7379);
    assert!(summary.weak_aliases > 1000, "remarks a.k.a.: {summary:?}");
    assert!(summary.identifiers > 2500, "{summary:?}");
}

#[test]
fn ofac_individuals_carry_what_the_remarks_say() {
    let Some((persons, _)) = read_ofac() else {
        return;
    };
    let p = &persons["2676"];
    assert_eq!(p.primary_name(), "Dr. Ayman AL ZAWAHIRI");
    assert!(names(p, NameKind::Alias).contains(&"Ayman AL-ZAWAHIRI"));
    assert_eq!(dates(p), ["1951-06-19"]);
    assert_eq!(p.birth_places, ["Giza, EGY"]);
    assert_eq!(
        ids(p),
        [
            (IdentifierKind::Passport, "1084010", Some("EGY")),
            (IdentifierKind::Passport, "19820215", None)
        ]
    );
    assert_eq!(p.terrorism_items.len(), 1, "SDGT and SDT programs");

    let p = &persons["2679"];
    assert_eq!(dates(p), ["1938", "1936"], "DOB 1938; alt. DOB 1936");

    let p = &persons["7782"];
    assert_eq!(dates(p), ["1950", "1951", "1952"], "DOB circa 1951");
    assert_eq!(p.birth_places, ["Foca, BIH"]);
    let p = &persons["15960"];
    assert_eq!(dates(p), ["1953", "1954"], "DOB 01 Jan 1953 to 31 Dec 1954");

    let p = &persons["26235"];
    assert_eq!(p.primary_name(), "Alexander Aleksandrovich MALKEVICH");
    assert_eq!(p.sex, Some(Sex::Male));
    assert_eq!(dates(p), ["1975-06-14"]);
    assert_eq!(p.birth_places, ["Leningrad, RUS"]);
    assert_eq!(
        ids(p),
        [
            (IdentifierKind::Passport, "717637093", Some("RUS")),
            (IdentifierKind::NationalId, "781005202108", None)
        ]
    );

    let p = &persons["7835"];
    assert_eq!(
        names(p, NameKind::WeakAlias)[..2],
        ["KHALIL YARRAYA", "ABDEL' AZIZ BEN NARVAN"]
    );
    assert_eq!(dates(p), ["1969-02-08", "1970-08-15"]);
    let nationalities: Vec<&str> = p.nationalities.iter().map(|c| c.as_str()).collect();
    assert_eq!(nationalities, ["TUN", "BIH"]);
}
