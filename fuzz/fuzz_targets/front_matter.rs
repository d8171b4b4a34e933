//! Front matter: the `---` split and the YAML of every kind of Markdown file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orr::fuzz_api;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = fuzz_api::file_text(data) {
        fuzz_api::front_matter(text);
    }
});
