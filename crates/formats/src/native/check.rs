//! Checking every row of a file without keeping the records: what `portwatch import
//! --on-error abort` does before it writes anything, on several threads.
//!
//! Reading rows (finding where each CSV record or JSON line ends) must go through the file in
//! order, but it is the small part of parsing: turning cells into a checked record is most of
//! it, and each row's is independent of the others'. So this thread reads rows in chunks and
//! other threads decode them, each with its own copy of the file's decoder; the bad rows come
//! back in file order whatever thread found them.

use std::io::Read;
use std::sync::mpsc::{channel, sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use csv::ByteRecord;

use super::csv_read::CsvDecoder;
use super::jsonl::JsonlDecoder;
use super::{Reader, RowError};

/// Rows read before they are handed to a decoding thread.
const CHUNK_ROWS: usize = 2_048;

/// What checking a file found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Rows read, good and bad (blank lines are not rows).
    pub rows: u64,
    /// The first bad rows, in file order, at most as many as asked for.
    pub bad: Vec<RowError>,
    /// How many rows were bad in all.
    pub bad_count: u64,
}

impl Checked {
    /// Takes in a later part of the same file.
    fn extend(&mut self, part: Checked, keep_bad: usize) {
        self.rows += part.rows;
        self.bad_count += part.bad_count;
        let room = keep_bad.saturating_sub(self.bad.len());
        self.bad.extend(part.bad.into_iter().take(room));
    }
}

/// A row as read, not yet decoded.
struct RawRow {
    /// The row's line, or why it could not be read.
    read: Result<u64, RowError>,
    data: RawData,
}

enum RawData {
    Csv(ByteRecord),
    Jsonl(Vec<u8>),
}

/// Decodes rows of one file (a clone per thread).
#[derive(Clone)]
enum Decoder {
    Csv(CsvDecoder),
    Jsonl(JsonlDecoder),
}

impl Decoder {
    /// Decodes a chunk, keeping only what a check needs.
    fn check(&mut self, chunk: &[RawRow], keep_bad: usize) -> Checked {
        let mut checked = Checked::default();
        for row in chunk {
            checked.rows += 1;
            let outcome = row
                .read
                .clone()
                .and_then(|line| match (&mut *self, &row.data) {
                    (Decoder::Csv(decoder), RawData::Csv(record)) => decoder.decode(record, line),
                    (Decoder::Jsonl(decoder), RawData::Jsonl(bytes)) => decoder.decode(bytes, line),
                    // A reader hands its own decoder only its own kind of row.
                    _ => unreachable!("a CSV row for a JSON Lines decoder, or the reverse"),
                });
            if let Err(e) = outcome {
                checked.bad_count += 1;
                if checked.bad.len() < keep_bad {
                    checked.bad.push(e);
                }
            }
        }
        checked
    }
}

impl<R: Read> Reader<R> {
    /// Reads every row and checks that it makes a valid record, decoding on `threads` other
    /// threads (none: on this one). Keeps the first `keep_bad` bad rows; calls `progress`
    /// after every chunk of rows read.
    pub fn check(mut self, threads: usize, keep_bad: usize, mut progress: impl FnMut()) -> Checked {
        let mut decoder = self.decoder();
        if threads == 0 {
            let mut checked = Checked::default();
            let mut chunk = Vec::with_capacity(CHUNK_ROWS);
            while self.read_chunk(&mut chunk) {
                checked.extend(decoder.check(&chunk, keep_bad), keep_bad);
                progress();
            }
            return checked;
        }
        let (work, chunks) = sync_channel::<(usize, Vec<RawRow>)>(threads * 2);
        let chunks = Arc::new(Mutex::new(chunks));
        // Findings come back with the chunk itself, whose rows this thread reads into again:
        // no row is allocated on one thread and freed on another.
        let (found, results) = channel::<(usize, Checked, Vec<RawRow>)>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let chunks = Arc::clone(&chunks);
                let found = found.clone();
                let mut decoder = decoder.clone();
                scope.spawn(move || {
                    while let Some((n, chunk)) = next_work(&chunks) {
                        let checked = decoder.check(&chunk, keep_bad);
                        if found.send((n, checked, chunk)).is_err() {
                            return;
                        }
                    }
                });
            }
            // Only the decoding threads hold the chunks' receiver now: should they all stop,
            // sending fails instead of waiting for ever.
            drop(chunks);
            drop(found);
            let mut parts = Vec::new();
            let mut sent = 0;
            loop {
                let mut chunk = match results.try_recv() {
                    Ok((n, checked, chunk)) => {
                        parts.push((n, checked));
                        chunk
                    }
                    Err(_) => Vec::with_capacity(CHUNK_ROWS),
                };
                if !self.read_chunk(&mut chunk) {
                    break;
                }
                if work.send((sent, chunk)).is_err() {
                    break; // Every decoding thread stopped: the scope raises why.
                }
                sent += 1;
                progress();
            }
            drop(work);
            parts.extend(results.into_iter().map(|(n, checked, _)| (n, checked)));
            in_file_order(parts, keep_bad)
        })
    }

    fn decoder(&self) -> Decoder {
        match self {
            Reader::Csv(reader) => Decoder::Csv(reader.decoder()),
            Reader::Jsonl(reader) => Decoder::Jsonl(reader.decoder()),
        }
    }

    /// Reads the next rows of the file, up to [`CHUNK_ROWS`], into `chunk`, reusing the
    /// rows it holds; false when there were none left.
    fn read_chunk(&mut self, chunk: &mut Vec<RawRow>) -> bool {
        let mut filled = 0;
        while filled < CHUNK_ROWS {
            if filled == chunk.len() {
                chunk.push(self.empty_row());
            }
            let row = &mut chunk[filled];
            let read = match (&mut *self, &mut row.data) {
                (Reader::Csv(reader), RawData::Csv(record)) => reader.next_raw(record),
                (Reader::Jsonl(reader), RawData::Jsonl(bytes)) => reader.next_raw().inspect(|_| {
                    bytes.clear();
                    bytes.extend_from_slice(reader.line_bytes());
                }),
                _ => unreachable!("rows are made by the reader that fills them"),
            };
            match read {
                Some(read) => row.read = read,
                None => break,
            }
            filled += 1;
        }
        chunk.truncate(filled);
        filled > 0
    }

    fn empty_row(&self) -> RawRow {
        RawRow {
            read: Ok(0),
            data: match self {
                Reader::Csv(_) => RawData::Csv(ByteRecord::new()),
                Reader::Jsonl(_) => RawData::Jsonl(Vec::new()),
            },
        }
    }
}

/// The next chunk for a decoding thread; `None` once the reader has sent its last.
fn next_work(chunks: &Mutex<Receiver<(usize, Vec<RawRow>)>>) -> Option<(usize, Vec<RawRow>)> {
    // A thread that panicked holding the lock has already failed the check (the scope
    // re-raises its panic); the others may stop.
    chunks.lock().ok()?.recv().ok()
}

/// Every chunk's findings, put back in the order of the file.
fn in_file_order(mut parts: Vec<(usize, Checked)>, keep_bad: usize) -> Checked {
    parts.sort_unstable_by_key(|(n, _)| *n);
    let mut checked = Checked::default();
    for (_, part) in parts {
        checked.extend(part, keep_bad);
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::super::{Format, ReadOptions};
    use super::*;

    /// A CSV file of `rows` documents in which every row whose index `bad` accepts has an
    /// issuing state that is no country code.
    fn documents_csv(rows: usize, bad: impl Fn(usize) -> bool) -> String {
        let mut csv = String::from("owner,visibility,number,issuing_state,type,status\n");
        for i in 0..rows {
            let state = if bad(i) { "XX1" } else { "FRA" };
            csv.push_str(&format!(
                "ncb-paris,all,P{i:08},{state},passport,stolen_blank\n"
            ));
        }
        csv
    }

    fn check(text: &str, format: Format, threads: usize, keep_bad: usize) -> Checked {
        let reader = Reader::new(text.as_bytes(), format, ReadOptions::default()).unwrap();
        reader.check(threads, keep_bad, || {})
    }

    /// What the plain reader finds, for comparison.
    fn sequential(text: &str, format: Format, keep_bad: usize) -> Checked {
        let reader = Reader::new(text.as_bytes(), format, ReadOptions::default()).unwrap();
        let mut checked = Checked::default();
        for row in reader {
            checked.rows += 1;
            if let Err(e) = row {
                checked.bad_count += 1;
                if checked.bad.len() < keep_bad {
                    checked.bad.push(e);
                }
            }
        }
        checked
    }

    #[test]
    fn bad_rows_come_back_in_file_order_on_any_number_of_threads() {
        // Bad rows in several chunks, the last chunk short.
        let csv = documents_csv(3 * CHUNK_ROWS + 17, |i| i % 997 == 3);
        let expected = sequential(&csv, Format::Csv, 5);
        assert_eq!(expected.bad_count, 7);
        assert_eq!(expected.bad.len(), 5);
        for threads in [0, 1, 2, 4] {
            assert_eq!(
                check(&csv, Format::Csv, threads, 5),
                expected,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn the_first_bad_rows_are_kept_even_when_one_chunk_holds_them_all() {
        // Every row of the first chunk is bad: its own cap must not hide later chunks' count.
        let csv = documents_csv(2 * CHUNK_ROWS, |i| i < CHUNK_ROWS + 2);
        let checked = check(&csv, Format::Csv, 2, 20);
        assert_eq!(checked.rows, 2 * CHUNK_ROWS as u64);
        assert_eq!(checked.bad_count, CHUNK_ROWS as u64 + 2);
        let lines: Vec<u64> = checked.bad.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            (2..22).collect::<Vec<u64>>(),
            "the first 20, from line 2"
        );
    }

    #[test]
    fn json_lines_are_checked_like_the_plain_reader_checks_them() {
        let document = |number: &str, state: &str| {
            format!(r#"{{"owner":"ncb-paris","visibility":"all","document":{{"number":"{number}","#)
                + &format!(
                    r#""issuing_state":"{state}","type":"passport","status":"stolen_blank"}}}}"#
                )
        };
        let mut jsonl = String::new();
        for i in 0..CHUNK_ROWS + 5 {
            let line = match i % 700 {
                1 => "{not json".to_string(),
                2 => String::new(), // blank: not a row
                3 => document("P1", "XX1"),
                _ => document(&format!("P{i:08}"), "FRA"),
            };
            jsonl.push_str(&line);
            jsonl.push('\n');
        }
        let expected = sequential(&jsonl, Format::Jsonl, 100);
        assert_eq!(expected.bad_count, 6);
        assert_eq!(check(&jsonl, Format::Jsonl, 2, 100), expected);
    }

    #[test]
    fn a_row_the_csv_reader_cannot_read_is_a_bad_row() {
        let csv = "owner,visibility,number,issuing_state,type,status\n\
                   ncb-paris,all,P1,FRA,passport,stolen_blank\n\
                   ncb-paris,all,P2,FRA\n";
        let checked = check(csv, Format::Csv, 2, 10);
        assert_eq!(checked, sequential(csv, Format::Csv, 10));
        assert_eq!((checked.rows, checked.bad_count), (2, 1));
        assert_eq!(checked.bad[0].line, 3);
    }
}
