//! Working days in Vietnam for the turnaround report: weekends and public
//! holidays are not working days; the 3-working-day service target counts
//! only working days.
//!
//! The public holidays are data, 2025–2027, from the Labour Code 2019
//! (Bộ luật Lao động 45/2019/QH14, Article 112: Tết Dương lịch 1/1; Tết
//! Âm lịch 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; Chiến thắng 30/4; Quốc tế
//! lao động 1/5; Quốc khánh 2/9 and one day before or after it) and the
//! yearly notices of the Ministry of Home Affairs (Bộ Nội vụ) /
//! the former Ministry of Labour (Bộ LĐ-TB&XH) fixing the days off of civil
//! servants (công chức, viên chức) — the days that count for a provincial
//! department. When a holiday falls on a weekend the next working day is
//! off instead (nghỉ bù). Days announced as swapped with a Saturday are
//! listed in [`MAKE_UP_SATURDAYS`]. Years not yet announced when this was
//! written are computed from Article 112 and marked provisional: check
//! them against the notice of that year and update this table.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// The service target: a request is decided and carried out within this
/// many working days of its submission.
pub const TARGET_WORKING_DAYS: i64 = 3;

/// Vietnam's offset from UTC (no daylight saving): stored times are UTC,
/// days are counted on the calendar of Vietnam.
const VN_OFFSET_HOURS: i64 = 7;

/// A weekday that is not a working day: (year, month, day, what).
type DayOff = (i32, u32, u32, &'static str);

/// Weekdays off for public holidays (including the compensating days of a
/// holiday on a weekend and the days announced as swapped).
const DAYS_OFF: &[DayOff] = &[
    // 2025 — Thông báo 6150/TB-LĐTBXH (Tết Ất Tỵ: 25/1–2/2/2025, 9 days);
    // Bộ Nội vụ, 30/4–1/5 swapped with Friday 2/5 (make-up Saturday 26/4).
    (2025, 1, 1, "Tết Dương lịch"),
    (2025, 1, 27, "Tết Nguyên đán"),
    (2025, 1, 28, "Tết Nguyên đán"),
    (2025, 1, 29, "Tết Nguyên đán"),
    (2025, 1, 30, "Tết Nguyên đán"),
    (2025, 1, 31, "Tết Nguyên đán"),
    (2025, 4, 7, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (2025, 4, 30, "Ngày Chiến thắng"),
    (2025, 5, 1, "Ngày Quốc tế Lao động"),
    (2025, 5, 2, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    (2025, 9, 1, "Quốc khánh (ngày liền kề)"),
    (2025, 9, 2, "Quốc khánh"),
    // 2026 — Tết Dương lịch 1/1–4/1 with Friday 2/1 swapped for Saturday
    // 10/1 (Công văn 12729/VPCP-KGVX, 25/12/2025); Tết Bính Ngọ 14/2–22/2
    // (9 days) and Quốc khánh 29/8–2/9 with Monday 31/8 swapped for
    // Saturday 22/8 (the Prime Minister's approval of 13/10/2025, notified
    // by Bộ Nội vụ); Giỗ Tổ falls on Sunday 26/4, off on Monday 27/4.
    (2026, 1, 1, "Tết Dương lịch"),
    (
        2026,
        1,
        2,
        "Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/1/2026)",
    ),
    (2026, 2, 16, "Tết Nguyên đán"),
    (2026, 2, 17, "Tết Nguyên đán"),
    (2026, 2, 18, "Tết Nguyên đán"),
    (2026, 2, 19, "Tết Nguyên đán"),
    (2026, 2, 20, "Tết Nguyên đán"),
    (2026, 4, 27, "Giỗ Tổ Hùng Vương (nghỉ bù cho Chủ nhật 26/4)"),
    (2026, 4, 30, "Ngày Chiến thắng"),
    (2026, 5, 1, "Ngày Quốc tế Lao động"),
    (
        2026,
        8,
        31,
        "Quốc khánh (hoán đổi, làm bù thứ Bảy 22/8/2026)",
    ),
    (2026, 9, 1, "Quốc khánh (ngày liền kề)"),
    (2026, 9, 2, "Quốc khánh"),
    // 2027 — provisional, from Article 112 (Tết Đinh Mùi on Saturday 6/2:
    // 30 Tết Friday 5/2 to mùng 4 Tuesday 9/2, the weekend days
    // compensated on 10/2 and 11/2; 1/5 on a Saturday, off Monday 3/5).
    (2027, 1, 1, "Tết Dương lịch"),
    (2027, 2, 5, "Tết Nguyên đán (dự kiến)"),
    (2027, 2, 8, "Tết Nguyên đán (dự kiến)"),
    (2027, 2, 9, "Tết Nguyên đán (dự kiến)"),
    (2027, 2, 10, "Tết Nguyên đán (nghỉ bù, dự kiến)"),
    (2027, 2, 11, "Tết Nguyên đán (nghỉ bù, dự kiến)"),
    (2027, 4, 16, "Giỗ Tổ Hùng Vương (10/3 âm lịch, dự kiến)"),
    (2027, 4, 30, "Ngày Chiến thắng"),
    (
        2027,
        5,
        3,
        "Ngày Quốc tế Lao động (nghỉ bù cho thứ Bảy 1/5, dự kiến)",
    ),
    (2027, 9, 2, "Quốc khánh (dự kiến)"),
    (2027, 9, 3, "Quốc khánh (ngày liền kề, dự kiến)"),
];

/// Saturdays worked in exchange for a weekday off.
const MAKE_UP_SATURDAYS: [DayOff; 3] = [
    (2025, 4, 26, "Làm bù cho thứ Sáu 2/5/2025"),
    (2026, 1, 10, "Làm bù cho thứ Sáu 2/1/2026"),
    (2026, 8, 22, "Làm bù cho thứ Hai 31/8/2026"),
];

fn listed(list: &[DayOff], d: NaiveDate) -> bool {
    list.iter()
        .any(|&(y, m, day, _)| (d.year(), d.month(), d.day()) == (y, m, day))
}

/// Whether `d` is a working day in Vietnam: Monday to Friday, not a public
/// holiday, or a Saturday announced as a make-up working day.
pub fn is_working_day(d: NaiveDate) -> bool {
    if listed(&MAKE_UP_SATURDAYS, d) {
        return true;
    }
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !listed(DAYS_OFF, d)
}

/// The calendar day in Vietnam (UTC+7) of a stored UTC time.
pub fn vn_date(t: NaiveDateTime) -> NaiveDate {
    (t + Duration::hours(VN_OFFSET_HOURS)).date()
}

/// The start of day `d` in Vietnam, as a UTC time.
pub fn vn_day_start_utc(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(VN_OFFSET_HOURS)
}

/// Working days from a submission on `start` to its completion on `end`
/// (days of Vietnam): the working days after the day of receipt up to and
/// including `end`. Something received on a day off counts as received on
/// the next working day. The same day is 0; Monday to Thursday is 3.
pub fn working_days_between(start: NaiveDate, end: NaiveDate) -> i64 {
    let mut received = start;
    while !is_working_day(received) && received < end {
        received += Duration::days(1);
    }
    let mut n = 0;
    let mut d = received + Duration::days(1);
    while d <= end {
        if is_working_day(d) {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

/// [`working_days_between`] of two stored UTC times.
pub fn working_days(submitted: NaiveDateTime, finished: NaiveDateTime) -> i64 {
    working_days_between(vn_date(submitted), vn_date(finished))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        assert!(is_working_day(d(2026, 11, 25))); // a Wednesday
        assert!(!is_working_day(d(2026, 11, 28))); // Saturday
        assert!(!is_working_day(d(2026, 11, 29))); // Sunday
        assert!(!is_working_day(d(2025, 9, 2)));
        assert!(!is_working_day(d(2025, 9, 1)));
        assert!(!is_working_day(d(2026, 2, 17)));
        assert!(!is_working_day(d(2026, 4, 27)));
        assert!(!is_working_day(d(2027, 5, 3)));
        assert!(is_working_day(d(2025, 4, 26)), "make-up Saturday");
        assert!(!is_working_day(d(2025, 5, 2)), "swapped Friday");
        assert!(!is_working_day(d(2026, 1, 2)), "swapped Friday");
        assert!(is_working_day(d(2026, 1, 10)), "make-up Saturday");
        assert!(!is_working_day(d(2026, 8, 31)), "swapped Monday");
        assert!(is_working_day(d(2026, 8, 22)), "make-up Saturday");
        for &(y, m, day, _) in DAYS_OFF {
            let date = d(y, m, day);
            assert!(
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                "{date} is listed as a weekday off but is a weekend day"
            );
        }
    }

    #[test]
    fn working_days_count_after_the_day_of_receipt() {
        // Monday to Thursday: Tuesday, Wednesday, Thursday.
        assert_eq!(working_days_between(d(2026, 11, 23), d(2026, 11, 26)), 3);
        assert_eq!(working_days_between(d(2026, 11, 23), d(2026, 11, 27)), 4);
        assert_eq!(working_days_between(d(2026, 11, 23), d(2026, 11, 23)), 0);
        // Friday to Wednesday: the weekend does not count.
        assert_eq!(working_days_between(d(2026, 11, 20), d(2026, 11, 25)), 3);
        // Received on Saturday: as if on Monday.
        assert_eq!(working_days_between(d(2026, 11, 21), d(2026, 11, 26)), 3);
        assert_eq!(working_days_between(d(2026, 11, 21), d(2026, 11, 22)), 0);
        // Across Tết Bính Ngọ (14/2–22/2/2026): Friday 13/2 to Wednesday
        // 25/2 is Monday 23, Tuesday 24, Wednesday 25.
        assert_eq!(working_days_between(d(2026, 2, 13), d(2026, 2, 25)), 3);
        // Across 30/4–3/5/2025 with the make-up Saturday 26/4: Friday 25/4
        // to Tuesday 6/5 is 26/4, 28/4, 29/4, 5/5, 6/5.
        assert_eq!(working_days_between(d(2025, 4, 25), d(2025, 5, 6)), 5);
        // Across Quốc khánh 2025 (1/9 and 2/9).
        assert_eq!(working_days_between(d(2025, 8, 29), d(2025, 9, 4)), 2);
    }

    #[test]
    fn times_are_counted_on_the_calendar_of_vietnam() {
        // 2026-11-22 18:00 UTC is Monday 23/11 01:00 in Hà Nội.
        let t = d(2026, 11, 22).and_hms_opt(18, 0, 0).unwrap();
        assert_eq!(vn_date(t), d(2026, 11, 23));
        let done = d(2026, 11, 26).and_hms_opt(3, 0, 0).unwrap();
        assert_eq!(working_days(t, done), 3);
        assert_eq!(
            vn_day_start_utc(d(2026, 11, 23)),
            d(2026, 11, 22).and_hms_opt(17, 0, 0).unwrap()
        );
    }
}
