//! What the checks of the data file share, written once for `validate` (sources, partitions, CAs,
//! Regions, ...) and `amazon_roots` (the proxy tables): a [`Reporter`] that turns a TOML span into
//! a line and collects every failure, with the rules both apply (a source reference resolves, a
//! list is not empty, an identifier is well formed and unique among its kind), and the walk over a
//! `[[list]]` that gives each record the field path its errors start with.

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

    /// `id` must follow its kind's syntax (if any) and not be one of `ids` met before; it joins
    /// them. Returns whether it is new, for checks that skip the rest of a duplicate record.
    pub fn unique_id(
        &mut self,
        ids: &mut Identifiers,
        id: &Spanned<String>,
        field: String,
    ) -> bool {
        let value = id.get_ref();
        if let Some((valid, looks_like)) = ids.syntax {
            if !valid(value) {
                self.err(
                    id.span(),
                    field.clone(),
                    format!("{value:?} is not {looks_like}"),
                );
            }
        }
        let new = ids.seen.insert(value.clone());
        if !new {
            self.err(
                id.span(),
                field,
                format!("duplicate {} {value:?}", ids.kind),
            );
        }
        new
    }
}

/// A well-formedness check and a description of what passes it.
type Syntax = (fn(&str) -> bool, &'static str);

/// The identifiers of one kind met so far, and the syntax they must follow.
pub(crate) struct Identifiers {
    /// What one is called in messages, e.g. `CA id`.
    kind: &'static str,
    /// Its syntax, if the kind has one.
    syntax: Option<Syntax>,
    pub seen: BTreeSet<String>,
}

impl Identifiers {
    /// Identifiers of `kind` with no syntax of their own.
    pub fn new(kind: &'static str) -> Self {
        Identifiers {
            kind,
            syntax: None,
            seen: BTreeSet::new(),
        }
    }

    /// The same kind, where `valid` says which values are well formed and `looks_like` describes
    /// them for messages (`"… is not {looks_like}"`).
    pub fn following(self, valid: fn(&str) -> bool, looks_like: &'static str) -> Self {
        Identifiers {
            syntax: Some((valid, looks_like)),
            ..self
        }
    }
}

/// The records of a `[[list]]` in the file's order, each with the path its errors' fields start
/// with: `list[i]`.
pub(crate) fn records<'a, T: 'a>(
    list: &'a str,
    raw: Vec<Spanned<T>>,
) -> impl Iterator<Item = (String, T)> + 'a {
    raw.into_iter()
        .enumerate()
        .map(move |(i, r)| (format!("{list}[{i}]"), r.into_inner()))
}

/// [`records`] with what names each record after its path (`region[3] (us-west-2)`), so a
/// message says which record it is without counting.
pub(crate) fn named_records<'a, T: 'a>(
    list: &'a str,
    raw: Vec<Spanned<T>>,
    name: fn(&T) -> &str,
) -> impl Iterator<Item = (String, T)> + 'a {
    records(list, raw).map(move |(path, r)| (format!("{path} ({})", name(&r)), r))
}
