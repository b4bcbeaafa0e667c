//! Who is calling: an agency, the person or system acting for it, and the roles they hold.
//!
//! A caller proves its agency with a client certificate (mutual TLS; the certificate names the
//! agency and its roles) or with an API key (`Authorization: Bearer pwk_…`, bound to an agency
//! and roles). Either way the roles granted are those claimed **and** allowed for the agency's
//! kind ([`AgencyKind::allowed_roles`]): a border post's certificate that claims `admin` still
//! only screens. An API key, when sent, wins over the certificate: a console user on a shared
//! checkpoint terminal acts with their own, usually narrower, key.
//!
//! The web console signs in with an API key once and then sends the `pw_session` cookie
//! ([`crate::console`]): the cookie counts like the key it was opened with (it wins over the
//! certificate too), and any request but GET and HEAD made with it must carry the session's
//! `X-CSRF-Token`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use portwatch_model::{Agency, AgencyId, AgencyKind, Id, Role};
use time::OffsetDateTime;

use crate::apikeys::KeyIdentity;
use crate::console::{session_caller, PresentedSession, SessionId};
use crate::pki::parse_role;
use crate::problem::Problem;
use crate::state::AppState;
use crate::tls::PeerCertificate;

/// The verified client certificate of the connection a request came on (absent on plain HTTP).
#[derive(Debug, Clone)]
pub struct ConnectionPeer(pub Option<Arc<PeerCertificate>>);

/// How the caller proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    ClientCertificate,
    ApiKey,
    /// A console session cookie, opened with an API key.
    Session,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub agency: Agency,
    /// The person or system: `key:<id> (<name>)` or `cert:<serial>`.
    pub actor: String,
    /// Granted roles, sorted.
    pub roles: Vec<Role>,
    /// The checkpoint the request comes from (`X-Portwatch-Site`, or the caller's site in the
    /// operation it screens for), for the audit trail.
    pub site: Option<String>,
    pub credential: Credential,
    /// When the request was received, by the server's [`crate::clock::Clock`]: every stamp the
    /// request makes (audit entry, hits, deadlines) uses this one instant.
    pub at: OffsetDateTime,
    /// The operation the request's searches count for (see [`crate::operations::attribute`]).
    pub operation: Option<Id>,
}

impl Caller {
    pub fn agency_id(&self) -> &AgencyId {
        &self.agency.id
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Refuses with a 403 naming the role unless the caller holds it.
    pub fn require(&self, role: Role, what: &str) -> Result<(), Problem> {
        if self.has(role) {
            Ok(())
        } else {
            Err(Problem::missing_role(role, what))
        }
    }

    /// Refuses unless the caller holds one of `roles` (the 403 names the first).
    pub fn require_any(&self, roles: &[Role], what: &str) -> Result<(), Problem> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            Err(Problem::missing_role(roles[0], what))
        }
    }

    pub fn is_secretariat(&self) -> bool {
        self.agency.kind == AgencyKind::GeneralSecretariat
    }
}

/// The roles claimed that the agency's kind allows, sorted and without duplicates.
pub fn granted_roles(kind: AgencyKind, claimed: impl IntoIterator<Item = Role>) -> Vec<Role> {
    let allowed = kind.allowed_roles();
    let mut roles: Vec<Role> = claimed
        .into_iter()
        .filter(|r| allowed.contains(r))
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// Middleware of every `/v1` route: resolves the caller, applies the agency's rate limit, and
/// hands the [`Caller`] to the handler as a request extension.
pub async fn authenticate(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let presented = match Presented::from_request(&req) {
        Ok(p) => p,
        Err(problem) => {
            state.metrics.denied();
            return problem.into_response();
        }
    };
    let asked_operation = presented.operation.clone();
    let session_id = presented.session.as_ref().map(|s| s.id.clone());
    let caller = match resolve(&state, presented).await {
        Ok(caller) => caller,
        Err(problem) => {
            state.metrics.denied();
            return problem.into_response();
        }
    };
    let caller = match crate::operations::attribute(&state, caller, asked_operation).await {
        Ok(caller) => caller,
        Err(problem) => return problem.into_response(),
    };
    if let Err(retry_after) = state.rate.take(caller.agency_id()) {
        state.metrics.rate_limited();
        return Problem::rate_limited(
            retry_after,
            format!(
                "agency {} exceeded its rate limit of {} requests/s; retry in {retry_after} s",
                caller.agency_id(),
                state.rate.per_second()
            ),
        )
        .into_response();
    }
    if caller.credential == Credential::Session {
        if let Some(id) = session_id {
            req.extensions_mut().insert(SessionId(id));
        }
    }
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// The credentials a request carries, read before any await (a request is not `Sync`).
struct Presented {
    site: Option<String>,
    operation: Option<String>,
    token: Option<String>,
    session: Option<PresentedSession>,
    peer: Option<Arc<PeerCertificate>>,
}

impl Presented {
    fn from_request(req: &Request) -> Result<Presented, Problem> {
        Ok(Presented {
            site: site_header(req)?,
            operation: operation_header(req)?,
            token: bearer_token(req)?.map(str::to_string),
            session: PresentedSession::from_request(req),
            peer: req
                .extensions()
                .get::<ConnectionPeer>()
                .and_then(|p| p.0.clone()),
        })
    }
}

/// The caller an API key stands for: its agency (which must be registered) and the key's roles
/// that the agency's kind allows.
pub(crate) async fn caller_for_key(
    state: &AppState,
    key: &KeyIdentity,
    site: Option<String>,
    credential: Credential,
) -> Result<Caller, Problem> {
    let agency = state.agency(&key.agency).await?.ok_or_else(|| {
        Problem::forbidden(
            "unknown_agency",
            format!("the API key's agency {} is not registered", key.agency),
        )
    })?;
    let roles = granted_roles(agency.kind, key.roles.iter().copied());
    Ok(Caller {
        agency,
        actor: format!("key:{} ({})", key.id, key.name),
        roles,
        site,
        credential,
        at: state.clock.now(),
        operation: None,
    })
}

async fn resolve(state: &AppState, presented: Presented) -> Result<Caller, Problem> {
    let Presented {
        site,
        token,
        session,
        peer,
        ..
    } = presented;
    if let Some(token) = token {
        let key = state
            .keys
            .verify(&token)
            .map_err(Problem::internal)?
            .ok_or_else(|| Problem::unauthenticated("the API key is unknown or revoked"))?;
        return caller_for_key(state, &key, site, Credential::ApiKey).await;
    }
    let mut session_refused = None;
    if let Some(session) = session {
        match session_caller(state, &session, site.clone()).await? {
            Ok(caller) => return Ok(caller),
            Err(refused) => session_refused = Some(refused),
        }
    }
    let peer = match (peer, session_refused) {
        (Some(peer), _) => Some(peer),
        (None, Some(refused)) => return Err(refused),
        (None, None) => None,
    };
    let peer = peer.ok_or_else(|| {
        Problem::unauthenticated(
            "present a client certificate (mutual TLS) or an API key \
                 (`Authorization: Bearer pwk_…`)",
        )
    })?;
    let agency_id = AgencyId::parse(&peer.agency).map_err(|_| {
        Problem::forbidden(
            "unknown_agency",
            "the client certificate does not name a valid agency id",
        )
    })?;
    let agency = state.agency(&agency_id).await?.ok_or_else(|| {
        Problem::forbidden(
            "unknown_agency",
            format!("the certificate's agency {agency_id} is not registered"),
        )
    })?;
    let roles = granted_roles(agency.kind, peer.roles.iter().filter_map(|r| parse_role(r)));
    Ok(Caller {
        agency,
        actor: format!("cert:{}", peer.serial),
        roles,
        site,
        credential: Credential::ClientCertificate,
        at: state.clock.now(),
        operation: None,
    })
}

fn bearer_token(req: &Request) -> Result<Option<&str>, Problem> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| Problem::unauthenticated("the Authorization header is not readable text"))?;
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(Some(token.trim())),
        _ => Err(Problem::unauthenticated(
            "the Authorization header must be `Bearer <API key>`",
        )),
    }
}

/// The header a caller uses to name the operation (its code) its searches count for; without
/// it, a border post screening at a site of a running operation counts for that operation.
pub const OPERATION_HEADER: &str = "x-portwatch-operation";

fn operation_header(req: &Request) -> Result<Option<String>, Problem> {
    let Some(value) = req.headers().get(OPERATION_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().ok().map(str::trim).unwrap_or("");
    let valid = (2..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(Problem::bad_field(
            "X-Portwatch-Operation",
            "must be an operation code: 2-32 upper-case letters, digits or '-' (e.g. NEPTUNE-II)",
        ));
    }
    Ok(Some(text.to_string()))
}

/// The header a checkpoint uses to say where it screens from.
pub const SITE_HEADER: &str = "x-portwatch-site";

fn site_header(req: &Request) -> Result<Option<String>, Problem> {
    let Some(value) = req.headers().get(SITE_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().ok().map(str::trim).unwrap_or("");
    let valid = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if !valid {
        return Err(Problem::bad_field(
            "X-Portwatch-Site",
            "must be 1-64 letters, digits, '-', '_', '.' or ':' (e.g. a UN/LOCODE such as MAPTM)",
        ));
    }
    Ok(Some(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_border_post_only_ever_screens() {
        let roles = granted_roles(
            AgencyKind::BorderPost,
            [Role::Admin, Role::Screener, Role::RecordsEditor],
        );
        assert_eq!(roles, vec![Role::Screener]);
        let roles = granted_roles(AgencyKind::Partner, [Role::Screener, Role::Analyst]);
        assert_eq!(roles, vec![Role::Analyst]);
    }
}
