//! The `foxgate` command: `serve`, `migrate`, `bootstrap`, `audit verify|export` and
//! `keys rotate`.

use clap::{Parser, Subcommand};
use foxgate_core::authz::RequestContext;
use foxgate_core::model::SetupInput;
use foxgate_core::secret::Secret;
use foxgate_core::service::setup::{self, SetupProof};
use foxgate_server::config::{Config, Options};
use foxgate_server::export::Format;
use std::io::Read;
use std::process::ExitCode;

/// mimalloc, not the system allocator: under load glibc's allocator spent a large share of
/// each request waiting on its arena locks (perf on `bench/script-auth.sh`); see README,
/// "Scripts acting as you", for the figures before and after.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "foxgate",
    version,
    about = "Foxgate: a self-hosted access-control plane"
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console and the API.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the first organization and its owner without a browser.
    Bootstrap {
        #[arg(long)]
        org_slug: String,
        #[arg(long)]
        org_name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the owner's password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Work with the keys Foxgate signs access tokens with.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Sign with a new key from now on; the previous ones stay published at
    /// /.well-known/jwks.json until every token they signed has expired.
    Rotate,
}

// Parsed once per process: the size of the export's many filters costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chains; exits 1 at the first broken link, which it names.
    Verify {
        /// Only this organization (slug or id); default every chain.
        #[arg(long)]
        org: Option<String>,
    },
    /// Write an organization's events, newest first, as JSON lines or CSV (to standard
    /// output unless --output), with the same filters as the Events API.
    Export {
        /// The organization (slug or id).
        #[arg(long)]
        org: String,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        /// From this time: unix ms, YYYY-MM-DD, RFC 3339, or a span such as 7d.
        #[arg(long)]
        since: Option<String>,
        /// Before this time (YYYY-MM-DD: through that day).
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        entity_type: Option<String>,
        #[arg(long)]
        entity_id: Option<String>,
        /// The actor's id (a user or token id).
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        action: Option<String>,
        /// A team slug or id.
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        ip: Option<String>,
        /// success, failure or denied.
        #[arg(long)]
        outcome: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to standard error: standard output carries what a command prints (an export).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("foxgate: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::resolve(&cli.options)?;
    match cli.command {
        Command::Serve => foxgate_server::serve(config).await,
        Command::Keys {
            action: KeysCommand::Rotate,
        } => {
            let foxgate = foxgate_server::assemble(config)?;
            let kid = foxgate_core::service::signing::rotate(&foxgate.state.services)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "new signing key {kid}; the previous keys stay published until their tokens expire"
            );
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::Verify { org },
        } => {
            let foxgate = foxgate_server::assemble(config)?;
            let services = &foxgate.state.services;
            let reports = foxgate_core::service::audit_chain::verify(services, org.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            let mut intact = true;
            for r in reports {
                let unchained = if r.unchained > 0 {
                    format!(
                        " ({} older events without a chain were not checked)",
                        r.unchained
                    )
                } else {
                    String::new()
                };
                match r.broken {
                    None => println!("{}: {} events, chain intact{unchained}", r.chain, r.events),
                    Some(problem) => {
                        intact = false;
                        println!("{}: BROKEN at {problem}", r.chain);
                    }
                }
            }
            if intact {
                Ok(())
            } else {
                Err("the audit log was altered (see above)".into())
            }
        }
        Command::Audit {
            action:
                AuditCommand::Export {
                    org,
                    format,
                    output,
                    since,
                    until,
                    entity_type,
                    entity_id,
                    actor,
                    action,
                    team,
                    ip,
                    outcome,
                },
        } => {
            let filter = foxgate_core::model::EventFilter {
                entity_type,
                entity_id,
                actor,
                action,
                team,
                since,
                until,
                ip,
                outcome,
                ..Default::default()
            };
            let foxgate = foxgate_server::assemble(config)?;
            let out: Box<dyn std::io::Write> = match &output {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let written = foxgate_server::export::to_writer(
                &foxgate.state.services,
                &org,
                filter,
                format,
                out,
            )
            .await?;
            eprintln!("exported {written} events");
            Ok(())
        }
        Command::Migrate => {
            let foxgate = foxgate_server::assemble(config)?;
            foxgate_server::migrate(&foxgate.state.services).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Bootstrap {
            org_slug,
            org_name,
            email,
            display_name,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("reading the password: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let foxgate = foxgate_server::assemble(config)?;
            let services = &foxgate.state.services;
            foxgate_server::migrate(services).await?;
            let input = SetupInput {
                setup_code: None,
                org_name,
                org_slug,
                email,
                display_name,
                password: Secret::new(password),
            };
            let context = RequestContext {
                origin: Some("foxgate bootstrap".into()),
                ..Default::default()
            };
            let done = setup::complete(services, &context, SetupProof::LocalOperator, input)
                .await
                .map_err(|e| match e {
                    foxgate_core::Error::Conflict(_) => {
                        "Foxgate is already set up; nothing was changed".to_string()
                    }
                    e => e.to_string(),
                })?;
            println!(
                "created organization {} ({}) and its owner {}",
                done.org_slug, done.org_id, done.user_id
            );
            Ok(())
        }
    }
}
