//! Terraform resource addresses: building an instance address from a state file's parts, and
//! dropping the instance keys of a module path to find its configuration block.

use serde_json::Value;

/// `module.a["x"].module.b[0]` → `module.a.module.b`: the module path of the configuration
/// (`configuration` knows modules, not their `count` / `for_each` instances). Keys are skipped
/// whole, quoted strings included (a key may hold `.`, `[` or `]`).
pub fn static_module_path(module_address: &str) -> String {
    let mut out = String::with_capacity(module_address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in module_address.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => in_string = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The instance address Terraform shows for a state file's resource instance:
/// `module.a["x"].aws_db_instance.db[0]`. `index_key` is a number (`count`), a string
/// (`for_each`, quoted as Terraform quotes it) or absent.
pub fn instance_address(
    module: Option<&str>,
    resource_type: &str,
    name: &str,
    index_key: Option<&Value>,
) -> String {
    let mut out = String::new();
    if let Some(m) = module.filter(|m| !m.is_empty()) {
        out.push_str(m);
        out.push('.');
    }
    out.push_str(resource_type);
    out.push('.');
    out.push_str(name);
    match index_key {
        Some(Value::Number(n)) => {
            out.push('[');
            out.push_str(&n.to_string());
            out.push(']');
        }
        Some(Value::String(s)) => {
            out.push('[');
            out.push_str(&Value::String(s.clone()).to_string());
            out.push(']');
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn module_paths_lose_their_instance_keys() {
        assert_eq!(static_module_path(""), "");
        assert_eq!(static_module_path("module.db"), "module.db");
        assert_eq!(
            static_module_path("module.a[\"eu.west\"].module.b[0]"),
            "module.a.module.b"
        );
        assert_eq!(
            static_module_path("module.a[\"x]\\\"y\"].module.b"),
            "module.a.module.b"
        );
    }

    #[test]
    fn instance_addresses_as_terraform_shows_them() {
        assert_eq!(
            instance_address(None, "aws_db_instance", "db", None),
            "aws_db_instance.db"
        );
        assert_eq!(
            instance_address(
                Some("module.a[\"x\"].module.b"),
                "aws_db_instance",
                "db",
                Some(&json!(2))
            ),
            "module.a[\"x\"].module.b.aws_db_instance.db[2]"
        );
        assert_eq!(
            instance_address(Some(""), "aws_rds_cluster", "c", Some(&json!("eu-west-1"))),
            "aws_rds_cluster.c[\"eu-west-1\"]"
        );
    }
}
