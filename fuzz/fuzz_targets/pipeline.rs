//! The whole pipeline (load, resolve, analyze, render) on a tiny handbook.
//! The input is a service file, or a bank and a service file separated by a
//! line `=====`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orr::fuzz_api;
use orr::markdown::Highlighter;

static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let highlighter = HIGHLIGHTER.get_or_init(Highlighter::new);
    let Some(text) = fuzz_api::file_text(data) else {
        return;
    };
    match text.split_once("\n=====\n") {
        Some((bank, service)) => fuzz_api::pipeline(Some(bank), service, highlighter),
        None => fuzz_api::pipeline(None, text, highlighter),
    }
});
