//! How the pages' forms write values the domain takes typed: a date in
//! three boxes, a ticked box, a yes-or-no choice. Field names of one
//! form stay with its page.

use alongside_domain::FieldErrors;
use alongside_domain::validation::GivenDate;
use chrono::NaiveDate;

/// A date typed into day, month and year boxes: missing when all three are
/// empty, not real when any is not a number or the three make no date.
pub(crate) fn date_from_boxes(day: &str, month: &str, year: &str) -> GivenDate {
    let parts = [day, month, year].map(str::trim);
    if parts.iter().all(|p| p.is_empty()) {
        return GivenDate::Missing;
    }
    let (Ok(day), Ok(month), Ok(year)) = (
        parts[0].parse::<u32>(),
        parts[1].parse::<u32>(),
        parts[2].parse::<i32>(),
    ) else {
        return GivenDate::NotReal;
    };
    NaiveDate::from_ymd_opt(year, month, day).map_or(GivenDate::NotReal, GivenDate::On)
}

/// A checkbox or radio sent as `yes`.
pub(crate) fn ticked(value: &str) -> bool {
    value == "yes"
}

/// A pair of radios sent as `yes` or `no`; none when neither was chosen.
pub(crate) fn yes_or_no(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The domain's problems filed under a person form's own names: a date of
/// birth is shown at its first box.
pub(crate) fn on_person_form(mut errors: FieldErrors) -> FieldErrors {
    errors.rename("date_of_birth", "dob_day");
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_from_their_boxes() {
        assert_eq!(
            date_from_boxes(" 27", "3 ", "1956"),
            GivenDate::On(NaiveDate::from_ymd_opt(1956, 3, 27).unwrap())
        );
        assert_eq!(date_from_boxes("", " ", ""), GivenDate::Missing);
        assert_eq!(date_from_boxes("31", "2", "1956"), GivenDate::NotReal);
        assert_eq!(date_from_boxes("27", "", "1956"), GivenDate::NotReal);
        assert_eq!(date_from_boxes("27", "March", "1956"), GivenDate::NotReal);
        assert_eq!(date_from_boxes("-1", "3", "1956"), GivenDate::NotReal);
    }

    #[test]
    fn choices_are_read_as_sent() {
        assert!(ticked("yes"));
        assert!(!ticked(""));
        assert_eq!(yes_or_no("no"), Some(false));
        assert_eq!(yes_or_no("yes"), Some(true));
        assert_eq!(yes_or_no("maybe"), None);
    }
}
