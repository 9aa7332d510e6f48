//! tfplugindocs' templates: its Go-template syntax, limited to what a page needs (fields, the
//! functions `tffile`, `codefile`, `trimspace`, `plainmarkdown`, `prefixlines`, `lower`, `upper`,
//! trim markers and comments). Anything else (`if`, `range`) is an error, never silently
//! different output.

use std::collections::BTreeMap;
use std::path::Path;

use crate::markdown::{plain_markdown, prefix_lines};

/// tfplugindocs' `tffile` / `codefile`: the trimmed file in a fenced block.
pub(crate) fn code_file(root: &Path, format: &str, rel: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{rel}: no file content"));
    }
    Ok(format!("```{format}\n{text}\n```"))
}

/// Fields a template may use, as tfplugindocs names them.
pub(crate) type Fields = BTreeMap<&'static str, String>;

fn unquote(arg: &str) -> Option<String> {
    let arg = arg.trim();
    (arg.len() >= 2 && arg.starts_with('"') && arg.ends_with('"')).then(|| {
        arg[1..arg.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\n", "\n")
    })
}

/// Splits a command into words, keeping quoted strings whole.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn eval_action(root: &Path, action: &str, fields: &Fields) -> Result<String, String> {
    let arg = |w: &str| -> Result<String, String> {
        if let Some(field) = w.strip_prefix('.') {
            fields
                .get(field)
                .cloned()
                .ok_or(format!("unknown field .{field}"))
        } else {
            unquote(w).ok_or(format!("unsupported argument {w}"))
        }
    };
    let mut value: Option<String> = None;
    for (i, command) in action.split('|').enumerate() {
        let w = words(command);
        if w.is_empty() {
            return Err("empty command".into());
        }
        let name = w[0].as_str();
        const FUNCTIONS: &[&str] = &[
            "tffile",
            "codefile",
            "trimspace",
            "plainmarkdown",
            "prefixlines",
            "lower",
            "upper",
        ];
        if !(name.starts_with('.') || name.starts_with('"') || FUNCTIONS.contains(&name)) {
            return Err(format!("unsupported action or function `{name}`"));
        }
        let mut args = w[1..]
            .iter()
            .map(|a| arg(a))
            .collect::<Result<Vec<_>, _>>()?;
        // A pipeline passes the previous value as the last argument.
        args.extend(value.take());
        value = Some(match (name, args.as_slice()) {
            (n, []) if n.starts_with('.') || n.starts_with('"') => arg(n)?,
            ("tffile", [file]) => code_file(root, "terraform", file)?,
            ("codefile", [format, file]) => code_file(root, format, file)?,
            ("trimspace", [s]) => s.trim().to_string(),
            ("plainmarkdown", [s]) => plain_markdown(s),
            ("prefixlines", [prefix, s]) => prefix_lines(prefix, s),
            ("lower", [s]) => s.to_lowercase(),
            ("upper", [s]) => s.to_uppercase(),
            _ => {
                return Err(format!(
                    "unsupported {} `{command}`",
                    if i == 0 { "action" } else { "pipeline step" }
                ))
            }
        });
    }
    value.ok_or("empty action".into())
}

/// Renders a template in tfplugindocs' syntax (the subset described in the module docs).
pub(crate) fn render_template(
    root: &Path,
    name: &str,
    text: &str,
    fields: &Fields,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let before = &rest[..start];
        out.push_str(if trim_next {
            before.trim_start()
        } else {
            before
        });
        let end = rest[start..]
            .find("}}")
            .ok_or(format!("{name}: unterminated {{{{"))?
            + start;
        let mut action = &rest[start + 2..end];
        if let Some(a) = action.strip_prefix("- ") {
            out.truncate(out.trim_end().len());
            action = a;
        }
        trim_next = false;
        if let Some(a) = action.strip_suffix(" -") {
            trim_next = true;
            action = a;
        }
        let action = action.trim();
        if !(action.starts_with("/*") && action.ends_with("*/")) {
            let value = eval_action(root, action, fields)
                .map_err(|e| format!("{name}: {{{{ {action} }}}}: {e}"))?;
            out.push_str(&value);
        }
        rest = &rest[end + 2..];
    }
    out.push_str(if trim_next { rest.trim_start() } else { rest });
    Ok(out)
}

pub(crate) fn template(root: &Path, rel: &str) -> Result<Option<String>, String> {
    let path = root.join("templates").join(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("templates/{rel}: {e}")),
    }
}

/// A page's own template, else the section's fallback template (`data-sources.md.tmpl`, ...).
pub(crate) fn page_template(
    root: &Path,
    section: &str,
    short: &str,
) -> Result<Option<(String, String)>, String> {
    for rel in [
        format!("{section}/{short}.md.tmpl"),
        format!("{section}.md.tmpl"),
    ] {
        if let Some(t) = template(root, &rel)? {
            return Ok(Some((rel, t)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root as root;

    #[test]
    fn templates_use_tfplugindocs_syntax() {
        let mut fields = Fields::new();
        fields.insert("Description", "  Hello `x`.\n".into());
        let out = render_template(
            &root(),
            "t",
            "a {{ .Description | trimspace }} b\n{{- /* gone */ -}}\n{{ .Description | plainmarkdown | trimspace | prefixlines \"> \" }}",
            &fields,
        )
        .unwrap();
        assert_eq!(out, "a Hello `x`. b> Hello x.");
        assert!(render_template(&root(), "t", "{{ if .X }}", &fields)
            .unwrap_err()
            .contains("unsupported"));
    }
}
