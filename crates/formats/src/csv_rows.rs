//! What the CSV readers (native records and manifests) share about rows and headers.

use csv::ByteRecord;

/// The header cell at `index` without the byte-order mark a spreadsheet may put before the
/// first one (Excel's "CSV UTF-8" does).
pub(crate) fn header_cell(index: usize, raw: &[u8]) -> &[u8] {
    if index == 0 {
        raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
    } else {
        raw
    }
}

/// A row whose every cell is blank (a spreadsheet's trailing `,,,,` line) holds nothing.
pub(crate) fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|cell| cell.trim_ascii().is_empty())
}

/// Why a row of `cells` cells cannot be read under a header of `columns` columns, or `None`
/// when the widths agree.
pub(crate) fn width_mismatch(cells: usize, columns: usize) -> Option<String> {
    (cells != columns).then(|| {
        format!(
            "has {cells} cells but the header has {columns} columns (a missing or extra comma, \
             or a comma inside a value that is not in double quotes?)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_header_cell_loses_a_byte_order_mark() {
        assert_eq!(header_cell(0, b"\xEF\xBB\xBFowner"), b"owner");
        assert_eq!(header_cell(1, b"\xEF\xBB\xBFowner"), b"\xEF\xBB\xBFowner");
    }

    #[test]
    fn a_row_of_empty_or_spaced_cells_is_blank() {
        assert!(is_blank(&ByteRecord::from(vec!["", " ", "\t"])));
        assert!(!is_blank(&ByteRecord::from(vec!["", "x"])));
    }

    #[test]
    fn a_width_mismatch_names_both_counts() {
        assert_eq!(width_mismatch(3, 3), None);
        let why = width_mismatch(2, 3).unwrap();
        assert!(
            why.starts_with("has 2 cells but the header has 3 columns"),
            "{why}"
        );
    }
}
