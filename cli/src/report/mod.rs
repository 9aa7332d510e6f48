//! Rendering a [`Report`](crate::finding::Report): readable text, the stable JSON report and
//! SARIF 2.1.0. Renderers read the report only; they know nothing of Terraform or the table.

pub mod json;
pub mod sarif;
pub mod text;
