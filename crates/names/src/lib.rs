//! Name matching for portwatch: normalisation, transliteration, phonetic keys, similarity and
//! explanations. Pure: no I/O.
//!
//! Border officers' first complaint is false hits; the worst failure is a missed
//! transliteration. This crate decides whether two names, and two persons, are the same:
//!
//! * [`normalize`]: NFKC, case folding, separators, ICAO Doc 9303 transliteration
//!   ([`translit`]), canonical particles, honorifics, legal forms and numbers;
//! * [`phonetic`]: one spelling for the romanisation families of a sound; a key shared by
//!   the Wade–Giles and Pinyin spellings of a Mandarin name (`mandarin`);
//! * [`PreparedName`]: all of that computed once per name, plus the
//!   [`index_keys`](PreparedName::index_keys) for candidate generation;
//! * [`score_prepared`] / [`explain_prepared`]: the score in 0..=1 of two prepared names and
//!   why; [`DEFAULT_THRESHOLD`] is the decision threshold;
//! * [`person`]: persons compared on names, dates of birth, sex, nationality and identifiers.
//!
//! # Use from the screening engine
//!
//! Prepare every record name once ([`PreparedName::new`]), index it under its
//! [`index_keys`](PreparedName::index_keys), and at query time prepare the query name, collect
//! the records sharing any of its keys and score them with [`score_prepared`] (a few hundred
//! nanoseconds a pair; see `benches/score.rs`). Keep the pairs at or above
//! [`DEFAULT_THRESHOLD`]; [`explain_prepared`] tells an officer why a hit matched. Every pair of
//! the labelled benchmark that reaches the threshold shares a key (`portwatch bench names`
//! prints the share).
//!
//! # Quality
//!
//! `portwatch bench names` measures precision, recall and F1 on the labelled name benchmark
//! beside nomenklatura's logic-v2 matcher, on the whole file and on a held-out part that was
//! never looked at while the rules and [`Params`] were tuned. The rules are general: ICAO
//! tables, romanisation families, kinds of tokens; no list of names drawn from the benchmark.

pub mod distance;
mod mandarin;
pub mod normalize;
pub mod person;
pub mod phonetic;
mod prepared;
mod score;
pub mod translit;

pub use normalize::TokenKind;
pub use prepared::{NameForms, PreparedName, TokenForms, TokenView, MAX_TOKENS};
pub use score::{
    explain_prepared, score, score_prepared, score_prepared_with, AlignedPair, Explanation,
    MatchKind, Params, UnmatchedToken, DEFAULT_THRESHOLD,
};
