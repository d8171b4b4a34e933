//! The services index: every service's row, as the fragments hold it.

use serde::Serialize;

use crate::render::fragments::Fragments;

#[derive(Serialize)]
pub(super) struct ServicesPage<'a> {
    title: &'static str,
    services: &'a [tera::Value],
}

pub(super) fn page<'a>(f: &'a Fragments<'_>) -> ServicesPage<'a> {
    ServicesPage {
        title: "Services",
        services: &f.services,
    }
}
