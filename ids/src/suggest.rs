//! "Did you mean" for unknown region codes, partitions and CA identifiers: case-insensitive
//! edit distance over the codes, plus display-name matches (`mumbai` → `ap-south-1`).

use std::fmt;

/// An input that names nothing in the table, with what was probably meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What kind of value: `region`, `partition`, `CA identifier`.
    pub kind: &'static str,
    pub value: String,
    /// Closest valid values, best first (at most four).
    pub suggestions: Vec<&'static str>,
    /// Every valid value, sorted.
    pub allowed: Vec<&'static str>,
}

/// At most this many suggestions in a "did you mean".
pub const MAX_SUGGESTIONS: usize = 4;

impl UnknownValue {
    pub fn new(
        kind: &'static str,
        value: &str,
        allowed: impl Iterator<Item = &'static str>,
    ) -> Self {
        let mut allowed: Vec<&'static str> = allowed.collect();
        allowed.sort_unstable();
        let suggestions = closest(value, &allowed);
        UnknownValue {
            kind,
            value: value.to_string(),
            suggestions,
            allowed,
        }
    }

    /// Adds suggestions from display names (`(name, code)` pairs) that contain the input, when the
    /// codes themselves gave no exact case-insensitive match.
    pub fn with_names(mut self, names: impl Iterator<Item = (&'static str, &'static str)>) -> Self {
        let needle = normalise(&self.value);
        if needle.len() < 3
            || self
                .suggestions
                .first()
                .is_some_and(|s| normalise(s) == needle)
        {
            return self;
        }
        let by_name: Vec<&'static str> = names
            .filter(|(name, _)| normalise(name).contains(&needle))
            .map(|(_, code)| code)
            .collect();
        if !by_name.is_empty() {
            self.suggestions = by_name.into_iter().take(MAX_SUGGESTIONS).collect();
        }
        self
    }

    /// `Did you mean "a" or "b"?`, or nothing when there is no close match.
    pub fn did_you_mean(&self) -> Option<String> {
        let quoted: Vec<String> = self
            .suggestions
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect();
        match quoted.as_slice() {
            [] => None,
            [one] => Some(format!("Did you mean {one}?")),
            [init @ .., last] => Some(format!("Did you mean {} or {last}?", init.join(", "))),
        }
    }

    /// A one-line summary for diagnostics.
    pub fn summary(&self) -> String {
        format!("Unknown {} \"{}\"", self.kind, self.value)
    }

    /// The detail: the suggestion and the allowed values.
    pub fn detail(&self) -> String {
        let mut s = format!("\"{}\" is not a known {}.", self.value, self.kind);
        if let Some(d) = self.did_you_mean() {
            s.push(' ');
            s.push_str(&d);
        }
        s.push_str(&format!(" Allowed values: {}.", self.allowed.join(", ")));
        s
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail())
    }
}

impl std::error::Error for UnknownValue {}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The allowed values closest to `value`: an exact case-insensitive match alone, else those at
/// the smallest edit distance when that distance is small for the input's length (a third of
/// it, at least two), at most [`MAX_SUGGESTIONS`], best first.
pub fn closest<'a>(value: &str, allowed: &[&'a str]) -> Vec<&'a str> {
    let needle = normalise(value);
    if let Some(exact) = allowed.iter().find(|a| normalise(a) == needle) {
        return vec![exact];
    }
    let mut scored: Vec<(usize, &'a str)> = allowed
        .iter()
        .map(|a| (strsim::levenshtein(&needle, &a.to_lowercase()), *a))
        .collect();
    scored.sort();
    let Some(&(best, _)) = scored.first() else {
        return Vec::new();
    };
    let limit = (needle.chars().count() / 3).max(2);
    if best > limit {
        return Vec::new();
    }
    scored
        .into_iter()
        .take_while(|(d, _)| *d == best)
        .map(|(_, a)| a)
        .take(MAX_SUGGESTIONS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGIONS: [&str; 4] = ["eu-west-1", "eu-west-2", "us-east-1", "ap-south-1"];

    #[test]
    fn exact_match_ignoring_case_alone() {
        assert_eq!(closest("EU-WEST-1", &REGIONS), vec!["eu-west-1"]);
    }

    #[test]
    fn nearest_by_edit_distance_within_the_limit() {
        assert_eq!(closest("eu-wst-1", &REGIONS), vec!["eu-west-1"]);
        assert_eq!(
            closest("eu-west-3", &REGIONS),
            vec!["eu-west-1", "eu-west-2"]
        );
        assert!(closest("mars-north-9", &REGIONS).is_empty());
    }

    #[test]
    fn display_names_suggest_codes() {
        let unknown = UnknownValue::new("region", "mumbai", REGIONS.into_iter())
            .with_names([("Asia Pacific (Mumbai)", "ap-south-1")].into_iter());
        assert_eq!(unknown.suggestions, vec!["ap-south-1"]);
        assert_eq!(
            unknown.did_you_mean().as_deref(),
            Some("Did you mean \"ap-south-1\"?")
        );
        assert!(unknown
            .detail()
            .ends_with("Allowed values: ap-south-1, eu-west-1, eu-west-2, us-east-1."));
    }
}
