//! `alongside`: the one binary. Commands: serve (the default), migrate,
//! create-admin, demo, openapi, config.

mod data_key;
mod demo;
mod offline;
mod settings;

use std::io::BufRead as _;
use std::path::Path;

use alongside_db::{Db, Engine, instance_keys};
use alongside_domain::account::{EmailAddress, NewPassword};
use alongside_domain::organisation::OrganisationName;
use alongside_domain::validation::text;
use alongside_services as services;
use anyhow::Context;
use base64::Engine as _;
use clap::{Parser, Subcommand};
use settings::{DEFAULT_DATABASE_URL, Settings, SettingsArgs};

#[derive(Parser)]
#[command(
    name = "alongside",
    version,
    about = "Alongside: peer support for people with long-term conditions"
)]
struct Cli {
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, load demo data into an empty one, and serve (the default).
    Serve,
    /// Apply database migrations and stop.
    Migrate,
    /// Create a new organisation and an admin account in it. Reads the password from standard input.
    CreateAdmin {
        /// The organisation's name.
        #[arg(long)]
        organisation: String,
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The admin's name.
        #[arg(long)]
        name: String,
    },
    /// Load the demo organisation, programmes and accounts (once).
    Demo,
    /// Print the OpenAPI document of /api/v1.
    Openapi,
    /// Matching, for audits and benchmarks: `match solve FILE`.
    #[command(subcommand)]
    Match(MatchCommand),
    /// Statistics, for audits: `stats paired FILE`.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Print the effective settings (secrets hidden), or a commented example file.
    Config {
        /// Print the commented example alongside.toml instead.
        #[arg(long)]
        example: bool,
    },
}

#[derive(Subcommand)]
enum MatchCommand {
    /// Solve the assignment problem in FILE exactly and print JSON:
    /// `{"matched": N, "total_score": S, "pairs": [[person, supporter], ...]}`.
    ///
    /// The file has lines `p PERSONS SUPPORTERS EDGES`, then `s SUPPORTER
    /// CAPACITY` for each supporter and `e PERSON SUPPORTER SCORE` for each
    /// candidate pair (0-based indices, scores 1 to 1000000); lines starting
    /// with `c` are comments.
    Solve {
        /// The problem file.
        file: std::path::PathBuf,
        /// Keep only each person's and each supporter's best K pairs first.
        #[arg(long, value_name = "K")]
        top: Option<usize>,
        /// Print the time spent solving to standard error.
        #[arg(long)]
        timing: bool,
    },
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Compare two timepoints in a CSV with the header `pre,post` (one row
    /// per person, an empty cell for a missing answer) on complete pairs, and
    /// print JSON: n, means, mean and SD of the change, the paired t-test
    /// with its 95% CI (as R's `t.test(post, pre, paired = TRUE)`), Cohen's
    /// dz and d_av, and Wilcoxon's V and p (as R's `wilcox.test`).
    Paired {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The measure's reliability (0 to below 1), to count reliable
        /// change (Jacobson and Truax).
        #[arg(long, value_name = "R")]
        reliability: Option<f64>,
        /// Higher scores are better (the default).
        #[arg(long, conflicts_with = "lower_is_better")]
        higher_is_better: bool,
        /// Lower scores are better (PHQ-9, GAD-7, loneliness).
        #[arg(long)]
        lower_is_better: bool,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // File commands need neither settings nor a runtime.
    if let Some(Command::Match(MatchCommand::Solve { file, top, timing })) = &cli.command {
        return print_or_fail(offline::match_solve(file, *top, *timing));
    }
    if let Some(Command::Stats(StatsCommand::Paired {
        file,
        reliability,
        lower_is_better,
        ..
    })) = &cli.command
    {
        return print_or_fail(offline::stats_paired(file, *reliability, *lower_is_better));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line a person can act on; no backtrace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.settings)?;
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Openapi | Command::Config { .. }) {
        init_logging(&settings.log);
    }
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let db = connect(&settings).await?;
            println!("The database is migrated.");
            db.close().await;
            Ok(())
        }
        Command::CreateAdmin {
            organisation,
            email,
            name,
        } => create_admin(&settings, &organisation, &email, &name).await,
        Command::Demo => {
            let db = connect(&settings).await?;
            let key = data_key::load(&settings.data_key_file, &db).await?;
            if demo::load(&db, &key).await? {
                println!("Loaded the demo data.");
            } else {
                println!("The demo data was already there.");
            }
            print!("{}", demo::sign_in_details(&settings.public_url));
            db.close().await;
            Ok(())
        }
        Command::Openapi => {
            println!("{}", alongside_web::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::Match(_) | Command::Stats(_) => {
            unreachable!("file commands run before the runtime starts")
        }
        Command::Config { example } => {
            print!(
                "{}",
                if example {
                    settings::EXAMPLE.to_owned()
                } else {
                    settings.to_toml()
                }
            );
            Ok(())
        }
    }
}

fn print_or_fail(result: anyhow::Result<String>) -> std::process::ExitCode {
    match result {
        Ok(out) => {
            // A closed pipe (`| head`) is not worth a panic.
            use std::io::Write as _;
            match writeln!(std::io::stdout().lock(), "{out}") {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(_) => std::process::ExitCode::FAILURE,
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Connects and migrates. The default SQLite folder is made if missing; a
/// folder named explicitly must exist.
async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database_url == DEFAULT_DATABASE_URL {
        std::fs::create_dir_all(Path::new("data"))
            .context("cannot create the data folder for the SQLite database")?;
    }
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let db = connect(&settings).await?;
    let key = data_key::load(&settings.data_key_file, &db).await?;
    if settings.demo {
        demo::load(&db, &key).await?;
    }
    let csrf_key = match &settings.secret_key {
        Some(key) => key.expose().as_bytes().to_vec(),
        None => {
            let generated =
                base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
            let stored =
                instance_keys::get_or_create(&db, "csrf", &generated, chrono::Utc::now()).await?;
            stored.into_bytes()
        }
    };
    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}: is another program using it? Choose another with --bind or ALONGSIDE_BIND", settings.bind))?;
    let web = alongside_web::WebSettings {
        public_url: settings.public_url.trim_end_matches('/').to_owned(),
        session_lifetime: std::time::Duration::from_secs(u64::from(settings.session_hours) * 3600),
        sign_in_attempts_per_minute: settings.sign_in_attempts_per_minute,
        max_body_bytes: settings.max_body_kib as usize * 1024,
        ..alongside_web::WebSettings::default()
    };
    let engine = match db.engine() {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    };
    println!(
        "Alongside is running at {} on {engine} ({}).",
        web.public_url,
        settings::redact_password(&settings.database_url)
    );
    if settings.demo && demo::is_loaded(&db).await? {
        print!("{}", demo::sign_in_details(&web.public_url));
    }
    match &settings.smtp_url {
        Some(url) => {
            let sender = services::mail::Sender::new(url.expose(), &settings.mail_from)
                .map_err(anyhow::Error::msg)?;
            tokio::spawn(services::mail::run(
                db.clone(),
                key.clone(),
                sender,
                std::future::pending(),
            ));
        }
        None => println!(
            "Email is not set up (ALONGSIDE_SMTP_URL): messages wait in the outbox until it is."
        ),
    }
    println!("Press Ctrl+C to stop.");
    let context = services::Context::new(db.clone(), key, web.services());
    tokio::spawn(sweep_expired_sessions(context.clone()));
    tokio::spawn(send_questionnaire_links(context.clone()));
    let state = alongside_web::AppState::from_context(context, web, csrf_key);
    alongside_web::serve(listener, state, shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    db.close().await;
    Ok(())
}

/// Removes expired sessions every hour. Several processes may sweep at once;
/// deleting what is already gone is harmless.
async fn sweep_expired_sessions(context: services::Context) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match services::accounts::remove_expired_sessions(&context).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
            Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
        }
    }
}

/// Every hour, emails private questionnaire links to people whose
/// timepoint window has opened. A link already made is never made again, so
/// a missed hour is caught up by the next.
async fn send_questionnaire_links(context: services::Context) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let today = context.now().date_naive();
        match services::outcomes::send_links_as_windows_open(&context, today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sent = n, "questionnaire links sent as windows opened"),
            Err(e) => tracing::warn!(error = %e, "could not send questionnaire links"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn create_admin(
    settings: &Settings,
    organisation: &str,
    email: &str,
    name: &str,
) -> anyhow::Result<()> {
    let organisation = OrganisationName::parse(organisation)
        .map_err(|e| anyhow::anyhow!("--organisation: {e}"))?;
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = text(name, "a name", 1, 100).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    eprintln!(
        "Password for {email} (at least {} characters), then Enter:",
        NewPassword::MIN_CHARS
    );
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = NewPassword::parse(line.trim_end_matches(['\r', '\n']))
        .map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let db = connect(settings).await?;
    let key = data_key::load(&settings.data_key_file, &db).await?;
    let context = services::Context::new(db.clone(), key, services::Settings::default());
    let org = services::accounts::create_organisation_with_admin(
        &context,
        &organisation,
        &email,
        &name,
        &password,
    )
    .await
    .map_err(|e| match e {
        services::Error::Conflict(why) => anyhow::anyhow!(why),
        other => anyhow::anyhow!(other.chain()),
    })?;
    println!(
        "Created the organisation {} and its admin {email}.",
        org.name
    );
    db.close().await;
    Ok(())
}
