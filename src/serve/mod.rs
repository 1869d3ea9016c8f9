//! `serve`: the what-if page, a local web application over the same library the
//! command line calls. One worker thread runs one request at a time on the
//! simulation pool (a newer request replaces an older one); the web server (axum on a
//! small tokio runtime) only plans requests, reports progress and hands out answers.
//! It reads no file but those named on the command line (and the files they extend):
//! requests name scenarios by id, and the page's assets are compiled in.

mod answer;
pub mod catalog;
mod jobs;
pub mod levers;
mod page;
pub mod request;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use catalog::{Catalog, CatalogError};
use jobs::Jobs;
use request::{LIMITS, Refusal, Request};

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// Scenario files and run folders named on the command line.
    pub named: Vec<PathBuf>,
    /// Address to listen on.
    pub host: IpAddr,
    /// Port (0: any free one).
    pub port: u16,
    /// Simulation threads (all cores when `None`).
    pub threads: Option<usize>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A named file or folder is unusable.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source} (give another --port, or 0 for any free one)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The runtime, the pool or the connection failed.
    #[error("{0}")]
    Failed(String),
}

impl ServeError {
    /// Whether the user's input is at fault (exit 2).
    pub fn is_input(&self) -> bool {
        matches!(self, ServeError::Catalog(_) | ServeError::Bind { .. })
    }
}

struct App {
    catalog: Catalog,
    jobs: Arc<Jobs>,
}

type Shared = State<Arc<App>>;

/// Starts the server and serves until Ctrl-C; `ready` is told the page's URL once it
/// listens.
pub fn serve(config: Config, ready: impl FnOnce(&str)) -> Result<(), ServeError> {
    let catalog = Catalog::new(&config.named)?;
    let pool =
        crate::experiment::pool(config.threads).map_err(|e| ServeError::Failed(e.to_string()))?;
    let jobs = Arc::new(Jobs::default());
    let worker = jobs.clone();
    std::thread::Builder::new()
        .name("simulation".into())
        .spawn(move || worker.work(&pool))
        .map_err(|e| ServeError::Failed(format!("cannot start the simulation thread: {e}")))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Failed(format!("cannot start the web server: {e}")))?;
    let app = Arc::new(App { catalog, jobs });
    runtime.block_on(async move {
        let addr = SocketAddr::new(config.host, config.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|e| ServeError::Failed(e.to_string()))?;
        ready(&format!("http://{bound}/"));
        axum::serve(listener, router(app))
            .with_graceful_shutdown(stopped())
            .await
            .map_err(|e| ServeError::Failed(format!("the web server stopped: {e}")))
    })
}

/// Resolves once Ctrl-C or SIGTERM asks the program to stop.
async fn stopped() {
    while !crate::stop::requested() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/limits", get(limits))
        .route("/api/run", post(run))
        .route("/api/state", get(state))
        .route("/api/jobs/{id}", get(status))
        .route("/api/jobs/{id}/cancel", post(cancel))
        .route("/jobs/{id}/{*path}", get(job_file))
        .route("/folders/{id}/{*path}", get(folder_file))
        .fallback(|| async { not_found("no such page") })
        .layer(DefaultBodyLimit::max(LIMITS.body_bytes))
        .with_state(app)
}

fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, format!("not found: {what}\n")).into_response()
}

fn bad(status: StatusCode, message: String) -> Response {
    let body = json!({ "error": message, "problems": [{ "key": null, "message": message }] });
    (status, axum::Json(body)).into_response()
}

#[derive(Deserialize)]
struct PageQuery {
    scenario: Option<String>,
    folder: Option<String>,
}

async fn index(State(app): Shared, Query(q): Query<PageQuery>) -> Response {
    let catalog = &app.catalog;
    if let Some(id) = q.folder {
        return match catalog.folder(&id) {
            Some(f) => Html(page::folder(catalog, f)).into_response(),
            None => not_found(&format!("no saved run `{id}` here")),
        };
    }
    let chosen = match q.scenario {
        Some(id) => catalog.scenario(&id),
        None => catalog.scenarios.first(),
    };
    let Some(offered) = chosen else {
        if let (None, Some(f)) = (catalog.scenarios.first(), catalog.folders.first()) {
            return Html(page::folder(catalog, f)).into_response();
        }
        let what = "no such scenario here; choose one of those offered";
        return (StatusCode::NOT_FOUND, Html(page::missing(catalog, what))).into_response();
    };
    // The scenario was checked at start; a file changed since is reported, not served stale.
    match crate::scenario::load(&offered.file, &[]) {
        Ok(loaded) => {
            warm(&app, &offered.id);
            Html(page::what_if(catalog, offered, &loaded)).into_response()
        }
        Err(e) => {
            let what = format!("{} no longer loads: {e}", offered.file.display());
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(page::missing(catalog, &what)),
            )
                .into_response()
        }
    }
}

/// Starts warming the unchanged run of scenario `id` at its own settings, in the
/// background (see [`jobs`]).
fn warm(app: &Arc<App>, id: &str) {
    let app = app.clone();
    let request = Request {
        scenario: id.to_string(),
        ..Request::default()
    };
    tokio::task::spawn_blocking(move || {
        if let Ok(planned) = request::plan(&app.catalog, request) {
            app.jobs.warm(planned);
        }
    });
}

async fn asset(Path(name): Path<String>) -> Response {
    let (bytes, kind) = match name.as_str() {
        "app.js" => (page::SCRIPT, "text/javascript; charset=utf-8"),
        "app.css" => (page::STYLE, "text/css; charset=utf-8"),
        _ => return not_found("the page has no such asset"),
    };
    ([(header::CONTENT_TYPE, kind)], bytes).into_response()
}

async fn state(State(app): Shared) -> Response {
    axum::Json(app.jobs.state()).into_response()
}

async fn limits() -> Response {
    axum::Json(LIMITS).into_response()
}

async fn run(State(app): Shared, headers: HeaderMap, body: Bytes) -> Response {
    // A page elsewhere on the web can post plain text here without asking; JSON it
    // cannot, unless this server says so, which it never does.
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        let why = "send the request as JSON (Content-Type: application/json)".to_string();
        return bad(StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    }
    let request: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(
                StatusCode::BAD_REQUEST,
                format!("not a request of this page: {e}"),
            );
        }
    };
    let planning = app.clone();
    let planned =
        tokio::task::spawn_blocking(move || request::plan(&planning.catalog, request)).await;
    match planned {
        Ok(Ok(planned)) => {
            let job = app.jobs.submit(planned);
            (StatusCode::ACCEPTED, axum::Json(json!({ "id": job.id }))).into_response()
        }
        Ok(Err(refusal)) => refused(refusal),
        Err(e) => bad(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("planning failed: {e}"),
        ),
    }
}

fn refused(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(r)).into_response()
}

#[derive(Deserialize)]
struct Since {
    /// The mark the page last saw, `PHASE.DONE`; the reply waits (up to two seconds)
    /// for a change.
    after: Option<String>,
}

async fn status(State(app): Shared, Path(id): Path<u64>, Query(since): Query<Since>) -> Response {
    let Some(job) = app.jobs.get(id) else {
        return not_found(&format!("no request {id} (the server keeps the last few)"));
    };
    let seen = since.after.unwrap_or_default();
    let waited = Instant::now();
    while waited.elapsed() < Duration::from_secs(2) {
        let (ended, mark) = job.mark();
        if ended || mark != seen {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    axum::Json(job.status()).into_response()
}

async fn cancel(State(app): Shared, Path(id): Path<u64>) -> Response {
    if app.jobs.cancel(id) {
        axum::Json(json!({ "id": id, "cancelled": true })).into_response()
    } else {
        not_found(&format!("no request {id}"))
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("toml") => "application/toml; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(files: &crate::store::Files, path: &str, download: Option<String>) -> Response {
    let Some((_, bytes)) = files.iter().find(|(n, _)| *n == path) else {
        return not_found(path);
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type(path)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes.to_vec(),
    )
        .into_response();
    if let Some(name) = download
        && let Ok(value) = format!("attachment; filename=\"{name}\"").parse()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn job_file(State(app): Shared, Path((id, path)): Path<(u64, String)>) -> Response {
    let Some(answer) = app.jobs.get(id).and_then(|j| j.answer()) else {
        return not_found(&format!("no finished request {id}"));
    };
    let download = (path == "scenario.toml").then(|| format!("what-if-{id}.toml"));
    file_response(&answer.files, &path, download)
}

async fn folder_file(State(app): Shared, Path((id, path)): Path<(String, String)>) -> Response {
    let drawing = app.clone();
    let found = tokio::task::spawn_blocking(move || {
        let f = drawing.catalog.folder(&id).ok_or(())?;
        f.files()
            .map(|files| file_response(files, &path, None))
            .map_err(|_| ())
    })
    .await;
    match found {
        Ok(Ok(response)) => response,
        _ => not_found("no such saved run or file"),
    }
}
