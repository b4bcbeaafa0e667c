//! Reading and writing records in the formats agencies hold them in.
//!
//! Pure: every reader takes an `impl Read` and yields one result per row, so a bad row is
//! reported with its line, field and rule without stopping the rows around it; the caller
//! (the CLI's `import`, the server's upload) decides whether to skip or abort.

pub mod countries;
mod csv_rows;
pub mod ftm;
pub mod lists;
pub mod manifest;
pub mod manifest_csv;
pub mod native;
pub mod ofac;
pub mod paxlst;
pub mod un;
