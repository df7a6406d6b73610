//! Field-level validation errors shared by every face (HTML, JSON, FHIR).

use serde::Serialize;

/// One problem with one field of what a person submitted.
///
/// `field` is the machine name of the field (`name`, `contact_gap_days`);
/// each face maps it to its own notation (an HTML anchor, a JSON pointer, a
/// `FHIRPath`). `message` is written for the person and never repeats the
/// value they typed, since that may be personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's machine name.
    pub field: &'static str,
    /// What is wrong and how to put it right.
    pub message: String,
}

/// A date as someone gave it, whatever shape their face gave it in (boxes
/// for day, month and year on a page, `YYYY-MM-DD` in JSON and FHIR, a cell
/// of a file): the face reads it, the domain says whether it will do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GivenDate {
    /// Nothing was given.
    #[default]
    Missing,
    /// Something was given that is not a real date.
    NotReal,
    /// A real date.
    On(chrono::NaiveDate),
}

impl GivenDate {
    /// Reads a calendar date written `YYYY-MM-DD` (ISO 8601, as JSON and
    /// FHIR write one); empty is missing.
    #[must_use]
    pub fn iso(text: &str) -> Self {
        match text.trim() {
            "" => Self::Missing,
            t => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_or(Self::NotReal, Self::On),
        }
    }
}

/// All the problems found in one submission, in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No problems yet.
    #[must_use]
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// A single problem.
    #[must_use]
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Files every problem of `from` under `to` instead: a face whose form
    /// names a field its own way.
    pub fn rename(&mut self, from: &str, to: &'static str) {
        for e in &mut self.0 {
            if e.field == from {
                e.field = to;
            }
        }
    }

    /// Runs `check` and records its error against `field`, if any.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        check: Result<T, E>,
    ) -> Option<T> {
        match check {
            Ok(value) => Some(value),
            Err(err) => {
                self.add(field, err.to_string());
                None
            }
        }
    }

    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in order.
    #[must_use]
    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// The first message for `field`, if any.
    #[must_use]
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `Ok(value)` when nothing is wrong, else these errors.
    ///
    /// # Errors
    /// These errors, when there are any.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<_> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Trims `value` and checks its length in characters is within `min..=max`.
///
/// # Errors
/// A message naming the field in words and the limit broken.
pub fn text(value: &str, label: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    let count = trimmed.chars().count();
    if count < min {
        return Err(if min == 1 {
            format!("Enter {label}")
        } else {
            format!("{} must be at least {min} characters", capitalise(label))
        });
    }
    if count > max {
        return Err(format!(
            "{} must be {max} characters or fewer",
            capitalise(label)
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(label)
        ));
    }
    Ok(trimmed.to_owned())
}

/// The label with its first letter in upper case, for the start of a sentence.
#[must_use]
pub fn capitalise(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A list typed one item per line: trimmed, blank lines dropped, repeats
/// (ignoring case) removed. `one` and `many` name an item and the list in
/// messages ("condition", "conditions").
///
/// # Errors
/// A message naming the rule broken: an item too long, a control
/// character, or too many items.
pub fn lines(
    value: &str,
    one: &str,
    many: &str,
    max_chars: usize,
    max_items: usize,
) -> Result<Vec<String>, String> {
    let mut items: Vec<String> = Vec::new();
    for part in value.split('\n') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if part.chars().count() > max_chars {
            return Err(format!(
                "Each {one} must be {max_chars} characters or fewer"
            ));
        }
        if part.chars().any(char::is_control) {
            return Err(format!(
                "{} must not contain control characters",
                capitalise(many)
            ));
        }
        if !items.iter().any(|c| c.eq_ignore_ascii_case(part)) {
            items.push(part.to_owned());
        }
    }
    if items.len() > max_items {
        return Err(format!("List {max_items} {many} or fewer"));
    }
    Ok(items)
}

/// A date typed as `27/3/2026`, `27 3 2026` or `2026-03-27`.
///
/// # Errors
/// A message with an example, naming the field in words.
pub fn date(value: &str, label: &str) -> Result<chrono::NaiveDate, String> {
    let value = value.trim();
    let bad = || format!("{} must be a real date, like 27/3/2027", capitalise(label));
    if let Ok(date) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(date);
    }
    let parts: Vec<&str> = value
        .split(|c: char| c == '/' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [day, month, year] = parts.as_slice() else {
        return Err(bad());
    };
    let (Ok(day), Ok(month), Ok(year)) = (day.parse(), month.parse(), year.parse::<i32>()) else {
        return Err(bad());
    };
    if year < 1000 {
        return Err(bad());
    }
    chrono::NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            text("  Walk and talk ", "a name", 1, 20),
            Ok("Walk and talk".into())
        );
        assert_eq!(text("   ", "a name", 1, 20), Err("Enter a name".into()));
        assert_eq!(
            text(&"x".repeat(21), "a name", 1, 20),
            Err("A name must be 20 characters or fewer".into())
        );
        assert_eq!(
            text(&"é".repeat(20), "a name", 1, 20).map(|s| s.chars().count()),
            Ok(20)
        );
        assert!(text("bell\u{7}", "a name", 1, 20).is_err());
    }

    #[test]
    fn lists_and_dates_are_read_as_people_type_them() {
        assert_eq!(
            lines(" Urdu\n\nurdu \nEnglish", "language", "languages", 40, 5),
            Ok(vec!["Urdu".to_owned(), "English".to_owned()])
        );
        assert_eq!(
            lines("a\nb\nc", "language", "languages", 40, 2),
            Err("List 2 languages or fewer".into())
        );
        let day = chrono::NaiveDate::from_ymd_opt(2027, 3, 27).unwrap();
        for typed in ["27/3/2027", "27 03 2027", "2027-03-27", " 27-3-2027 "] {
            assert_eq!(date(typed, "the check date"), Ok(day), "{typed}");
        }
        for bad in ["31/2/2027", "27/3/27", "next year", ""] {
            assert!(date(bad, "the check date").is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_keep_their_order_and_fields() {
        let mut errors = FieldErrors::new();
        assert!(errors.is_empty());
        errors.add("name", "Enter a name");
        errors.add("model", "Choose a model");
        assert_eq!(errors.message_for("model"), Some("Choose a model"));
        assert_eq!(errors.as_slice()[0].field, "name");
        assert!(errors.into_result(|| ()).is_err());
    }
}
