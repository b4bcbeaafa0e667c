//! Counting: [`FiguresBuilder`] takes an operation's facts one at a time and [`Figures`] is
//! what it makes of them.

use std::collections::{BTreeMap, HashMap, HashSet};

use portwatch_model::{
    AgencyId, AuditAction, AuditEntry, Category, CountryCode, Database, FollowUpState, Hit, Id,
    Investigation, LeadStatus, NoticeKind, Operation, Outcome, Site,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

/// The `locode` of the [`SiteFigures`] bucket that collects searches and hits made at a site
/// that is not one of the operation's (or at no site). No UN/LOCODE can be spelt like it.
pub const OTHER_SITE: &str = "other";

/// Facts about a hit's record that the hit itself does not carry (looked up by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitFacts {
    /// The record is a person flagged as a foreign terrorist fighter.
    pub foreign_terrorist_fighter: bool,
    /// The notices (and diffusions) on the record when it was hit.
    pub notices: Vec<NoticeKind>,
}

/// What the report says about the operation itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSummary {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub period: Period,
    pub countries: Vec<CountryCode>,
    pub sites: Vec<Site>,
    pub partners: Vec<AgencyId>,
    pub focus: Vec<Category>,
    pub coordinator: AgencyId,
}

/// The operation's dates, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub starts_on: Date,
    pub ends_on: Date,
    /// Days from `starts_on` to `ends_on`, both counted.
    pub days: u32,
}

/// Searches by the database they were made against.
///
/// A traveller screening searches the nominal data (`persons`) — and the stolen and lost
/// travel documents too when the traveller shows one, as at every border checkpoint; a
/// document screening only the travel documents (`documents`); a vehicle screening the stolen
/// motor vehicles (`vehicles`). A manifest screening is counted apart (`manifests`): it is one audit
/// entry, hence one search here, for a whole ship's list of passengers, documents and
/// vehicles, checked against all three databases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchesByDatabase {
    pub persons: u64,
    pub documents: u64,
    pub vehicles: u64,
    pub manifests: u64,
}

impl SearchesByDatabase {
    pub fn total(&self) -> u64 {
        self.persons + self.documents + self.vehicles + self.manifests
    }
}

/// Hits by the database of the record hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HitsByDatabase {
    pub documents: u64,
    pub persons: u64,
    pub vehicles: u64,
}

impl HitsByDatabase {
    pub fn total(&self) -> u64 {
        self.documents + self.persons + self.vehicles
    }

    fn count(&mut self, db: Database) {
        match db {
            Database::Documents => self.documents += 1,
            Database::Persons => self.persons += 1,
            Database::Vehicles => self.vehicles += 1,
        }
    }
}

/// Distinct records flagged as foreign terrorist fighters among the operation's hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignTerroristFighters {
    /// Among hits the owner confirmed: the figure to publish.
    pub confirmed: u64,
    /// Among hits the owner did not reject (confirmed or awaiting an answer): "detected". A
    /// flagged person hit only by false matches (rejected) was not detected.
    pub detected: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadsByStatus {
    pub open: u64,
    pub active: u64,
    pub closed: u64,
}

/// What the operation's leads produced, summed over their outcomes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    pub arrests: u64,
    pub documents_seized: u64,
    pub vehicles_seized: u64,
    pub firearms_seized: u64,
    pub drugs_kg: f64,
    /// Amounts seized by currency (as written on the outcome, trimmed and upper-cased).
    pub money: BTreeMap<String, f64>,
    /// Outcomes left out because their quantity was negative or not a number: counted so that
    /// nothing disappears silently.
    pub invalid_values: u64,
}

impl Outcomes {
    pub fn is_empty(&self) -> bool {
        self.arrests == 0
            && self.documents_seized == 0
            && self.vehicles_seized == 0
            && self.firearms_seized == 0
            && self.drugs_kg == 0.0
            && self.money.is_empty()
    }

    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Arrest { count } => self.arrests += u64::from(*count),
            Outcome::DocumentsSeized { count } => self.documents_seized += u64::from(*count),
            Outcome::VehiclesSeized { count } => self.vehicles_seized += u64::from(*count),
            Outcome::FirearmsSeized { count } => self.firearms_seized += u64::from(*count),
            Outcome::DrugsSeized { kilograms } => match valid_quantity(*kilograms) {
                Some(kg) => self.drugs_kg += kg,
                None => self.invalid_values += 1,
            },
            Outcome::MoneySeized { amount, currency } => match valid_quantity(*amount) {
                Some(amount) => {
                    let currency = currency.trim().to_uppercase();
                    *self.money.entry(currency).or_default() += amount;
                }
                None => self.invalid_values += 1,
            },
        }
    }
}

fn valid_quantity(x: f64) -> Option<f64> {
    (x.is_finite() && x >= 0.0).then_some(x)
}

/// One site's figures. The bucket for other sites has `locode` [`OTHER_SITE`] and no country
/// or agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFigures {
    pub locode: String,
    pub name: String,
    pub country: Option<CountryCode>,
    /// The border post that screens there.
    pub agency: Option<AgencyId>,
    pub searches: u64,
    pub hits: u64,
    pub confirmed_hits: u64,
}

/// One day's figures (UTC days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub date: Date,
    /// False for a day outside the operation's period on which searches or hits of the
    /// operation were nevertheless recorded (listed so that the days add up to the totals).
    pub in_period: bool,
    pub searches: u64,
    pub hits: u64,
}

/// Searches at one site, hour by hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteHours {
    /// The site's UN/LOCODE, or [`OTHER_SITE`].
    pub site: String,
    /// Only the hours with searches, in time order: a chart fills the gaps with zeros.
    pub hours: Vec<HourFigures>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourFigures {
    /// The start of the hour, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub hour: OffsetDateTime,
    pub searches: u64,
}

/// An operation's figures as of one moment.
///
/// The JSON form (snake_case, as in [`Figures::to_json`]) is what the server's live figures
/// endpoint answers and `portwatch report --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub operation: OperationSummary,
    /// The moment pending hits were judged overdue at (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// Searches of the operation: audit entries of its screenings (a manifest counts once).
    pub searches: u64,
    pub searches_by_database: SearchesByDatabase,
    pub hits: u64,
    pub hits_by_database: HitsByDatabase,
    pub confirmed_hits: u64,
    pub rejected_hits: u64,
    pub pending_hits: u64,
    /// Pending hits whose follow-up deadline had passed at `as_of`.
    pub overdue_follow_ups: u64,
    /// Hits on records carrying each kind of notice (a hit counts under each of its notices).
    pub hits_by_notice: BTreeMap<NoticeKind, u64>,
    pub foreign_terrorist_fighters: ForeignTerroristFighters,
    /// Investigative leads of the operation, whatever their status.
    pub leads: u64,
    /// Leads by category; the operation's focus categories are listed even at zero.
    pub leads_by_category: BTreeMap<Category, u64>,
    pub leads_by_status: LeadsByStatus,
    pub outcomes: Outcomes,
    /// One entry per operation site, in the operation's order, then [`OTHER_SITE`] if any
    /// search or hit was made elsewhere or at no site.
    pub by_site: Vec<SiteFigures>,
    /// Every day of the period, days without activity included, plus any day outside it with
    /// activity; in date order.
    pub by_day: Vec<DayFigures>,
    /// Searches per site per hour, sites in the order of `by_site`.
    pub by_site_hour: Vec<SiteHours>,
    /// The headline sentences ([`Figures::headlines`]).
    pub headlines: Vec<String>,
}

impl Figures {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Every key is a string and every number finite (outcomes filter non-finite values),
        // so serialising cannot fail; the fallback only keeps this function total.
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct SiteCount {
    searches: u64,
    hits: u64,
    confirmed_hits: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct DayCount {
    searches: u64,
    hits: u64,
}

/// Collects an operation's facts one at a time, keeping only counters (never the facts
/// themselves, so an operation of millions of searches is counted in little memory), then
/// [`finish`](FiguresBuilder::finish)es them into [`Figures`].
///
/// Feed each audit entry, hit and lead once: the builder does not deduplicate them.
#[derive(Debug, Clone)]
pub struct FiguresBuilder {
    operation: OperationSummary,
    /// Index into `sites` by exact locode; `sites[sites.len() - 1]` is the other bucket.
    site_index: HashMap<String, usize>,
    sites: Vec<SiteCount>,
    other_used: bool,
    searches: SearchesByDatabase,
    by_day: BTreeMap<Date, DayCount>,
    by_hour: BTreeMap<(usize, Date, u8), u64>,
    hits: HitsByDatabase,
    confirmed: u64,
    rejected: u64,
    pending: u64,
    overdue_deadlines: Vec<OffsetDateTime>,
    hits_by_notice: BTreeMap<NoticeKind, u64>,
    ftf_all: HashSet<Id>,
    ftf_confirmed: HashSet<Id>,
    leads_by_category: BTreeMap<Category, u64>,
    leads_by_status: LeadsByStatus,
    outcomes: Outcomes,
}

impl FiguresBuilder {
    pub fn new(operation: &Operation) -> Self {
        let mut site_index = HashMap::new();
        for site in &operation.sites {
            let next = site_index.len();
            site_index
                .entry(site.locode.as_str().to_string())
                .or_insert(next);
        }
        let sites = vec![SiteCount::default(); site_index.len() + 1];
        let leads_by_category = operation.focus.iter().map(|&c| (c, 0)).collect();
        FiguresBuilder {
            operation: summary(operation),
            site_index,
            sites,
            other_used: false,
            searches: SearchesByDatabase::default(),
            by_day: BTreeMap::new(),
            by_hour: BTreeMap::new(),
            hits: HitsByDatabase::default(),
            confirmed: 0,
            rejected: 0,
            pending: 0,
            overdue_deadlines: Vec::new(),
            hits_by_notice: BTreeMap::new(),
            ftf_all: HashSet::new(),
            ftf_confirmed: HashSet::new(),
            leads_by_category,
            leads_by_status: LeadsByStatus::default(),
            outcomes: Outcomes::default(),
        }
    }

    /// Counts one audit entry if it is a search (`Screen*` actions) of this operation; others
    /// ignored.
    ///
    /// A manifest screening is one entry for many subjects and counts as one search, under
    /// `manifests` (see [`SearchesByDatabase`]).
    pub fn add_audit(&mut self, entry: &AuditEntry) {
        let event = &entry.event;
        if event.operation != Some(self.operation.id) {
            return;
        }
        let counter = match event.action {
            AuditAction::ScreenTraveller => &mut self.searches.persons,
            AuditAction::ScreenDocument => &mut self.searches.documents,
            AuditAction::ScreenVehicle => &mut self.searches.vehicles,
            AuditAction::ScreenManifest => &mut self.searches.manifests,
            AuditAction::RecordRead
            | AuditAction::RecordCreate
            | AuditAction::RecordUpdate
            | AuditAction::RecordCancel
            | AuditAction::Import
            | AuditAction::HitFollowUp
            | AuditAction::AgencyChange
            | AuditAction::OperationChange
            | AuditAction::Login => return,
        };
        *counter += 1;
        let slot = self.site_slot(event.site.as_deref());
        self.sites[slot].searches += 1;
        let at = event.at.to_offset(UtcOffset::UTC);
        self.by_day.entry(at.date()).or_default().searches += 1;
        *self
            .by_hour
            .entry((slot, at.date(), at.hour()))
            .or_default() += 1;
    }

    /// Counts one hit of this operation (others ignored). `facts` are about the record hit.
    pub fn add_hit(&mut self, hit: &Hit, facts: &HitFacts) {
        if hit.operation != Some(self.operation.id) {
            return;
        }
        self.hits.count(hit.database);
        let slot = self.site_slot(hit.site.as_deref());
        self.sites[slot].hits += 1;
        let day = hit.at.to_offset(UtcOffset::UTC).date();
        self.by_day.entry(day).or_default().hits += 1;
        match hit.state {
            FollowUpState::Confirmed => {
                self.confirmed += 1;
                self.sites[slot].confirmed_hits += 1;
            }
            FollowUpState::Rejected => self.rejected += 1,
            FollowUpState::Pending => {
                self.pending += 1;
                self.overdue_deadlines.push(hit.deadline);
            }
        }
        let mut notices = facts.notices.clone();
        notices.sort_unstable();
        notices.dedup();
        for kind in notices {
            *self.hits_by_notice.entry(kind).or_default() += 1;
        }
        if facts.foreign_terrorist_fighter && hit.state != FollowUpState::Rejected {
            self.ftf_all.insert(hit.record_id);
            if hit.state == FollowUpState::Confirmed {
                self.ftf_confirmed.insert(hit.record_id);
            }
        }
    }

    /// Counts one investigative lead of this operation (others ignored) and its outcomes.
    pub fn add_investigation(&mut self, lead: &Investigation) {
        if lead.operation != Some(self.operation.id) {
            return;
        }
        *self.leads_by_category.entry(lead.category).or_default() += 1;
        match lead.status {
            LeadStatus::Open => self.leads_by_status.open += 1,
            LeadStatus::Active => self.leads_by_status.active += 1,
            LeadStatus::Closed => self.leads_by_status.closed += 1,
        }
        for outcome in &lead.outcomes {
            self.outcomes.add(outcome);
        }
    }

    /// The figures. `as_of`: the moment overdue follow-ups are judged at (pending hits past
    /// their deadline), also the moment the headlines speak from (a running operation "is
    /// running", a finished one "ran").
    pub fn finish(self, as_of: OffsetDateTime) -> Figures {
        let as_of = as_of.to_offset(UtcOffset::UTC);
        let overdue = self
            .overdue_deadlines
            .iter()
            .filter(|&&d| as_of > d)
            .count() as u64;
        let leads =
            self.leads_by_status.open + self.leads_by_status.active + self.leads_by_status.closed;
        let mut figures = Figures {
            by_site: self.site_figures(),
            by_day: self.day_figures(),
            by_site_hour: self.hour_figures(),
            operation: self.operation,
            as_of,
            searches: self.searches.total(),
            searches_by_database: self.searches,
            hits: self.hits.total(),
            hits_by_database: self.hits,
            confirmed_hits: self.confirmed,
            rejected_hits: self.rejected,
            pending_hits: self.pending,
            overdue_follow_ups: overdue,
            hits_by_notice: self.hits_by_notice,
            foreign_terrorist_fighters: ForeignTerroristFighters {
                confirmed: self.ftf_confirmed.len() as u64,
                detected: self.ftf_all.len() as u64,
            },
            leads,
            leads_by_category: self.leads_by_category,
            leads_by_status: self.leads_by_status,
            outcomes: self.outcomes,
            headlines: Vec::new(),
        };
        figures.headlines = figures.headlines();
        figures
    }

    /// The index in `sites` of a site as written on an audit entry or hit: an operation site
    /// (its locode in any case, spaces ignored), else the other bucket.
    fn site_slot(&mut self, site: Option<&str>) -> usize {
        let other = self.sites.len() - 1;
        let slot = site.and_then(|raw| {
            self.site_index.get(raw).copied().or_else(|| {
                let trimmed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
                self.site_index
                    .iter()
                    .find(|(locode, _)| locode.eq_ignore_ascii_case(&trimmed))
                    .map(|(_, &i)| i)
            })
        });
        let slot = slot.unwrap_or(other);
        self.other_used |= slot == other;
        slot
    }

    /// The distinct operation sites in the operation's order, each with its slot.
    fn distinct_sites(&self) -> Vec<(&Site, usize)> {
        let mut seen = HashSet::new();
        self.operation
            .sites
            .iter()
            .filter(|s| seen.insert(s.locode.as_str()))
            .map(|s| (s, self.site_index[s.locode.as_str()]))
            .collect()
    }

    fn site_figures(&self) -> Vec<SiteFigures> {
        let mut out: Vec<SiteFigures> = self
            .distinct_sites()
            .into_iter()
            .map(|(site, slot)| {
                let c = self.sites[slot];
                SiteFigures {
                    locode: site.locode.as_str().to_string(),
                    name: site.name.clone(),
                    country: Some(site.country),
                    agency: Some(site.agency.clone()),
                    searches: c.searches,
                    hits: c.hits,
                    confirmed_hits: c.confirmed_hits,
                }
            })
            .collect();
        if self.other_used {
            let c = self.sites[self.sites.len() - 1];
            out.push(SiteFigures {
                locode: OTHER_SITE.to_string(),
                name: "Other or unknown sites".to_string(),
                country: None,
                agency: None,
                searches: c.searches,
                hits: c.hits,
                confirmed_hits: c.confirmed_hits,
            });
        }
        out
    }

    fn day_figures(&self) -> Vec<DayFigures> {
        let period = self.operation.period;
        let mut days: BTreeMap<Date, DayFigures> = BTreeMap::new();
        let mut day = Some(period.starts_on);
        while let Some(d) = day.filter(|d| *d <= period.ends_on) {
            days.insert(d, day_entry(d, true, DayCount::default()));
            day = d.next_day();
        }
        for (&date, &count) in &self.by_day {
            let in_period = (period.starts_on..=period.ends_on).contains(&date);
            days.insert(date, day_entry(date, in_period, count));
        }
        days.into_values().collect()
    }

    fn hour_figures(&self) -> Vec<SiteHours> {
        let mut slots: Vec<(String, usize)> = self
            .distinct_sites()
            .into_iter()
            .map(|(s, slot)| (s.locode.as_str().to_string(), slot))
            .collect();
        if self.other_used {
            slots.push((OTHER_SITE.to_string(), self.sites.len() - 1));
        }
        slots
            .into_iter()
            .map(|(site, slot)| SiteHours {
                site,
                hours: self
                    .by_hour
                    .range((slot, Date::MIN, 0)..=(slot, Date::MAX, u8::MAX))
                    .map(|(&(_, date, hour), &searches)| HourFigures {
                        hour: start_of_hour(date, hour),
                        searches,
                    })
                    .collect(),
            })
            .collect()
    }
}

fn day_entry(date: Date, in_period: bool, count: DayCount) -> DayFigures {
    DayFigures {
        date,
        in_period,
        searches: count.searches,
        hits: count.hits,
    }
}

fn start_of_hour(date: Date, hour: u8) -> OffsetDateTime {
    // `hour` comes from `OffsetDateTime::hour`, always below 24.
    date.with_hms(hour, 0, 0)
        .unwrap_or_else(|_| date.midnight())
        .assume_utc()
}

fn summary(op: &Operation) -> OperationSummary {
    let days = (op.ends_on - op.starts_on).whole_days() + 1;
    OperationSummary {
        id: op.id,
        code: op.code.clone(),
        name: op.name.clone(),
        period: Period {
            starts_on: op.starts_on,
            ends_on: op.ends_on,
            days: u32::try_from(days).unwrap_or(u32::MAX),
        },
        countries: op.countries.clone(),
        sites: op.sites.clone(),
        partners: op.partners.iter().map(|p| p.agency.clone()).collect(),
        focus: op.focus.clone(),
        coordinator: op.coordinator.clone(),
    }
}
