//! Field-level validation errors shared by every face (HTML, JSON, FHIR).

use serde::Serialize;

/// One problem with one field of what a person submitted.
///
/// `field` is the machine name of the field (`name`, `contact_gap_days`);
/// each face maps it to its own notation (an HTML anchor, a JSON pointer, a
/// FHIRPath). `message` is written for the person and never repeats the
/// value they typed, since that may be personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's machine name.
    pub field: &'static str,
    /// What is wrong and how to put it right.
    pub message: String,
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
