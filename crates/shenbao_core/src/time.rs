//! Calls' dates in the time they are meant in: Beijing time (UTC+8). Deadlines are dates
//! (`YYYY-MM-DD`) that end at the end of their day in Beijing, whatever the server's zone.
//! The clock is never read here: callers pass "now" in.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

/// Beijing time (UTC+8), in which every deadline of a call is meant.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The first millisecond after `date` ends in Beijing (`None` only at the end of time).
pub fn end_of_day(date: NaiveDate) -> Option<i64> {
    let next = date.succ_opt()?.and_hms_opt(0, 0, 0)?;
    beijing()
        .from_local_datetime(&next)
        .single()
        .map(|t| t.timestamp_millis())
}

/// As [`end_of_day`], for a date written `YYYY-MM-DD`; `None` when it is not a date.
pub fn end_of_day_ms(date: &str) -> Option<i64> {
    end_of_day(NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?)
}

/// The date `days` after `now_ms`, Beijing time.
pub fn date_after(now_ms: i64, days: i64) -> NaiveDate {
    let now: DateTime<Utc> = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    (now.with_timezone(&beijing()) + Duration::days(days)).date_naive()
}

/// `ms` as pages print a moment: `2024-06-10 14:05`, Beijing time ("" when out of range).
pub fn minutes(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&beijing())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Whole days from `now_ms` until `deadline` ends in Beijing: 0 on the deadline's own day,
/// negative once it has passed.
pub fn days_left(now_ms: i64, deadline: NaiveDate) -> i64 {
    (deadline - date_after(now_ms, 0)).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_end_at_midnight_beijing() {
        // 2024-11-20 24:00 +08:00 = 2024-11-20T16:00:00Z.
        assert_eq!(end_of_day_ms("2024-11-20"), Some(1_732_118_400_000));
        assert_eq!(end_of_day_ms("2024-02-30"), None);
    }

    #[test]
    fn dates_count_in_beijing() {
        // 2026-11-22T17:00:00Z is already 2026-11-23 in Beijing.
        assert_eq!(
            date_after(1_795_366_800_000, 1)
                .format("%Y-%m-%d")
                .to_string(),
            "2026-11-24"
        );
    }

    #[test]
    fn days_left_count_whole_beijing_days() {
        // 2026-11-22T17:00:00Z is 2026-11-23 01:00 in Beijing.
        let now = 1_795_366_800_000;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(days_left(now, day("2026-11-23")), 0);
        assert_eq!(days_left(now, day("2026-11-30")), 7);
        assert_eq!(days_left(now, day("2026-11-22")), -1);
        assert_eq!(minutes(now), "2026-11-23 01:00");
    }
}
