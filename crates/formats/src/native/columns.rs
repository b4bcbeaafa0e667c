//! The CSV header of each record kind: which columns exist, which must be present, and how a
//! header is matched against them once, before the first row is read.

use portwatch_model::Database;

use super::RowError;

/// One column of a native CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// A required column must be in the header and must not be blank in any row.
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

// The envelope columns come first in every kind, at the same positions.
pub(crate) const OWNER: usize = 0;
pub(crate) const VISIBILITY: usize = 1;
pub(crate) const REVIEW_DATE: usize = 2;
pub(crate) const SOURCE_ID: usize = 3;

/// Columns of a documents file, in the order `export` writes them.
pub const DOCUMENT_COLUMNS: &[Column] = &[
    req("owner"),
    req("visibility"),
    opt("review_date"),
    opt("source_id"),
    req("number"),
    req("issuing_state"),
    req("type"),
    req("status"),
    opt("reported_on"),
    opt("reported_place"),
    opt("holder_surname"),
    opt("holder_given_names"),
    opt("holder_birth_date"),
    opt("holder_nationality"),
];

pub(crate) mod doc {
    pub const NUMBER: usize = 4;
    pub const ISSUING_STATE: usize = 5;
    pub const TYPE: usize = 6;
    pub const STATUS: usize = 7;
    pub const REPORTED_ON: usize = 8;
    pub const REPORTED_PLACE: usize = 9;
    pub const HOLDER_SURNAME: usize = 10;
    pub const HOLDER_GIVEN_NAMES: usize = 11;
    pub const HOLDER_BIRTH_DATE: usize = 12;
    pub const HOLDER_NATIONALITY: usize = 13;
}

/// Columns of a persons file, in the order `export` writes them.
pub const PERSON_COLUMNS: &[Column] = &[
    req("owner"),
    req("visibility"),
    opt("review_date"),
    opt("source_id"),
    req("owner_ref"),
    req("name"),
    opt("aliases"),
    opt("weak_aliases"),
    opt("original_script_names"),
    opt("birth_dates"),
    opt("birth_places"),
    opt("nationalities"),
    opt("sex"),
    opt("identifiers"),
    opt("notices"),
    opt("flags"),
    opt("terrorism_items"),
];

pub(crate) mod person {
    pub const OWNER_REF: usize = 4;
    pub const NAME: usize = 5;
    pub const ALIASES: usize = 6;
    pub const WEAK_ALIASES: usize = 7;
    pub const ORIGINAL_SCRIPT_NAMES: usize = 8;
    pub const BIRTH_DATES: usize = 9;
    pub const BIRTH_PLACES: usize = 10;
    pub const NATIONALITIES: usize = 11;
    pub const SEX: usize = 12;
    pub const IDENTIFIERS: usize = 13;
    pub const NOTICES: usize = 14;
    pub const FLAGS: usize = 15;
    pub const TERRORISM_ITEMS: usize = 16;
}

/// Columns of a vehicles file, in the order `export` writes them.
pub const VEHICLE_COLUMNS: &[Column] = &[
    req("owner"),
    req("visibility"),
    opt("review_date"),
    opt("source_id"),
    req("vin"),
    opt("plate"),
    opt("plate_country"),
    opt("make"),
    opt("model"),
    opt("colour"),
    opt("year"),
    opt("engine_number"),
    opt("stolen_on"),
];

pub(crate) mod vehicle {
    pub const VIN: usize = 4;
    pub const PLATE: usize = 5;
    pub const PLATE_COUNTRY: usize = 6;
    pub const MAKE: usize = 7;
    pub const MODEL: usize = 8;
    pub const COLOUR: usize = 9;
    pub const YEAR: usize = 10;
    pub const ENGINE_NUMBER: usize = 11;
    pub const STOLEN_ON: usize = 12;
}

/// The columns of a record kind, in export order.
pub fn columns(kind: Database) -> &'static [Column] {
    match kind {
        Database::Documents => DOCUMENT_COLUMNS,
        Database::Persons => PERSON_COLUMNS,
        Database::Vehicles => VEHICLE_COLUMNS,
    }
}

/// The column that only one kind has, by which a header tells its kind.
fn telltale(kind: Database) -> &'static str {
    match kind {
        Database::Documents => "issuing_state",
        Database::Persons => "owner_ref",
        Database::Vehicles => "vin",
    }
}

/// The kind whose telltale column (`issuing_state`, `owner_ref`, `vin`) is in the header.
pub fn detect_kind(header: &[String]) -> Result<Database, RowError> {
    let found: Vec<Database> = Database::ALL
        .into_iter()
        .filter(|kind| header.iter().any(|h| h == telltale(*kind)))
        .collect();
    match found.as_slice() {
        [kind] => Ok(*kind),
        _ => Err(RowError::new(
            1,
            "",
            "cannot tell the record kind from the header: it needs exactly one of the columns \
             issuing_state (documents), owner_ref (persons) or vin (vehicles); or give the kind \
             explicitly",
        )),
    }
}

/// Where each column of `kind` sits in a header, resolved once for the whole file.
///
/// `defaulted` lists required columns that may be absent because the caller supplies their
/// value (e.g. the owner). Unknown, duplicate and missing columns are one error naming them all.
pub fn resolve(
    kind: Database,
    header: &[String],
    defaulted: &[usize],
) -> Result<Vec<Option<usize>>, RowError> {
    let layout = columns(kind);
    let mut positions = vec![None; layout.len()];
    let mut unknown = Vec::new();
    let mut duplicate = Vec::new();
    for (at, name) in header.iter().enumerate() {
        match layout.iter().position(|c| c.name == name) {
            Some(col) if positions[col].is_some() => duplicate.push(name.as_str()),
            Some(col) => positions[col] = Some(at),
            None => unknown.push(name.as_str()),
        }
    }
    let missing: Vec<&str> = layout
        .iter()
        .enumerate()
        .filter(|(col, c)| c.required && positions[*col].is_none() && !defaulted.contains(col))
        .map(|(_, c)| c.name)
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("missing required column(s) {}", quoted(&missing)));
    }
    if !unknown.is_empty() {
        problems.push(format!("unknown column(s) {}", quoted(&unknown)));
    }
    if !duplicate.is_empty() {
        problems.push(format!("repeated column(s) {}", quoted(&duplicate)));
    }
    if problems.is_empty() {
        return Ok(positions);
    }
    let field = missing
        .iter()
        .chain(&unknown)
        .chain(&duplicate)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let expected: Vec<&str> = layout.iter().map(|c| c.name).collect();
    Err(RowError::new(
        1,
        field,
        format!(
            "{} in the {kind} header; the columns are {}",
            problems.join("; "),
            expected.join(",")
        ),
    ))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &str) -> Vec<String> {
        names.split(',').map(str::to_string).collect()
    }

    #[test]
    fn index_constants_name_the_columns_they_point_at() {
        assert_eq!(
            DOCUMENT_COLUMNS[doc::HOLDER_NATIONALITY].name,
            "holder_nationality"
        );
        assert_eq!(
            PERSON_COLUMNS[person::TERRORISM_ITEMS].name,
            "terrorism_items"
        );
        assert_eq!(VEHICLE_COLUMNS[vehicle::STOLEN_ON].name, "stolen_on");
        for kind in Database::ALL {
            let cols = columns(kind);
            assert_eq!(
                [
                    cols[OWNER].name,
                    cols[VISIBILITY].name,
                    cols[REVIEW_DATE].name,
                    cols[SOURCE_ID].name
                ],
                ["owner", "visibility", "review_date", "source_id"]
            );
        }
    }

    #[test]
    fn kind_is_told_by_its_telltale_column() {
        assert_eq!(
            detect_kind(&header("vin,owner")).unwrap(),
            Database::Vehicles
        );
        assert_eq!(
            detect_kind(&header("owner_ref,name")).unwrap(),
            Database::Persons
        );
        assert!(detect_kind(&header("owner,name")).is_err());
        assert!(detect_kind(&header("vin,owner_ref")).is_err());
    }

    #[test]
    fn every_header_problem_is_named_at_once() {
        let err = resolve(Database::Vehicles, &header("vin,vin,colour,wheels"), &[]).unwrap_err();
        assert_eq!(err.field, "owner, visibility, wheels, vin");
        assert!(err
            .reason
            .contains("missing required column(s) `owner`, `visibility`"));
        assert!(err.reason.contains("unknown column(s) `wheels`"));
        assert!(err.reason.contains("repeated column(s) `vin`"));
    }

    #[test]
    fn a_defaulted_column_may_be_absent() {
        let positions = resolve(Database::Vehicles, &header("visibility,vin"), &[OWNER]).unwrap();
        assert_eq!(positions[OWNER], None);
        assert_eq!(positions[vehicle::VIN], Some(1));
    }
}
