//! The `orr` command line: init, new, build, check (and serve).
//!
//! Exit status: 0 done (warnings printed), 1 the content has errors, 2 the
//! command itself failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use orr::diagnostics::{formats, plural, Diagnostics};
use orr::pipeline::{default_out, Built, Engine, Options};

/// mimalloc rather than the system allocator: a build allocates and frees
/// millions of small strings and maps from several threads, where glibc's
/// per-thread arenas cost CPU and keep freed memory as resident.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc keeps the pages of freed memory for its own reuse, each in the
/// heap of the thread that made it; `build` frees the handbook's texts in
/// bulk (150 MB at 5,000 services) just before rendering, and without this
/// they would stay resident beside the first pages rendered.
fn return_freed_memory() {
    // SAFETY: `mi_collect` has no preconditions; it only returns free pages.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// The engine `build` runs on: orr's own, with this binary's allocator.
fn build_engine() -> Engine {
    let mut engine = Engine::new();
    engine.return_freed_memory = return_freed_memory;
    engine
}

/// Asks Linux not to back this process with transparent huge pages.
/// mimalloc marks its arenas `MADV_HUGEPAGE`, so each first touch zeroes
/// 2 MiB: at 1,000 services that was a sixth of `orr check`'s CPU and about
/// 45 MiB of resident memory that no allocation used. Best effort: an older
/// kernel that refuses it only costs that memory.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[derive(Parser)]
#[command(
    name = "orr",
    version,
    about = "Compile an Operational Readiness Review handbook into a static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// The handbook directory (holding content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Judge the handbook as of this day (YYYY-MM-DD); default: SOURCE_DATE_EPOCH, else today in UTC.
    #[arg(long)]
    today: Option<String>,
    /// How diagnostics are printed: human (rustc-style, on stderr), json (an
    /// array on stdout) or github (workflow-command annotations on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The forms of `--format`.
#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Load, check and render the handbook into --out.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output directory (default: site/ under the root).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Link prefix, overriding base_url of content/orr.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Replace --out even if orr did not build what it holds.
        #[arg(long)]
        force: bool,
        /// Build the handbook as it stood at this commit (read from git; the
        /// work tree is not touched), judged as of the commit's date unless --today is given.
        #[arg(long, value_name = "REV")]
        at: Option<String>,
    },
    /// Write an auditor's bundle from the git trail: waivers.csv, waivers.json, changes.csv, manifest.json.
    Audit {
        #[command(flatten)]
        common: Common,
        /// Directory to write the bundle into.
        #[arg(long)]
        out: PathBuf,
        /// List in changes.csv only the changes committed on or after this day (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
    },
    /// Run every check of build and write nothing: the gate for a handbook's CI.
    Check {
        #[command(flatten)]
        common: Common,
        /// Fail (exit status 1) on: expired-waivers, expiring-waivers, stale-reviews, warnings (comma separated).
        #[arg(long, value_delimiter = ',', value_parser = orr::deny::DenyRule::parse)]
        deny: Vec<orr::deny::DenyRule>,
    },
    /// Build into memory, serve it, rebuild on every change and reload the browser.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on (only this machine by default).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Start a new handbook with a working example.
    Init {
        /// Where to create it (default: the current directory).
        dir: Option<PathBuf>,
    },
    /// Write the JSON Schemas of service files and orr.yaml, for editors.
    Schema {
        /// Directory to write service.schema.json and orr.schema.json into.
        #[arg(long, default_value = "schema")]
        out: PathBuf,
    },
    /// Write a skeleton file.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Write question banks from another format.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Write the question banks in another format.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Write content/questions/<pillar>.md for each pillar of an AWS Well-Architected custom lens.
    WaLens {
        /// The lens JSON file.
        file: PathBuf,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Put `PREFIX-` in front of every category and question id.
        #[arg(long)]
        prefix: Option<String>,
        /// Replace bank files that already exist (regular files only).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Write the question banks as an AWS Well-Architected custom lens.
    WaLens {
        #[command(flatten)]
        common: Common,
        /// The lens JSON file to write.
        #[arg(long)]
        out: PathBuf,
        /// Export only these categories (comma separated).
        #[arg(long, value_delimiter = ',')]
        category: Vec<String>,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// Write content/services/NAME.yaml listing every question that applies, unanswered.
    Service {
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Tags of the service (comma separated), which decide the questions that apply.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
        /// Its tier, 1 (most critical) to 4: questions with `tiers=` apply only to those tiers.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=4))]
        tier: u8,
        #[arg(long)]
        today: Option<String>,
    },
}

/// A failure of the command itself (exit status 2).
struct Fatal(String);

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            common,
            out,
            base_url,
            force,
            at: None,
        } => build(&common, out, base_url, force),
        Command::Build {
            common,
            out,
            base_url,
            force,
            at: Some(rev),
        } => build_at(&common, out, base_url, force, &rev),
        Command::Audit { common, out, since } => audit(&common, &out, since.as_deref()),
        Command::Serve { common, bind, port } => serve(&common, bind, port),
        Command::Check { common, deny } => check(&common, &deny),
        Command::Init { dir } => orr::init::init(&dir.unwrap_or_else(|| PathBuf::from(".")))
            .map(|msg| {
                println!("{msg}");
                ExitCode::SUCCESS
            })
            .map_err(Fatal),
        Command::Schema { out } => orr::init::write_schemas(&out)
            .map(|paths| {
                for path in paths {
                    println!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            })
            .map_err(Fatal),
        Command::New {
            what:
                NewCommand::Service {
                    name,
                    root,
                    tags,
                    tier,
                    today,
                },
        } => new_service(&root, &name, &tags, tier, today.as_deref()),
        Command::Import {
            what:
                ImportCommand::WaLens {
                    file,
                    root,
                    prefix,
                    force,
                },
        } => import_wa_lens(&root, &file, prefix.as_deref(), force),
        Command::Export {
            what:
                ExportCommand::WaLens {
                    common,
                    out,
                    category,
                },
        } => export_wa_lens(&common, &out, &category),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn options(common: &Common, base_url: Option<String>) -> Result<Options, Fatal> {
    if !common.root.is_dir() {
        return Err(Fatal(format!(
            "cannot read the handbook root `{}`: not a directory",
            common.root.display()
        )));
    }
    if !common.root.join("content").is_dir() {
        return Err(Fatal(format!(
            "`{}` has no content/ directory: run `orr init` to start a handbook, or pass --root",
            common.root.display()
        )));
    }
    if let Some(url) = &base_url {
        orr::config::check_base_url(url).map_err(|e| Fatal(format!("--base-url: {e}")))?;
    }
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let today =
        orr::date::resolve_today(common.today.as_deref(), epoch.as_deref()).map_err(Fatal)?;
    Ok(Options {
        root: common.root.clone(),
        today,
        base_url,
    })
}

/// Prints the diagnostics in the chosen format: human text on stderr,
/// machine formats on stdout (JSON even when empty, so it always parses).
fn report(diags: &Diagnostics, format: Format) {
    match format {
        Format::Human if !diags.is_empty() => eprint!("{}", diags.render()),
        Format::Human => {}
        Format::Json => print!("{}", formats::json(&diags.clone().into_sorted())),
        Format::Github => print!("{}", formats::github(&diags.clone().into_sorted())),
    }
}

/// A line for the person reading: on stdout in human format, on stderr
/// otherwise, so stdout holds only the machine format.
fn say(format: Format, line: &str) {
    if format == Format::Human {
        println!("{line}");
    } else {
        eprintln!("{line}");
    }
}

fn build(
    common: &Common,
    out: Option<PathBuf>,
    base_url: Option<String>,
    force: bool,
) -> Result<ExitCode, Fatal> {
    let options = options(common, base_url)?;
    build_with(common, build_engine(), &options, out, force)
}

/// `orr build --at REV`: the handbook read from the commit REV names, judged
/// as of that commit's date unless `--today` is given.
fn build_at(
    common: &Common,
    out: Option<PathBuf>,
    base_url: Option<String>,
    force: bool,
    rev: &str,
) -> Result<ExitCode, Fatal> {
    if !common.root.is_dir() {
        return Err(Fatal(format!(
            "cannot read the handbook root `{}`: not a directory",
            common.root.display()
        )));
    }
    if let Some(url) = &base_url {
        orr::config::check_base_url(url).map_err(|e| Fatal(format!("--base-url: {e}")))?;
    }
    let pinned = orr::git::tree::pin(&common.root, rev)
        .map_err(|why| Fatal(format!("--at {rev}: {why}")))?;
    let today = match &common.today {
        Some(day) => orr::date::resolve_today(Some(day), None).map_err(Fatal)?,
        None => pinned.commit.date,
    };
    let options = Options {
        root: common.root.clone(),
        today,
        base_url,
    };
    let mut engine = build_engine();
    engine.pinned = Some(std::sync::Arc::new(pinned));
    build_with(common, engine, &options, out, force)
}

fn build_with(
    common: &Common,
    engine: Engine,
    options: &Options,
    out: Option<PathBuf>,
    force: bool,
) -> Result<ExitCode, Fatal> {
    let out = out.unwrap_or_else(|| default_out(&options.root));
    guard_out(&options.root, &out)?;
    // Early, so a refusal does not wait for a build; checked again when writing.
    orr::output::check_replaceable(&out, force).map_err(|r| Fatal(r.to_string()))?;
    let started = Instant::now();
    let built = engine
        .build_to_disk(options, &out, force, |out| {
            eprintln!("waiting: another orr build is writing {}", out.display())
        })
        .map_err(|e| Fatal(e.to_string()))?;
    match built {
        Built::Written {
            files,
            pages,
            warnings,
        } => {
            report(&warnings, common.format);
            let line = format!(
                "built {} ({} files) into {} in {} ms, as of {}",
                plural(pages, "page"),
                files,
                out.display(),
                started.elapsed().as_millis(),
                options.today
            );
            say(common.format, &line);
            Ok(ExitCode::SUCCESS)
        }
        Built::Failed(diags) => {
            report(&diags, common.format);
            Ok(ExitCode::from(1))
        }
    }
}

/// The output directory is replaced whole: it must never be the handbook,
/// hold it, or sit inside its sources, however the path is spelled (`..`,
/// symlinks), and it must not be an existing file.
fn guard_out(root: &Path, out: &Path) -> Result<(), Fatal> {
    let refuse = |why: &str| {
        Err(Fatal(format!(
            "refusing to write the site to `{}`: {why}",
            out.display()
        )))
    };
    if out.is_file() {
        return refuse("it is a file, and the site is a directory");
    }
    let (root, target) = (real_path(root), real_path(out));
    let protected = ["content", "templates", "assets"]
        .iter()
        .any(|d| target.starts_with(root.join(d)));
    if root.starts_with(&target) || protected {
        return refuse("it would replace the handbook's own files");
    }
    Ok(())
}

/// `path` made absolute with symlinks and `..` resolved: the longest existing
/// prefix is canonicalised, the rest (not created yet) is resolved by name.
fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            (None, Some(parent)) => {
                rest.push(std::ffi::OsString::from(".."));
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.iter().rev() {
        match part.to_str() {
            Some("..") => {
                resolved.pop();
            }
            Some(".") => {}
            _ => resolved.push(part),
        }
    }
    resolved
}

fn serve(common: &Common, bind: std::net::IpAddr, port: u16) -> Result<ExitCode, Fatal> {
    // The preview is served from the root of its own address, whatever
    // `base_url` the published site uses, so every link of it works here
    // (as `zola serve` does).
    let options = options(common, Some("/".to_string()))?;
    let mut config = orr::serve::ServeConfig::new(&options.root);
    config.bind = bind;
    config.port = port;
    let engine = Engine::new();
    // A server left running overnight judges each rebuild as of its own day,
    // unless the day was pinned with --today or SOURCE_DATE_EPOCH.
    let (flag, epoch) = (
        common.today.clone(),
        std::env::var("SOURCE_DATE_EPOCH").ok(),
    );
    let rebuild: orr::serve::Rebuild = Box::new(move || {
        let mut options = options.clone();
        if let Ok(today) = orr::date::resolve_today(flag.as_deref(), epoch.as_deref()) {
            options.today = today;
        }
        orr::pipeline::build_for_serve(&engine, &options)
    });
    let handle = orr::serve::start(config, rebuild).map_err(|e| Fatal(e.to_string()))?;
    println!("serving http://{}/ (Ctrl-C to stop)", handle.addr());
    handle.wait();
    Ok(ExitCode::SUCCESS)
}

/// `orr audit`: the bundle of the judged work tree; exit 2 without git history.
/// `orr check`'s closing line: what was checked and the verdicts.
fn check_summary(
    handbook: &orr::model::Handbook,
    assessment: &orr::analyze::Assessment,
    today: jiff::civil::Date,
) -> String {
    let verdicts = |v: &str| {
        assessment
            .services
            .iter()
            .filter(|s| s.verdict.as_str() == v)
            .count()
    };
    let retired = assessment.retired_questions;
    let live = handbook.questions.len() - retired;
    let questions = match retired {
        0 => plural(live, "question"),
        n => format!("{} ({n} retired)", plural(live, "question")),
    };
    format!(
        "ok: {}, {}, {} ({} go, {} conditional, {} no-go) as of {}",
        questions,
        plural(handbook.categories.len(), "category").replace("categorys", "categories"),
        plural(handbook.services.len(), "service"),
        verdicts("go"),
        verdicts("conditional"),
        verdicts("no-go"),
        today
    )
}

fn audit(common: &Common, out: &Path, since: Option<&str>) -> Result<ExitCode, Fatal> {
    let options = options(common, None)?;
    let since = since
        .map(|s| orr::date::parse_date(s).map_err(|e| Fatal(format!("--since: {e}"))))
        .transpose()?;
    let checked = Engine::new().judge(&options);
    if checked.diagnostics.has_errors() {
        report(&checked.diagnostics, common.format);
        return Ok(ExitCode::from(1));
    }
    let manifest = orr::audit::write(&checked, out, since).map_err(|e| Fatal(e.0))?;
    say(
        common.format,
        &format!(
            "wrote the audit bundle of commit {}{} into {}, as of {}",
            manifest.commit,
            if manifest.dirty {
                " (with uncommitted changes)"
            } else {
                ""
            },
            out.display(),
            manifest.as_of
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn check(common: &Common, deny: &[orr::deny::DenyRule]) -> Result<ExitCode, Fatal> {
    let options = options(common, None)?;
    let checked = Engine::for_checking().check(&options);
    let denied = orr::deny::apply(
        deny,
        &checked.handbook,
        &checked.assessment,
        &checked.diagnostics,
    );
    let line = check_summary(&checked.handbook, &checked.assessment, options.today);
    // The judged handbook is let go before the report is written, so the
    // two never take memory at once.
    let mut diagnostics = checked.into_diagnostics();
    diagnostics.extend(denied.diagnostics);
    report(&diagnostics, common.format);
    for line in &denied.summaries {
        eprintln!("{line}");
    }
    if diagnostics.has_errors() {
        return Ok(ExitCode::from(1));
    }
    say(common.format, &line);
    Ok(ExitCode::SUCCESS)
}

fn new_service(
    root: &Path,
    name: &str,
    tags: &[String],
    tier: u8,
    today: Option<&str>,
) -> Result<ExitCode, Fatal> {
    orr::init::check_service_name(name).map_err(Fatal)?;
    let common = Common {
        root: root.to_path_buf(),
        today: today.map(str::to_string),
        format: Format::Human,
    };
    let options = options(&common, None)?;
    let checked = Engine::new().judge(&options);
    match orr::init::new_service(
        &checked.handbook,
        &options.root,
        name,
        tags,
        tier,
        options.today,
    ) {
        Ok(path) => {
            println!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => Err(Fatal(message)),
    }
}

fn import_wa_lens(
    root: &Path,
    file: &Path,
    prefix: Option<&str>,
    force: bool,
) -> Result<ExitCode, Fatal> {
    if !root.join("content").is_dir() {
        return Err(Fatal(format!(
            "`{}` has no content/ directory: run `orr init` to start a handbook, or pass --root",
            root.display()
        )));
    }
    let imported = orr::wa_lens::import_file(root, file, prefix, force).map_err(Fatal)?;
    report(&imported.diagnostics, Format::Human);
    if imported.diagnostics.has_errors() {
        return Ok(ExitCode::from(1));
    }
    for line in &imported.id_lines {
        println!("{line}");
    }
    for path in &imported.written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn export_wa_lens(common: &Common, out: &Path, only: &[String]) -> Result<ExitCode, Fatal> {
    let options = options(common, None)?;
    let checked = Engine::new().judge(&options);
    if checked.diagnostics.has_errors() {
        report(&checked.diagnostics, common.format);
        return Ok(ExitCode::from(1));
    }
    let exported = orr::wa_lens::export::export(&checked.handbook, only).map_err(Fatal)?;
    orr::wa_lens::write_lens(out, &exported.json).map_err(Fatal)?;
    report(&exported.diagnostics, common.format);
    let line = format!(
        "wrote {}: {}, {}",
        out.display(),
        plural(exported.pillars, "pillar"),
        plural(exported.questions, "question")
    );
    say(common.format, &line);
    Ok(ExitCode::SUCCESS)
}
