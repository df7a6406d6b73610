//! Organisations: the tenants of Alongside.

use crate::validation::text;

/// The name of an organisation, 2 to 120 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Checks and trims a name.
    ///
    /// # Errors
    /// A message saying which length rule failed.
    pub fn parse(value: &str) -> Result<Self, String> {
        text(value, "organisation name", 2, 120).map(Self)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A URL-safe short name derived from the name ("Peer Support North" →
    /// "peer-support-north"), used in public links such as self-referral.
    #[must_use]
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.0.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-').to_owned();
        if slug.is_empty() {
            "organisation".to_owned()
        } else {
            slug
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            OrganisationName::parse("Peer Support — North & East")
                .unwrap()
                .slug(),
            "peer-support-north-east"
        );
        assert_eq!(
            OrganisationName::parse("Ŵŷ").unwrap().slug(),
            "organisation"
        );
        assert!(OrganisationName::parse("X").is_err());
    }
}
