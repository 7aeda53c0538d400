//! Time for people and for machines. The database keeps UTC; pages show
//! Vietnam time (UTC+7, `Asia/Ho_Chi_Minh`, which has no daylight saving)
//! in one format, `05/12/2026 06:38`, through [`display`]; the JSON API
//! writes RFC 3339 with its offset through [`rfc3339`] and the serde
//! helpers [`utc`] and [`utc_opt`], never a naive timestamp.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, Utc};

/// The offset of Vietnam time, in seconds east of UTC.
const OFFSET_SECONDS: i32 = 7 * 3600;

/// The label pages put next to a column or field of times.
pub const ZONE_VI: &str = "giờ Việt Nam";

/// Vietnam's offset (UTC+7).
pub fn offset() -> FixedOffset {
    // 7 h is well inside the ±24 h a FixedOffset accepts.
    FixedOffset::east_opt(OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// A UTC time as a Vietnam-time instant.
pub fn local(utc: NaiveDateTime) -> DateTime<FixedOffset> {
    utc.and_utc().with_timezone(&offset())
}

/// A UTC time as pages show it: Vietnam time, `dd/mm/yyyy HH:MM`.
pub fn display(utc: NaiveDateTime) -> String {
    local(utc).format("%d/%m/%Y %H:%M").to_string()
}

/// The Vietnam-time date of a UTC time, `dd/mm/yyyy`.
pub fn display_date(utc: NaiveDateTime) -> String {
    local(utc).format("%d/%m/%Y").to_string()
}

/// An RFC 3339 time (as the API and ca-core write them) as pages show it;
/// the text itself when it is not one.
pub fn display_rfc3339(text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .map(|t| display(t.naive_utc()))
        .unwrap_or_else(|_| text.to_owned())
}

/// A UTC time as the API writes it: RFC 3339 with the `+00:00` offset.
pub fn rfc3339(utc: NaiveDateTime) -> String {
    utc.and_utc().to_rfc3339()
}

/// `#[serde(serialize_with = "vn_time::utc")]`: a stored UTC time as RFC
/// 3339 with its offset.
pub fn utc<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// [`utc`] for an optional time (`null` when absent).
pub fn utc_opt<S: serde::Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 38))
            .expect("a valid test time")
    }

    #[test]
    fn late_evening_utc_is_the_next_morning_in_vietnam() {
        let t = at(2026, 12, 4, 23, 38);
        assert_eq!(display(t), "05/12/2026 06:38");
        assert_eq!(display_date(t), "05/12/2026");
        assert_eq!(rfc3339(t), "2026-12-04T23:38:38+00:00");
        assert_eq!(
            display_rfc3339("2026-12-04T23:38:38+00:00"),
            "05/12/2026 06:38"
        );
        assert_eq!(
            display_rfc3339("2026-12-05T06:38:38+07:00"),
            "05/12/2026 06:38"
        );
        assert_eq!(display_rfc3339("not a time"), "not a time");
        // No daylight saving: the same offset in July.
        assert_eq!(display(at(2026, 7, 1, 17, 0)), "02/07/2026 00:00");
    }

    #[test]
    fn the_api_never_writes_a_naive_time() {
        #[derive(serde::Serialize)]
        struct Row {
            #[serde(serialize_with = "utc")]
            at: NaiveDateTime,
            #[serde(serialize_with = "utc_opt")]
            until: Option<NaiveDateTime>,
            #[serde(serialize_with = "utc_opt")]
            never: Option<NaiveDateTime>,
        }
        let v = serde_json::to_value(Row {
            at: at(2026, 12, 4, 23, 38),
            until: Some(at(2026, 12, 5, 0, 1)),
            never: None,
        })
        .expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "at": "2026-12-04T23:38:38+00:00",
                "until": "2026-12-05T00:01:38+00:00",
                "never": null,
            })
        );
    }
}
