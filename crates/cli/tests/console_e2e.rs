//! The web console end to end, in a real headless Chromium: runs `node e2e/console.test.mjs`
//! (playwright-core driving Debian's chromium) against this build's `portwatch` binary.
//!
//! The browser test needs node, `e2e/node_modules` (`npm ci --prefix e2e`) and
//! `/usr/bin/chromium` (`.ci/run` installs both). Without them the test says what is missing
//! and passes, except under CI (`CI` set), where a missing piece fails it: CI must run it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the browser test needs that this machine lacks, if anything.
fn missing(root: &Path, chromium: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    if !root.join("e2e/node_modules/playwright-core").is_dir() {
        return Some("e2e/node_modules is missing (run `npm ci --prefix e2e`)".into());
    }
    if !chromium.exists() {
        return Some(format!(
            "{} is missing (apt-get install chromium)",
            chromium.display()
        ));
    }
    None
}

#[test]
fn the_console_works_in_a_real_browser() {
    let root = repository();
    let chromium =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if let Some(why) = missing(&root, &chromium) {
        let under_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        assert!(!under_ci, "the console e2e test cannot run under CI: {why}");
        eprintln!("skipping the console e2e test: {why}");
        return;
    }
    let status = Command::new("node")
        .arg(root.join("e2e/console.test.mjs"))
        .env("PORTWATCH_BIN", env!("CARGO_BIN_EXE_portwatch"))
        .env("CHROMIUM", &chromium)
        .current_dir(&root)
        .status()
        .expect("node starts");
    assert!(
        status.success(),
        "the console e2e test failed ({status}); screenshots are in target/e2e-screenshots/"
    );
}
