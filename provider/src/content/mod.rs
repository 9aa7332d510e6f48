//! Bundle content: parsing (`parse`), fetching over HTTPS (`fetch`), the disk cache and the
//! in-process service the data source calls (`cache`), and the glue for `rdsca_bundle` (`bundle`).

pub mod bundle;
pub mod cache;
pub mod fetch;
pub mod parse;
