//! Name similarity: the best order-free alignment of two token lists, scored by weight.
//!
//! 1. **Token similarity** ([`token_similarity`]) walks a ladder and stops at the first rung
//!    that holds: equal plain forms (exact, 1); equal up to an ICAO Table A alternative (1);
//!    numbers compare only exactly; an initial against a word with that first letter; tokens
//!    of a vowelless script compare their consonant skeletons; equal phonetic forms (the
//!    romanisation families, [`PHONETIC_SIM`]); otherwise Jaro-Winkler of the plain and of the
//!    phonetic forms, rescaled so that values below [`JW_FLOOR`] count as no likeness at all.
//!    Titles, particles and legal forms only ever match exactly.
//! 2. **Joined and split tokens**: two adjacent tokens on one side equal to one token on the
//!    other, plainly or phonetically, align as one pair (Abdel Kader / Abdelkader).
//! 3. **Alignment**: the remaining tokens are paired greedily, best similarity first, in any
//!    order (swapped given and family names, "LAST, First" lists).
//! 4. **Score** = Σ pair weight × similarity / (Σ pair weight + unmatched penalty). A pair
//!    weighs the mean of its tokens' weights ([`TokenKind::weight`]). An unmatched token costs
//!    its weight × [`SUBSET_PENALTY`] when the other name is wholly matched (a missing middle
//!    name, a title, a legal form), and × 1 when both names keep unmatched tokens (the names
//!    disagree).
//!
//! The score is symmetric: swapping the names swaps left and right in the explanation only.

use serde::Serialize;

use crate::jaro::jaro_winkler;
use crate::normalize::TokenKind;
use crate::prepared::{PreparedName, PreparedToken, MAX_TOKENS};

/// The default decision threshold: two names whose score reaches it are treated as the same
/// name. Chosen on the tuning half of the name benchmark (see `portwatch bench names`).
pub const DEFAULT_THRESHOLD: f64 = 0.70;

/// Jaro-Winkler values at or below this count as no likeness; above it they scale linearly
/// to 1.
pub const JW_FLOOR: f64 = 0.75;
/// Similarity of two tokens with equal phonetic forms but different spellings.
pub const PHONETIC_SIM: f64 = 0.9;
/// Jaro-Winkler likeness of phonetic forms is worth this share of plain-form likeness (the
/// phonetic form is coarse).
pub const PHONETIC_JW_SHARE: f64 = 0.85;
/// Similarity of an initial and a word starting with that letter.
pub const INITIAL_SIM: f64 = 0.8;
/// Similarity of two tokens with equal consonant skeletons when one is in a vowelless script.
pub const SKELETON_SIM: f64 = 0.9;
/// Share of its weight an unmatched token costs when the other name is wholly matched.
pub const SUBSET_PENALTY: f64 = 0.5;

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
    /// Close spelling (Jaro-Winkler).
    Fuzzy,
    /// Two adjacent tokens of one name written as one token in the other.
    Joined,
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
    /// What it costs: weight × [`SUBSET_PENALTY`] or weight × 1.
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
    let al = align(a, b);
    al.score()
}

/// Similarity of two names given as text (prepares both; prefer [`score_prepared`] in loops).
pub fn score(a: &str, b: &str) -> f64 {
    score_prepared(&PreparedName::new(a), &PreparedName::new(b))
}

/// [`score_prepared`] with the alignment that produced it.
pub fn explain_prepared(a: &PreparedName, b: &PreparedName) -> Explanation {
    let al = align(a, b);
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
    let unmatched = |n: &PreparedName, used: u32, factor: f64| -> Vec<UnmatchedToken> {
        (0..n.tokens.len())
            .filter(|i| used & (1 << i) == 0)
            .map(|i| UnmatchedToken {
                token: tok(n, i),
                kind: n.tokens[i].kind,
                weight: f64::from(n.tokens[i].weight),
                penalty: round4(f64::from(n.tokens[i].weight) * factor),
            })
            .collect()
    };
    let (fa, fb) = al.penalty_factors();
    Explanation {
        score: round4(score),
        threshold: DEFAULT_THRESHOLD,
        passes: score >= DEFAULT_THRESHOLD,
        pairs,
        unmatched_left: unmatched(a, al.used_a, fa),
        unmatched_right: unmatched(b, al.used_b, fb),
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
    unmatched_a: f64,
    unmatched_b: f64,
}

impl Alignment {
    fn penalty_factors(&self) -> (f64, f64) {
        if self.unmatched_a > 0.0 && self.unmatched_b > 0.0 {
            (1.0, 1.0)
        } else {
            (SUBSET_PENALTY, SUBSET_PENALTY)
        }
    }

    fn total(&self) -> f64 {
        let (fa, fb) = self.penalty_factors();
        self.pair_weight + self.unmatched_a * fa + self.unmatched_b * fb
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
        }
    }
}

fn align(a: &PreparedName, b: &PreparedName) -> Alignment {
    let mut al = Alignment {
        pairs: [NO_PAIR; MAX_TOKENS],
        n_pairs: 0,
        used_a: 0,
        used_b: 0,
        matched: 0.0,
        pair_weight: 0.0,
        unmatched_a: 0.0,
        unmatched_b: 0.0,
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
            let s = token_similarity(ta, tb);
            best_a[i] = best_a[i].max(s.0);
            best_b[j] = best_b[j].max(s.0);
            sims[i][j] = s;
        }
    }
    join_pairs(a, b, &best_a, &best_b, false, &mut al);
    join_pairs(b, a, &best_b, &best_a, true, &mut al);
    // Greedy order-free alignment of what is left, best pair first.
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
        if sim <= 0.0 {
            break;
        }
        al.used_a |= 1 << i;
        al.used_b |= 1 << j;
        al.push(Pair {
            left: i as u8,
            left_span: 1,
            right: j as u8,
            right_span: 1,
            how: sims[i][j].1,
            sim,
            weight: f64::from(a.tokens[i].weight + b.tokens[j].weight) / 2.0,
        });
    }
    al.unmatched_a = unmatched_weight(a, al.used_a);
    al.unmatched_b = unmatched_weight(b, al.used_b);
    al
}

fn unmatched_weight(n: &PreparedName, used: u32) -> f64 {
    n.tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| used & (1 << i) == 0)
        .map(|(_, t)| f64::from(t.weight))
        .sum()
}

/// Aligns two adjacent tokens of `joined_side` with one token of `single_side` written as one
/// word, where that beats what either token finds alone. `swapped` says that `joined_side` is
/// the right-hand name.
fn join_pairs(
    joined_side: &PreparedName,
    single_side: &PreparedName,
    best_joined: &[f64; MAX_TOKENS],
    best_single: &[f64; MAX_TOKENS],
    swapped: bool,
    al: &mut Alignment,
) {
    let (used_joined, used_single) = if swapped {
        (al.used_b, al.used_a)
    } else {
        (al.used_a, al.used_b)
    };
    let (mut used_joined, mut used_single) = (used_joined, used_single);
    for c in &joined_side.compounds {
        let both = 0b11u32 << c.first;
        if used_joined & both != 0 {
            continue;
        }
        for (j, t) in single_side.tokens.iter().enumerate() {
            if used_single & (1 << j) != 0 {
                continue;
            }
            let sim = if c.plain_hash == t.plain_hash {
                1.0
            } else if c.phon_hash == t.phon_hash || (t.abjad && c.skel_hash == t.skel_hash) {
                PHONETIC_SIM
            } else {
                continue;
            };
            let worse_alone = best_joined[c.first].min(best_joined[c.first + 1]);
            if best_single[j] > sim || worse_alone >= 1.0 {
                continue;
            }
            used_joined |= both;
            used_single |= 1 << j;
            let w_joined =
                joined_side.tokens[c.first].weight + joined_side.tokens[c.first + 1].weight;
            let weight = f64::from(w_joined + t.weight) / 2.0;
            let (left, left_span, right, right_span) = if swapped {
                (j as u8, 1, c.first as u8, 2)
            } else {
                (c.first as u8, 2, j as u8, 1)
            };
            al.push(Pair {
                left,
                left_span,
                right,
                right_span,
                how: MatchKind::Joined,
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

/// Similarity of two tokens in 0..=1 and how it was found (see the module documentation).
pub(crate) fn token_similarity(a: &PreparedToken, b: &PreparedToken) -> (f64, MatchKind) {
    const NONE: (f64, MatchKind) = (0.0, MatchKind::Fuzzy);
    if a.plain_hash == b.plain_hash {
        return (1.0, MatchKind::Exact);
    }
    if a.alt_hash == b.plain_hash || a.plain_hash == b.alt_hash || a.alt_hash == b.alt_hash {
        return (1.0, MatchKind::IcaoAlternative);
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
                (INITIAL_SIM, MatchKind::Initial)
            } else {
                NONE
            };
        }
        (false, false) => {}
    }
    if a.abjad || b.abjad {
        if a.skel_hash == b.skel_hash && a.skel.len() >= 2 {
            return (SKELETON_SIM, MatchKind::Skeleton);
        }
        let jw = jaro_winkler(a.skel.as_bytes(), b.skel.as_bytes());
        return (rescale(jw) * SKELETON_SIM, MatchKind::Skeleton);
    }
    if a.phon_hash == b.phon_hash {
        return (PHONETIC_SIM, MatchKind::Phonetic);
    }
    let plain = rescale(jaro_winkler(a.plain.as_bytes(), b.plain.as_bytes()));
    let phon = rescale(jaro_winkler(a.phon.as_bytes(), b.phon.as_bytes())) * PHONETIC_JW_SHARE;
    (plain.max(phon), MatchKind::Fuzzy)
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

fn rescale(jw: f64) -> f64 {
    ((jw - JW_FLOOR) / (1.0 - JW_FLOOR)).clamp(0.0, 1.0)
}
