//! A person's support preferences as the database keeps them: one JSON
//! document per person, in the shape it has always had, whatever shape the
//! domain gives them.

use alongside_domain::preferences::PreferencesInput;
use serde::{Deserialize, Serialize};

/// The stored JSON document. `shared_condition` is `"yes"` or empty, as
/// it was first written.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Stored {
    models: Vec<String>,
    channels: Vec<String>,
    peer_gender: String,
    shared_condition: String,
    availability: Vec<String>,
    travel_miles: String,
    interests: String,
}

/// The JSON document to store for `preferences`.
pub(crate) fn to_json(preferences: &PreferencesInput) -> String {
    let stored = Stored {
        models: preferences.models.clone(),
        channels: preferences.channels.clone(),
        peer_gender: preferences.peer_gender.clone(),
        shared_condition: if preferences.shared_condition {
            "yes"
        } else {
            ""
        }
        .to_owned(),
        availability: preferences.availability.clone(),
        travel_miles: preferences.travel_miles.clone(),
        interests: preferences.interests.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".to_owned())
}

/// The preferences a stored JSON document holds.
pub(crate) fn from_json(json: &str) -> Result<PreferencesInput, serde_json::Error> {
    let stored: Stored = serde_json::from_str(json)?;
    Ok(PreferencesInput {
        models: stored.models,
        channels: stored.channels,
        peer_gender: stored.peer_gender,
        shared_condition: stored.shared_condition == "yes",
        availability: stored.availability,
        travel_miles: stored.travel_miles,
        interests: stored.interests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_written_before_keep_their_meaning() {
        let json = r#"{"models":["befriending"],"channels":[],"peer_gender":"woman","shared_condition":"yes","availability":["mon-morning"],"travel_miles":"5","interests":"Gardening"}"#;
        let read = from_json(json).unwrap();
        assert!(read.shared_condition);
        assert_eq!(read.models, vec!["befriending".to_owned()]);
        assert_eq!(from_json(&to_json(&read)).unwrap(), read);
        assert!(!from_json("{}").unwrap().shared_condition);
    }
}
