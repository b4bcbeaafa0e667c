//! Numbers as a published report writes them: exact and grouped in tables, honestly rounded
//! down in headlines.

/// `n` with thousands separators: `1204321` → `"1,204,321"`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` as a headline says it, never more than it is: exact below 1,000 (`"31"`), else cut
/// down to two significant digits and said to be "more than" that when anything was cut:
/// `1204` → `"more than 1,200"`, `1_204_321` → `"more than 1.2 million"`, `1_200_000` →
/// `"1.2 million"`, `3_600_000_000` → `"3.6 billion"`.
///
/// Rounding down with "more than" is how INTERPOL publishes its figures; rounding up would
/// claim searches that were never made.
pub fn approximately(n: u64) -> String {
    if n < 1_000 {
        return n.to_string();
    }
    let unit = 10u64.pow(n.ilog10() - 1);
    let cut = n / unit * unit;
    let said = if cut >= 1_000_000_000 {
        scaled(cut, 1_000_000_000, "billion")
    } else if cut >= 1_000_000 {
        scaled(cut, 1_000_000, "million")
    } else {
        grouped(cut)
    };
    if cut < n {
        format!("more than {said}")
    } else {
        said
    }
}

/// `cut` (two significant digits at most) in `scale`s: at most one decimal is ever needed.
fn scaled(cut: u64, scale: u64, word: &str) -> String {
    let whole = cut / scale;
    let tenths = cut % scale / (scale / 10);
    if tenths == 0 {
        format!("{} {word}", grouped(whole))
    } else {
        format!("{}.{tenths} {word}", grouped(whole))
    }
}

/// A quantity with up to `decimals` decimals, trailing zeros dropped, integer part grouped:
/// `40.0` → `"40"`, `1234.5` with 2 → `"1,234.5"`.
pub(crate) fn decimal(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.max(0.0));
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let int = int
        .parse::<u64>()
        .map(grouped)
        .unwrap_or_else(|_| int.to_string());
    if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    }
}

/// `"1 search"`, `"2 searches"`: the count as given, the noun agreeing with it.
pub(crate) fn counted(count_text: &str, n: u64, singular: &str, plural: &str) -> String {
    let noun = if n == 1 { singular } else { plural };
    format!("{count_text} {noun}")
}

/// Upper-cases the first letter, for a phrase that opens a sentence.
pub(crate) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `"a"`, `"a and b"`, `"a, b and c"`.
pub(crate) fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_204_321), "1,204,321");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn headline_numbers_are_exact_when_small_and_never_rounded_up() {
        assert_eq!(approximately(0), "0");
        assert_eq!(approximately(31), "31");
        assert_eq!(approximately(999), "999");
        assert_eq!(approximately(1_000), "1,000");
        assert_eq!(approximately(1_204), "more than 1,200");
        assert_eq!(approximately(1_999), "more than 1,900");
        assert_eq!(approximately(45_678), "more than 45,000");
        assert_eq!(approximately(999_999), "more than 990,000");
        assert_eq!(approximately(1_000_000), "1 million");
        assert_eq!(approximately(1_200_000), "1.2 million");
        assert_eq!(approximately(1_204_321), "more than 1.2 million");
        assert_eq!(approximately(12_345_678), "more than 12 million");
        assert_eq!(approximately(3_600_000_000), "3.6 billion");
        assert_eq!(approximately(u64::MAX), "more than 18,000,000,000 billion");
    }

    #[test]
    fn decimals_drop_trailing_zeros() {
        assert_eq!(decimal(40.0, 1), "40");
        assert_eq!(decimal(40.26, 1), "40.3");
        assert_eq!(decimal(1234.5, 2), "1,234.5");
        assert_eq!(decimal(10_000.0, 2), "10,000");
    }

    #[test]
    fn lists_read_as_english() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(listed(&s(&[])), "");
        assert_eq!(listed(&s(&["a"])), "a");
        assert_eq!(listed(&s(&["a", "b"])), "a and b");
        assert_eq!(listed(&s(&["a", "b", "c"])), "a, b and c");
        assert_eq!(capitalised("more than 5"), "More than 5");
        assert_eq!(counted("1", 1, "search", "searches"), "1 search");
    }
}
