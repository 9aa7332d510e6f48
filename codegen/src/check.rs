//! What the checks of the data file share, written once for `validate` (sources, partitions, CAs,
//! Regions, ...) and `amazon_roots` (the proxy tables): a [`Reporter`] that turns a TOML span into
//! a line and collects every failure, with the rules both apply (a source reference resolves, a
//! list is not empty).

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use crate::error::TableError;

/// Where the checks of one data file put their failures, each at the line of a TOML span.
pub(crate) struct Reporter<'a> {
    /// The data file's name, for error messages.
    pub file: &'a str,
    /// Its text, to turn spans into lines.
    pub text: &'a str,
    pub errors: &'a mut Vec<TableError>,
}

impl Reporter<'_> {
    /// The 1-based line of byte `offset` in the data file.
    pub fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// A failure of `field`, on the line where `span` starts.
    pub fn err(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let line = self.line(span.start);
        self.errors.push(TableError {
            file: self.file.into(),
            line,
            field: field.into(),
            message: message.into(),
        });
    }

    /// `source` must be one of the declared `[[source]]` ids (`sources`).
    pub fn source_ref(
        &mut self,
        sources: &BTreeSet<String>,
        source: &Spanned<String>,
        field: String,
    ) {
        if !sources.contains(source.get_ref()) {
            let known: Vec<&str> = sources.iter().map(String::as_str).collect();
            self.err(
                source.span(),
                field,
                format!(
                    "unknown source {:?}; declared sources: {}",
                    source.get_ref(),
                    known.join(", ")
                ),
            );
        }
    }

    /// A list the data file must not leave empty: if `list` is, `message` on its line.
    pub fn not_empty<T>(&mut self, list: &Spanned<Vec<T>>, field: String, message: &str) {
        if list.get_ref().is_empty() {
            self.err(list.span(), field, message);
        }
    }
}
