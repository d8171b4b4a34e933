//! `orr.yaml`: parsed and checked.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orr::fuzz_api;
use orr::markdown::Highlighter;

static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let highlighter = HIGHLIGHTER.get_or_init(Highlighter::new);
    if let Some(text) = fuzz_api::file_text(data) {
        fuzz_api::config_yaml(text, highlighter);
    }
});
