//! Person similarity (filled in below).
