//! Installing what the build and the tests need, only when it is missing.

use crate::{run, workspace_root};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const WASM_BINDGEN_VERSION: &str = "0.2.130";

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn output(cmd: &mut Command) -> String {
    cmd.output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

pub fn ensure_wasm_toolchain() -> Result<(), String> {
    if !output(Command::new("rustup").args(["target", "list", "--installed"]))
        .contains("wasm32-unknown-unknown")
    {
        println!("xtask: installing the wasm32 target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !output(Command::new("wasm-bindgen").arg("--version")).contains(WASM_BINDGEN_VERSION) {
        println!("xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (a few minutes, once)");
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]))?;
    }
    Ok(())
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("xtask: installing {} from Debian", packages.join(", "));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

pub fn ensure_chromium() -> Result<(), String> {
    if std::path::Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    apt_install(&["chromium"])
}

/// Real peers the integration tests start: Debian's nginx in front of Foxgate (trusted
/// proxies) and dnsmasq as the DNS server domain verification asks.
pub fn ensure_test_peers() -> Result<(), String> {
    let missing: Vec<&str> = [
        ("/usr/sbin/nginx", "nginx"),
        ("/usr/sbin/dnsmasq", "dnsmasq-base"),
    ]
    .iter()
    .filter(|(bin, _)| !std::path::Path::new(bin).exists())
    .map(|(_, package)| *package)
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing)
}

/// The tests start their own PostgreSQL cluster from Debian's server binaries.
pub fn ensure_postgres() -> Result<(), String> {
    if std::env::var_os("FOXGATE_TEST_DATABASE_URL").is_some() {
        return Ok(());
    }
    let has_server = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("bin/initdb").exists()))
        .unwrap_or(false);
    if has_server {
        return Ok(());
    }
    apt_install(&["postgresql"])
}

pub fn ensure_npm_packages() -> Result<(), String> {
    let dir = workspace_root().join("end2end");
    let wanted = [
        "@playwright/test",
        "@axe-core/playwright",
        "binaryen",
        "oidc-provider",
        "jose",
        "openid-client",
        "http-message-signatures",
    ];
    if wanted
        .iter()
        .all(|package| dir.join("node_modules").join(package).exists())
    {
        return Ok(());
    }
    println!("xtask: installing npm packages in end2end/");
    // `npm install`, not `npm ci`: the registry mirror lacks some optional non-Linux packages.
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

/// The API reference viewer's npm package (`frontend/api-docs`, pinned by its lock file),
/// whose files the build copies into the site.
pub fn ensure_viewer_package() -> Result<(), String> {
    let dir = workspace_root().join("frontend/api-docs");
    if dir
        .join("node_modules/swagger-ui-dist/package.json")
        .exists()
    {
        return Ok(());
    }
    println!("xtask: installing the API reference viewer's npm package in frontend/api-docs/");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir))
}

/// The PyPI packages of `end2end/requirements.txt` (pinned) in `end2end/.venv`, made again
/// whenever the requirements change.
pub fn ensure_python_packages() -> Result<(), String> {
    let dir = workspace_root().join("end2end");
    let requirements = std::fs::read_to_string(dir.join("requirements.txt"))
        .map_err(|e| format!("end2end/requirements.txt: {e}"))?;
    let venv = dir.join(".venv");
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).is_ok_and(|done| done == requirements) {
        return Ok(());
    }
    // Debian ships the venv module's pip bootstrap separately.
    if !succeeds(Command::new("python3").args(["-c", "import ensurepip"])) {
        apt_install(&["python3-venv"])?;
    }
    println!("xtask: installing PyPI packages in end2end/.venv");
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv))?;
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(dir.join("requirements.txt")))?;
    std::fs::write(&stamp, requirements).map_err(|e| format!("{}: {e}", stamp.display()))
}

/// wasm-opt from npm's binaryen (Debian's is too old and emits a wasm browsers reject).
pub fn wasm_opt() -> Result<PathBuf, String> {
    ensure_npm_packages()?;
    let bin = workspace_root().join("end2end/node_modules/binaryen/bin/wasm-opt");
    if succeeds(Command::new(&bin).arg("--version")) {
        Ok(bin)
    } else {
        Err(format!("{} does not run", bin.display()))
    }
}
