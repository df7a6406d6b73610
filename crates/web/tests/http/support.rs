//! `TestApp`: the service spawned on 127.0.0.1:0 over a fresh database, and
//! people who use it the way a browser or an API client would.

use std::sync::OnceLock;

use alongside_db::{accounts, api_tokens, organisations};
use alongside_domain::account::EmailAddress;
use alongside_domain::{OrganisationId, Role};
use alongside_testdb::TestDb;
use alongside_web::{AppState, WebSettings};
use chrono::Utc;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

/// Every test account's password.
pub const PASSWORD: &str = "a long test passphrase";

/// A running service.
pub struct TestApp {
    pub url: String,
    pub test_db: TestDb,
    pub organisation: OrganisationId,
    /// The running service's state, for work it does on its own (sweeps).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A person with a browser (cookie jar, no redirects followed).
pub struct Browser {
    pub client: Client,
    pub url: String,
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash(PASSWORD))
}

impl TestApp {
    /// The service with default settings and one organisation, "North".
    pub async fn spawn(test_db: TestDb) -> TestApp {
        Self::spawn_with(test_db, WebSettings::default()).await
    }

    /// The service with chosen settings.
    pub async fn spawn_with(test_db: TestDb, mut settings: WebSettings) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        // A public https address stands for a deployment behind a proxy
        // that ends TLS; any other is replaced by the test's own address.
        if !settings.public_url.starts_with("https://") {
            settings.public_url = url.clone();
        }
        let organisation = Self::organisation_in(&test_db, "North").await;
        let state = AppState::new(
            test_db.db.clone(),
            data_key(),
            settings,
            b"test key that is long enough for hmac".to_vec(),
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(alongside_web::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        TestApp {
            url,
            test_db,
            organisation,
            state,
            shutdown: Some(tx),
        }
    }

    /// Another organisation in the same database.
    pub async fn organisation_in(test_db: &TestDb, name: &str) -> OrganisationId {
        let mut tx = test_db.db.begin().await.unwrap();
        let org = organisations::create(&mut tx, name, &name.to_lowercase(), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        org.id
    }

    /// Adds an account with `role` in `organisation`; returns its email address.
    pub async fn add_member(&self, organisation: OrganisationId, role: Role) -> String {
        let email = format!(
            "{}-{}@example.org",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let mut tx = self.test_db.db.begin().await.unwrap();
        let id = accounts::create(
            &mut tx,
            &EmailAddress::parse(&email).unwrap(),
            &format!("Test {}", role.label()),
            password_hash(),
            Utc::now(),
        )
        .await
        .unwrap();
        organisations::add_member(&mut tx, organisation, id, role, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        email
    }

    /// A browser with no session.
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .expect("client"),
            url: self.url.clone(),
        }
    }

    /// A browser signed in as a new member with `role` in the app's organisation.
    pub async fn signed_in(&self, role: Role) -> Browser {
        self.signed_in_at(self.organisation, role).await
    }

    /// A browser signed in as a new member with `role` in `organisation`.
    pub async fn signed_in_at(&self, organisation: OrganisationId, role: Role) -> Browser {
        let email = self.add_member(organisation, role).await;
        let browser = self.browser();
        let response = browser.sign_in(&email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {role}"
        );
        browser
    }

    /// A personal API token of a new member with `role` in `organisation`.
    pub async fn api_token_at(&self, organisation: OrganisationId, role: Role) -> String {
        let email = self.add_member(organisation, role).await;
        let account =
            accounts::find_by_email(&self.test_db.db, &EmailAddress::parse(&email).unwrap())
                .await
                .unwrap()
                .unwrap();
        let token = format!("alg_test_{}", uuid::Uuid::new_v4().simple());
        let mut tx = self.test_db.db.begin().await.unwrap();
        api_tokens::create(
            &mut tx,
            account.id,
            organisation,
            "test",
            &alongside_web::auth::hash_token(&token),
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        token
    }

    /// A personal API token of a new member with `role` in the app's organisation.
    pub async fn api_token(&self, role: Role) -> String {
        self.api_token_at(self.organisation, role).await
    }

    /// An API client.
    pub fn api(&self, token: Option<&str>) -> Api {
        Api {
            client: Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            url: self.url.clone(),
            token: token.map(str::to_owned),
        }
    }

    /// The first column of `sql`'s rows as text, on either engine: for
    /// looking at what is stored as it is.
    pub async fn stored(&self, sql: &str) -> Vec<String> {
        match &self.test_db.db {
            alongside_db::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
            alongside_db::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        }
        .unwrap()
    }

    /// The audit log's (event, entity, detail) rows for the app's organisation, oldest first.
    pub async fn audit_events(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> =
            alongside_db::audit::list(&self.test_db.db, self.organisation, 1000, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.event, r.entity, r.detail))
                .collect();
        rows.reverse();
        rows
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("GET")
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await.text().await.unwrap();
        csrf_of(&page).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Posts a form with the CSRF token of the page at `from`.
    pub async fn submit(&self, from: &str, to: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf(from).await;
        self.post_form(to, &csrf, fields).await
    }

    /// Posts a form with the given CSRF token.
    pub async fn post_form(&self, to: &str, csrf: &str, fields: &[(&str, &str)]) -> Response {
        let mut body: Vec<(&str, &str)> = vec![("csrf", csrf)];
        body.extend_from_slice(fields);
        self.client
            .post(format!("{}{to}", self.url))
            .form(&body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }
}

/// The first CSRF token in a page.
pub fn csrf_of(page: &str) -> Option<String> {
    let re = regex::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
    re.captures(page).map(|c| c[1].to_owned())
}

/// The `value` of the input named `name` in a page.
pub fn input_value(page: &str, name: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r#"name="{name}" type="[a-z]+" value="([^"]*)""#)).unwrap();
    re.captures(page).map(|c| c[1].to_owned())
}

/// The Location header.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// An API client with an optional bearer token.
pub struct Api {
    pub client: Client,
    pub url: String,
    pub token: Option<String>,
}

impl Api {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}/api/v1{path}", self.url));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(reqwest::Method::PUT, path)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    pub async fn post(&self, path: &str) -> Response {
        self.request(reqwest::Method::POST, path)
            .send()
            .await
            .expect("POST")
    }
}

/// A valid programme for the API.
pub fn programme_json(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "model": "peer_mentoring",
        "setting": "clinical",
        "conditions": ["Type 2 diabetes"],
        "capacity": 20
    })
}

/// A valid programme form.
pub fn programme_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("description", "Mentoring after diagnosis".to_owned()),
        ("model", "peer_mentoring".to_owned()),
        ("setting", "clinical".to_owned()),
        ("conditions", "Type 2 diabetes".to_owned()),
        ("eligibility", String::new()),
        ("capacity", "20".to_owned()),
        ("funding_source", String::new()),
        ("contact_gap_days", String::new()),
        ("waiting_target_days", "10".to_owned()),
        ("supervision_every_weeks", String::new()),
    ]
}

/// Borrows owned pairs for `Browser::submit`.
pub fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The data key of every test app, so tests can open what it sealed.
pub fn data_key() -> alongside_db::sealed::DataKey {
    alongside_db::sealed::DataKey::from_bytes([7; 32])
}

/// One message an [`SmtpSink`] received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The message with quoted-printable soft line breaks undone.
    pub fn text(&self) -> String {
        self.data.replace("=\n", "").replace("=3D", "=")
    }
}

/// A local SMTP server that accepts every message and keeps it, so tests
/// can read what Alongside sent.
pub struct SmtpSink {
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let mut to = Vec::new();
                    write.write_all(b"220 sink ready\r\n").await.ok();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let command = line.to_ascii_uppercase();
                        let reply: &[u8] = if command.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 ok\r\n"
                        } else if command == "DATA" {
                            write.write_all(b"354 go ahead\r\n").await.ok();
                            let mut data = String::new();
                            while let Ok(Some(line)) = lines.next_line().await {
                                if line == "." {
                                    break;
                                }
                                data.push_str(&line);
                                data.push('\n');
                            }
                            store.lock().unwrap().push(Received {
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 queued\r\n"
                        } else if command == "QUIT" {
                            write.write_all(b"221 bye\r\n").await.ok();
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
