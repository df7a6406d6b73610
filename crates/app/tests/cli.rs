//! The `alongside` binary as a person runs it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn alongside(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_alongside"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("ALONGSIDE_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn flags_beat_environment_which_beats_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("alongside.toml"),
        "bind = \"127.0.0.1:7000\"\nsession_hours = 3\nlog = \"warn\"\n",
    )
    .unwrap();
    let (out, _) = text(&alongside(dir.path()).arg("config").output().unwrap());
    assert!(
        out.contains("bind = \"127.0.0.1:7000\"") && out.contains("session_hours = 3"),
        "{out}"
    );
    let (out, _) = text(
        &alongside(dir.path())
            .arg("config")
            .env("ALONGSIDE_BIND", "127.0.0.1:9000")
            .output()
            .unwrap(),
    );
    assert!(
        out.contains("bind = \"127.0.0.1:9000\"") && out.contains("session_hours = 3"),
        "{out}"
    );
    let (out, _) = text(
        &alongside(dir.path())
            .args(["config", "--bind", "127.0.0.1:9100"])
            .env("ALONGSIDE_BIND", "127.0.0.1:9000")
            .output()
            .unwrap(),
    );
    assert!(out.contains("bind = \"127.0.0.1:9100\""), "{out}");
    let (out, _) = text(
        &alongside(dir.path())
            .arg("config")
            .env("DATABASE_URL", "postgres://me:hunter2@db.example/a")
            .output()
            .unwrap(),
    );
    assert!(
        out.contains("postgres://me:***@db.example/a") && !out.contains("hunter2"),
        "{out}"
    );
    let (out, _) = text(
        &alongside(dir.path())
            .arg("config")
            .env(
                "ALONGSIDE_SMTP_URL",
                "smtps://mail:hunter3@smtp.example.org",
            )
            .output()
            .unwrap(),
    );
    assert!(
        out.contains("smtp_url = \"***\"") && !out.contains("hunter3"),
        "{out}"
    );
}

#[test]
fn the_example_config_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = text(
        &alongside(dir.path())
            .args(["config", "--example"])
            .output()
            .unwrap(),
    );
    assert!(out.starts_with("# alongside.toml"));
}

#[test]
fn bad_settings_and_unreachable_databases_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            vec!["migrate", "--database-url", "mysql://x/y"],
            "DATABASE_URL must start with sqlite:",
        ),
        (
            vec!["migrate", "--database-url", "sqlite://missing-folder/a.db"],
            "the folder missing-folder for the SQLite database does not exist",
        ),
        (
            vec![
                "migrate",
                "--database-url",
                "postgres://postgres@127.0.0.1:1/alongside",
            ],
            "cannot connect to PostgreSQL at 127.0.0.1:1",
        ),
        (
            vec!["serve", "--session-hours", "0"],
            "ALONGSIDE_SESSION_HOURS must be between 1 and 720",
        ),
    ];
    for (args, message) in cases {
        let output = alongside(dir.path()).args(&args).output().unwrap();
        let (_, err) = text(&output);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            err.starts_with("error: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn the_openapi_document_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = text(&alongside(dir.path()).arg("openapi").output().unwrap());
    let document: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(document["paths"]["/programmes"].is_object());
}

#[test]
fn demo_data_is_loaded_once() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = text(&alongside(dir.path()).arg("demo").output().unwrap());
    assert!(
        first.contains("Loaded the demo data.")
            && first.contains("coordinator@demo.alongside.test"),
        "{first}"
    );
    assert!(
        dir.path().join("data/alongside.db").exists(),
        "the default SQLite file is under ./data/"
    );
    let (second, _) = text(&alongside(dir.path()).arg("demo").output().unwrap());
    assert!(
        second.contains("The demo data was already there."),
        "{second}"
    );
}

#[test]
fn create_admin_reads_the_password_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let run = |password: &str| {
        let mut child = alongside(dir.path())
            .args([
                "create-admin",
                "--organisation",
                "Peer Support North",
                "--email",
                "Lead@Example.org",
                "--name",
                "Kim Lee",
                "--demo",
                "false",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("short");
    assert!(!weak.status.success());
    assert!(
        text(&weak)
            .1
            .contains("password: Password must be at least 10 characters")
    );
    let made = run("a long passphrase");
    assert!(made.status.success(), "{:?}", text(&made));
    assert!(
        text(&made).0.contains(
            "Created the organisation Peer Support North and its admin lead@example.org."
        )
    );
    let again = run("a long passphrase");
    assert!(text(&again).1.contains("already exists"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serve_starts_on_an_empty_folder_and_prints_how_to_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = alongside(dir.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let health = loop {
        if let Some(response) = get(port, "/healthz") {
            break response;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("ok"),
        "{health}"
    );
    assert!(get(port, "/readyz").unwrap().starts_with("HTTP/1.1 200"));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains(&format!(
            "Alongside is running at http://127.0.0.1:{port} on SQLite"
        )),
        "{out}"
    );
    assert!(
        out.contains("password for all: alongside-demo")
            && out.contains("admin@demo.alongside.test"),
        "{out}"
    );
}

#[test]
fn the_data_key_is_made_once_and_a_wrong_or_missing_key_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let demo = |dir: &std::path::Path| alongside(dir).arg("demo").output().unwrap();
    let first = demo(dir.path());
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let key_file = dir.path().join("data/alongside.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(key.trim().len(), 44, "32 bytes of base64");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner may read the key");
    }
    // The same key again: fine, and the file is not rewritten.
    assert!(demo(dir.path()).status.success());
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key);

    std::fs::write(&key_file, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n").unwrap();
    let wrong = demo(dir.path());
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("is not the one this database was written with"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );

    std::fs::remove_file(&key_file).unwrap();
    let missing = demo(dir.path());
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("is missing"), "{stderr}");
    assert!(!key_file.exists(), "no new key is made over sealed data");
}

#[test]
fn match_solve_prints_the_optimum_and_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    // Greedy would give person 0 supporter 0 (10) and person 1 supporter 1
    // (1): 11. The optimum pairs them the other way: 9 + 8 = 17.
    std::fs::write(
        dir.path().join("problem.txt"),
        "c two people, two supporters\np 2 2 4\ns 0 1\ns 1 1\ne 0 0 10\ne 0 1 9\ne 1 0 8\ne 1 1 1\n",
    )
    .unwrap();
    let output = alongside(dir.path())
        .args(["match", "solve", "problem.txt"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", text(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"matched": 2, "total_score": 17, "pairs": [[0, 1], [1, 0]]})
    );

    std::fs::write(dir.path().join("bad.txt"), "p 1 1 1\ns 0 1\ne 0 0 0\n").unwrap();
    let output = alongside(dir.path())
        .args(["match", "solve", "bad.txt"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let (_, err) = text(&output);
    assert!(err.contains("line 3") && err.contains("SCORE"), "{err}");

    let output = alongside(dir.path())
        .args(["match", "solve", "missing.txt"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output).1.contains("cannot read missing.txt"));
}

#[test]
fn stats_paired_matches_r_on_the_sleep_data_and_refuses_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    // R's sleep data, drug 1 then drug 2, with one incomplete row.
    std::fs::write(
        dir.path().join("sleep.csv"),
        "pre,post\n0.7,1.9\n-1.6,0.8\n-0.2,1.1\n-1.2,0.1\n-0.1,-0.1\n3.4,4.4\n3.7,5.5\n0.8,1.6\n0.0,4.6\n2.0,3.4\n,3\n",
    )
    .unwrap();
    let output = alongside(dir.path())
        .args([
            "stats",
            "paired",
            "sleep.csv",
            "--reliability",
            "0.8",
            "--higher-is-better",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", text(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let number = |key: &str| {
        json[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key}: {json}"))
    };
    assert_eq!(json["n"], 10);
    for (key, r) in [
        ("t", 4.062_127_7),
        ("df", 9.0),
        ("p_t", 0.002_832_890),
        ("ci_low", 0.700_114_2),
        ("ci_high", 2.459_885_8),
        ("mean_change", 1.58),
        ("wilcoxon_v", 45.0),
        ("p_wilcoxon", 0.009_090_7),
    ] {
        assert!(
            (number(key) - r).abs() < 1e-6,
            "{key}: {} against R's {r}",
            number(key)
        );
    }
    assert_eq!(json["wilcoxon_method"], "normal_approximation");
    let counted = ["reliable_improved", "unchanged", "reliable_deteriorated"]
        .iter()
        .map(|k| json[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted, 10, "every complete pair is counted once");

    for (body, words) in [
        ("before,after\n1,2\n", "header must be `pre,post`"),
        ("pre,post\n1,2\n3,lots\n", "line 3: post is not a number"),
        ("pre,post\n1,2\n,3\n", "at least two complete pairs"),
    ] {
        std::fs::write(dir.path().join("bad.csv"), body).unwrap();
        let output = alongside(dir.path())
            .args(["stats", "paired", "bad.csv"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{body}");
        let (_, err) = text(&output);
        assert!(err.contains(words), "{body}: {err}");
    }
    let both = alongside(dir.path())
        .args([
            "stats",
            "paired",
            "sleep.csv",
            "--higher-is-better",
            "--lower-is-better",
        ])
        .output()
        .unwrap();
    assert!(
        !both.status.success(),
        "the two directions exclude each other"
    );
}
