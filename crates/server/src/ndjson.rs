//! Newline-delimited JSON framing for streamed bodies: lines are cut from chunks as they
//! arrive, whatever the chunk boundaries, with a limit on the length of one line and on the
//! number of lines.

/// Why a stream of lines was cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramingError {
    /// One line is longer than the limit (probably not NDJSON at all).
    LineTooLong { line: u64, limit: usize },
    /// More lines than the limit.
    TooManyLines { limit: u64 },
}

impl std::fmt::Display for FramingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FramingError::LineTooLong { line, limit } => {
                write!(f, "line {line} is longer than {limit} bytes")
            }
            FramingError::TooManyLines { limit } => {
                write!(f, "the manifest has more than {limit} lines")
            }
        }
    }
}

/// Cuts a byte stream into lines (without their `\n` or `\r\n`); blank lines are skipped but
/// counted, so line numbers match what an editor shows.
#[derive(Debug)]
pub struct LineSplitter {
    pending: Vec<u8>,
    line: u64,
    max_line_bytes: usize,
    max_lines: u64,
}

/// One line and its number (from 1).
pub type Line = (u64, Vec<u8>);

impl LineSplitter {
    pub fn new(max_line_bytes: usize, max_lines: u64) -> Self {
        LineSplitter {
            pending: Vec::new(),
            line: 0,
            max_line_bytes,
            max_lines,
        }
    }

    /// Feeds a chunk; appends every line it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Line>) -> Result<(), FramingError> {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            if self.pending.is_empty() {
                self.emit(&rest[..end], out)?;
            } else {
                self.pending.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.pending);
                self.emit(&line, out)?;
            }
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() > self.max_line_bytes {
            return Err(FramingError::LineTooLong {
                line: self.line + 1,
                limit: self.max_line_bytes,
            });
        }
        Ok(())
    }

    /// Ends the stream: a last line without `\n` still counts.
    pub fn finish(&mut self, out: &mut Vec<Line>) -> Result<(), FramingError> {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.emit(&line, out)?;
        }
        Ok(())
    }

    /// Lines seen so far, blank ones included.
    pub fn lines(&self) -> u64 {
        self.line
    }

    fn emit(&mut self, raw: &[u8], out: &mut Vec<Line>) -> Result<(), FramingError> {
        self.line += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.len() > self.max_line_bytes {
            return Err(FramingError::LineTooLong {
                line: self.line,
                limit: self.max_line_bytes,
            });
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if self.line > self.max_lines {
            return Err(FramingError::TooManyLines {
                limit: self.max_lines,
            });
        }
        out.push((self.line, raw.to_vec()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Result<Vec<Line>, FramingError> {
        let mut s = LineSplitter::new(16, 100);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out)?;
        }
        s.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn lines_survive_any_chunking() {
        let whole: &[u8] = b"{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}";
        let expected = split(&[whole]).unwrap();
        assert_eq!(
            expected,
            vec![
                (1, b"{\"a\":1}".to_vec()),
                (3, b"{\"b\":2}".to_vec()),
                (4, b"{\"c\":3}".to_vec())
            ]
        );
        for cut in 0..whole.len() {
            let (a, b) = whole.split_at(cut);
            assert_eq!(split(&[a, b]).unwrap(), expected, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(split(&bytes).unwrap(), expected);
    }

    #[test]
    fn limits_are_enforced() {
        assert_eq!(
            split(&[b"0123456789abcdefXYZ"]).unwrap_err(),
            FramingError::LineTooLong { line: 1, limit: 16 }
        );
        let mut s = LineSplitter::new(16, 2);
        let mut out = Vec::new();
        assert_eq!(
            s.push(b"1\n2\n3\n", &mut out).unwrap_err(),
            FramingError::TooManyLines { limit: 2 }
        );
    }
}
