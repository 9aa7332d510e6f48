//! The one error type of the data file's checks: a file, a line, a field and what is wrong.

use std::fmt;

/// One problem in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub file: String,
    pub line: usize,
    /// Dotted path of the offending field, e.g. `region[3].pem_url`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

impl std::error::Error for TableError {}
