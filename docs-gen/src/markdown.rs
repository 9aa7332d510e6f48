//! Markdown to plain text: tfplugindocs' `plainmarkdown` and `prefixlines`, for front-matter
//! descriptions.

/// The subset of tfplugindocs' `plainmarkdown` (goldmark with a plain-text renderer) that
/// descriptions use: paragraphs and lines on lines of their own, code spans, emphasis, links
/// (`text url`, the URL dropped for a relative link), autolinks, backslash escapes.
pub fn plain_markdown(markdown: &str) -> String {
    let mut out = String::new();
    for paragraph in markdown.split("\n\n") {
        let lines: Vec<&str> = paragraph
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&plain_inline(&lines.join("\n")));
    }
    out
}

fn plain_inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let fence: String = "`".repeat(run);
                let rest: String = chars[i + run..].iter().collect();
                match rest.find(&fence) {
                    Some(end) => {
                        let mut code = rest[..end].replace('\n', " ");
                        if code.len() > 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && !code.trim().is_empty()
                        {
                            code = code[1..code.len() - 1].to_string();
                        }
                        out.push_str(&code);
                        i += run + rest[..end].chars().count() + run;
                    }
                    None => {
                        out.push_str(&fence);
                        i += run;
                    }
                }
            }
            '[' => {
                let rest: String = chars[i + 1..].iter().collect();
                let link = rest.find("](").and_then(|mid| {
                    let after = &rest[mid + 2..];
                    after.find(')').map(|end| (mid, &after[..end]))
                });
                match link {
                    Some((mid, url)) if !url.contains(char::is_whitespace) => {
                        out.push_str(&plain_inline(&rest[..mid]));
                        let relative = url.starts_with('#')
                            || (url.starts_with('/') && !url.starts_with("//"));
                        if !relative {
                            out.push(' ');
                            out.push_str(url);
                        }
                        i += 1 + rest[..mid + 2 + url.len() + 1].chars().count();
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '<' => {
                let rest: String = chars[i + 1..].iter().collect();
                match rest.find('>') {
                    Some(end)
                        if rest[..end].contains("://")
                            && !rest[..end].contains(char::is_whitespace) =>
                    {
                        out.push_str(&rest[..end]);
                        i += 1 + rest[..end].chars().count() + 1;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '*' => {
                // Emphasis markers vanish when they pair up; a lone `*` stays.
                let run = chars[i..].iter().take_while(|&&c| c == '*').count();
                let fence: String = "*".repeat(run);
                let rest: String = chars[i + run..].iter().collect();
                let opens = chars.get(i + run).is_some_and(|c| !c.is_whitespace());
                match rest.find(&fence) {
                    Some(end) if opens && end > 0 => {
                        out.push_str(&plain_inline(&rest[..end]));
                        i += run + rest[..end].chars().count() + run;
                    }
                    _ => {
                        out.push_str(&fence);
                        i += run;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// tfplugindocs' `prefixlines`.
pub(crate) fn prefix_lines(prefix: &str, text: &str) -> String {
    format!(
        "{prefix}{}",
        text.split('\n')
            .collect::<Vec<_>>()
            .join(&format!("\n{prefix}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_markdown_matches_tfplugindocs_on_what_descriptions_use() {
        assert_eq!(
            plain_markdown("Use `a_b` **now**, see [docs](https://x.example/y) or [here](#z).\n\nSecond\nline <https://a.example>."),
            "Use a_b now, see docs https://x.example/y or here.\nSecond\nline https://a.example."
        );
    }
}
