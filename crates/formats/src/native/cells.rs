//! The small grammar inside one CSV cell: lists separated by `|`, structured items whose parts
//! are separated by `:`, and a backslash that makes the next character literal.
//!
//! Free text rarely holds `|`, `:` or `\`, but a name or a notice reference can, and export →
//! import must give back exactly what was exported; so the writer escapes those characters
//! and the reader honours the escapes. A lone trailing backslash is read as itself.

use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::{Deserialize, Serialize};

/// Separates the items of a list cell.
pub const ITEM_SEPARATOR: char = '|';
/// Separates the parts of one structured item (`passport:DZA:123456`).
pub const PART_SEPARATOR: char = ':';
const ESCAPE: char = '\\';

/// Splits `cell` at every `separator` that is not escaped, keeping escapes in the pieces so
/// that they can be split again at another separator.
pub fn split_raw(cell: &str, separator: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (at, c) in cell.char_indices() {
        if escaped {
            escaped = false;
        } else if c == ESCAPE {
            escaped = true;
        } else if c == separator {
            pieces.push(&cell[start..at]);
            start = at + c.len_utf8();
        }
    }
    pieces.push(&cell[start..]);
    pieces
}

/// Removes the escapes of a piece: `\x` becomes `x`.
pub fn unescape(piece: &str) -> String {
    let mut out = String::with_capacity(piece.len());
    let mut chars = piece.chars();
    while let Some(c) = chars.next() {
        if c == ESCAPE {
            // A trailing lone backslash stands for itself.
            out.push(chars.next().unwrap_or(ESCAPE));
        } else {
            out.push(c);
        }
    }
    out
}

/// The items of a list cell, unescaped and trimmed, blank items dropped.
pub fn list_items(cell: &str) -> Vec<String> {
    split_raw(cell, ITEM_SEPARATOR)
        .into_iter()
        .map(|item| unescape(item.trim()).trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The raw (still escaped) non-blank items of a list cell whose items have parts.
pub fn structured_items(cell: &str) -> impl Iterator<Item = &str> {
    split_raw(cell, ITEM_SEPARATOR)
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// The parts of one structured item, unescaped and trimmed.
pub fn parts(item: &str) -> Vec<String> {
    split_raw(item, PART_SEPARATOR)
        .into_iter()
        .map(|p| unescape(p).trim().to_string())
        .collect()
}

/// Appends `text` to `out` with `\`, `|` (and `:` when `in_part`) escaped.
pub fn push_escaped(out: &mut String, text: &str, in_part: bool) {
    for c in text.chars() {
        if c == ESCAPE || c == ITEM_SEPARATOR || (in_part && c == PART_SEPARATOR) {
            out.push(ESCAPE);
        }
        out.push(c);
    }
}

/// Joins items into one list cell, each escaped.
pub fn join_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(ITEM_SEPARATOR);
        }
        push_escaped(&mut out, item, false);
    }
    out
}

/// Parses the snake_case name of a unit enum variant exactly as the model's serde does, so the
/// CSV words can never drift from the JSON ones. The error lists the accepted words.
pub fn parse_word<'de, T: Deserialize<'de>>(word: &'de str) -> Result<T, String> {
    T::deserialize(StrDeserializer::<ValueError>::new(word)).map_err(|e| e.to_string())
}

/// The word a unit enum variant serialises to (the inverse of [`parse_word`]).
pub fn word_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(word)) => word,
        // Only unit variants are passed here; anything else is printed as JSON.
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portwatch_model::DocumentStatus;

    #[test]
    fn escaped_separators_stay_inside_their_item() {
        assert_eq!(list_items(r"a|b\|c| |d\\"), vec!["a", "b|c", r"d\"]);
        let items: Vec<_> = structured_items(r"red:A\:1:2019-01-02|blue").collect();
        assert_eq!(parts(items[0]), vec!["red", "A:1", "2019-01-02"]);
        assert_eq!(parts(items[1]), vec!["blue"]);
    }

    #[test]
    fn escaping_round_trips_awkward_text() {
        for text in ["plain", "a|b", r"back\slash", "co:lon", r"\", "|:|\\:"] {
            let mut cell = String::new();
            push_escaped(&mut cell, text, true);
            assert_eq!(parts(&cell), vec![text.to_string()], "{text}");
            assert_eq!(list_items(&join_list([text])), vec![text.to_string()]);
        }
    }

    #[test]
    fn words_are_the_serde_names() {
        let status: DocumentStatus = parse_word("stolen_blank").unwrap();
        assert_eq!(word_of(&status), "stolen_blank");
        let err = parse_word::<DocumentStatus>("nicked").unwrap_err();
        assert!(err.contains("stolen_issued"), "{err}");
    }
}
