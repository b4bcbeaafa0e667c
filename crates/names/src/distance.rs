//! String distances on short name tokens, without allocation: Jaro-Winkler and the optimal
//! string alignment distance (Levenshtein plus adjacent transpositions).
//!
//! Name tokens are short, so match flags fit in two `u64` bit sets; strings longer than 64
//! bytes are compared on their first 64 bytes (no name token in any list comes near that).

const MAX: usize = 64;

/// Jaro similarity of two byte strings, in 0..=1.
pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    let a = &a[..a.len().min(MAX)];
    let b = &b[..b.len().min(MAX)];
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    if a == b {
        return 1.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flags: u64 = 0;
    let mut b_flags: u64 = 0;
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if b_flags & (1 << j) == 0 && ca == cb {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut bf = b_flags;
    let mut af = a_flags;
    while af != 0 {
        let i = af.trailing_zeros() as usize;
        let j = bf.trailing_zeros() as usize;
        if a[i] != b[j] {
            transpositions += 1;
        }
        af &= af - 1;
        bf &= bf - 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Jaro-Winkler similarity: Jaro plus a bonus of 0.1 per letter of common prefix (at most 4)
/// when Jaro exceeds 0.7.
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let j = jaro(a, b);
    if j <= 0.7 {
        return j;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    j + 0.1 * prefix as f64 * (1.0 - j)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent items each cost 1 ("Mohamed" / "Mohaemd" is 1). Inputs longer than 64 items are
/// compared on their first 64.
pub fn osa_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let a = &a[..a.len().min(MAX)];
    let b = &b[..b.len().min(MAX)];
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    // Three rolling rows (two back for transpositions, previous, current), rotated by
    // reference rather than copied; distances fit a byte since inputs are at most 64 long.
    let mut rows = [[0u8; MAX + 1]; 3];
    let [two_back, prev, cur] = &mut rows;
    let (mut two_back, mut prev, mut cur) = (two_back, prev, cur);
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j as u8;
    }
    for i in 1..=a.len() {
        cur[0] = i as u8;
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    usize::from(prev[b.len()])
}

/// The set of letters (a–z) and digits of an ASCII string as bits: two strings whose sets
/// differ in `n` members are at least ⌈n / 2⌉ edits apart, since one edit changes the set by
/// at most one member out and one in.
pub fn letter_set(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |m, &c| {
        m | match c {
            b'a'..=b'z' => 1 << (c - b'a'),
            b'0'..=b'9' => 1 << (26 + c - b'0'),
            _ => 1 << 63,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn textbook_values() {
        assert!(close(jaro(b"martha", b"marhta"), 0.944));
        assert!(close(jaro_winkler(b"martha", b"marhta"), 0.961));
        assert!(close(jaro_winkler(b"dwayne", b"duane"), 0.84));
        assert!(close(jaro_winkler(b"dixon", b"dicksonx"), 0.813));
        assert_eq!(jaro(b"abc", b"xyz"), 0.0);
        assert_eq!(jaro(b"", b"a"), 0.0);
    }

    #[test]
    fn symmetric_and_bounded() {
        let words: [&[u8]; 5] = [b"scholz", b"scholze", b"schulze", b"merkel", b"m"];
        for a in words {
            for b in words {
                let x = jaro_winkler(a, b);
                assert!((0.0..=1.0).contains(&x));
                assert!(close(x, jaro_winkler(b, a)));
            }
        }
    }

    #[test]
    fn osa_counts_swaps_as_one_edit() {
        assert_eq!(osa_distance(b"mohamed", b"mohaemd"), 1);
        assert_eq!(osa_distance(b"scholz", b"scholze"), 1);
        assert_eq!(osa_distance(b"kitten", b"sitting"), 3);
        assert_eq!(osa_distance(b"", b"abc"), 3);
        assert_eq!(osa_distance(&['习', '近'], &['习', '进']), 1);
    }

    #[test]
    fn letter_sets_bound_the_edit_distance() {
        for (a, b) in [
            ("mohamed", "muhammad"),
            ("scholz", "schulze"),
            ("abc", "xyz"),
        ] {
            let differing = (letter_set(a.as_bytes()) ^ letter_set(b.as_bytes())).count_ones();
            let bound = (differing as usize).div_ceil(2);
            assert!(bound <= osa_distance(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }

    #[test]
    fn long_strings_do_not_overflow_the_bitsets() {
        let a = vec![b'a'; 200];
        let b = vec![b'a'; 150];
        assert_eq!(jaro(&a, &b), 1.0);
    }
}
