//! Calendar dates: parsing `YYYY-MM-DD` strictly and deciding what "today" is.

use jiff::civil::Date;

/// Parses `YYYY-MM-DD`; rejects other shapes and impossible days (2026-02-30).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!("`{t}` is not a date: write it as YYYY-MM-DD"));
    }
    t.parse::<Date>()
        .map_err(|_| format!("`{t}` is not a day of the calendar"))
}

/// Where the build date came from, in order of precedence.
pub fn resolve_today(flag: Option<&str>, source_date_epoch: Option<&str>) -> Result<Date, String> {
    if let Some(flag) = flag {
        return parse_date(flag).map_err(|e| format!("--today: {e}"));
    }
    if let Some(epoch) = source_date_epoch.filter(|e| !e.trim().is_empty()) {
        let seconds: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds"))?;
        let ts =
            jiff::Timestamp::from_second(seconds).map_err(|e| format!("SOURCE_DATE_EPOCH: {e}"))?;
        return Ok(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date())
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // A civil date span's largest unit is days by default, so this is exact.
    to.since(from)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strictly() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "`2026-02-30` is not a day of the calendar"
        );
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("tomorrow").is_err());
    }

    #[test]
    fn today_precedence() {
        assert_eq!(
            resolve_today(Some("2026-01-02"), Some("0")).unwrap(),
            Date::constant(2026, 1, 2)
        );
        assert_eq!(
            resolve_today(None, Some("86400")).unwrap(),
            Date::constant(1970, 1, 2)
        );
        assert!(resolve_today(None, Some("soon")).is_err());
    }

    #[test]
    fn counts_days() {
        assert_eq!(
            days_between(Date::constant(2026, 1, 1), Date::constant(2026, 3, 1)),
            59
        );
        assert_eq!(
            days_between(Date::constant(2026, 3, 1), Date::constant(2026, 1, 1)),
            -59
        );
        assert_eq!(
            days_between(Date::constant(2024, 1, 1), Date::constant(2025, 1, 1)),
            366
        );
    }
}
