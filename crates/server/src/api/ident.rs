//! `POST /v1/ident/mrz`: reads a machine-readable zone and says what each field and each
//! check digit holds, for the console's live feedback while an officer types an MRZ.
//!
//! The reading is the `ident` crate's (the same as `portwatch mrz parse`): this module only
//! takes the lines out of the body, picks "today" from the server's clock for century
//! inference, adds what the ICAO codes stand for, and turns input that is not an MRZ at all
//! into a 422 naming the field and the rule. Nothing is looked up and nothing is revealed, so
//! any caller holding a role may use it, and it is not audited (it is no search).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use portwatch_ident::country::{self, IcaoKind};
use portwatch_ident::mrz::{self, DocumentKind, Mrz, MrzError};
use portwatch_model::Role;

use crate::identity::Caller;
use crate::problem::{Problem, Typed};
use crate::state::AppState;

/// Every role: reading an MRZ reveals no data, so holding any role is enough.
const ANY_ROLE: [Role; 5] = [
    Role::Screener,
    Role::RecordsEditor,
    Role::Analyst,
    Role::Auditor,
    Role::Admin,
];

/// The body: the MRZ as its lines, or as one text with lines separated by newlines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MrzRequest {
    lines: Option<Vec<String>>,
    mrz: Option<String>,
}

/// The answer: every field the `ident` crate reads (the `portwatch mrz parse` JSON), plus the
/// kind of document and what the issuing-state and nationality codes stand for.
#[derive(Debug, Serialize)]
struct MrzAnswer<'a> {
    #[serde(flatten)]
    mrz: &'a Mrz,
    document_kind: DocumentKind,
    /// `state`, `british_nationality`, `organization`, `stateless`, `refugee`,
    /// `unspecified`, `specimen`; `null` when Doc 9303 does not define the code.
    issuing_state_kind: Option<IcaoKind>,
    /// What a code that is not a plain ISO country stands for (`Utopia`, `European Union` …).
    issuing_state_name: Option<&'static str>,
    nationality_kind: Option<IcaoKind>,
    nationality_name: Option<&'static str>,
}

/// `POST /v1/ident/mrz`.
pub async fn mrz(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Typed(body): Typed<MrzRequest>,
) -> Result<Response, Problem> {
    caller.require_any(&ANY_ROLE, "reading an MRZ")?;
    let (field, lines) = body_lines(body)?;
    let today = day_of(state.clock.now());
    let parsed = mrz::parse(&lines, today).map_err(|e| mrz_problem(field, &lines, &e))?;
    let issuing = country::from_icao(&parsed.issuing_state);
    let nationality = country::from_icao(&parsed.nationality);
    let answer = MrzAnswer {
        mrz: &parsed,
        document_kind: parsed.document_kind(),
        issuing_state_kind: issuing.map(|c| c.kind),
        issuing_state_name: issuing.and_then(|c| c.description),
        nationality_kind: nationality.map(|c| c.kind),
        nationality_name: nationality.and_then(|c| c.description),
    };
    Ok(super::json(StatusCode::OK, &answer))
}

/// The lines of the body, and the name of the field they came from.
fn body_lines(body: MrzRequest) -> Result<(&'static str, Vec<String>), Problem> {
    match (body.lines, body.mrz) {
        (Some(lines), None) => Ok(("lines", lines)),
        (None, Some(text)) => Ok(("mrz", text.split_whitespace().map(String::from).collect())),
        (Some(_), Some(_)) => Err(Problem::unprocessable(
            "mrz",
            "give the MRZ once: as `lines` (an array of lines) or as `mrz` (one text), not both",
        )),
        (None, None) => Err(Problem::unprocessable(
            "lines",
            "the MRZ is missing: give `lines` (an array of lines) or `mrz` (one text)",
        )),
    }
}

/// A 422 naming the field (for a bad character, the line of `lines` that holds it) and the
/// rule broken, in the `ident` crate's words.
fn mrz_problem(field: &str, lines: &[String], err: &MrzError) -> Problem {
    let field = match err {
        MrzError::Character { line, .. } if field == "lines" => {
            // The parser skips blank lines, and reads one line holding a whole MRZ as several.
            let given: Vec<usize> = (0..lines.len())
                .filter(|&i| !lines[i].trim().is_empty())
                .collect();
            let at = if given.len() == 1 {
                given[0]
            } else {
                given.get(line - 1).copied().unwrap_or(line - 1)
            };
            format!("lines[{at}]")
        }
        _ => field.to_owned(),
    };
    Problem::unprocessable(field, err.to_string())
}

/// The calendar day of `now`, the reference for the century of two-digit years.
fn day_of(now: OffsetDateTime) -> mrz::Day {
    let date = now.date();
    mrz::Day {
        year: u16::try_from(date.year()).unwrap_or(u16::MAX),
        month: u8::from(date.month()),
        day: date.day(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn a_bad_character_names_the_line_that_holds_it() {
        let given = lines(&["", "P<UTO", "L%"]);
        let err = MrzError::Character {
            line: 2,
            position: 2,
            found: '%',
        };
        let p = mrz_problem("lines", &given, &err);
        assert_eq!(p.status, 422);
        assert_eq!(p.field.as_deref(), Some("lines[2]"));
        assert!(p.detail.contains("line 2, position 2"), "{}", p.detail);
        let p = mrz_problem("mrz", &given, &err);
        assert_eq!(p.field.as_deref(), Some("mrz"));
    }

    #[test]
    fn the_body_gives_the_mrz_once() {
        let both = MrzRequest {
            lines: Some(vec![]),
            mrz: Some(String::new()),
        };
        assert_eq!(body_lines(both).unwrap_err().status, 422);
        let none = MrzRequest {
            lines: None,
            mrz: None,
        };
        assert_eq!(
            body_lines(none).unwrap_err().field.as_deref(),
            Some("lines")
        );
        let text = MrzRequest {
            lines: None,
            mrz: Some("AAA\r\nBBB\n".into()),
        };
        assert_eq!(body_lines(text).unwrap(), ("mrz", lines(&["AAA", "BBB"])));
    }
}
