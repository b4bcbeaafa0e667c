//! Name similarity: the best order-free alignment of two token lists, scored by weight.
//!
//! 1. **Token similarity** ([`form_similarity`]) walks a ladder and stops at the first rung
//!    that holds: equal plain forms (exact, 1); equal up to a second form (an ICAO Table A
//!    alternative, the Slavic Latin spelling of a Cyrillic word, a Greek digraph read as its
//!    sound: 1); legal forms of one family (OAO / PJSC); numbers compare only exactly; an
//!    initial against a word with that first letter; tokens of a script that leaves vowels
//!    unwritten (Arabic, Hebrew, the Indic abugidas) compare their consonant skeletons, an
//!    Arabic word in Table C's and in the dialect readings; equal phonetic forms (the
//!    romanisation families, also of the second forms), a Latvian or Lithuanian nominative
//!    ending, or one Mandarin key (Wade–Giles / Pinyin); a word cut short; otherwise the edit
//!    distance of the plain and of the phonetic forms (with swaps of adjacent letters as one
//!    edit), relative to the token's length, on the stems alone where both words end in one
//!    surname-forming suffix (-dottir, -shvili, -yan …).
//!    Tokens of syllabic scripts (Han, Hangul, Kana) are compared in their script when both
//!    are; in an Arabic nasab chain a token of the person's own name never aligns with a
//!    forebear's ("Salman bin Muhammad" is not "Muhammad bin Salman"), except a family name
//!    moved from one end of the name to the other ("Adel Ould Kamel Imane" / "Imane Adel Ould
//!    Kamel").
//!    Titles, particles and legal forms only ever match exactly.
//! 2. **Joined and split tokens**: two adjacent tokens on one side equal to one token on the
//!    other, plainly or phonetically, align as one pair (Abdel Kader / Abdelkader).
//! 3. **Alignment**: the remaining tokens are paired greedily, best similarity first, in any
//!    order (swapped given and family names, "LAST, First" lists); then two pairs exchange
//!    partners wherever that raises their weighted similarity together.
//! 4. **Score** = Σ pair weight × similarity / (Σ pair weight + unmatched penalty). A pair
//!    weighs the mean of its tokens' weights ([`TokenKind::weight`]). An unmatched token costs
//!    its weight × [`Params::subset_penalty`] when the other name is wholly matched (a missing
//!    middle name, a title, a legal form), and × [`Params::conflict_penalty`] when both names
//!    keep unmatched tokens (the names disagree). Where the other name is wholly matched, an
//!    unmatched word's cost is shared out among the aligned pairs of name words (the
//!    *anchors*): "Karim Haddad" found in "Karim Yusuf Salim Haddad" is two words corroborated
//!    and the extra given names (a father's, a grandfather's, which one list records and
//!    another leaves out) say less than beside one word alone ("Karim" in the same name).
//!
//! The score is symmetric: swapping the names swaps left and right in the explanation only.

use serde::Serialize;

use crate::distance::osa_distance;
use crate::normalize::TokenKind;
use crate::prepared::{PreparedName, PreparedToken, MAX_TOKENS};

/// The default decision threshold: two names whose score reaches it are treated as the same
/// name. Chosen on the tuning part of the name benchmark (see `portwatch bench names`).
pub const DEFAULT_THRESHOLD: f64 = 0.70;

/// The knobs of the scorer. [`Params::default`] holds the values tuned on the benchmark's
/// tuning part; the engine uses them, and a deployment may make the scorer stricter or looser.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Params {
    /// How fast spelling similarity falls with edits: similarity = 1 − k × edits / length.
    pub fuzzy_k: f64,
    /// Similarity of two tokens with equal phonetic forms but different spellings.
    pub phonetic_sim: f64,
    /// Edit likeness of phonetic forms is worth this share of plain-form likeness (the
    /// phonetic form is coarse).
    pub phonetic_share: f64,
    /// Similarity of an initial and a word starting with that letter.
    pub initial_sim: f64,
    /// Similarity of two tokens with equal consonant skeletons when one is in a vowelless
    /// script.
    pub skeleton_sim: f64,
    /// Similarity of a token and the same token cut short.
    pub truncated_sim: f64,
    /// Pairs less alike than this are not aligned: both tokens count as unmatched.
    pub min_pair_sim: f64,
    /// Share of its weight an unmatched token costs when the other name is wholly matched (a
    /// missing middle name, a title, a legal form); for a word, divided by the number of
    /// aligned pairs of name words.
    pub subset_penalty: f64,
    /// Share of its weight an unmatched token costs when both names keep unmatched tokens
    /// (the names disagree).
    pub conflict_penalty: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            fuzzy_k: 1.75,
            phonetic_sim: 0.9,
            phonetic_share: 0.8,
            initial_sim: 0.8,
            skeleton_sim: 0.9,
            truncated_sim: 0.8,
            min_pair_sim: 0.5,
            subset_penalty: 0.3,
            conflict_penalty: 1.25,
        }
    }
}

/// How two tokens were found alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Same plain form.
    Exact,
    /// Same up to an ICAO Table A alternative (Müller / Mueller).
    IcaoAlternative,
    /// Same phonetic form (Mohamed / Muhammad).
    Phonetic,
    /// Same or close consonant skeleton, one side in a vowelless script (محمد / Muhammad).
    Skeleton,
    /// An initial and a word starting with it.
    Initial,
    /// Close spelling (edit distance).
    Fuzzy,
    /// One token cut short (at least four letters kept).
    Truncated,
    /// Two or three adjacent tokens of one name written as one token in the other.
    Joined,
    /// Two or three adjacent words of one name abbreviated to their initials in the other.
    Acronym,
    /// Two legal forms of one family that one company bears in turn (OAO / PJSC).
    LegalFamily,
}

/// One aligned pair of tokens in an [`Explanation`].
#[derive(Clone, Debug, Serialize)]
pub struct AlignedPair {
    /// Token(s) of the left name, as written ("abdel kader" when two joined).
    pub left: String,
    pub right: String,
    pub how: MatchKind,
    pub similarity: f64,
    /// The pair's weight: what it adds to the denominator; it adds weight × similarity to the
    /// numerator.
    pub weight: f64,
}

/// A token left without partner.
#[derive(Clone, Debug, Serialize)]
pub struct UnmatchedToken {
    pub token: String,
    pub kind: TokenKind,
    pub weight: f64,
    /// What it costs: weight × the subset or the conflict penalty of [`Params`].
    pub penalty: f64,
}

/// Why two names got their score.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub score: f64,
    pub threshold: f64,
    pub passes: bool,
    pub pairs: Vec<AlignedPair>,
    pub unmatched_left: Vec<UnmatchedToken>,
    pub unmatched_right: Vec<UnmatchedToken>,
    /// Σ pair weight × similarity.
    pub matched: f64,
    /// Σ pair weight + Σ penalties.
    pub total: f64,
}

/// Similarity of two prepared names, in 0..=1 (see the module documentation).
pub fn score_prepared(a: &PreparedName, b: &PreparedName) -> f64 {
    score_prepared_with(a, b, &Params::default())
}

/// [`score_prepared`] with other parameters than the defaults.
pub fn score_prepared_with(a: &PreparedName, b: &PreparedName, params: &Params) -> f64 {
    if swap_for_symmetry(a, b) {
        align(b, a, params).score()
    } else {
        align(a, b, params).score()
    }
}

/// The greedy alignment breaks ties by position, so the two names are always aligned in one
/// canonical order (fewer tokens first, then by their plain forms): the score is exactly
/// symmetric.
fn swap_for_symmetry(a: &PreparedName, b: &PreparedName) -> bool {
    fn hashes(n: &PreparedName) -> impl Iterator<Item = u64> + '_ {
        n.tokens.iter().map(|t| t.plain_hash)
    }
    a.tokens
        .len()
        .cmp(&b.tokens.len())
        .then_with(|| hashes(a).cmp(hashes(b)))
        .is_gt()
}

/// Similarity of two names given as text (prepares both; prefer [`score_prepared`] in loops).
pub fn score(a: &str, b: &str) -> f64 {
    score_prepared(&PreparedName::new(a), &PreparedName::new(b))
}

/// [`score_prepared`] with the alignment that produced it.
pub fn explain_prepared(a: &PreparedName, b: &PreparedName) -> Explanation {
    if swap_for_symmetry(a, b) {
        let mut e = explain_prepared_in_order(b, a);
        std::mem::swap(&mut e.unmatched_left, &mut e.unmatched_right);
        for p in &mut e.pairs {
            std::mem::swap(&mut p.left, &mut p.right);
        }
        return e;
    }
    explain_prepared_in_order(a, b)
}

fn explain_prepared_in_order(a: &PreparedName, b: &PreparedName) -> Explanation {
    let al = align(a, b, &Params::default());
    let score = al.score();
    let tok = |n: &PreparedName, i: usize| n.tokens[i].original.to_string();
    let pairs = al.pairs[..al.n_pairs]
        .iter()
        .map(|p| AlignedPair {
            left: join_tokens(a, p.left, p.left_span),
            right: join_tokens(b, p.right, p.right_span),
            how: p.how,
            similarity: round4(p.sim),
            weight: round4(p.weight),
        })
        .collect();
    let telling_factor = al.telling_factor();
    let unmatched = |n: &PreparedName, used: u32| -> Vec<UnmatchedToken> {
        (0..n.tokens.len())
            .filter(|i| used & (1 << i) == 0)
            .map(|i| {
                let t = &n.tokens[i];
                let factor = if is_telling(t.kind) {
                    telling_factor
                } else {
                    al.subset_penalty
                };
                UnmatchedToken {
                    token: tok(n, i),
                    kind: t.kind,
                    weight: round4(f64::from(t.weight)),
                    penalty: round4(f64::from(t.weight) * factor),
                }
            })
            .collect()
    };
    Explanation {
        score: round4(score),
        threshold: DEFAULT_THRESHOLD,
        passes: score >= DEFAULT_THRESHOLD,
        pairs,
        unmatched_left: unmatched(a, al.used_a),
        unmatched_right: unmatched(b, al.used_b),
        matched: round4(al.matched),
        total: round4(al.total()),
    }
}

fn join_tokens(n: &PreparedName, first: u8, span: u8) -> String {
    let first = usize::from(first);
    n.tokens[first..first + usize::from(span)]
        .iter()
        .map(|t| &*t.original)
        .collect::<Vec<_>>()
        .join(" ")
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One aligned pair, by token indices (a span of 2 marks a joined pair).
#[derive(Clone, Copy, Debug)]
struct Pair {
    left: u8,
    left_span: u8,
    right: u8,
    right_span: u8,
    how: MatchKind,
    sim: f64,
    weight: f64,
}

const NO_PAIR: Pair = Pair {
    left: 0,
    left_span: 0,
    right: 0,
    right_span: 0,
    how: MatchKind::Exact,
    sim: 0.0,
    weight: 0.0,
};

/// The result of aligning two names, on the stack.
struct Alignment {
    pairs: [Pair; MAX_TOKENS],
    n_pairs: usize,
    used_a: u32,
    used_b: u32,
    matched: f64,
    pair_weight: f64,
    /// Unmatched weight of telling tokens (words, numbers, initials, generic words) per side.
    telling_a: f64,
    telling_b: f64,
    /// Unmatched weight of titles, particles and legal forms, both sides.
    minor: f64,
    /// Aligned pairs of two name words (or wider, joined ones): pair weight 1 or more.
    anchors: usize,
    subset_penalty: f64,
    conflict_penalty: f64,
}

impl Alignment {
    /// Unmatched telling tokens on both sides mean the names disagree; on one side only, that
    /// one name says more. Titles, particles and legal forms never make a disagreement.
    ///
    /// When only one name keeps unmatched telling tokens, each corroborated pair of name words
    /// (an *anchor*) makes them say less: their cost is shared out among the anchors.
    fn telling_factor(&self) -> f64 {
        if self.telling_a > 0.0 && self.telling_b > 0.0 {
            self.conflict_penalty
        } else {
            self.subset_penalty / self.anchors.max(1) as f64
        }
    }

    fn total(&self) -> f64 {
        self.pair_weight
            + (self.telling_a + self.telling_b) * self.telling_factor()
            + self.minor * self.subset_penalty
    }

    fn score(&self) -> f64 {
        let total = self.total();
        if total <= 0.0 || self.n_pairs == 0 {
            return 0.0;
        }
        (self.matched / total).clamp(0.0, 1.0)
    }

    fn push(&mut self, p: Pair) {
        if self.n_pairs < MAX_TOKENS {
            self.pairs[self.n_pairs] = p;
            self.n_pairs += 1;
            self.matched += p.weight * p.sim;
            self.pair_weight += p.weight;
            if p.weight >= 1.0 {
                self.anchors += 1;
            }
        }
    }
}

fn align(a: &PreparedName, b: &PreparedName, params: &Params) -> Alignment {
    let mut al = Alignment {
        pairs: [NO_PAIR; MAX_TOKENS],
        n_pairs: 0,
        used_a: 0,
        used_b: 0,
        matched: 0.0,
        pair_weight: 0.0,
        telling_a: 0.0,
        telling_b: 0.0,
        minor: 0.0,
        anchors: 0,
        subset_penalty: params.subset_penalty,
        conflict_penalty: params.conflict_penalty,
    };
    let (n, m) = (a.tokens.len(), b.tokens.len());
    if n == 0 || m == 0 {
        return al;
    }
    let mut sims = [[(0.0f64, MatchKind::Exact); MAX_TOKENS]; MAX_TOKENS];
    let mut best_a = [0.0f64; MAX_TOKENS];
    let mut best_b = [0.0f64; MAX_TOKENS];
    for (i, ta) in a.tokens.iter().enumerate() {
        for (j, tb) in b.tokens.iter().enumerate() {
            let mut s = if roles_conflict(ta, tb) && !is_rotation(a, b, i, j) {
                (0.0, MatchKind::Fuzzy)
            } else {
                form_similarity(ta, tb, params)
            };
            if s.0 < params.min_pair_sim {
                s.0 = 0.0;
            }
            best_a[i] = best_a[i].max(s.0);
            best_b[j] = best_b[j].max(s.0);
            sims[i][j] = s;
        }
    }
    join_pairs(a, b, &best_a, &best_b, false, params, &mut al);
    join_pairs(b, a, &best_b, &best_a, true, params, &mut al);
    // Greedy order-free alignment of what is left, best pair first.
    let mut picks = [(0u8, 0u8); MAX_TOKENS];
    let mut n_picks = 0;
    loop {
        let mut best = (0.0f64, 0usize, 0usize);
        for i in (0..n).filter(|i| al.used_a & (1 << i) == 0) {
            for j in (0..m).filter(|j| al.used_b & (1 << j) == 0) {
                if sims[i][j].0 > best.0 {
                    best = (sims[i][j].0, i, j);
                }
            }
        }
        let (sim, i, j) = best;
        if sim <= 0.0 || n_picks == MAX_TOKENS {
            break;
        }
        al.used_a |= 1 << i;
        al.used_b |= 1 << j;
        picks[n_picks] = (i as u8, j as u8);
        n_picks += 1;
    }
    let pair_weight = |i: usize, j: usize| f64::from(a.tokens[i].weight + b.tokens[j].weight) / 2.0;
    if n_picks >= 2 {
        improve_by_swaps(&mut picks[..n_picks], &sims, pair_weight);
    }
    for &(i, j) in &picks[..n_picks] {
        let (i, j) = (usize::from(i), usize::from(j));
        al.push(Pair {
            left: i as u8,
            left_span: 1,
            right: j as u8,
            right_span: 1,
            how: sims[i][j].1,
            sim: sims[i][j].0,
            weight: pair_weight(i, j),
        });
    }
    let (telling_a, minor_a) = unmatched_weight(a, al.used_a);
    let (telling_b, minor_b) = unmatched_weight(b, al.used_b);
    al.telling_a = telling_a;
    al.telling_b = telling_b;
    al.minor = minor_a + minor_b;
    al
}

/// Greedy alignment takes the best pair first and may take the wrong one of two equally good
/// pairs: in "Daniele Naniela" / "Daniela Danielle Danieli", Daniele is as close to Daniela as
/// to Danielle, and taking Daniela first leaves the misspelt Naniela the worse partner. Exchanging the partners of two pairs wherever
/// that raises the weighted similarity of both together repairs it (a few rounds at most:
/// every exchange raises the total).
fn improve_by_swaps(
    picks: &mut [(u8, u8)],
    sims: &[[(f64, MatchKind); MAX_TOKENS]; MAX_TOKENS],
    weight: impl Fn(usize, usize) -> f64,
) {
    let value = |i: u8, j: u8| {
        let (i, j) = (usize::from(i), usize::from(j));
        weight(i, j) * sims[i][j].0
    };
    for _ in 0..picks.len() {
        let mut improved = false;
        for p in 0..picks.len() {
            for q in p + 1..picks.len() {
                let ((ip, jp), (iq, jq)) = (picks[p], picks[q]);
                let now = value(ip, jp) + value(iq, jq);
                let (x, y) = (value(ip, jq), value(iq, jp));
                if x > 0.0 && y > 0.0 && x + y > now + 1e-9 {
                    picks[p].1 = jq;
                    picks[q].1 = jp;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Unmatched weight of a name's telling tokens and of its minor ones.
fn unmatched_weight(n: &PreparedName, used: u32) -> (f64, f64) {
    let mut telling = 0.0;
    let mut minor = 0.0;
    for (i, t) in n.tokens.iter().enumerate() {
        if used & (1 << i) == 0 {
            if is_telling(t.kind) {
                telling += f64::from(t.weight);
            } else {
                minor += f64::from(t.weight);
            }
        }
    }
    (telling, minor)
}

fn is_telling(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Word
            | TokenKind::Number
            | TokenKind::Initial
            | TokenKind::Generic
            | TokenKind::Patronymic
    )
}

/// Aligns two or three adjacent tokens of `joined_side` with one token of `single_side` that
/// writes them as one word or as their initials, where that beats what the single token finds
/// alone. `swapped` says that `joined_side` is the right-hand name.
fn join_pairs(
    joined_side: &PreparedName,
    single_side: &PreparedName,
    best_joined: &[f64; MAX_TOKENS],
    best_single: &[f64; MAX_TOKENS],
    swapped: bool,
    params: &Params,
    al: &mut Alignment,
) {
    let (used_joined, used_single) = if swapped {
        (al.used_b, al.used_a)
    } else {
        (al.used_a, al.used_b)
    };
    let (mut used_joined, mut used_single) = (used_joined, used_single);
    for c in &joined_side.compounds {
        let both = ((1u32 << c.span) - 1) << c.first;
        if used_joined & both != 0 {
            continue;
        }
        for (j, t) in single_side.tokens.iter().enumerate() {
            if used_single & (1 << j) != 0 {
                continue;
            }
            if t.plain.len() < 2 || !matches!(t.kind, TokenKind::Word | TokenKind::Generic) {
                continue;
            }
            let (sim, how) = if c.acronym {
                if c.plain_hash != t.plain_hash || t.plain.len() != c.span {
                    continue;
                }
                (params.phonetic_sim, MatchKind::Acronym)
            } else if c.plain_hash == t.plain_hash {
                (1.0, MatchKind::Joined)
            } else if c.phon_hash == t.phon_hash
                || ((t.abjad || c.abjad) && t.askel_meets(c.askel_hash))
                || (c.mand_hash != 0 && c.mand_hash == t.mand_hash)
            {
                (params.phonetic_sim, MatchKind::Joined)
            } else {
                continue;
            };
            let span = c.first..c.first + c.span;
            let worst_alone = best_joined[span.clone()]
                .iter()
                .fold(1.0f64, |m, &x| m.min(x));
            if best_single[j] > sim || worst_alone >= 1.0 {
                continue;
            }
            used_joined |= both;
            used_single |= 1 << j;
            let w_joined: f32 = joined_side.tokens[span].iter().map(|t| t.weight).sum();
            let weight = f64::from(w_joined + t.weight) / 2.0;
            let (left, left_span, right, right_span) = if swapped {
                (j as u8, 1, c.first as u8, c.span as u8)
            } else {
                (c.first as u8, c.span as u8, j as u8, 1)
            };
            al.push(Pair {
                left,
                left_span,
                right,
                right_span,
                how,
                sim,
                weight,
            });
            break;
        }
    }
    if swapped {
        al.used_b = used_joined;
        al.used_a = used_single;
    } else {
        al.used_a = used_joined;
        al.used_b = used_single;
    }
}

/// One token is of the person's own name and the other of a forebear's (see
/// [`PreparedToken::role`]).
fn roles_conflict(a: &PreparedToken, b: &PreparedToken) -> bool {
    a.role != 0 && b.role != 0 && a.role != b.role
}

/// Token `i` of `a` is the last of its name and `j` the first of `b`, or the reverse, and
/// neither stands next to a bin/bint: a family name moved from one end to the other ("Adel
/// Ould Kamel Imane" written "Imane Adel Ould Kamel"). Such a token keeps its identity across
/// a nasab chain; the person's and the father's names on either side of "bin" do not
/// ("Salman bin Muhammad" / "Muhammad bin Salman").
fn is_rotation(a: &PreparedName, b: &PreparedName, i: usize, j: usize) -> bool {
    let (n, m) = (a.tokens.len(), b.tokens.len());
    let ends = (i + 1 == n && j == 0) || (i == 0 && j + 1 == m);
    ends && !next_to_bin(a, i) && !next_to_bin(b, j)
}

fn next_to_bin(name: &PreparedName, i: usize) -> bool {
    let is_bin = |k: usize| {
        name.tokens
            .get(k)
            .is_some_and(|t| matches!(&*t.plain, "bin" | "bint"))
    };
    (i > 0 && is_bin(i - 1)) || is_bin(i + 1)
}

/// Similarity of two tokens' forms, whatever their roles.
fn form_similarity(a: &PreparedToken, b: &PreparedToken, params: &Params) -> (f64, MatchKind) {
    const NONE: (f64, MatchKind) = (0.0, MatchKind::Fuzzy);
    if a.plain_hash == b.plain_hash {
        if a.syllabic && b.syllabic && a.original != b.original {
            return syllabic_similarity(a, b, params);
        }
        return (1.0, MatchKind::Exact);
    }
    if a.alt_hash == b.plain_hash || a.plain_hash == b.alt_hash || a.alt_hash == b.alt_hash {
        return (1.0, MatchKind::IcaoAlternative);
    }
    if a.kind == TokenKind::LegalForm
        && b.kind == TokenKind::LegalForm
        && legal_family(&a.plain).is_some_and(|f| legal_family(&b.plain) == Some(f))
    {
        return (params.phonetic_sim, MatchKind::LegalFamily);
    }
    if !comparable_kinds(a.kind, b.kind) {
        return NONE;
    }
    if a.kind == TokenKind::Number || b.kind == TokenKind::Number {
        return NONE;
    }
    match (a.kind == TokenKind::Initial, b.kind == TokenKind::Initial) {
        (true, true) => return NONE,
        (true, false) | (false, true) => {
            return if a.plain.as_bytes()[0] == b.plain.as_bytes()[0] {
                (params.initial_sim, MatchKind::Initial)
            } else {
                NONE
            };
        }
        (false, false) => {}
    }
    if a.syllabic && b.syllabic {
        return syllabic_similarity(a, b, params);
    }
    if a.abjad || b.abjad {
        return abjad_similarity(a, b, params);
    }
    let same_sound = a.phon_hash == b.phon_hash
        || a.alt_phon_hash == b.phon_hash
        || a.phon_hash == b.alt_phon_hash
        || a.alt_phon_hash == b.alt_phon_hash;
    if same_sound || is_baltic_form(a, b) || same_mandarin(a, b) {
        return (params.phonetic_sim, MatchKind::Phonetic);
    }
    if a.kind == TokenKind::Word && b.kind == TokenKind::Word && is_truncation(&a.plain, &b.plain) {
        return (params.truncated_sim, MatchKind::Truncated);
    }
    if let Some(stems) = shared_surname_suffix(&a.plain, &b.plain) {
        return (stem_similarity(stems, params), MatchKind::Fuzzy);
    }
    let plain = edit_similarity(
        (&a.plain, a.plain_letters),
        (&b.plain, b.plain_letters),
        params.fuzzy_k,
        params.min_pair_sim,
    );
    if plain >= params.phonetic_share {
        return (plain, MatchKind::Fuzzy);
    }
    let phon = edit_similarity(
        (&a.phon, a.phon_letters),
        (&b.phon, b.phon_letters),
        params.fuzzy_k,
        params.min_pair_sim / params.phonetic_share,
    ) * params.phonetic_share;
    (plain.max(phon), MatchKind::Fuzzy)
}

/// Surname-forming suffixes that a whole nation's surnames share: Icelandic -dóttir and -son,
/// Georgian -shvili and -dze, Armenian -yan and -ian, Ukrainian -enko, Greek -poulos and -akis,
/// Romanian -escu, Turkish -oğlu, Persian -zadeh, South Slavic -ović and -ić. The suffix says
/// where a name comes from, not whose it is: Jónsdóttir and Tómasdóttir share six letters and
/// nothing else. Longest first, so that -ovic is cut before -ic.
const SURNAME_SUFFIXES: &[&str] = &[
    "dottir", "shvili", "poulos", "zadeh", "enko", "akis", "escu", "oglu", "ovic", "evic", "sson",
    "dze", "yan", "ian", "ic",
];

/// When both words end in one surname-forming suffix, their stems before it (each at least
/// two letters long).
fn shared_surname_suffix<'a>(a: &'a str, b: &'a str) -> Option<(&'a str, &'a str)> {
    // Every suffix is two letters or more: most pairs differ in their last two already.
    if a.len() < 4 || b.len() < 4 || a.as_bytes()[a.len() - 2..] != b.as_bytes()[b.len() - 2..] {
        return None;
    }
    let suffix = SURNAME_SUFFIXES
        .iter()
        .find(|s| a.ends_with(*s) && b.ends_with(*s))?;
    let (sa, sb) = (&a[..a.len() - suffix.len()], &b[..b.len() - suffix.len()]);
    (sa.len() >= 2 && sb.len() >= 2).then_some((sa, sb))
}

/// Spelling similarity of two surnames judged on their stems alone (see [`SURNAME_SUFFIXES`]):
/// the better of the plain and the phonetic likeness, as for whole words.
fn stem_similarity((a, b): (&str, &str), params: &Params) -> f64 {
    let letters = |s: &str| crate::distance::letter_set(s.as_bytes());
    let plain = edit_similarity((a, letters(a)), (b, letters(b)), params.fuzzy_k, 0.0);
    let (pa, pb) = (
        crate::phonetic::phonetic_form(a),
        crate::phonetic::phonetic_form(b),
    );
    let phon = if pa == pb {
        params.phonetic_sim
    } else {
        edit_similarity(
            (&pa, letters(&pa)),
            (&pb, letters(&pb)),
            params.fuzzy_k,
            0.0,
        ) * params.phonetic_share
    };
    plain.max(phon)
}

/// Two tokens, one at least in a vowelless script, compared on their consonant skeletons
/// without `v` ([`PreparedToken::askel`]), in Table C's reading or a dialect reading of an
/// Arabic word ([`crate::translit::ArabicReading`]).
fn abjad_similarity(a: &PreparedToken, b: &PreparedToken, params: &Params) -> (f64, MatchKind) {
    let equal = a.askel_meets(b.askel_hash) || b.askel_meets(a.askel_hash);
    if equal && a.askel.len().min(b.askel.len()) >= 2 {
        return (params.skeleton_sim, MatchKind::Skeleton);
    }
    let letters = |s: &str| crate::distance::letter_set(s.as_bytes());
    let close =
        |x: &str, y: &str| edit_similarity((x, letters(x)), (y, letters(y)), params.fuzzy_k, 0.0);
    let mut s = close(&a.askel, &b.askel);
    for (_, alt) in &a.askel_alts {
        s = s.max(close(alt, &b.askel));
    }
    for (_, alt) in &b.askel_alts {
        s = s.max(close(&a.askel, alt));
    }
    (s * params.skeleton_sim, MatchKind::Skeleton)
}

/// Two words read as the same Mandarin syllables, one in Wade–Giles and the other in Pinyin
/// (Teng / Deng, Hsiao-ping / Xiaoping; see [`crate::mandarin`]).
fn same_mandarin(a: &PreparedToken, b: &PreparedToken) -> bool {
    a.mand_hash != 0 && a.mand_hash == b.mand_hash
}

/// One word is the other with a Latvian or Lithuanian nominative ending (Ivanovs / Ivanov,
/// Petras / Petr): the same name as a Baltic passport writes it.
fn is_baltic_form(a: &PreparedToken, b: &PreparedToken) -> bool {
    a.kind == TokenKind::Word
        && b.kind == TokenKind::Word
        && ((a.baltic_stem_hash != 0 && a.baltic_stem_hash == b.phon_hash)
            || (b.baltic_stem_hash != 0 && b.baltic_stem_hash == a.phon_hash))
}

/// One token is the other cut short, as the machine readable zone of a travel document cuts
/// long names to fit its field (ICAO Doc 9303): at least four letters kept.
fn is_truncation(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && short.len() < long.len() && long.starts_with(short)
}

/// Two tokens of a syllabic script compared in that script: one character is one syllable,
/// so each differing character weighs far more than a letter of a romanisation.
fn syllabic_similarity(a: &PreparedToken, b: &PreparedToken, params: &Params) -> (f64, MatchKind) {
    let mut ca = ['\0'; MAX_SYLLABLES];
    let mut cb = ['\0'; MAX_SYLLABLES];
    let na = fill_chars(&a.original, &mut ca);
    let nb = fill_chars(&b.original, &mut cb);
    let longest = na.max(nb).max(1) as f64;
    let edits = osa_distance(&ca[..na], &cb[..nb]) as f64;
    // A two-syllable given name differing in one syllable is another name.
    let s = (1.0 - params.fuzzy_k * edits / longest).clamp(0.0, 1.0);
    (s, MatchKind::Fuzzy)
}

const MAX_SYLLABLES: usize = 16;

fn fill_chars(s: &str, buf: &mut [char; MAX_SYLLABLES]) -> usize {
    let mut n = 0;
    for c in s.chars().take(MAX_SYLLABLES) {
        buf[n] = c;
        n += 1;
    }
    n
}

/// Spelling similarity from the edit distance: 1 − k × edits / length of the longer token,
/// floored at 0. With k = 2 one typo in a six-letter name leaves 0.67, two leave 0.33. Each
/// side is a string and its letter set; pairs whose cheap lower bounds on the distance (length
/// difference, letter-set difference) already put them below `needed` score 0 at once.
fn edit_similarity(a: (&str, u64), b: (&str, u64), k: f64, needed: f64) -> f64 {
    let (sa, sb) = (a.0.as_bytes(), b.0.as_bytes());
    let longest = sa.len().max(sb.len());
    if longest == 0 {
        return 0.0;
    }
    let by_length = sa.len().abs_diff(sb.len());
    let by_letters = ((a.1 ^ b.1).count_ones() as usize).div_ceil(2);
    let at_best = 1.0 - k * by_length.max(by_letters) as f64 / longest as f64;
    if at_best <= 0.0 || at_best < needed {
        return 0.0;
    }
    let edits = osa_distance(sa, sb) as f64;
    (1.0 - k * edits / longest as f64).clamp(0.0, 1.0)
}

/// The family of a legal form that one company bears under several names. Russia's Civil
/// Code reform of 2014 renamed every open joint-stock company (OAO, OJSC) a public one (PAO,
/// PJSC) and every closed one (ZAO, CJSC) a non-public one (AO, JSC), and English texts write
/// any of them as JSC: lists carry the same company under each.
fn legal_family(plain: &str) -> Option<&'static str> {
    matches!(plain, "jsc" | "ojsc" | "pjsc" | "cjsc").then_some("jsc")
}

/// Titles, particles and legal forms align only with their own kind (and then only when
/// equal, which the caller has already checked); words, initials, numbers and generic words
/// align with each other.
fn comparable_kinds(a: TokenKind, b: TokenKind) -> bool {
    let minor = |k: TokenKind| {
        matches!(
            k,
            TokenKind::Particle | TokenKind::Honorific | TokenKind::LegalForm | TokenKind::Kunya
        )
    };
    !minor(a) && !minor(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_repair_a_greedy_tie() {
        // Token 0 of the left is equally close to 0 and 1 of the right; token 1 of the left is
        // close to 0 only. Greedy took (0, 0) then (1, 1).
        let mut sims = [[(0.0, MatchKind::Fuzzy); MAX_TOKENS]; MAX_TOKENS];
        sims[0][0].0 = 0.9;
        sims[0][1].0 = 0.9;
        sims[1][0].0 = 0.8;
        sims[1][1].0 = 0.55;
        let mut picks = [(0u8, 0u8), (1, 1)];
        improve_by_swaps(&mut picks, &sims, |_, _| 1.0);
        assert_eq!(picks, [(0, 1), (1, 0)]);
        // Never to a pair that is not alike at all.
        sims[0][1].0 = 0.0;
        let mut picks = [(0u8, 0u8), (1, 1)];
        improve_by_swaps(&mut picks, &sims, |_, _| 1.0);
        assert_eq!(picks, [(0, 0), (1, 1)]);
    }
}
