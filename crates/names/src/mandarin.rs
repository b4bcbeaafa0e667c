//! One key for the Wade–Giles and the Pinyin romanisations of a Mandarin name.
//!
//! Chinese names reach watch lists in two romanisations: Pinyin (mainland China since 1958:
//! Deng Xiaoping, Zhou Enlai) and Wade–Giles (older lists, Taiwan, Hong Kong: Teng Hsiao-p'ing,
//! Chou En-lai). Wade–Giles writes the unaspirated stops with the letters that Pinyin gives to
//! the aspirated ones and marks aspiration with an apostrophe that lists mostly drop:
//!
//! | Wade–Giles | Pinyin | key |
//! |---|---|---|
//! | p, p' | b, p | `P` |
//! | t, t' | d, t | `T` |
//! | k, k' | g, k | `K` |
//! | ch, ch' | zh, ch, j, q | `C` |
//! | ts, tz, ts' | z, c | `Z` |
//! | hs | x | `X` |
//! | -ung, -iung | -ong, -iong | |
//! | -ih (chih, shih) | -i | |
//! | -ieh, -ien, -ueh, -uei, -erh | -ie, -ian, -ue, -ui, -er | |
//!
//! The key of a word is, for each syllable, the class of its initial and its final in Pinyin:
//! Hsi / Xi → `Xi`, Tse-tung / Zedong → `ZeTong`, Chin-ping / Jinping → `CinPing`. Finals are kept
//! exact, so Chen (`Cen`) stays apart from Jin (`Cin`) and Zhou (`Cou`) from Qiu (`Ciu`). Only a
//! word that reads wholly as Mandarin syllables has a key; English, Arabic and most other words
//! do not (Smith, Mohamed), and a short word that happens to read as syllables (Tina, Dina)
//! meets only words that read as the same syllables up to the Wade–Giles letters.

/// Initials of both systems with their key class ("" for the glide y, which Wade–Giles leaves
/// out: Pinyin yi, Wade–Giles i), and the bare initial of a syllable that starts with its
/// vowel.
fn initial_class(s: &str) -> Option<&'static str> {
    Some(match s {
        "" => "",
        "zh" | "ch" | "j" | "q" => "C",
        "sh" => "S",
        "hs" | "x" => "X",
        "ts" | "tz" | "z" | "c" => "Z",
        "ss" | "sz" | "s" => "s",
        "b" | "p" => "P",
        "m" => "M",
        "f" => "F",
        "d" | "t" => "T",
        "n" => "N",
        "l" => "L",
        "g" | "k" => "K",
        "h" => "H",
        "r" => "R",
        "y" => "",
        "w" => "W",
        _ => return None,
    })
}

/// Finals of both systems with their Pinyin spelling.
fn final_pinyin(s: &str) -> Option<&'static str> {
    Some(match s {
        "iang" => "iang",
        "iong" | "iung" => "iong",
        "uang" => "uang",
        "ueng" => "ueng",
        "ang" => "ang",
        "eng" => "eng",
        "ing" => "ing",
        "ong" | "ung" => "ong",
        "iao" => "iao",
        "ian" | "ien" => "ian",
        "ieh" | "ie" => "ie",
        "uai" => "uai",
        "uan" => "uan",
        "ueh" | "ue" => "ue",
        "uei" | "ui" => "ui",
        "erh" | "er" => "er",
        "ai" => "ai",
        "ao" => "ao",
        "an" => "an",
        "ei" => "ei",
        "en" => "en",
        "eh" | "e" => "e",
        "ia" => "ia",
        "in" => "in",
        "iu" => "iu",
        "ih" | "i" => "i",
        "ou" => "ou",
        "ua" => "ua",
        "un" => "un",
        "uo" => "uo",
        "a" => "a",
        "o" => "o",
        "u" => "u",
        _ => return None,
    })
}

/// Longest word read as syllables (a Chinese given name has at most three or four).
const MAX_LEN: usize = 24;

/// The Mandarin key of a lowercase ASCII word (see the module documentation), or `None` where
/// the word does not read wholly as Mandarin syllables.
pub fn mandarin_key(plain: &str) -> Option<String> {
    if plain.len() < 2 || plain.len() > MAX_LEN || !could_be_syllables(plain.as_bytes()) {
        return None;
    }
    let mut key = String::with_capacity(plain.len());
    let mut dead_ends = 0u32;
    read_syllables(plain, 0, &mut key, &mut dead_ends).then_some(key)
}

/// Cheap tests that rule most words out before they are read: letters only, no `v`, and an
/// ending that a syllable can have (a vowel, n, ng, or the h and r of Wade–Giles -ih, -eh,
/// -erh and of -er).
fn could_be_syllables(b: &[u8]) -> bool {
    let letters = b.iter().all(|&c| c.is_ascii_lowercase() && c != b'v');
    let ending = matches!(
        b.last(),
        Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'n' | b'g' | b'h' | b'r')
    );
    letters && ending
}

/// Reads `word[at..]` as syllables onto `key`, the longest syllable first, backtracking where
/// a longer one leaves a remainder that does not read. `dead_ends` marks the positions from
/// which no reading exists, so that every position is tried once.
fn read_syllables(word: &str, at: usize, key: &mut String, dead_ends: &mut u32) -> bool {
    let rest = &word[at..];
    if rest.is_empty() {
        return true;
    }
    if *dead_ends & (1 << at) != 0 {
        return false;
    }
    // At most two initials match a position (z, zh) and four finals each (a, an, ang).
    let mut options = [(0usize, "", ""); 12];
    let mut n_options = 0;
    let b = rest.as_bytes();
    let initials = [rest.get(..2), rest.get(..1), Some("")]
        .into_iter()
        .flatten()
        .filter_map(|i| initial_class(i).map(|class| (i, class)));
    for (initial, class) in initials {
        let after = &rest[initial.len()..];
        if !b.get(initial.len()).is_some_and(|c| b"aeiou".contains(c)) {
            continue;
        }
        for len in 1..=after.len().min(4) {
            let fin = &after[..len];
            let Some(pinyin) = final_pinyin(fin) else {
                continue;
            };
            // Wade–Giles writes the Pinyin zi, ci, si as tzu, tz'u, ssu.
            let pinyin = if matches!(initial, "tz" | "ss" | "sz") && fin == "u" {
                "i"
            } else {
                pinyin
            };
            if n_options < options.len() {
                options[n_options] = (initial.len() + len, class, pinyin);
                n_options += 1;
            }
        }
    }
    let options = &mut options[..n_options];
    options.sort_unstable_by_key(|o| std::cmp::Reverse(o.0));
    let mark = key.len();
    for &(len, class, pinyin) in options.iter() {
        key.push_str(class);
        key.push_str(pinyin);
        if read_syllables(word, at + len, key, dead_ends) {
            return true;
        }
        key.truncate(mark);
    }
    *dead_ends |= 1 << at;
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        let (ka, kb) = (mandarin_key(a), mandarin_key(b));
        assert!(ka.is_some() && ka == kb, "{a} {ka:?} / {b} {kb:?}");
    }

    #[test]
    fn wade_giles_meets_pinyin() {
        same("teng", "deng");
        same("hsiaoping", "xiaoping");
        same("chou", "zhou");
        same("enlai", "enlai");
        same("tsai", "cai");
        same("kuo", "guo");
        same("yingchiu", "yingjiu");
        same("shih", "shi");
        same("tzuchiang", "ziqiang");
    }

    #[test]
    fn other_syllables_stay_apart() {
        assert_ne!(mandarin_key("chen"), mandarin_key("jin"));
        assert_ne!(mandarin_key("zhou"), mandarin_key("qiu"));
        assert_ne!(mandarin_key("wang"), mandarin_key("huang"));
    }

    #[test]
    fn words_that_are_not_syllables_have_no_key() {
        for w in ["smith", "mohamed", "vladimir", "x", "abdal"] {
            assert_eq!(mandarin_key(w), None, "{w}");
        }
    }
}
