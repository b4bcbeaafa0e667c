//! Name matching for portwatch: normalisation, transliteration, phonetic keys, similarity and
//! explanations. Pure: no I/O.
//!
//! Border officers' first complaint is false hits; the worst failure is a missed
//! transliteration. This crate decides whether two names, and two persons, are the same:
//!
//! * [`normalize`]: NFKC, case folding, separators, ICAO Doc 9303 transliteration
//!   ([`translit`]), canonical particles, honorifics, legal forms and numbers;
//! * [`phonetic`]: one spelling for the romanisation families of a sound;
//! * [`PreparedName`]: all of that computed once per name, plus the
//!   [`index_keys`](PreparedName::index_keys) for candidate generation;
//! * [`score_prepared`] / [`explain_prepared`]: the score in 0..=1 of two prepared names and
//!   why; [`DEFAULT_THRESHOLD`] is the decision threshold;
//! * [`person`]: persons compared on names, dates of birth, sex, nationality and identifiers.

pub mod distance;
pub mod normalize;
pub mod person;
pub mod phonetic;
mod prepared;
mod score;
pub mod translit;

pub use normalize::TokenKind;
pub use prepared::{NameForms, PreparedName, TokenForms, MAX_TOKENS};
pub use score::{
    explain_prepared, score, score_prepared, score_prepared_with, AlignedPair, Explanation,
    MatchKind, Params, UnmatchedToken, DEFAULT_THRESHOLD,
};
