//! The server's clock: real time, or the replay clock of `portwatch demo`.
//!
//! Every time the server stamps (audit entries, hits, follow-up deadlines, overdue judgements,
//! record versions) comes from one [`Clock`], read once per request when the caller is
//! authenticated. A production server runs on [`Clock::real`]. The demo replays an operation of
//! several weeks in minutes: it runs the server in its own process on a [`Clock::replay`] and
//! moves it forward to each simulated crossing, so that searches fall on the operation's days
//! and follow-up deadlines mean what they mean at a real checkpoint. No request can move the
//! clock: only the process that owns the server can.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use time::{Duration, OffsetDateTime};

/// Real time, or real time shifted by an offset that only grows (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Nanoseconds added to real time; `None` on a real clock.
    offset: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The wall clock.
    pub fn real() -> Clock {
        Clock { offset: None }
    }

    /// A clock that starts at `start` and then runs at real speed until moved forward with
    /// [`Clock::advance_to`].
    pub fn replay(start: OffsetDateTime) -> Clock {
        let offset = start - OffsetDateTime::now_utc();
        Clock {
            offset: Some(Arc::new(AtomicI64::new(nanos(offset)))),
        }
    }

    /// The current time.
    pub fn now(&self) -> OffsetDateTime {
        let real = OffsetDateTime::now_utc();
        match &self.offset {
            None => real,
            Some(offset) => real + Duration::nanoseconds(offset.load(Ordering::Relaxed)),
        }
    }

    /// Whether this is a replay clock.
    pub fn is_replay(&self) -> bool {
        self.offset.is_some()
    }

    /// Moves a replay clock forward so that it reads at least `t` (never backwards: stamps
    /// stay in order). A real clock ignores the call.
    pub fn advance_to(&self, t: OffsetDateTime) {
        let Some(offset) = &self.offset else { return };
        let wanted = nanos(t - OffsetDateTime::now_utc());
        offset.fetch_max(wanted, Ordering::Relaxed);
    }
}

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.whole_nanoseconds()).unwrap_or(if d.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_real_clock_reads_the_wall_clock_and_ignores_advances() {
        let clock = Clock::real();
        clock.advance_to(datetime!(2100-01-01 0:00 UTC));
        let drift = clock.now() - OffsetDateTime::now_utc();
        assert!(drift.abs() < Duration::seconds(5));
        assert!(!clock.is_replay());
    }

    #[test]
    fn a_replay_clock_starts_where_told_and_only_moves_forward() {
        let start = datetime!(2026-06-20 06:00 UTC);
        let clock = Clock::replay(start);
        assert!((clock.now() - start).abs() < Duration::seconds(5));
        clock.advance_to(datetime!(2026-07-01 12:00 UTC));
        let later = clock.now();
        assert!(later >= datetime!(2026-07-01 12:00 UTC));
        clock.advance_to(datetime!(2026-06-21 00:00 UTC));
        assert!(clock.now() >= later, "the clock never goes back");
        let shared = clock.clone();
        shared.advance_to(datetime!(2026-08-01 00:00 UTC));
        assert!(
            clock.now() >= datetime!(2026-08-01 00:00 UTC),
            "clones share one time"
        );
    }
}
