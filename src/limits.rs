//! Resource limits: how much a handbook file may ask of `orr`.
//!
//! Every byte of a handbook may come from a hostile contributor, so the work
//! and memory a file can cause is bounded here, in one place. Each limit is far
//! above what a hand-written handbook needs; going over one is a located error
//! whose hint names the limit, never an abort or a machine out of memory.

/// Largest YAML file read (`orr.yaml`, `services/*.yaml`): 4 MiB. A large
/// service file with a few hundred answers is about 50 KiB.
pub const MAX_YAML_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Largest Markdown or template file read: 8 MiB. A long handbook chapter is
/// about 100 KiB.
pub const MAX_MARKDOWN_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Most bytes one YAML document may expand to once its aliases (`*name`) are
/// replaced by what they refer to: 16 MiB, counting each scalar's bytes and
/// one byte per node. A file within [`MAX_YAML_FILE_BYTES`] without aliases
/// stays below it, so only aliases can reach it.
pub const MAX_YAML_EXPANDED_BYTES: usize = 16 * 1024 * 1024;

/// Deepest nesting of YAML lists and mappings: 64 levels. The handbook's
/// formats need at most 6.
pub const MAX_YAML_DEPTH: usize = 64;

/// Most diagnostics printed for one file: the first 100 (in file order), then
/// one line saying how many more there are.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// Most boxes (services, externals, and one bend point per layer an edge
/// crosses) the organisation-wide dependency diagram is laid out with: 20,000.
/// Above it the drawing would be megabytes that no one can read and take
/// seconds to lay out, so the page says so and the table lists everything.
pub const MAX_DIAGRAM_LAYOUT_NODES: usize = 20_000;

/// "4 MiB": a limit in bytes, in words.
pub fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}
