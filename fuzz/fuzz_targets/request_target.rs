//! The preview server's request-target parser; panics if an accepted target
//! could name a file outside the site.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orr::fuzz_api;

fuzz_target!(|data: &[u8]| {
    // tiny_http hands the handler the target as a `&str`.
    if let Ok(url) = std::str::from_utf8(data) {
        fuzz_api::request_target(url);
    }
});
