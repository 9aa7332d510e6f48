//! Provider logs: `tracing` events written to stderr as hclog JSON lines, which go-plugin (inside
//! Terraform) parses and shows under `TF_LOG=debug` / `TF_LOG_PROVIDER=debug`.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (Terraform passes its environment to the
//! plugin); with neither set nothing is formatted at all. Never log bundle bodies: URLs, sizes
//! and hashes only.

use std::io::Write;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The level Terraform asked for, from the value of `TF_LOG_PROVIDER` / `TF_LOG`.
pub fn level_from_env(value: Option<&str>) -> LevelFilter {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("trace") | Some("json") => LevelFilter::TRACE,
        Some("debug") => LevelFilter::DEBUG,
        Some("info") => LevelFilter::INFO,
        Some("warn") => LevelFilter::WARN,
        Some("error") => LevelFilter::ERROR,
        _ => LevelFilter::OFF,
    }
}

const HCLOG_TIMESTAMP: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// Installs the stderr logger when Terraform asked for provider logs.
pub fn init() {
    let var = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .ok();
    let level = level_from_env(var.as_deref());
    if level == LevelFilter::OFF {
        return;
    }
    // Our own events at the level asked for; dependencies (TLS, HTTP/2 frames) at most at info,
    // so their traces neither flood Terraform's log nor carry response bodies.
    let dependencies = level.min(LevelFilter::INFO);
    let filter = Targets::new()
        .with_default(dependencies)
        .with_target("rdsca", level)
        .with_target("terraform_provider_rdsca", level)
        .with_target("tf_provider", level);
    let _ = tracing_subscriber::registry()
        .with(HclogLayer.with_filter(filter))
        .try_init();
}

/// Formats each event as one hclog JSON line.
pub struct HclogLayer;

struct Fields(serde_json::Map<String, serde_json::Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(key(field), serde_json::Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(key(field), serde_json::Value::String(value.to_string()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(key(field), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(key(field), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(key(field), value.into());
    }
}

fn key(field: &Field) -> String {
    if field.name() == "message" {
        "@message".into()
    } else {
        field.name().into()
    }
}

/// One hclog line for an event at `level` with `fields` (which hold `@message`).
pub fn hclog_line(
    level: &Level,
    module: &str,
    mut fields: serde_json::Map<String, serde_json::Value>,
) -> String {
    let level = match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    };
    fields.insert("@level".into(), level.into());
    fields.insert("@module".into(), format!("provider.rdsca.{module}").into());
    // go-plugin parses `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits.
    let now = time::OffsetDateTime::now_utc();
    let ts = now.format(HCLOG_TIMESTAMP).unwrap_or_default();
    fields.insert("@timestamp".into(), ts.into());
    fields.entry("@message").or_insert_with(|| "".into());
    serde_json::Value::Object(fields).to_string()
}

impl<S: Subscriber> Layer<S> for HclogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields(serde_json::Map::new());
        event.record(&mut fields);
        let meta = event.metadata();
        let module = meta.target().split("::").nth(1).unwrap_or(meta.target());
        let line = hclog_line(meta.level(), module, fields.0);
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_terraform() {
        assert_eq!(level_from_env(Some("DEBUG")), LevelFilter::DEBUG);
        assert_eq!(level_from_env(Some("trace")), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some("")), LevelFilter::OFF);
        assert_eq!(level_from_env(None), LevelFilter::OFF);
    }

    #[test]
    fn lines_are_hclog_json() {
        let mut fields = serde_json::Map::new();
        fields.insert("@message".into(), "fetched".into());
        fields.insert("url".into(), "https://x/y.pem".into());
        let line = hclog_line(&Level::DEBUG, "content", fields);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "fetched");
        assert_eq!(v["@module"], "provider.rdsca.content");
        assert_eq!(v["url"], "https://x/y.pem");
        let ts = v["@timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), "2026-11-26T21:58:10.469056Z".len(), "{ts}");
        assert!(ts.ends_with('Z'));
    }
}
