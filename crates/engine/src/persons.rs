//! The nominal database: persons found by their names, aliases and identifiers.
//!
//! **Candidate generation.** Each name of a person (primary, aliases, original script) gives
//! the names crate's index keys ([`PreparedName::index_keys`]: skeletons of tokens and of the
//! whole name, their one-deletion neighbours, heads and tails of words). Keys of common names
//! ("s:mhmd" for every Mohamed, Muhammad and محمد) are shared by a large share of a Maghreb or
//! Levant watch list, so such a key alone would hand the scorer tens of thousands of
//! candidates. The index therefore also stores **pair keys**: the consonant skeleton of one
//! token joined with the skeleton, first three or last three letters of another token of the
//! same name (order-free). A traveller's name finds a person through any single key whose
//! posting list is short ([`SINGLE_KEY_LIMIT`]) or through pair keys ([`PAIR_KEY_LIMIT`]),
//! rarest first: the persons of keys of at most [`ALWAYS_READ`] names always, and of
//! commoner keys the [`CANDIDATE_BUDGET`] persons sharing the most keys with the traveller:
//! a name the scorer accepts agrees on two tokens, or on a rare key (a whole-name skeleton, a
//! rare surname), so the candidates stay few while the recall stays that of the keys.
//! `portwatch bench engine` measures what candidate generation loses against a full scan by
//! the same scorer.
//!
//! **Facts first.** A person whose date of birth or sex keeps them below the threshold even
//! with a perfect name is never scored. Those facts travel in the 32-bit tag of each of the
//! person's key entries (`facts_tag`), so candidate generation drops such persons as it
//! reads the postings, without a look at each candidate's record (at a million persons, that
//! look was a cache miss a candidate and most of a screening's time).
//!
//! **Scoring.** Every candidate is scored with [`score_prepared`] over each pair of
//! (traveller name, person name); the best name score is then adjusted by the facts:
//! date of birth, sex and nationality (see [`PersonScorer`]).

use portwatch_model::{
    Action, CountryCode, NameKind, PartialDate, Person, Record, RecordBody, Sex,
};
use portwatch_names::{explain_prepared, score_prepared, PreparedName, TokenKind};

use crate::hit::{compare_dates, AlignedTokens, FactCheck, PersonReason};
use crate::keytable::{fingerprint, mix, FingerprintSet, KeyTable, Postings};
use crate::slots::{Admission, BulkSlots, SlotTable};

/// A single name key is used for candidates only when at most this many names carry it.
pub const SINGLE_KEY_LIMIT: usize = 32;
/// A pair key is used when at most this many names carry it.
pub const PAIR_KEY_LIMIT: usize = 8192;
/// Keys carried by at most this many names are always read.
pub const ALWAYS_READ: usize = 64;
/// Commoner keys are read, rarest first, until this many postings have been gathered…
pub const GATHER_LIMIT: usize = 65_536;
/// …and at most this many of their persons, those sharing the most keys, are scored.
pub const CANDIDATE_BUDGET: usize = 768;

/// What the index keeps of a person to score it (the rest stays in the store).
#[derive(Debug, Clone)]
pub(crate) struct PersonData {
    names: Vec<(PreparedName, NameKind)>,
    birth_dates: Vec<PartialDate>,
    sex: Option<Sex>,
    nationalities: Vec<CountryCode>,
    identifiers: Vec<String>,
    action: Action,
}

impl PersonData {
    fn new(person: &Person) -> Self {
        PersonData {
            names: person
                .names
                .iter()
                .map(|n| (PreparedName::new(&n.full), n.kind))
                .collect(),
            birth_dates: person.birth_dates.clone(),
            sex: person.sex,
            nationalities: person.nationalities.clone(),
            identifiers: person
                .identifiers
                .iter()
                .map(|i| i.number.as_str().to_string())
                .collect(),
            action: Action::for_person(person),
        }
    }

    pub(crate) fn action(&self) -> Action {
        self.action
    }

    fn heap_bytes(&self) -> usize {
        // PreparedName does not report its size; a name of three tokens holds about 600 bytes.
        self.names.len() * 600 + self.identifiers.iter().map(|s| s.len() + 24).sum::<usize>()
    }
}

/// The facts that can rule a person out before any name is scored, packed in 16 bytes and
/// kept in one array: a candidate costs one cache line, not a walk through its names.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    /// The first two dates of birth.
    births: [Option<PartialDate>; 2],
    /// More than two dates of birth: never rule out on dates.
    many_births: bool,
    sex: Option<Sex>,
}

impl Facts {
    fn of(p: &PersonData) -> Self {
        Facts {
            births: [
                p.birth_dates.first().copied(),
                p.birth_dates.get(1).copied(),
            ],
            many_births: p.birth_dates.len() > 2,
            sex: p.sex,
        }
    }
}

/// The facts of a person packed into the 32-bit tag of each of its key entries, so that
/// candidate generation rules persons out as it reads their postings, one after the other in
/// memory, instead of fetching every candidate's [`Facts`] from a random place (a cache miss a
/// candidate: most of a screening against a million persons). Bits 0–13 hold the year of the
/// date of birth (0: none), 14–17 its month, 18–22 its day, 23–24 the sex (0 unknown, 1 male,
/// 2 female); [`TAG_DEFERS`] marks a person with more than one date of birth, whose tag cannot
/// tell and whose [`Facts`] decide.
fn facts_tag(f: &Facts) -> u32 {
    if f.births[1].is_some() {
        return TAG_DEFERS;
    }
    let sex = match f.sex {
        None => 0,
        Some(Sex::Male) => 1,
        Some(Sex::Female) => 2,
    };
    let date = match f.births[0] {
        None => 0,
        Some(d) if u32::from(d.year()) > TAG_YEAR => return TAG_DEFERS,
        Some(d) => {
            u32::from(d.year())
                | u32::from(d.month().unwrap_or(0) & 0xf) << 14
                | u32::from(d.day().unwrap_or(0) & 0x1f) << 18
        }
    };
    date | sex << 23
}

/// See [`facts_tag`].
const TAG_DEFERS: u32 = 1 << 31;
const TAG_YEAR: u32 = 0x3fff;

/// A query's [`PersonScorer::facts_rule_out`], decided on [`facts_tag`]s: most persons are
/// born in a year that conflicts with the traveller's outright (neither the same, nor next to
/// it, nor one digit away), which a bit of a per-query table tells.
pub(crate) struct FactsFilter<'a> {
    scorer: &'a PersonScorer,
    query: &'a PersonQuery,
    /// Years whose dates may be anything but a conflict with the traveller's date of birth.
    near_years: Vec<u64>,
    /// Ruled out, by whether the sex conflicts, when the person has no date of birth or the
    /// traveller none, and when the dates conflict.
    without_date: [bool; 2],
    conflicting: [bool; 2],
}

impl<'a> FactsFilter<'a> {
    pub(crate) fn new(scorer: &'a PersonScorer, query: &'a PersonQuery) -> Self {
        let rules_out = |birth, sex_conflict| scorer.facts_out_of_reach(birth, sex_conflict);
        let no_date = scorer.birth_date_agrees.max(0.0);
        let conflict = scorer.birth_date_adjustment(FactCheck::Conflicts);
        let mut near_years = vec![0u64; (TAG_YEAR as usize + 1) / 64];
        if let Some(qd) = query.birth_date {
            for year in near_years_of(qd.year()) {
                let y = usize::from(year).min(TAG_YEAR as usize);
                near_years[y / 64] |= 1 << (y % 64);
            }
        }
        FactsFilter {
            scorer,
            query,
            near_years,
            without_date: [rules_out(no_date, false), rules_out(no_date, true)],
            conflicting: [rules_out(conflict, false), rules_out(conflict, true)],
        }
    }

    /// Whether the person of `slot`, whose key entries carry `tag`, is ruled out by its facts.
    pub(crate) fn rules_out(&self, tag: u32, slot: u32, facts: &[Facts]) -> bool {
        if tag & TAG_DEFERS != 0 {
            return self
                .scorer
                .facts_rule_out(self.query, &facts[slot as usize]);
        }
        let sex = match (tag >> 23) & 3 {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        };
        let sex_conflict =
            usize::from(matches!((self.query.sex, sex), (Some(a), Some(b)) if a != b));
        let year = (tag & TAG_YEAR) as usize;
        if self.query.birth_date.is_none() || year == 0 {
            return self.without_date[sex_conflict];
        }
        if self.near_years[year / 64] & (1 << (year % 64)) == 0 {
            return self.conflicting[sex_conflict];
        }
        // A near year: the whole dates are compared, as the facts would be.
        let part = |bits: u32| u8::try_from(bits).ok().filter(|&x| x != 0);
        let date = PartialDate::new(
            year as u16,
            part((tag >> 14) & 0xf),
            part((tag >> 18) & 0x1f),
        );
        match (self.query.birth_date, date) {
            (Some(qd), Ok(d)) => self.scorer.facts_out_of_reach(
                self.scorer.birth_date_adjustment(compare_dates(&qd, &d)),
                sex_conflict == 1,
            ),
            _ => self
                .scorer
                .facts_rule_out(self.query, &facts[slot as usize]),
        }
    }
}

/// The years a date of birth in `year` does not conflict with outright: the same, the next
/// ones, and those one digit away (1980: 1970, 1981, 2980 …).
fn near_years_of(year: u16) -> Vec<u16> {
    let mut years = vec![year, year.saturating_sub(1), year.saturating_add(1)];
    for place in [1u16, 10, 100, 1000] {
        let digit = year / place % 10;
        for other in 0..10u16 {
            if other != digit {
                years.push(year - digit * place + other * place);
            }
        }
    }
    years
}

/// The candidate keys of one name: the names crate's index keys (singles), and pair keys that
/// join two tokens of the name (see the module documentation).
fn name_keys(name: &PreparedName) -> (Vec<u64>, Vec<u64>) {
    let singles = name
        .index_keys()
        .iter()
        .map(|k| fingerprint(&[b"n", k.as_bytes()]))
        .collect();
    (singles, token_pairs(name))
}

/// The keys of one token: its consonant skeleton, and its first and last three letters when
/// it has five or more (so a typo in one half of a word keeps the other).
struct TokenKeys {
    skeleton: u64,
    halves: Vec<u64>,
}

/// Pair keys: the skeleton of one token with the skeleton, head or tail of another. The pair
/// is order-free (a swapped name finds the same pairs).
fn token_pairs(name: &PreparedName) -> Vec<u64> {
    let telling = |k: TokenKind| {
        matches!(
            k,
            TokenKind::Word | TokenKind::Number | TokenKind::Kunya | TokenKind::Generic
        )
    };
    let any_telling = name.token_views().any(|t| telling(t.kind));
    let tokens: Vec<TokenKeys> = name
        .token_views()
        .filter(|t| !any_telling || telling(t.kind))
        .map(|t| {
            let skeleton = if t.skeleton.is_empty() {
                t.phonetic
            } else {
                t.skeleton
            };
            let plain = t.plain;
            let mut halves = Vec::new();
            if plain.len() >= 5 {
                if let Some(head) = plain.get(..3) {
                    halves.push(fingerprint(&[b"h", head.as_bytes()]));
                }
                if let Some(tail) = plain.get(plain.len() - 3..) {
                    halves.push(fingerprint(&[b"t", tail.as_bytes()]));
                }
            }
            TokenKeys {
                skeleton: fingerprint(&[b"s", skeleton.as_bytes()]),
                halves,
            }
        })
        .collect();
    let pair = |a: u64, b: u64| mix(a.min(b) ^ a.max(b).rotate_left(17));
    let mut pairs = Vec::new();
    for (i, a) in tokens.iter().enumerate() {
        for b in &tokens[i + 1..] {
            pairs.push(pair(a.skeleton, b.skeleton));
            pairs.extend(b.halves.iter().map(|&h| pair(a.skeleton, h)));
            pairs.extend(a.halves.iter().map(|&h| pair(h, b.skeleton)));
        }
    }
    pairs
}

/// The fingerprint of a person identifier (a document number, any issuer).
fn identifier_key(number: &str) -> u64 {
    fingerprint(&[
        b"i",
        portwatch_ident::document_number::canonical(number).as_bytes(),
    ])
}

/// All keys of a person: (name singles, name pairs, identifiers), each deduplicated.
fn person_keys(data: &PersonData) -> [Vec<u64>; 3] {
    let mut singles = Vec::new();
    let mut pairs = Vec::new();
    for (name, _) in &data.names {
        let (s, p) = name_keys(name);
        singles.extend(s);
        pairs.extend(p);
    }
    let mut ids: Vec<u64> = data.identifiers.iter().map(|n| identifier_key(n)).collect();
    for v in [&mut singles, &mut pairs, &mut ids] {
        v.sort_unstable();
        v.dedup();
    }
    [singles, pairs, ids]
}

/// A traveller as the person index sees it.
pub(crate) struct PersonQuery {
    pub names: Vec<PreparedName>,
    pub birth_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub nationality: Option<CountryCode>,
    pub document_number: Option<String>,
}

/// A person that matched, before policy.
pub(crate) struct PersonMatch {
    pub slot: u32,
    pub score: f64,
    pub by_identifier: bool,
    pub reason: PersonReason,
}

/// How name score and facts combine (see `PersonScorer::score`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PersonScorer {
    /// A person is a hit when the adjusted score reaches this.
    pub threshold: f64,
    /// Names scoring below this are not considered at all.
    pub name_floor: f64,
    pub birth_date_agrees: f64,
    /// A partial date of birth compatible with the traveller's (the year, or year and month).
    pub birth_date_compatible: f64,
    pub birth_date_slip: f64,
    pub birth_date_conflicts: f64,
    pub sex_conflicts: f64,
    pub nationality_agrees: f64,
    pub nationality_conflicts: f64,
    /// A weak alias (nickname, partial name) counts for this share of its score.
    pub weak_alias_factor: f64,
}

impl Default for PersonScorer {
    fn default() -> Self {
        PersonScorer {
            threshold: portwatch_names::DEFAULT_THRESHOLD,
            name_floor: portwatch_names::DEFAULT_THRESHOLD - 0.1,
            birth_date_agrees: 0.10,
            birth_date_compatible: -0.15,
            birth_date_slip: -0.26,
            birth_date_conflicts: -0.35,
            sex_conflicts: -0.20,
            nationality_agrees: 0.03,
            nationality_conflicts: -0.05,
            weak_alias_factor: 0.9,
        }
    }
}

impl PersonScorer {
    /// The best name pair, adjusted: + when the date of birth agrees, − for a slip (so a slip
    /// needs a close name), much − when it conflicts or the sex does; a little + when a
    /// nationality is shared, a little − when none is. Clamped to 0..=1. `None` when no name pair reaches [`PersonScorer::name_floor`].
    pub(crate) fn score(&self, q: &PersonQuery, p: &PersonData) -> Option<(f64, PersonReason)> {
        let mut best: Option<(f64, usize, usize)> = None;
        for (qi, qn) in q.names.iter().enumerate() {
            for (pi, (pn, kind)) in p.names.iter().enumerate() {
                let mut s = score_prepared(qn, pn);
                if *kind == NameKind::WeakAlias {
                    s *= self.weak_alias_factor;
                }
                if best.is_none_or(|b| s > b.0) {
                    best = Some((s, qi, pi));
                }
            }
        }
        let (name_score, qi, pi) = best?;
        if name_score < self.name_floor {
            return None;
        }
        let birth_date = birth_date_check(q, p);
        let sex = match (q.sex, p.sex) {
            (Some(a), Some(b)) if a == b => FactCheck::Agrees,
            (Some(_), Some(_)) => FactCheck::Conflicts,
            _ => FactCheck::Unknown,
        };
        let nationality = match q.nationality {
            Some(n) if p.nationalities.contains(&n) => FactCheck::Agrees,
            Some(_) if !p.nationalities.is_empty() => FactCheck::Conflicts,
            _ => FactCheck::Unknown,
        };
        let mut score = name_score;
        score += self.birth_date_adjustment(birth_date);
        if sex == FactCheck::Conflicts {
            score += self.sex_conflicts;
        }
        score += match nationality {
            FactCheck::Agrees => self.nationality_agrees,
            FactCheck::Conflicts => self.nationality_conflicts,
            _ => 0.0,
        };
        let score = (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0;
        let reason = PersonReason {
            query_name: q.names[qi].original().to_string(),
            matched_name: p.names[pi].0.original().to_string(),
            matched_name_kind: p.names[pi].1,
            name_score: (name_score * 10_000.0).round() / 10_000.0,
            alignment: Vec::new(),
            birth_date,
            sex,
            nationality,
        };
        Some((score, reason))
    }

    /// Whether the facts alone keep the person below the threshold even with a perfect name
    /// (a date of birth that conflicts, say): then the names need not be scored at all. This
    /// prunes most candidates of a common name at no cost in recall.
    fn facts_rule_out(&self, q: &PersonQuery, facts: &Facts) -> bool {
        let birth = match q.birth_date {
            Some(qd) if !facts.many_births && facts.births[0].is_some() => facts
                .births
                .iter()
                .flatten()
                .map(|pd| self.birth_date_adjustment(compare_dates(&qd, pd)))
                .fold(f64::MIN, f64::max),
            _ => self.birth_date_agrees.max(0.0),
        };
        let sex_conflict = matches!((q.sex, facts.sex), (Some(a), Some(b)) if a != b);
        self.facts_out_of_reach(birth, sex_conflict)
    }

    /// Whether a perfect name and an agreeing nationality stay below the threshold with this
    /// date-of-birth adjustment and sex.
    fn facts_out_of_reach(&self, birth: f64, sex_conflict: bool) -> bool {
        let sex = if sex_conflict {
            self.sex_conflicts
        } else {
            0.0
        };
        1.0 + birth + sex + self.nationality_agrees.max(0.0) < self.threshold
    }

    fn birth_date_adjustment(&self, check: FactCheck) -> f64 {
        match check {
            FactCheck::Agrees => self.birth_date_agrees,
            FactCheck::Compatible => self.birth_date_compatible,
            FactCheck::Slip => self.birth_date_slip,
            FactCheck::Conflicts => self.birth_date_conflicts,
            FactCheck::Unknown => 0.0,
        }
    }

    /// The token alignment of the pair a reason names (computed only for hits).
    fn explain(&self, q: &PersonQuery, p: &PersonData, reason: &mut PersonReason) {
        let qn = q.names.iter().find(|n| n.original() == reason.query_name);
        let pn = p
            .names
            .iter()
            .find(|n| n.0.original() == reason.matched_name);
        if let (Some(qn), Some((pn, _))) = (qn, pn) {
            reason.alignment = explain_prepared(qn, pn)
                .pairs
                .into_iter()
                .map(|pair| AlignedTokens {
                    query: pair.left,
                    record: pair.right,
                    how: format!("{:?}", pair.how).to_lowercase(),
                    similarity: pair.similarity,
                })
                .collect();
        }
    }
}

/// The best agreement between the traveller's date of birth and any of the person's.
fn birth_date_check(q: &PersonQuery, p: &PersonData) -> FactCheck {
    match q.birth_date {
        Some(qd) if !p.birth_dates.is_empty() => p
            .birth_dates
            .iter()
            .map(|pd| compare_dates(&qd, pd))
            .min_by_key(|c| match c {
                FactCheck::Agrees => 0,
                FactCheck::Compatible => 1,
                FactCheck::Slip => 2,
                _ => 3,
            })
            .unwrap_or(FactCheck::Unknown),
        _ => FactCheck::Unknown,
    }
}

/// The person index (see the module documentation).
#[derive(Default)]
pub(crate) struct PersonIndex {
    pub(crate) slots: SlotTable,
    data: Vec<Option<PersonData>>,
    facts: Vec<Facts>,
    singles: KeyTable,
    /// The single keys carried by more than [`SINGLE_KEY_LIMIT`] names, which candidate
    /// generation never reads. Most keys of a traveller's name are such keys at a million
    /// persons; this set (a few megabytes, mostly in cache) tells them without a look-up in
    /// the singles table (two cache misses each).
    common_singles: FingerprintSet,
    pairs: KeyTable,
    identifiers: KeyTable,
}

/// What a bulk build collects per person.
pub(crate) type PersonBulk = BulkSlots<PersonData>;

pub(crate) fn bulk_add(bulk: &mut PersonBulk, record: &Record) {
    if let RecordBody::Person(p) = &record.content.body {
        bulk.add(record, PersonData::new(p));
    }
}

impl PersonIndex {
    pub(crate) fn build(bulk: PersonBulk) -> Self {
        let (slots, data) = bulk.finish();
        let facts: Vec<Facts> = data.iter().map(Facts::of).collect();
        let mut tables: [Vec<(u64, u32, u32)>; 3] = Default::default();
        for (slot, person) in data.iter().enumerate() {
            let tag = facts_tag(&facts[slot]);
            let slot = u32::try_from(slot).unwrap_or(u32::MAX);
            for (table, keys) in tables.iter_mut().zip(person_keys(person)) {
                table.extend(keys.into_iter().map(|k| (k, slot, tag)));
            }
        }
        let [singles, pairs, identifiers] = tables.map(KeyTable::build_tagged);
        PersonIndex {
            slots,
            facts,
            common_singles: singles.keys_above(SINGLE_KEY_LIMIT).collect(),
            data: data.into_iter().map(Some).collect(),
            singles,
            pairs,
            identifiers,
        }
    }

    pub(crate) fn apply(&mut self, record: &Record) {
        let RecordBody::Person(person) = &record.content.body else {
            return;
        };
        let previous = self.slots.live_slot(record.id.as_uuid().as_bytes());
        match self.slots.admit(record) {
            Admission::Stale => return,
            Admission::Index | Admission::Cancelled => {
                if let Some(old) = previous {
                    self.data[old as usize] = None;
                }
            }
        }
        if !record.is_active() {
            return;
        }
        let data = PersonData::new(person);
        let facts = Facts::of(&data);
        let tag = facts_tag(&facts);
        let slot = self.slots.push_changed(record);
        let [singles, pairs, ids] = person_keys(&data);
        for k in singles {
            self.singles.insert(k, slot, tag);
            if self.singles.postings(k).len() > SINGLE_KEY_LIMIT {
                self.common_singles.insert(k);
            }
        }
        pairs
            .into_iter()
            .for_each(|k| self.pairs.insert(k, slot, tag));
        ids.into_iter()
            .for_each(|k| self.identifiers.insert(k, slot, tag));
        self.facts.push(facts);
        self.data.push(Some(data));
    }

    /// Live candidate slots for a query: through short single keys, pair keys and identifiers,
    /// less the persons whose facts alone keep them below the threshold (told by the tags of
    /// the postings: see [`facts_tag`]).
    pub(crate) fn candidates(&self, q: &PersonQuery, scorer: &PersonScorer) -> Vec<u32> {
        let facts = FactsFilter::new(scorer, q);
        let viable = |slot: u32, tag: u32| !facts.rules_out(tag, slot, &self.facts);
        let usable = self.usable_keys(q);
        // Rare keys are always read and their persons all scored. Commoner keys are read,
        // rarest first, up to GATHER_LIMIT postings; of their persons, those sharing the most
        // keys with the traveller are scored (a true match shares many: every pair of its
        // tokens), at most CANDIDATE_BUDGET of them. Persons ruled out by their facts (told
        // by the postings' tags, no look-up) never enter the count: the budget goes to persons
        // the scorer could accept, so a common name does not crowd out the true match.
        let mut rare = Vec::new();
        let mut common = Vec::new();
        let mut gathered = 0;
        for (n, _, _, postings) in usable {
            if n <= ALWAYS_READ {
                postings.for_each(|s, tag| {
                    if viable(s, tag) {
                        rare.push(s);
                    }
                });
            } else if gathered + n <= GATHER_LIMIT {
                gathered += n;
                postings.for_each(|s, tag| {
                    if viable(s, tag) {
                        common.push(u64::from(s) << 32 | u64::from(tag));
                    }
                });
            } else {
                break;
            }
        }
        rare.extend(most_shared(common).into_iter().map(|(s, _)| s));
        rare.sort_unstable();
        rare.dedup();
        rare.retain(|&s| self.slots.meta(s).live);
        rare
    }

    /// Every key of the traveller's names worth reading, with its postings, rarest first:
    /// single keys carried by at most [`SINGLE_KEY_LIMIT`] names, pair keys by at most
    /// [`PAIR_KEY_LIMIT`]. A name made only of common words ("Cheikh Sow", "Fatma Gasi") has
    /// no such key; then its commoner keys are read instead, rarest first, through the
    /// budget of persons sharing the most keys (the facts filter keeps that cheap), rather
    /// than finding nobody.
    fn usable_keys(&self, q: &PersonQuery) -> Vec<(usize, bool, u64, Postings<'_>)> {
        let mut usable = Vec::new();
        let mut common = Vec::new();
        for name in &q.names {
            let (singles, pairs) = name_keys(name);
            for (single, keys, table, limit) in [
                (true, singles, &self.singles, SINGLE_KEY_LIMIT),
                (false, pairs, &self.pairs, PAIR_KEY_LIMIT),
            ] {
                for k in keys {
                    if single && self.common_singles.contains(&k) {
                        common.push((single, k));
                        continue;
                    }
                    let postings = table.postings(k);
                    let n = postings.len();
                    if n > 0 && n <= limit {
                        usable.push((n, single, k, postings));
                    } else if n > limit {
                        common.push((single, k));
                    }
                }
            }
        }
        if usable.is_empty() {
            for (single, k) in common {
                let table = if single { &self.singles } else { &self.pairs };
                let postings = table.postings(k);
                usable.push((postings.len(), single, k, postings));
            }
        }
        usable.sort_unstable_by_key(|&(n, single, k, _)| (n, single, k));
        usable.dedup_by_key(|&mut (n, single, k, _)| (n, single, k));
        usable
    }

    /// Persons holding the traveller's document number.
    fn by_identifier(&self, number: &str) -> Vec<u32> {
        let mut found = Vec::new();
        self.identifiers
            .for_each(identifier_key(number), |s, _| found.push(s));
        found.retain(|&s| self.slots.meta(s).live);
        found
    }

    /// Every person the scorer accepts among the candidates, and every holder of the
    /// traveller's document number.
    pub(crate) fn screen(&self, q: &PersonQuery, scorer: &PersonScorer) -> Vec<PersonMatch> {
        let candidates = self.candidates(q, scorer);
        self.score_slots(q, scorer, candidates.into_iter(), true)
    }

    /// [`PersonIndex::screen`] without candidate generation: every live person is scored.
    /// The baseline the benchmark compares with.
    pub(crate) fn full_scan(&self, q: &PersonQuery, scorer: &PersonScorer) -> Vec<PersonMatch> {
        let live = (0..self.data.len() as u32).filter(|&s| self.slots.meta(s).live);
        self.score_slots(q, scorer, live, false)
    }

    /// Scores `slots` and the holders of the traveller's document number; `sifted` says that
    /// the slots' facts have been checked already (by [`PersonIndex::candidates`]).
    fn score_slots(
        &self,
        q: &PersonQuery,
        scorer: &PersonScorer,
        slots: impl Iterator<Item = u32>,
        sifted: bool,
    ) -> Vec<PersonMatch> {
        let by_id = q
            .document_number
            .as_deref()
            .map(|n| self.by_identifier(n))
            .unwrap_or_default();
        let mut matches = Vec::new();
        for slot in slots.chain(by_id.iter().copied()) {
            if matches.iter().any(|m: &PersonMatch| m.slot == slot) {
                continue;
            }
            let identified = by_id.contains(&slot);
            if !identified && !sifted && scorer.facts_rule_out(q, &self.facts[slot as usize]) {
                continue;
            }
            let Some(person) = &self.data[slot as usize] else {
                continue;
            };
            let scored = scorer.score(q, person);
            let accepted = scored.as_ref().is_some_and(|(s, _)| *s >= scorer.threshold);
            if !(accepted || identified) {
                continue;
            }
            let (score, mut reason) = match scored {
                Some(found) => found,
                None => (1.0, empty_reason()),
            };
            scorer.explain(q, person, &mut reason);
            matches.push(PersonMatch {
                slot,
                score: if identified { 1.0 } else { score },
                by_identifier: identified,
                reason,
            });
        }
        matches
    }

    pub(crate) fn data(&self, slot: u32) -> Option<&PersonData> {
        self.data[slot as usize].as_ref()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.heap_bytes()
            + self.common_singles.capacity() * 9
            + self.singles.heap_bytes()
            + self.pairs.heap_bytes()
            + self.identifiers.heap_bytes()
            + self
                .data
                .iter()
                .flatten()
                .map(|d| d.heap_bytes() + std::mem::size_of::<PersonData>())
                .sum::<usize>()
    }

    pub(crate) fn key_entries(&self) -> usize {
        self.singles.len() + self.pairs.len() + self.identifiers.len()
    }
}

/// Of the postings gathered from common keys (slot and tag in one word), the
/// [`CANDIDATE_BUDGET`] persons found under the most keys, as (slot, tag).
fn most_shared(mut postings: Vec<u64>) -> Vec<(u32, u32)> {
    // Sorting the words sorts by slot (a slot always has the same tag). Each key's postings
    // come sorted by slot, so these are a few sorted runs, which the stable sort finds and
    // merges (faster here than the unstable sort).
    postings.sort();
    let mut counted: Vec<(u32, u32, u32)> = Vec::new();
    for st in postings {
        let (s, tag) = ((st >> 32) as u32, st as u32);
        match counted.last_mut() {
            Some((last, n, _)) if *last == s => *n += 1,
            _ => counted.push((s, 1, tag)),
        }
    }
    if counted.len() > CANDIDATE_BUDGET {
        counted.select_nth_unstable_by(CANDIDATE_BUDGET, |a, b| b.1.cmp(&a.1));
        counted.truncate(CANDIDATE_BUDGET);
    }
    counted.into_iter().map(|(s, _, tag)| (s, tag)).collect()
}

fn empty_reason() -> PersonReason {
    PersonReason {
        query_name: String::new(),
        matched_name: String::new(),
        matched_name_kind: NameKind::Primary,
        name_score: 0.0,
        alignment: Vec::new(),
        birth_date: FactCheck::Unknown,
        sex: FactCheck::Unknown,
        nationality: FactCheck::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: Option<u8>, day: Option<u8>) -> PartialDate {
        PartialDate::new(year, month, day).unwrap()
    }

    fn query(birth_date: Option<PartialDate>, sex: Option<Sex>) -> PersonQuery {
        PersonQuery {
            names: Vec::new(),
            birth_date,
            sex,
            nationality: None,
            document_number: None,
        }
    }

    /// The tags rule out exactly the persons the facts rule out, for dates near and far, partial
    /// and full, and persons with one, two or no dates of birth.
    #[test]
    fn tags_rule_out_what_the_facts_rule_out() {
        let scorer = PersonScorer::default();
        let dates = [
            None,
            Some(date(1980, Some(5), Some(3))),
            Some(date(1980, Some(3), Some(5))),
            Some(date(1981, Some(5), Some(3))),
            Some(date(1990, Some(5), Some(3))),
            Some(date(1980, Some(5), Some(13))),
            Some(date(1980, Some(7), Some(21))),
            Some(date(1980, Some(5), None)),
            Some(date(1980, None, None)),
            Some(date(1979, None, None)),
            Some(date(1975, Some(11), Some(21))),
            Some(date(2080, Some(5), Some(3))),
        ];
        let sexes = [None, Some(Sex::Male), Some(Sex::Female)];
        let mut persons = Vec::new();
        for &first in &dates {
            for &sex in &sexes {
                persons.push(Facts {
                    births: [first, None],
                    many_births: false,
                    sex,
                });
                persons.push(Facts {
                    births: [first, Some(date(1962, None, None))],
                    many_births: false,
                    sex,
                });
            }
        }
        let (mut out, mut kept) = (0, 0);
        for &qd in &dates {
            for &qs in &sexes {
                let q = query(qd, qs);
                let filter = FactsFilter::new(&scorer, &q);
                for (slot, f) in persons.iter().enumerate() {
                    let expected = scorer.facts_rule_out(&q, f);
                    let told = filter.rules_out(facts_tag(f), slot as u32, &persons);
                    assert_eq!(told, expected, "query {qd:?} {qs:?}, person {f:?}");
                    if expected {
                        out += 1;
                    } else {
                        kept += 1;
                    }
                }
            }
        }
        assert!(out > 100 && kept > 100, "{out} ruled out, {kept} kept");
    }

    #[test]
    fn near_years_are_the_same_the_next_and_one_digit_away() {
        let years = near_years_of(1980);
        for y in [1980, 1979, 1981, 1970, 1989, 1900, 1080, 2980, 1983] {
            assert!(years.contains(&y), "{y}");
        }
        for y in [1978, 1991, 1975] {
            assert!(!years.contains(&y), "{y}");
        }
    }
}
