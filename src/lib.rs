//! `orr` compiles an Operational Readiness Review handbook into a static site.
//!
//! One straight pipeline: [`load`] reads the files, [`resolve`] checks and
//! links them into a [`model::Handbook`], [`analyze`] judges every service as
//! of one day, [`render`] turns all that into the bytes of a site, and
//! [`output`] writes it atomically (or the preview server keeps it in memory).

// Diagnostics are values carried in `Err`; boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod analyze;
pub mod audit;
pub mod config;
pub mod date;
pub mod deny;
pub mod diagnostics;
#[doc(hidden)]
pub mod fuzz_api;
pub mod git;
pub mod init;
pub mod limits;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod source;
pub mod svg;
pub mod text;
pub mod urls;
pub mod wa_lens;
