//! The one error type of the model: a value broke a rule.

use std::fmt;

/// A value that breaks a rule of the domain.
///
/// `field` names where the bad value sits, as a path a user recognises (`names[1].full`,
/// `issuing_state`); `rule` says what the value should have been. Together they make the message
/// a user sees: ``field `issuing_state`: must be an ISO 3166-1 alpha-3 code, got "XY"``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub field: String,
    pub rule: String,
}

impl ModelError {
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ModelError {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// Puts `outer` in front of the field path, for errors raised inside a nested value.
    pub fn within(mut self, outer: &str) -> Self {
        self.field = if self.field.is_empty() {
            outer.to_string()
        } else if self.field.starts_with('[') {
            format!("{outer}{}", self.field)
        } else {
            format!("{outer}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.rule)
        } else {
            write!(f, "field `{}`: {}", self.field, self.rule)
        }
    }
}

impl std::error::Error for ModelError {}

/// Shorthand for results of validation.
pub type Valid<T> = Result<T, ModelError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_read_naturally() {
        let e = ModelError::new("full", "must not be empty")
            .within("[2]")
            .within("names");
        assert_eq!(e.field, "names[2].full");
        assert_eq!(e.to_string(), "field `names[2].full`: must not be empty");
    }
}
