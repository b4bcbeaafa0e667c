//! Operations on the server: which operation a search counts for, and an operation's figures
//! read from the store.
//!
//! **Attribution.** A border post that screens at a site of an operation running today counts
//! its searches for that operation, at that site, without saying so: officers at the booth do
//! not pick an operation from a menu. Any other participant (an NCB of a participating country,
//! the coordinator, a partner) names the operation with `X-Portwatch-Operation: CODE`, and is
//! refused if it does not take part or the operation is not running.
//!
//! An operation's figures are in [`crate::figures`].

use time::OffsetDateTime;

use portwatch_model::{Agency, AgencyId, AgencyKind, Operation};

use crate::identity::Caller;
use crate::problem::Problem;
use crate::state::AppState;

/// Whether `agency` takes part in `operation`: it screens at one of its sites, coordinates it,
/// is a partner, is the NCB of a participating country, or is the General Secretariat.
pub fn takes_part(operation: &Operation, agency: &Agency) -> bool {
    agency.kind == AgencyKind::GeneralSecretariat
        || operation.coordinator == agency.id
        || operation.sites.iter().any(|s| s.agency == agency.id)
        || operation.partners.iter().any(|p| p.agency == agency.id)
        || (agency.kind == AgencyKind::Ncb
            && agency
                .country
                .as_ref()
                .is_some_and(|c| operation.countries.contains(c)))
}

/// Every agency an operation names, with the field that names it (`coordinator`,
/// `sites[2].agency`, `partners[0].agency`): each must be registered, since a typo would
/// silently count nothing.
pub fn named_agencies(operation: &Operation) -> Vec<(String, &AgencyId)> {
    let sites = operation
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("sites[{i}].agency"), &s.agency));
    let partners = operation
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("partners[{i}].agency"), &p.agency));
    std::iter::once(("coordinator".to_string(), &operation.coordinator))
        .chain(sites)
        .chain(partners)
        .collect()
}

/// Whether `operation` runs on the day of `at`.
pub fn is_running(operation: &Operation, at: OffsetDateTime) -> bool {
    let day = at.date();
    operation.starts_on <= day && day <= operation.ends_on
}

/// Sets the caller's operation (and its site, when it screens at one) as the module
/// documentation describes.
pub async fn attribute(
    state: &AppState,
    mut caller: Caller,
    asked: Option<String>,
) -> Result<Caller, Problem> {
    let operations = state.operations().await?;
    let chosen = match asked {
        Some(code) => Some(asked_operation(&operations, &caller, &code)?),
        None => operations.iter().find(|op| {
            is_running(op, caller.at) && op.sites.iter().any(|s| s.agency == caller.agency.id)
        }),
    };
    if let Some(op) = chosen {
        caller.operation = Some(op.id);
        if caller.site.is_none() {
            caller.site = op
                .sites
                .iter()
                .find(|s| s.agency == caller.agency.id)
                .map(|s| s.locode.as_str().to_string());
        }
    }
    Ok(caller)
}

fn asked_operation<'o>(
    operations: &'o [Operation],
    caller: &Caller,
    code: &str,
) -> Result<&'o Operation, Problem> {
    let op = operations
        .iter()
        .find(|op| op.code == code)
        .ok_or_else(|| {
            Problem::bad_field(
                "X-Portwatch-Operation",
                format!("there is no operation with code {code}"),
            )
        })?;
    if !takes_part(op, &caller.agency) {
        return Err(Problem::forbidden(
            "operation_participants_only",
            format!(
                "agency {} does not take part in operation {code}",
                caller.agency.id
            ),
        ));
    }
    if !is_running(op, caller.at) {
        return Err(Problem::bad_field(
            "X-Portwatch-Operation",
            format!(
                "operation {code} runs from {} to {}; it is not running on {}",
                op.starts_on,
                op.ends_on,
                caller.at.date()
            ),
        ));
    }
    Ok(op)
}
