//! `cargo xtask`: the two commands of the README and what they need. Installs what is
//! missing (wasm target, wasm-bindgen-cli, npm packages, chromium, PostgreSQL), builds the
//! stylesheet, the wasm and the server with plain cargo, then serves or tests.

mod assets;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str =
    "usage: cargo xtask <serve [--dev] [-- foxgate args…] | test | build [--release]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("docs") => write_docs(),
        Some("build") => {
            build(Profile::from_flag(args.iter().any(|a| a == "--release"))).map(|_| ())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Dev,
    Release,
}

impl Profile {
    fn from_flag(release: bool) -> Self {
        if release {
            Self::Release
        } else {
            Self::Dev
        }
    }
}

/// The checkout this xtask was started from. `cargo run` sets `CARGO_MANIFEST_DIR` at run
/// time; the compile-time value is only a fallback, because two checkouts sharing one
/// target dir share one `xtask` binary, which would otherwise build the other checkout.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs a command in the workspace root, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    // Commands that name their own directory (npm, Playwright in end2end/) keep it.
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(workspace_root());
    }
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

/// What a build produced: the server binary and the site root holding `pkg/`.
struct Built {
    server: PathBuf,
    site_root: PathBuf,
}

fn build(profile: Profile) -> Result<Built, String> {
    tools::ensure_wasm_toolchain()?;
    let site_root = target_dir().join(match profile {
        Profile::Dev => "site",
        Profile::Release => "site-release",
    });
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    write_stylesheet(&pkg.join("foxgate.css"))?;
    tools::ensure_viewer_package()?;
    for (from, to) in assets::VIEWER {
        std::fs::copy(workspace_root().join(from), pkg.join(to))
            .map_err(|e| format!("{from}: {e}"))?;
    }

    let (cargo_profile, dir) = match profile {
        Profile::Dev => ("dev", "debug"),
        Profile::Release => ("wasm-release", "wasm-release"),
    };
    println!("xtask: building the wasm ({cargo_profile})");
    run(Command::new("cargo").args([
        "build",
        "-p",
        "foxgate-frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        cargo_profile,
    ]))?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown")
        .join(dir)
        .join("foxgate_frontend.wasm");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "foxgate",
            "--out-dir",
        ])
        .arg(&pkg)
        .arg(&wasm))?;
    let bindgen_wasm = pkg.join("foxgate_bg.wasm");
    let final_wasm = pkg.join("foxgate.wasm");
    if profile == Profile::Release {
        let wasm_opt = tools::wasm_opt()?;
        run(Command::new(wasm_opt)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "-o",
            ])
            .arg(&final_wasm)
            .arg(&bindgen_wasm))?;
        std::fs::remove_file(&bindgen_wasm).map_err(|e| e.to_string())?;
    } else {
        std::fs::rename(&bindgen_wasm, &final_wasm).map_err(|e| e.to_string())?;
    }
    assets::fingerprint(
        &site_root,
        match profile {
            Profile::Dev => assets::Effort::Quick,
            Profile::Release => assets::Effort::Smallest,
        },
    )?;

    println!("xtask: building the server");
    let mut server_build = Command::new("cargo");
    server_build.args(["build", "-p", "foxgate-server", "--bin", "foxgate"]);
    if profile == Profile::Release {
        server_build.arg("--release");
    }
    run(&mut server_build)?;
    let server = target_dir()
        .join(if profile == Profile::Release {
            "release"
        } else {
            "debug"
        })
        .join("foxgate");
    Ok(Built { server, site_root })
}

/// Compiles the Tailwind classes found in the console's sources.
fn write_stylesheet(out: &Path) -> Result<(), String> {
    let mut sources = Vec::new();
    collect_rust_files(&workspace_root().join("app/src"), &mut sources)?;
    let texts: Vec<String> = sources
        .iter()
        .map(|p| std::fs::read_to_string(p).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let css = foxgate_style::compile(texts.iter().map(String::as_str));
    std::fs::write(out, css).map_err(|e| e.to_string())
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Regenerates the documents derived from code (a core test fails when they are stale).
fn write_docs() -> Result<(), String> {
    let doc = format!(
        "# Built-in roles\n\nGenerated from `foxgate_core::authz::BuiltinRole` by `cargo xtask docs`; do not edit.\n\
         Letters are the actions granted: C create, R read, U update, D delete. Team Admin applies\n\
         inside the team it is granted for; the others may be granted org-wide or for one team.\n\n{}",
        foxgate_core::authz::builtin_roles_table()
    );
    write_doc("docs/roles.md", &doc)?;
    let doc = format!(
        "# Use cases and their permissions\n\nGenerated from `foxgate_core::use_cases` by `cargo xtask docs`; do not edit.\n\
         Every use case is authorized inside its service function, which the API and the console's\n\
         server functions both call. \"plus\" marks the escalation and last-owner guards.\n\n{}",
        foxgate_core::use_cases::markdown_table()
    );
    write_doc("docs/permissions.md", &doc)
}

fn write_doc(relative: &str, text: &str) -> Result<(), String> {
    let path = workspace_root().join(relative);
    std::fs::create_dir_all(workspace_root().join("docs")).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    println!("xtask: wrote {}", path.display());
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let dev = args.iter().any(|a| a == "--dev");
    let passthrough: Vec<&String> = args.iter().skip_while(|a| *a != "--").skip(1).collect();
    let built = build(Profile::from_flag(!dev))?;
    println!("xtask: serving Foxgate (stop with Ctrl-C)");
    run(Command::new(&built.server)
        .env("FOXGATE_SITE_ROOT", &built.site_root)
        .arg("serve")
        .args(passthrough))
}

const CLIPPY_SERVER: &[&str] = &[
    "clippy",
    "-p",
    "foxgate-core",
    "-p",
    "foxgate-server",
    "-p",
    "foxgate-style",
    "-p",
    "xtask",
    // The app as the server builds it (with `ssr`, which the server turns on).
    "-p",
    "foxgate-app",
    "--all-targets",
    "--",
    "-D",
    "warnings",
];
const CLIPPY_WASM: &[&str] = &[
    "clippy",
    "-p",
    "foxgate-frontend",
    "--target",
    "wasm32-unknown-unknown",
    "--",
    "-D",
    "warnings",
];

fn test() -> Result<(), String> {
    let started = std::time::Instant::now();
    run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    tools::ensure_wasm_toolchain()?;
    println!("xtask: clippy (server side, then the wasm side)");
    run(Command::new("cargo").args(CLIPPY_SERVER))?;
    run(Command::new("cargo").args(CLIPPY_WASM))?;
    tools::ensure_postgres()?;
    tools::ensure_chromium()?;
    tools::ensure_test_peers()?;
    tools::ensure_npm_packages()?;
    tools::ensure_python_packages()?;
    println!("xtask: unit and integration tests (SQLite and PostgreSQL)");
    run(Command::new("cargo").args(["test", "-p", "foxgate-core", "--features", "server"]))?;
    run(Command::new("cargo").args([
        "test",
        "-p",
        "foxgate-style",
        "-p",
        "foxgate-app",
        "-p",
        "foxgate-server",
    ]))?;
    let built = build(Profile::Dev)?;
    println!("xtask: browser tests (Playwright in chromium)");
    run(Command::new("npx")
        .args(["playwright", "test"])
        .current_dir(workspace_root().join("end2end"))
        .env("FOXGATE_BIN", &built.server)
        .env("FOXGATE_SITE_ROOT", &built.site_root))?;
    println!(
        "xtask: all tests passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
