//! The `foxgate` binary run as its own process (`foxgate serve` on a free 127.0.0.1 port),
//! for what must be measured on Foxgate alone (its resident memory) or needs a real peer in
//! front of it (a reverse proxy). The process is killed when the handle is dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

pub struct Foxgate {
    pub base: String,
    child: tokio::process::Child,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Foxgate {
    /// Starts `foxgate serve` over `database_url` with its data in `dir`, plus `args`.
    pub async fn start(dir: &Path, database_url: &str, args: &[&str]) -> Self {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_foxgate"))
            .arg("serve")
            .args(["--addr", &addr, "--database-url", database_url])
            .arg("--data-dir")
            .arg(dir)
            .args(args)
            // No foxgate.toml of the checkout is read.
            .current_dir(dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the foxgate binary");
        let server = Foxgate {
            base: format!("http://{addr}"),
            child,
        };
        for _ in 0..300 {
            if let Ok(res) = reqwest::get(server.url("/readyz")).await {
                if res.status() == 200 {
                    return server;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("foxgate serve did not become ready on {addr}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The process's resident memory (VmRSS), in KB.
    pub fn resident_kb(&self) -> u64 {
        let pid = self.child.id().expect("still running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }
}
