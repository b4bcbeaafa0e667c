//! `POST /match/{dataset}`: the matching API of yente, OpenSanctions' screening service, so
//! that clients written for yente (its Python client `yente-client`, compliance tools) screen
//! against portwatch unchanged.
//!
//! In: `{"queries": {"<key>": {"schema": "Person", "properties": {"name": [...],
//! "birthDate": [...], "nationality": [...], ...}}}, "weights": {...}, "config": {...}}` with the
//! query parameters `limit`, `threshold`, `cutoff`, `algorithm`, `include_dataset`,
//! `exclude_dataset`, `topics`, `exclude_entity_ids`. Out: `{"responses": {"<key>": {"status":
//! 200, "results": [<scored FollowTheMoney entity>], "total": {"value", "relation"}, "query":
//! {...}}}, "limit": N}`.
//!
//! What portwatch makes of it:
//! - The `dataset` is `default` (every database), `persons`, `documents` or `vehicles`;
//!   anything else is 404, as in yente.
//! - A `Person` query is screened as a traveller: `name`, `alias`, `weakAlias`,
//!   `previousName` and `firstName`/`middleName`/`lastName` as names, the first `birthDate`,
//!   `gender`, the first of `nationality`/`citizenship`/`country` (ISO alpha-2 as FtM writes
//!   them, or alpha-3), and `passportNumber`/`idNumber` as the document shown — with that
//!   nationality as its issuing state, since FtM does not say which state issued a number (no
//!   nationality: the number is not screened). `LegalEntity` and `Thing` queries screen their
//!   names against persons. A `Vehicle` query screens its `registrationNumber` as a plate of its
//!   `country`. Other matchable schemas (companies, vessels …) are answered with no results:
//!   portwatch holds none. An unknown or non-matchable schema is 400, as in yente; properties
//!   portwatch does not screen on are ignored, as yente ignores properties a schema lacks.
//! - Each query with something to screen is **one search**: one audit entry (with its keyed
//!   fingerprint), every match a stored hit alerted to its owner — whatever the caller may see.
//! - Results are what the access policy reveals. A record the caller may see is rendered as a
//!   FollowTheMoney entity (`Person`, `Passport`/`Identification`, `Vehicle`) with `score`
//!   (0..1), `match` (score ≥ `threshold`, by default the engine's own 0.70) and the components
//!   of the explanation as `features` (by name, a number each) and `explanations` (with the
//!   compared values). A record the caller may not see is a result that says only "hit: contact
//!   the owner NCB": no record id, no field, and a fixed score of 0.70 with `match: true` —
//!   never filtered by `threshold`, `cutoff` or `topics`, which would leak its real score.
//! - portwatch's own scorer is always used: `algorithm` and `weights` are accepted and ignored;
//!   a `config` entry is refused (400), as yente refuses one its algorithm does not know.
//! - Authentication is that of `/v1`; yente's `Authorization: ApiKey <key>` is accepted as
//!   well as `Bearer <key>`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use portwatch_engine::{
    policy, FactCheck, HitView, Match, PersonScorer, Reason, RevealedHit, Subject,
    TravellerRequest, VehicleRequest, CONTACT_OWNER_MESSAGE,
};
use portwatch_formats::countries::{alpha3_for_alpha2, ISO_COUNTRIES};
use portwatch_model::{
    AuditAction, Database, Id, IdentifierKind, NameKind, NoticeKind, PersonFlag, Record,
    RecordBody, Role, Sex,
};

use super::screen::{match_subject, may_screen, screen_matches, ShownHit};
use crate::audit::{event, new_search_id};
use crate::identity::{authenticate, Caller};
use crate::problem::{Json, Path, Problem};
use crate::state::AppState;

/// The datasets of `/match/{dataset}`.
pub const DATASETS: &[&str] = &["default", "persons", "documents", "vehicles"];
/// Results per query unless `limit` says (yente's default).
const DEFAULT_LIMIT: usize = 5;
/// The most results per query (yente's `MAX_MATCHES`).
const MAX_LIMIT: usize = 500;
/// The most queries in one request (yente's `MAX_BATCH`).
const MAX_QUERIES: usize = 100;
/// The engine's decision threshold: the default `threshold`, and the score shown for a hit
/// the caller may not see (the least any hit scores, whatever its real score).
fn engine_threshold() -> f64 {
    PersonScorer::default().threshold
}

/// Schemas screened against persons by their names.
const NAME_SCHEMAS: &[&str] = &["Person", "LegalEntity", "Thing"];
/// Matchable FollowTheMoney schemas portwatch holds no records of: answered with no results.
const NOT_HELD_SCHEMAS: &[&str] = &[
    "Organization",
    "Company",
    "PublicBody",
    "Vessel",
    "Airplane",
    "Asset",
    "CryptoWallet",
    "Security",
    "BankAccount",
    "Position",
    "RealEstate",
];
/// FollowTheMoney schemas that are not matchable (yente refuses them as queries).
const NON_MATCHABLE_SCHEMAS: &[&str] = &[
    "Address",
    "Article",
    "Associate",
    "Debt",
    "Directorship",
    "Document",
    "Employment",
    "Event",
    "Family",
    "Identification",
    "Interval",
    "Membership",
    "Mention",
    "Note",
    "Occupancy",
    "Ownership",
    "Passport",
    "Payment",
    "Representation",
    "Sanction",
    "Succession",
    "UnknownLink",
];

/// The `/match` routes, authenticated like `/v1`.
pub(super) fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/match/{dataset}", post(match_entities))
        .layer(DefaultBodyLimit::max(state.limits.body_bytes))
        .route_layer(middleware::from_fn_with_state(state, authenticate))
        .route_layer(middleware::from_fn(api_key_scheme))
}

/// yente's clients send `Authorization: ApiKey <key>`; portwatch's keys go as `Bearer`.
async fn api_key_scheme(mut req: Request, next: Next) -> Response {
    let rewritten = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("ApiKey "))
        .and_then(|key| HeaderValue::from_str(&format!("Bearer {}", key.trim())).ok());
    if let Some(value) = rewritten {
        req.headers_mut().insert(header::AUTHORIZATION, value);
    }
    next.run(req).await
}

// ---- Request ---------------------------------------------------------------------------------

/// yente's `EntityMatchQuery`. Members yente does not define are ignored, as yente does.
#[derive(Debug, Deserialize)]
struct MatchQuery {
    queries: BTreeMap<String, EntityExample>,
    #[serde(default)]
    #[allow(dead_code)]
    weights: HashMap<String, f64>,
    #[serde(default)]
    config: Map<String, Value>,
}

/// yente's `EntityExample`: a property's value is a string or a list.
#[derive(Debug, Deserialize)]
struct EntityExample {
    #[serde(default)]
    id: Option<String>,
    schema: String,
    #[serde(default)]
    properties: Map<String, Value>,
}

/// The query parameters.
#[derive(Debug)]
struct Params {
    limit: usize,
    threshold: f64,
    cutoff: f64,
    include: Vec<Database>,
    exclude: Vec<Database>,
    topics: Vec<String>,
    exclude_ids: HashSet<String>,
}

fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn number<T: std::str::FromStr>(name: &str, raw: &str) -> Result<T, Problem> {
    raw.trim()
        .parse()
        .map_err(|_| Problem::bad_field(name, format!("{name} must be a number, got {raw:?}")))
}

fn dataset_of(name: &str, raw: &str) -> Result<Option<Database>, Problem> {
    match raw {
        "default" => Ok(None),
        "persons" => Ok(Some(Database::Persons)),
        "documents" => Ok(Some(Database::Documents)),
        "vehicles" => Ok(Some(Database::Vehicles)),
        _ => Err(Problem::bad_field(
            name,
            format!(
                "{name}: no dataset {raw:?}; the datasets are {}",
                DATASETS.join(", ")
            ),
        )),
    }
}

impl Params {
    fn parse(query: Option<&str>) -> Result<Params, Problem> {
        let mut p = Params {
            limit: DEFAULT_LIMIT,
            threshold: engine_threshold(),
            cutoff: f64::NAN,
            include: Vec::new(),
            exclude: Vec::new(),
            topics: Vec::new(),
            exclude_ids: HashSet::new(),
        };
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .map(|(k, v)| (decode(k), decode(v)));
        for (key, value) in pairs {
            match key.as_str() {
                "limit" => p.limit = number("limit", &value)?,
                "threshold" => p.threshold = number("threshold", &value)?,
                "cutoff" => p.cutoff = number("cutoff", &value)?,
                "include_dataset" => p.include.extend(dataset_of(&key, &value)?),
                "exclude_dataset" => p.exclude.extend(dataset_of(&key, &value)?),
                "topics" => p.topics.push(value),
                "exclude_entity_ids" => {
                    p.exclude_ids.insert(value);
                }
                // Accepted for compatibility; portwatch's own scorer and live data answer.
                "algorithm" | "exclude_schema" | "changed_since" => {}
                _ => {}
            }
        }
        if p.limit == 0 || p.limit > MAX_LIMIT {
            return Err(Problem::bad_field(
                "limit",
                format!("limit must be 1-{MAX_LIMIT}, got {}", p.limit),
            ));
        }
        for (name, v) in [("threshold", p.threshold), ("cutoff", p.cutoff)] {
            if !v.is_nan() && !(0.0..=1.0).contains(&v) {
                return Err(Problem::bad_field(
                    name,
                    format!("{name} must be between 0 and 1, got {v}"),
                ));
            }
        }
        // As in yente: the cutoff defaults to the threshold and never exceeds it.
        p.cutoff = if p.cutoff.is_nan() {
            p.threshold
        } else {
            p.cutoff.min(p.threshold)
        };
        Ok(p)
    }

    /// Whether results from `db` may be returned.
    fn admits(&self, db: Database, scope: Option<Database>) -> bool {
        scope.is_none_or(|s| s == db)
            && (self.include.is_empty() || self.include.contains(&db))
            && !self.exclude.contains(&db)
    }
}

/// What one query screens.
enum Plan {
    Screen(Box<Subject>),
    /// A matchable schema of which portwatch holds nothing, or a query with nothing to screen.
    Nothing,
}

/// The string values of a property (a string, or a list of strings and numbers).
fn values(properties: &Map<String, Value>, name: &str) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match properties.get(name) {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

/// A country as FtM writes it (alpha-2 `ma`) or as portwatch does (alpha-3 `MAR`).
fn country(field: &str, raw: &str) -> Result<String, Problem> {
    let code = raw.trim();
    let alpha3 = match code.len() {
        2 => alpha3_for_alpha2(code).map(str::to_string),
        3 => portwatch_model::CountryCode::parse(code)
            .ok()
            .map(|c| c.as_str().to_string()),
        _ => None,
    };
    alpha3.ok_or_else(|| {
        Problem::bad_field(
            field,
            format!("field `{field}`: must be an ISO 3166-1 country code (ma, MAR), got {raw:?}"),
        )
    })
}

fn plan(key: &str, example: &EntityExample) -> Result<Plan, Problem> {
    let schema = example.schema.as_str();
    let props = &example.properties;
    let field = |name: &str| format!("queries.{key}.properties.{name}");
    if NAME_SCHEMAS.contains(&schema) {
        let mut names = Vec::new();
        for p in ["name", "alias", "weakAlias", "previousName"] {
            names.extend(values(props, p));
        }
        let mut traveller = TravellerRequest {
            names,
            ..TravellerRequest::default()
        };
        if schema == "Person" {
            person_facts(props, &mut traveller, &field)?;
        }
        if traveller.names.is_empty()
            && traveller.surname.is_none()
            && traveller.given_names.is_none()
            && traveller.document_number.is_none()
        {
            return Ok(Plan::Nothing);
        }
        let subject = Subject::Traveller(traveller);
        check(&subject, &field)?;
        return Ok(Plan::Screen(Box::new(subject)));
    }
    if schema == "Vehicle" {
        let plate = values(props, "registrationNumber").into_iter().next();
        let Some(plate) = plate else {
            return Ok(Plan::Nothing);
        };
        let issuer = values(props, "country").into_iter().next().ok_or_else(|| {
            Problem::bad_field(
                field("country"),
                "a registrationNumber needs the country that issued it (country)",
            )
        })?;
        let subject = Subject::Vehicle(VehicleRequest {
            vin: None,
            plate: Some(plate),
            plate_country: Some(country(&field("country"), &issuer)?),
        });
        check(&subject, &field)?;
        return Ok(Plan::Screen(Box::new(subject)));
    }
    if NOT_HELD_SCHEMAS.contains(&schema) {
        return Ok(Plan::Nothing);
    }
    let rule = if NON_MATCHABLE_SCHEMAS.contains(&schema) {
        format!("Non-matchable schema for query: {schema}")
    } else {
        format!("Unknown schema: {schema:?}")
    };
    Err(Problem::bad_field(
        format!("queries.{key}.schema"),
        format!("Cannot parse example entity: {rule}"),
    ))
}

/// The facts of a `Person` query.
fn person_facts(
    props: &Map<String, Value>,
    t: &mut TravellerRequest,
    field: &dyn Fn(&str) -> String,
) -> Result<(), Problem> {
    let last = values(props, "lastName").join(" ");
    let given: Vec<String> = ["firstName", "secondName", "middleName"]
        .iter()
        .flat_map(|p| values(props, p))
        .collect();
    if !last.is_empty() {
        t.surname = Some(last);
    }
    if !given.is_empty() {
        t.given_names = Some(given.join(" "));
    }
    t.birth_date = values(props, "birthDate")
        .into_iter()
        .next()
        .map(|d| d.chars().take(10).collect());
    t.sex = match values(props, "gender")
        .first()
        .map(|g| g.to_ascii_lowercase())
    {
        Some(g) if g == "male" || g == "m" => Some("M".into()),
        Some(g) if g == "female" || g == "f" => Some("F".into()),
        _ => None,
    };
    let mut nationality = None;
    for p in ["nationality", "citizenship", "country"] {
        if let Some(raw) = values(props, p).first() {
            nationality = Some(country(&field(p), raw)?);
            break;
        }
    }
    t.nationality = nationality.clone();
    let number = values(props, "passportNumber")
        .into_iter()
        .chain(values(props, "idNumber"))
        .next();
    if let (Some(number), Some(state)) = (number, nationality) {
        t.document_number = Some(number);
        t.issuing_state = Some(state);
    }
    Ok(())
}

/// Runs the engine's checks now, naming the FtM property at fault.
fn check(subject: &Subject, field: &dyn Fn(&str) -> String) -> Result<(), Problem> {
    let checked = match subject {
        Subject::Traveller(t) => t.check().map(drop),
        Subject::Vehicle(v) => v.check().map(drop),
        Subject::Document(d) => d.check().map(drop),
    };
    checked.map_err(|e| {
        let property = match e.field.as_str() {
            "birth_date" => "birthDate",
            "sex" => "gender",
            "nationality" | "issuing_state" => "nationality",
            "document_number" | "number" => "passportNumber",
            "plate" => "registrationNumber",
            "plate_country" => "country",
            _ => "name",
        };
        let f = field(property);
        Problem::bad_field(f.clone(), format!("field `{f}`: {}", e.message))
    })
}

// ---- Response --------------------------------------------------------------------------------

#[derive(Serialize)]
struct MatchResponse {
    responses: BTreeMap<String, EntityMatches>,
    limit: usize,
}

#[derive(Serialize)]
struct EntityMatches {
    status: u16,
    results: Vec<Value>,
    total: Total,
    query: Value,
}

#[derive(Serialize)]
struct Total {
    value: usize,
    relation: &'static str,
}

/// One query's screening: the stored hits and what the caller was shown.
struct Screened {
    search_id: Id,
    action: AuditAction,
    fingerprint: String,
    shown: Vec<ShownHit>,
    hits: Vec<portwatch_model::Hit>,
    revealed: Vec<Id>,
}

/// `POST /match/{dataset}`.
async fn match_entities(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(dataset): Path<String>,
    RawQuery(query): RawQuery,
    Json(body): Json<Value>,
) -> Result<Response, Problem> {
    caller.require(Role::Screener, "matching")?;
    let scope = match dataset.as_str() {
        "default" | "persons" | "documents" | "vehicles" => {
            dataset_of("dataset", &dataset).unwrap_or(None)
        }
        _ => {
            return Err(Problem::not_found(format!(
                "No such dataset: {dataset:?}; the datasets are {}",
                DATASETS.join(", ")
            )))
        }
    };
    let params = Params::parse(query.as_deref())?;
    let request: MatchQuery = serde_path_to_error::deserialize(body).map_err(|e| {
        let field = e.path().to_string();
        Problem::bad_field(
            field.clone(),
            format!("field `{field}`: {}", e.into_inner()),
        )
    })?;
    if let Some(key) = request.config.keys().next() {
        return Err(Problem::bad_field(
            format!("config.{key}"),
            format!("Invalid configuration parameter: {key} for algorithm portwatch"),
        ));
    }
    if request.queries.len() > MAX_QUERIES {
        return Err(Problem::bad_field(
            "queries",
            format!("Too many queries in one batch (limit: {MAX_QUERIES})"),
        ));
    }
    let plans = request
        .queries
        .iter()
        .map(|(key, example)| plan(key, example).map(|p| (key.clone(), p)))
        .collect::<Result<Vec<_>, _>>()?;
    may_screen(&state, &caller)?;
    let screened = screen_all(&state, &caller, &plans, scope, &params).await?;
    let records = records_of(&state, &screened).await?;
    let mut responses = BTreeMap::new();
    for (key, example) in &request.queries {
        let shown = screened.get(key).map_or(&[][..], |s| &s.shown[..]);
        responses.insert(
            key.clone(),
            entity_matches(example, shown, &records, &params),
        );
    }
    let answer = MatchResponse {
        responses,
        limit: params.limit,
    };
    Ok(super::json(StatusCode::OK, &answer))
}

/// Screens every query with a plan; writes one audit entry per query and every hit, in one
/// durable append, then alerts the owners.
async fn screen_all(
    state: &Arc<AppState>,
    caller: &Caller,
    plans: &[(String, Plan)],
    scope: Option<Database>,
    params: &Params,
) -> Result<HashMap<String, Screened>, Problem> {
    let at = caller.at;
    let engine_caller = policy::Caller::from_agency(&caller.agency);
    let mut out = HashMap::new();
    for (key, plan) in plans {
        let Plan::Screen(subject) = plan else {
            continue;
        };
        let subject: &Subject = subject;
        let matches: Vec<Match> = match_subject(state, subject, at.date())
            .map_err(|e| Problem::bad_field(format!("queries.{key}"), e.to_string()))?
            .into_iter()
            .filter(|m| params.admits(m.database, scope))
            .collect();
        let action = match subject {
            Subject::Vehicle(_) => AuditAction::ScreenVehicle,
            Subject::Document(_) => AuditAction::ScreenDocument,
            Subject::Traveller(_) => AuditAction::ScreenTraveller,
        };
        let canonical = serde_json::to_vec(subject).map_err(Problem::internal)?;
        let search_id = new_search_id();
        let s = screen_matches(state, caller, &engine_caller, matches, search_id, at);
        out.insert(
            key.clone(),
            Screened {
                search_id,
                action,
                fingerprint: state.fingerprints.fingerprint(action, &canonical),
                shown: s.shown,
                hits: s.hits,
                revealed: s.revealed,
            },
        );
    }
    let mut events = Vec::with_capacity(out.len());
    let mut hits = Vec::new();
    for s in out.values() {
        let mut e = event(caller, s.action);
        e.search_id = Some(s.search_id);
        e.query_fingerprint = Some(s.fingerprint.clone());
        e.revealed = s.revealed.clone();
        e.hits = s.hits.len() as u32;
        events.push(e);
        hits.extend(s.hits.iter().cloned());
        state.metrics.search(s.action, 1, s.hits.len() as u64);
    }
    if !events.is_empty() {
        state.audit.record(events, hits.clone()).await?;
        state.publish_hits(&hits);
    }
    Ok(out)
}

/// The records the caller may see in full, read in one store call.
async fn records_of(
    state: &AppState,
    screened: &HashMap<String, Screened>,
) -> Result<HashMap<Id, Record>, Problem> {
    let ids: Vec<Id> = screened
        .values()
        .flat_map(|s| s.revealed.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    state
        .with_store(move |store| {
            let mut found = HashMap::new();
            for id in ids {
                if let Some(r) = store.record(id)? {
                    found.insert(id, r);
                }
            }
            Ok(found)
        })
        .await
}

fn entity_matches(
    example: &EntityExample,
    shown: &[ShownHit],
    records: &HashMap<Id, Record>,
    params: &Params,
) -> EntityMatches {
    let mut results: Vec<(f64, Value)> = Vec::new();
    for hit in shown {
        match &hit.revealed {
            RevealedHit::Full(view) => {
                let Some(record) = records.get(&view.record_id) else {
                    continue;
                };
                let entity = scored_entity(hit.hit_id, view, record, params.threshold);
                let id = view.record_id.to_string();
                let excluded = params.exclude_ids.contains(&id)
                    || view
                        .source_id
                        .as_ref()
                        .is_some_and(|s| params.exclude_ids.contains(s));
                let topics_ok = params.topics.is_empty()
                    || entity["properties"]["topics"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|v| params.topics.iter().any(|p| v == p)));
                if view.score >= params.cutoff && !excluded && topics_ok {
                    results.push((view.score, entity));
                }
            }
            RevealedHit::ContactOwner { owner, .. } => {
                results.push((
                    engine_threshold(),
                    withheld_entity(hit.hit_id, owner.as_str()),
                ));
            }
        }
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = results.len();
    EntityMatches {
        status: 200,
        results: results
            .into_iter()
            .take(params.limit)
            .map(|(_, v)| v)
            .collect(),
        total: Total {
            value: total,
            relation: "eq",
        },
        query: serde_json::json!({
            "id": example.id,
            "schema": example.schema,
            "properties": example
                .properties
                .keys()
                .map(|k| (k.clone(), Value::from(values(&example.properties, k))))
                .collect::<Map<_, _>>(),
        }),
    }
}

/// A hit on a record the caller may not see: that there is one, and whom to call.
fn withheld_entity(hit_id: Id, owner: &str) -> Value {
    serde_json::json!({
        "id": format!("hit-{hit_id}"),
        "caption": CONTACT_OWNER_MESSAGE,
        "schema": "Thing",
        "properties": {"notes": [format!("{CONTACT_OWNER_MESSAGE} ({owner})")]},
        "datasets": [],
        "referents": [],
        "target": true,
        "first_seen": null,
        "last_seen": null,
        "last_change": null,
        "score": engine_threshold(),
        "match": true,
        "features": {},
        "explanations": {},
        "hit_id": hit_id,
        "disclosure": "contact_owner",
        "owner": owner,
    })
}

fn scored_entity(hit_id: Id, view: &HitView, record: &Record, threshold: f64) -> Value {
    let (schema, caption, properties) = ftm_entity(&record.content.body);
    let (features, explanations) = features(&view.reason);
    let seen = time::format_description::well_known::Rfc3339;
    let changed = record.recorded_at.format(&seen).ok();
    serde_json::json!({
        "id": view.record_id,
        "caption": caption,
        "schema": schema,
        "properties": properties,
        "datasets": [view.database.as_str()],
        "referents": view.source_id.iter().collect::<Vec<_>>(),
        "target": true,
        "first_seen": null,
        "last_seen": changed,
        "last_change": changed,
        "score": view.score,
        "match": view.score >= threshold,
        "features": features,
        "explanations": explanations,
        "hit_id": hit_id,
        "disclosure": "full",
        "owner": view.owner,
        "database": view.database,
        "record_version": view.record_version,
        "match_kind": view.match_kind,
        "action": view.action,
    })
}

/// The ISO alpha-2 code FtM writes for an alpha-3 code (`MAR` → `ma`).
fn alpha2(code: &str) -> String {
    ISO_COUNTRIES
        .iter()
        .find(|(alpha3, _, _)| *alpha3 == code)
        .map_or_else(
            || code.to_ascii_lowercase(),
            |(_, a2, _)| a2.to_ascii_lowercase(),
        )
}

/// A record as a FollowTheMoney entity: schema, caption, properties.
fn ftm_entity(body: &RecordBody) -> (&'static str, String, Value) {
    let mut p: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    match body {
        RecordBody::Person(person) => {
            for n in &person.names {
                let prop = match n.kind {
                    NameKind::Primary => "name",
                    NameKind::Alias | NameKind::OriginalScript => "alias",
                    NameKind::WeakAlias => "weakAlias",
                };
                p.entry(prop).or_default().push(n.full.clone());
            }
            p.insert(
                "birthDate",
                person.birth_dates.iter().map(|d| d.to_string()).collect(),
            );
            p.insert("birthPlace", person.birth_places.clone());
            p.insert(
                "nationality",
                person
                    .nationalities
                    .iter()
                    .map(|c| alpha2(c.as_str()))
                    .collect(),
            );
            if let Some(sex) = person.sex {
                let g = if sex == Sex::Male { "male" } else { "female" };
                p.insert("gender", vec![g.to_string()]);
            }
            for id in &person.identifiers {
                let prop = match id.kind {
                    IdentifierKind::Passport => "passportNumber",
                    IdentifierKind::NationalId | IdentifierKind::Other => "idNumber",
                };
                p.entry(prop)
                    .or_default()
                    .push(id.number.as_str().to_string());
            }
            p.insert("topics", topics(person));
            p.insert(
                "notes",
                person
                    .notices
                    .iter()
                    .map(|n| {
                        let kind = serde_json::to_value(n.kind).ok();
                        let kind = kind.as_ref().and_then(Value::as_str).unwrap_or("notice");
                        let what = if n.diffusion { "diffusion" } else { "notice" };
                        match &n.reference {
                            Some(r) => format!("{kind} {what} {r}"),
                            None => format!("{kind} {what}"),
                        }
                    })
                    .collect(),
            );
            finish("Person", person.primary_name().to_string(), p)
        }
        RecordBody::Document(doc) => {
            let schema = if doc.doc_type == portwatch_model::DocumentType::Passport {
                "Passport"
            } else {
                "Identification"
            };
            let caption = format!(
                "{} {} {}",
                doc.doc_type.as_str(),
                doc.issuing_state,
                doc.number.as_str()
            );
            p.insert("number", vec![doc.number.as_str().to_string()]);
            p.insert("country", vec![alpha2(doc.issuing_state.as_str())]);
            p.insert("type", vec![doc.doc_type.as_str().to_string()]);
            let status = serde_json::to_value(doc.status).ok();
            if let Some(s) = status.as_ref().and_then(Value::as_str) {
                p.insert("summary", vec![format!("reported {}", s.replace('_', " "))]);
            }
            finish(schema, caption, p)
        }
        RecordBody::Vehicle(v) => {
            let made: Vec<&str> = [v.make.as_deref(), v.model.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !made.is_empty() {
                p.insert("model", vec![made.join(" ")]);
            }
            if let Some(plate) = &v.plate {
                p.insert("registrationNumber", vec![plate.number.clone()]);
                p.insert("country", vec![alpha2(plate.country.as_str())]);
            }
            if let Some(year) = v.year {
                p.insert("buildDate", vec![year.to_string()]);
            }
            p.insert("notes", vec![format!("VIN {}", v.vin.as_str())]);
            let caption = match made.is_empty() {
                true => v.vin.as_str().to_string(),
                false => format!("{} {}", made.join(" "), v.vin.as_str()),
            };
            finish("Vehicle", caption, p)
        }
    }
}

fn finish(
    schema: &'static str,
    caption: String,
    p: BTreeMap<&'static str, Vec<String>>,
) -> (&'static str, String, Value) {
    let properties: Map<String, Value> = p
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    (schema, caption, Value::Object(properties))
}

/// FtM topics of a person: `wanted` (a Red notice), `sanction` (an INTERPOL–UN Special
/// Notice), `crime.terror` (a foreign terrorist fighter, terrorism-related items), `poi` (a
/// Blue notice: a person of interest to locate).
fn topics(person: &portwatch_model::Person) -> Vec<String> {
    let mut topics = Vec::new();
    let mut add = |t: &str| {
        if !topics.iter().any(|x| x == t) {
            topics.push(t.to_string());
        }
    };
    for n in &person.notices {
        match n.kind {
            NoticeKind::Red => add("wanted"),
            NoticeKind::InterpolUnSpecial => add("sanction"),
            NoticeKind::Blue => add("poi"),
            _ => {}
        }
    }
    if person.flags.contains(&PersonFlag::ForeignTerroristFighter)
        || !person.terrorism_items.is_empty()
    {
        add("crime.terror");
    }
    topics
}

/// A fact check as a feature value: agreement 1, weak agreement 0.5, unknown 0, conflict -1.
fn fact_value(check: FactCheck) -> f64 {
    match check {
        FactCheck::Agrees => 1.0,
        FactCheck::Compatible | FactCheck::Slip => 0.5,
        FactCheck::Unknown => 0.0,
        FactCheck::Conflicts => -1.0,
    }
}

fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The explanation's components: `features` (name → number) and `explanations` (name →
/// `{score, detail, query, candidate}`), as yente's clients read them.
fn features(reason: &Reason) -> (Map<String, Value>, Map<String, Value>) {
    let mut features = Map::new();
    let mut explanations = Map::new();
    let mut put = |name: &str,
                   score: f64,
                   detail: String,
                   query: Option<String>,
                   candidate: Option<String>| {
        features.insert(name.to_string(), Value::from(score));
        explanations.insert(
            name.to_string(),
            serde_json::json!({"score": score, "detail": detail, "query": query,
                               "candidate": candidate, "weight": null}),
        );
    };
    match reason {
        Reason::Person(r) => {
            let alignment: Vec<String> = r
                .alignment
                .iter()
                .map(|a| {
                    format!(
                        "{} ~ {} ({}, {:.2})",
                        a.query, a.record, a.how, a.similarity
                    )
                })
                .collect();
            put(
                "name_match",
                r.name_score,
                format!(
                    "{} name: {}",
                    word(&r.matched_name_kind),
                    alignment.join("; ")
                ),
                Some(r.query_name.clone()),
                Some(r.matched_name.clone()),
            );
            for (name, check) in [
                ("birth_date_match", r.birth_date),
                ("gender_match", r.sex),
                ("nationality_match", r.nationality),
            ] {
                put(name, fact_value(check), word(&check), None, None);
            }
        }
        Reason::PersonIdentifier { number } => put(
            "identifier_match",
            1.0,
            "a number the person holds".into(),
            Some(number.clone()),
            None,
        ),
        Reason::DocumentNumber {
            number,
            issuing_state,
        } => put(
            "document_number_match",
            1.0,
            format!("document number of {issuing_state}"),
            Some(number.clone()),
            None,
        ),
        Reason::Vin { vin } => put("vin_match", 1.0, "VIN".into(), Some(vin.clone()), None),
        Reason::Plate { plate, country } => put(
            "plate_match",
            1.0,
            format!("plate of {country}"),
            Some(plate.clone()),
            None,
        ),
    }
    (features, explanations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_repeat_and_decode() {
        let p = Params::parse(Some(
            "limit=3&threshold=0.8&include_dataset=persons&topics=crime.terror&topics=wanted&exclude_entity_ids=a%2Fb",
        ))
        .unwrap();
        assert_eq!(p.limit, 3);
        assert_eq!(p.cutoff, 0.8);
        assert_eq!(p.include, vec![Database::Persons]);
        assert_eq!(p.topics, vec!["crime.terror", "wanted"]);
        assert!(p.exclude_ids.contains("a/b"));
        assert!(Params::parse(Some("limit=0")).is_err());
        assert!(Params::parse(Some("threshold=2")).is_err());
        assert!(Params::parse(Some("include_dataset=sanctions")).is_err());
    }

    #[test]
    fn schemas_follow_yente() {
        let example = |schema: &str| EntityExample {
            id: None,
            schema: schema.into(),
            properties: serde_json::json!({"name": ["Karim Benali"]})
                .as_object()
                .cloned()
                .unwrap(),
        };
        assert!(matches!(plan("q", &example("Person")), Ok(Plan::Screen(_))));
        assert!(matches!(plan("q", &example("Company")), Ok(Plan::Nothing)));
        assert!(plan("q", &example("Passport")).is_err());
        assert!(plan("q", &example("Spaceship")).is_err());
    }
}
