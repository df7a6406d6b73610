//! What people say helped and what got in the way, in their own words, and
//! the themes a coordinator tags them with so a report can count them.

use std::fmt;

use crate::validation::FieldErrors;

/// The two open questions asked with the outcome questionnaires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// "What has helped?"
    Helped,
    /// "What has got in the way?"
    Hindered,
}

impl Part {
    /// Both, in the order asked.
    pub const ALL: [Part; 2] = [Self::Helped, Self::Hindered];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Helped => "helped",
            Self::Hindered => "hindered",
        }
    }

    /// The part of a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The question as the person reads it.
    #[must_use]
    pub const fn question(self) -> &'static str {
        match self {
            Self::Helped => "What has helped you most about the support?",
            Self::Hindered => "What has got in the way, or could have been better?",
        }
    }

    /// A short heading for reports.
    #[must_use]
    pub const fn heading(self) -> &'static str {
        match self {
            Self::Helped => "What helped",
            Self::Hindered => "What got in the way",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.heading())
    }
}

/// A person's answers to both questions; either may be left empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reflection {
    /// What helped.
    pub helped: String,
    /// What got in the way.
    pub hindered: String,
}

impl Reflection {
    /// Longest answer taken, in characters.
    pub const MAX_LEN: usize = 2000;

    /// The answers as typed, trimmed and checked for length.
    ///
    /// # Errors
    /// [`FieldErrors`] on `helped` or `hindered` when too long.
    pub fn new(helped: &str, hindered: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, text) in [("helped", helped), ("hindered", hindered)] {
            if text.trim().chars().count() > Self::MAX_LEN {
                errors.add(
                    field,
                    format!("Keep the answer to {} characters or fewer", Self::MAX_LEN),
                );
            }
        }
        errors.into_result(|| Self {
            helped: helped.trim().to_owned(),
            hindered: hindered.trim().to_owned(),
        })
    }

    /// Whether nothing was said.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.helped.is_empty() && self.hindered.is_empty()
    }

    /// The answer to `part`.
    #[must_use]
    pub fn answer(&self, part: Part) -> &str {
        match part {
            Part::Helped => &self.helped,
            Part::Hindered => &self.hindered,
        }
    }
}

/// The name of a theme ("Someone who understood", "Travel"): 2 to 60
/// characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThemeName(String);

impl ThemeName {
    /// Longest name, in characters.
    pub const MAX_LEN: usize = 60;

    /// A theme name from what was typed.
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(typed: &str) -> Result<Self, String> {
        let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            0 => Err("Enter a name for the theme".to_owned()),
            1 => Err("Enter a theme name of at least 2 characters".to_owned()),
            n if n > Self::MAX_LEN => Err(format!(
                "Enter a theme name of {} characters or fewer",
                Self::MAX_LEN
            )),
            _ => Ok(Self(name)),
        }
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_trimmed_and_bounded() {
        let r = Reflection::new("  Someone who had been there \n", "").unwrap();
        assert_eq!(r.answer(Part::Helped), "Someone who had been there");
        assert!(!r.is_empty());
        assert!(Reflection::new(" ", "").unwrap().is_empty());
        let long = "a".repeat(Reflection::MAX_LEN + 1);
        let errors = Reflection::new("", &long).unwrap_err();
        assert_eq!(errors.as_slice()[0].field, "hindered");
    }

    #[test]
    fn theme_names_are_tidied_and_checked() {
        assert_eq!(
            ThemeName::parse("  Someone   who understood ")
                .unwrap()
                .as_str(),
            "Someone who understood"
        );
        assert!(ThemeName::parse("").is_err());
        assert!(ThemeName::parse("x").is_err());
        assert!(ThemeName::parse(&"x".repeat(61)).is_err());
        for part in Part::ALL {
            assert_eq!(Part::parse(part.as_str()), Some(part));
        }
        assert_eq!(Part::parse("other"), None);
    }
}
