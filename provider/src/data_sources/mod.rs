//! The provider's data sources, one file each.

pub mod bundle;
pub mod certificate_authorities;
pub mod certificate_model;
pub mod engine_ca;
pub mod regions;

use tf_provider::{AttributePath, Diagnostics};

use rdsca_table::selection::Problem;

/// Reports problems as errors on their attributes.
pub fn report(diags: &mut Diagnostics, problems: Vec<Problem>) {
    for p in problems {
        diags.error(p.summary, p.detail, AttributePath::new(p.attribute));
    }
}
