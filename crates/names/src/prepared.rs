//! [`PreparedName`]: everything about one name that scoring needs, computed once.
//!
//! The screening engine compares one query name with thousands of candidate names, each of
//! which it prepared when the record was loaded. Preparing does all the allocation and the
//! Unicode work (normalisation, transliteration, phonetic forms, hashes); scoring two prepared
//! names then only compares short ASCII strings and integers.

use serde::Serialize;

use crate::normalize::{self, NormToken, TokenKind};
use crate::phonetic;

/// At most this many tokens of a name take part in matching; the rest are ignored (no person
/// or organisation name on any list comes near it).
pub const MAX_TOKENS: usize = 16;

/// One token ready for comparison.
#[derive(Clone, Debug)]
pub(crate) struct PreparedToken {
    pub original: Box<str>,
    pub plain: Box<str>,
    pub phon: Box<str>,
    pub skel: Box<str>,
    pub plain_hash: u64,
    /// Hash of the ICAO alternative spelling, or of `plain` where there is none.
    pub alt_hash: u64,
    /// Hash of the phonetic form of the alternative spelling, or of `phon` where there is none.
    pub alt_phon_hash: u64,
    /// The consonant skeleton of the alternative spelling where it differs from `skel` (an
    /// index key of its own).
    pub alt_skel: Option<Box<str>>,
    pub phon_hash: u64,
    /// The skeleton as a vowelless script is compared (see [`abjad_skeleton`]) and its hash;
    /// for an Arabic word, the skeletons of its dialect readings that differ
    /// ([`crate::translit::ArabicReading`]) and their hashes.
    pub askel: Box<str>,
    pub askel_hash: u64,
    pub askel_alts: Vec<(u64, Box<str>)>,
    /// Hash of the word's Wade–Giles / Pinyin key ([`crate::mandarin`]), 0 where it does not
    /// read as Mandarin syllables.
    pub mand_hash: u64,
    /// Hash of the phonetic form without a Baltic nominative ending (see
    /// [`baltic_stem`]), 0 where the token has none.
    pub baltic_stem_hash: u64,
    /// [`letter_set`](crate::distance::letter_set) of `plain` and of `phon`: a cheap lower
    /// bound on edit distances that lets the scorer skip hopeless pairs.
    pub plain_letters: u64,
    pub phon_letters: u64,
    pub kind: TokenKind,
    pub weight: f32,
    /// Written in a script without short vowels: compared on the consonant skeleton.
    pub abjad: bool,
    /// Written in a syllabic script (Han, Hangul, Kana): compared character by character in
    /// that script when both tokens are.
    pub syllabic: bool,
    /// Place in an Arabic nasab chain: 1 before the first bin/bint (the person's own name),
    /// 2 after it (father and forebears), 0 where the name has no such chain.
    pub role: u8,
}

impl PreparedToken {
    /// This token's abjad skeleton, in any of its readings, has hash `h`.
    pub fn askel_meets(&self, h: u64) -> bool {
        self.askel_hash == h || self.askel_alts.iter().any(|(a, _)| *a == h)
    }
}

/// Two or three adjacent tokens written as one word ("Abdel Kader" / "Abdelkader", "Siemens
/// AG" / "SiemensAG", "van der Bilt" / "Vanderbilt"), or abbreviated to their initials
/// ("United States" / "U.S.").
#[derive(Clone, Debug)]
pub(crate) struct Compound {
    /// Index of the first token.
    pub first: usize,
    /// How many tokens (2 or 3).
    pub span: usize,
    /// The initials of the tokens rather than the tokens joined.
    pub acronym: bool,
    pub plain_hash: u64,
    pub phon_hash: u64,
    /// Hash of the [`abjad_skeleton`] of the tokens joined.
    pub askel_hash: u64,
    /// Every token is in a vowelless script (عبد الله written apart, met by Abdullah).
    pub abjad: bool,
    /// Hash of the Mandarin key of the tokens joined, 0 if none (see [`crate::mandarin`]).
    pub mand_hash: u64,
}

/// A name normalised and ready to be scored against other prepared names.
#[derive(Clone, Debug)]
pub struct PreparedName {
    original: String,
    pub(crate) tokens: Vec<PreparedToken>,
    pub(crate) compounds: Vec<Compound>,
}

/// The forms and keys of a name, as `portwatch names normalize` prints them.
#[derive(Clone, Debug, Serialize)]
pub struct NameForms {
    pub original: String,
    pub tokens: Vec<TokenForms>,
    pub index_keys: Vec<String>,
}

/// The forms of one token.
#[derive(Clone, Debug, Serialize)]
pub struct TokenForms {
    pub original: String,
    pub plain: String,
    pub phonetic: String,
    pub skeleton: String,
    pub kind: TokenKind,
    pub weight: f32,
}

/// The forms of one token, borrowed from its [`PreparedName`]: what [`TokenForms`] copies,
/// without allocating (the engine derives its own keys from them for every query).
#[derive(Clone, Copy, Debug)]
pub struct TokenView<'a> {
    pub plain: &'a str,
    pub phonetic: &'a str,
    pub skeleton: &'a str,
    pub kind: TokenKind,
}

impl PreparedName {
    /// Normalises `name` once. Never fails: a name with no letters or digits has no tokens and
    /// scores 0 against everything.
    pub fn new(name: &str) -> Self {
        let mut tokens: Vec<PreparedToken> = normalize::tokenize(name)
            .into_iter()
            .take(MAX_TOKENS)
            .map(prepare_token)
            .collect();
        assign_nasab_roles(&mut tokens, name.contains(','));
        let compounds = compounds(&tokens);
        PreparedName {
            original: name.to_string(),
            tokens,
            compounds,
        }
    }

    /// The name as given.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Whether normalisation left no token (the name scores 0 against everything).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Keys for candidate generation.
    ///
    /// **Contract.** Two names whose [`score_prepared`](crate::score_prepared) reaches
    /// [`DEFAULT_THRESHOLD`](crate::DEFAULT_THRESHOLD) share at least one key in all but rare
    /// cases (`portwatch bench names` prints the share of accepted benchmark pairs that do;
    /// the engine's candidate recall target is 99.5 %). An index from key to records therefore
    /// finds the candidates a query needs, and the scorer then decides. For each telling token
    /// (a word, number, kunya or generic word; every token if the name has none of those), and
    /// for each run of two or three adjacent tokens written as one word (Abdel Kader /
    /// Abdelkader, van der Bilt / Vanderbilt) or abbreviated to initials (United States /
    /// U.S.), the keys are:
    ///
    /// * `s:<skeleton>`: the consonant skeleton of the phonetic form, shared by every spelling
    ///   of one romanisation family and by vowelless scripts (Mohamed / Muhammad / محمد);
    ///   vowel typos keep it;
    /// * for tokens with a skeleton of four letters or more, `s:<skeleton less one letter>`
    ///   for each letter: one consonant typo on either side still meets (Mortars / Motors);
    /// * `p:<first three letters>` of the plain form of tokens of four letters or more, and
    ///   `e:<last three letters>` of tokens of five or more: two typos in one half of a word
    ///   still meet the other half (Stellaris / Stellantis), and a name cut short meets the
    ///   whole (Abiy / Abiyot).
    ///
    /// * `a:<initials>` of each run of two or three words, and `a:<token>` of each token of
    ///   two or three letters, so that an acronym meets the words it abbreviates.
    /// * `m:<Mandarin key>` of each word and run that reads as Mandarin syllables, where
    ///   Wade–Giles and Pinyin spellings meet (Hsiao-ping / Xiaoping).
    ///
    /// Keys are sorted and free of duplicates. A query looks up all its keys.
    pub fn index_keys(&self) -> Vec<String> {
        let telling = |t: &&PreparedToken| {
            matches!(
                t.kind,
                TokenKind::Word
                    | TokenKind::Number
                    | TokenKind::Kunya
                    | TokenKind::Generic
                    | TokenKind::Patronymic
            )
        };
        let any_telling = self.tokens.iter().any(|t| telling(&t));
        let mut keys: Vec<String> = Vec::new();
        for t in self.tokens.iter().filter(|t| !any_telling || telling(t)) {
            push_skeleton_keys(if t.skel.is_empty() { &t.phon } else { &t.skel }, &mut keys);
            if (2..=3).contains(&t.plain.len()) {
                keys.push(format!("a:{}", t.plain));
            }
            if t.plain.len() >= 4 && !t.abjad {
                keys.push(format!("p:{}", &t.plain[..3]));
            }
            if t.plain.len() >= 5 && !t.abjad {
                keys.push(format!("e:{}", &t.plain[t.plain.len() - 3..]));
            }
            if t.mand_hash != 0 {
                push_mandarin_key(&t.plain, &mut keys);
            }
            push_abjad_key(&t.skel, &t.askel, &mut keys);
            if let Some(alt) = &t.alt_skel {
                push_skeleton_keys(alt, &mut keys);
            }
            for (_, alt) in &t.askel_alts {
                push_skeleton_keys(alt, &mut keys);
            }
        }
        for span in 2..=3 {
            for window in self.tokens.windows(span) {
                let joined: String = window.iter().map(|t| &*t.plain).collect();
                let skel = phonetic::skeleton(&phonetic::phonetic_form(&joined));
                push_skeleton_keys(&skel, &mut keys);
                push_abjad_key(&skel, &abjad_skeleton(&skel), &mut keys);
                push_mandarin_key(&joined, &mut keys);
                if window
                    .iter()
                    .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Generic))
                {
                    let initials: String = window.iter().map(|t| &t.plain[..1]).collect();
                    keys.push(format!("a:{initials}"));
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The forms of every token, borrowed ([`PreparedName::forms`] copies them and computes
    /// the index keys too).
    pub fn token_views(&self) -> impl Iterator<Item = TokenView<'_>> + '_ {
        self.tokens.iter().map(|t| TokenView {
            plain: &t.plain,
            phonetic: &t.phon,
            skeleton: &t.skel,
            kind: t.kind,
        })
    }

    /// The forms of every token and the index keys.
    pub fn forms(&self) -> NameForms {
        NameForms {
            original: self.original.clone(),
            tokens: self
                .tokens
                .iter()
                .map(|t| TokenForms {
                    original: t.original.to_string(),
                    plain: t.plain.to_string(),
                    phonetic: t.phon.to_string(),
                    skeleton: t.skel.to_string(),
                    kind: t.kind,
                    weight: t.weight,
                })
                .collect(),
            index_keys: self.index_keys(),
        }
    }
}

/// The consonant skeleton as a vowelless script can be compared with: without `v`. Arabic و
/// and Hebrew ו write the consonant w (v in Persian) and the vowels u and o alike, so a
/// transliteration cannot tell Dawud from Daud or Javad from Juad: the skeleton of both sides
/// leaves the letter out (داود / Dawood, جواد / Javad, مروان / Marwan).
fn abjad_skeleton(skel: &str) -> String {
    skel.chars().filter(|&c| c != 'v').collect()
}

/// The abjad skeletons of an Arabic word's dialect readings that differ from `primary` and
/// from each other. Only for a word whose plain form is its own Table C romanisation (not a
/// piece cut from a longer word).
fn arabic_skeletons(t: &NormToken, primary: &str) -> Vec<(u64, Box<str>)> {
    let mut out: Vec<(u64, Box<str>)> = Vec::new();
    if t.script != crate::translit::Script::Arabic {
        return out;
    }
    let own = t
        .original
        .chars()
        .enumerate()
        .fold(String::new(), |mut s, (i, c)| {
            crate::translit::push_ascii(c, i == 0, &mut s);
            s
        });
    if own != t.plain {
        return out;
    }
    for reading in crate::translit::ARABIC_READINGS {
        let word = crate::translit::arabic_word_in(&t.original, reading);
        let skel = abjad_skeleton(&phonetic::skeleton(&phonetic::phonetic_form(&word)));
        if skel != primary && !out.iter().any(|(_, s)| **s == *skel) {
            out.push((hash(&skel), skel.into_boxed_str()));
        }
    }
    out
}

/// `s:<abjad skeleton>` where it differs from the skeleton and keeps two letters or more.
fn push_abjad_key(skel: &str, askel: &str, keys: &mut Vec<String>) {
    if askel.len() >= 2 && askel != skel {
        keys.push(format!("s:{askel}"));
    }
}

/// `m:<Mandarin key>` of a word that reads as Mandarin syllables: Wade–Giles and Pinyin
/// spellings meet (Hsiao-ping / Xiaoping).
fn push_mandarin_key(plain: &str, keys: &mut Vec<String>) {
    if let Some(k) = crate::mandarin::mandarin_key(plain) {
        keys.push(format!("m:{k}"));
    }
}

/// `s:<skeleton>` and, for skeletons of four letters or more, the skeleton less each letter.
fn push_skeleton_keys(skel: &str, keys: &mut Vec<String>) {
    if skel.is_empty() {
        return;
    }
    keys.push(format!("s:{skel}"));
    if skel.len() >= 4 && skel.is_ascii() {
        for i in 0..skel.len() {
            keys.push(format!("s:{}{}", &skel[..i], &skel[i + 1..]));
        }
    }
}

fn compounds(tokens: &[PreparedToken]) -> Vec<Compound> {
    let mut out = Vec::new();
    for span in 2..=3 {
        for (first, window) in tokens.windows(span).enumerate() {
            let joined: String = window.iter().map(|t| &*t.plain).collect();
            let phon = phonetic::phonetic_form(&joined);
            let skel = phonetic::skeleton(&phon);
            out.push(Compound {
                first,
                span,
                acronym: false,
                plain_hash: hash(&joined),
                phon_hash: hash(&phon),
                askel_hash: hash(&abjad_skeleton(&skel)),
                abjad: window.iter().all(|t| t.abjad),
                mand_hash: mandarin_hash(&joined),
            });
            let words = window
                .iter()
                .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Generic));
            if words {
                let initials: String = window.iter().map(|t| &t.plain[..1]).collect();
                let h = hash(&initials);
                out.push(Compound {
                    first,
                    span,
                    acronym: true,
                    plain_hash: h,
                    phon_hash: h,
                    askel_hash: h,
                    abjad: false,
                    mand_hash: 0,
                });
            }
        }
    }
    out
}

fn prepare_token(t: NormToken) -> PreparedToken {
    let phon = phonetic::phonetic_form(&t.plain);
    let skel = phonetic::skeleton(&phon);
    let plain_hash = hash(&t.plain);
    let askel = abjad_skeleton(&skel);
    let alt_phon = t.icao_alt.as_deref().map(phonetic::phonetic_form);
    PreparedToken {
        askel_alts: arabic_skeletons(&t, &askel),
        askel_hash: hash(&askel),
        askel: askel.into_boxed_str(),
        alt_hash: t.icao_alt.as_deref().map_or(plain_hash, hash),
        alt_phon_hash: alt_phon.as_deref().map_or_else(|| hash(&phon), hash),
        alt_skel: alt_phon
            .as_deref()
            .map(phonetic::skeleton)
            .filter(|s| *s != skel)
            .map(String::into_boxed_str),
        phon_hash: hash(&phon),
        mand_hash: if t.kind == TokenKind::Word {
            mandarin_hash(&t.plain)
        } else {
            0
        },
        baltic_stem_hash: baltic_stem(&t.plain)
            .map_or(0, |stem| hash(&phonetic::phonetic_form(stem))),
        plain_letters: crate::distance::letter_set(t.plain.as_bytes()),
        phon_letters: crate::distance::letter_set(phon.as_bytes()),
        plain_hash,
        kind: t.kind,
        weight: if t.cut_from_word {
            0.0
        } else {
            t.kind.weight()
        },
        abjad: t.script.is_abjad(),
        syllabic: t.script.is_syllabic(),
        role: 0,
        original: t.original.into_boxed_str(),
        plain: t.plain.into_boxed_str(),
        phon: phon.into_boxed_str(),
        skel: skel.into_boxed_str(),
    }
}

fn mandarin_hash(plain: &str) -> u64 {
    crate::mandarin::mandarin_key(plain).map_or(0, |k| hash(&k))
}

/// Latvian and Lithuanian give every masculine name a nominative ending, foreign names
/// included: Latvian -s (Vladimirs, Ivanovs), Lithuanian -as, -is, -us, -ys (Petras, Ivanovas,
/// Jurgis). A name written in a Baltic passport carries the ending that the same name written
/// elsewhere lacks. Returns the name without the ending, if what remains has four letters or
/// more (Janis, Jonas stay whole: too short to tell a stem from another name).
fn baltic_stem(plain: &str) -> Option<&str> {
    let b = plain.as_bytes();
    let ending = match b {
        [.., b'a' | b'i' | b'u' | b'y', b's'] => 2,
        [.., c, b's'] if !matches!(c, b'e' | b'o' | b's') => 1,
        _ => return None,
    };
    let stem = &plain[..plain.len() - ending];
    (stem.len() >= 4).then_some(stem)
}

/// "Salman bin Muhammad" (Salman, son of Muhammad) and "Muhammad bin Salman" are two people:
/// tokens before the first bin/bint are the person's own, tokens after it their forebears'.
/// A name written "FAMILY, Given" (with a comma) has been reordered, so no roles are set.
fn assign_nasab_roles(tokens: &mut [PreparedToken], reordered: bool) {
    if reordered {
        return;
    }
    let Some(first_bin) = tokens
        .iter()
        .position(|t| matches!(&*t.plain, "bin" | "bint"))
    else {
        return;
    };
    if first_bin == 0 {
        return;
    }
    for (i, t) in tokens.iter_mut().enumerate() {
        t.role = if i < first_bin { 1 } else { 2 };
    }
}

/// FNV-1a, 64 bits: equal strings give equal hashes; the scorer treats equal hashes as equal
/// strings (a collision between two name tokens has probability about 2^-64).
pub(crate) fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shared_across_romanisations_and_scripts() {
        let a = PreparedName::new("Mohamed Ali").index_keys();
        let b = PreparedName::new("محمد علي").index_keys();
        assert!(a.iter().any(|k| b.contains(k)), "{a:?} / {b:?}");
    }

    #[test]
    fn keys_cover_joined_tokens() {
        let a = PreparedName::new("SiemensAG").index_keys();
        let b = PreparedName::new("Siemens AG").index_keys();
        assert!(a.iter().any(|k| b.contains(k)));
    }

    #[test]
    fn legal_forms_are_not_keys_when_a_word_is_present() {
        let keys = PreparedName::new("Acme Ltd").index_keys();
        assert!(!keys.iter().any(|k| k == "s:ltd"), "{keys:?}");
    }

    #[test]
    fn baltic_nominative_endings_are_cut() {
        assert_eq!(baltic_stem("vladimirs"), Some("vladimir"));
        assert_eq!(baltic_stem("ivanovas"), Some("ivanov"));
        assert_eq!(baltic_stem("petrus"), Some("petr"));
        assert_eq!(baltic_stem("janis"), None, "too short to tell");
        assert_eq!(baltic_stem("ivanov"), None);
        assert_eq!(
            baltic_stem("hughes"),
            None,
            "an English -es plural is no Baltic ending"
        );
    }

    #[test]
    fn empty_names_have_no_tokens_and_no_keys() {
        let p = PreparedName::new("-- ,, ..");
        assert!(p.is_empty());
        assert!(p.index_keys().is_empty());
    }
}
