//! Helpers shared by the integration tests: run the real `orr` binary on
//! fixture handbooks copied into temporary directories.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const TODAY: &str = "2026-11-23";

/// What one run of `orr` printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `orr` with `args` (and `env`), without inheriting SOURCE_DATE_EPOCH.
pub fn orr_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orr"));
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the orr binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

pub fn orr(args: &[&str]) -> Run {
    orr_env(args, &[])
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of a fixture handbook, with the files of `overlays` laid over it in order.
pub fn handbook(base: &str, overlays: &[&Path]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(base), dir.path());
    for overlay in overlays {
        copy_tree(overlay, dir.path());
    }
    dir
}

/// Builds `root` into `root/site` as of TODAY; panics with the diagnostics on failure.
pub fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let out = root.join("site");
    let mut args = vec!["build", "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    let run = orr(&args);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// `orr <command> --root <root> --today TODAY`.
pub fn run_on(command: &str, root: &Path) -> Run {
    orr(&[command, "--root", root.to_str().unwrap(), "--today", TODAY])
}
