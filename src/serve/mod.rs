//! `tsunagi serve`: the site built into memory, served with live reload.
//!
//! * [`http`]: path normalisation, Host checks, Content-Types, script
//!   injection (pure functions).
//! * [`watch`]: notify, debouncing and classifying changes.
//! * [`incremental`]: rebuilding with caches, equal to a full build.
//! * [`events`]: Server-Sent Events to every open page.
//!
//! Requests read the current output through an `Arc` swapped after each
//! good build, so they never wait for a rebuild; a failed build keeps the
//! last good output and sends the problems to every page (an overlay). The
//! library never prints: [`serve`] reports through a callback.

pub mod events;
pub mod http;
pub mod incremental;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::build::BuildOptions;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::output::Output;
use events::{Hub, Message, OverlayDiagnostic};
use incremental::{Outcome, Session};

/// The live-reload script served at [`http::SCRIPT_PATH`].
pub const LIVERELOAD_JS: &str = include_str!("livereload.js");

/// HTTP worker threads.
const WORKERS: usize = 4;

/// What to serve, where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site and build settings (drafts, today, audience).
    pub build: BuildOptions,
    /// Address to listen on (`127.0.0.1`, `::1`, `0.0.0.0` …; `localhost`).
    pub bind: String,
    /// Port; 0 picks a free one (reported in [`ServeEvent::Listening`]).
    pub port: u16,
}

/// What the server reports to its caller.
#[derive(Debug)]
pub enum ServeEvent {
    /// Listening; `exposed` is true when other computers can connect.
    Listening { url: String, exposed: bool },
    /// A build succeeded.
    Built {
        first: bool,
        /// Only the search index, following a rebuild's pages.
        search_index: bool,
        /// Only the pages of one edited document, ahead of the rebuild.
        edited_page: bool,
        elapsed: Duration,
        files: usize,
        /// Output files that changed.
        changed: usize,
        /// Pages rendered again.
        rerendered: usize,
        /// Content files read again.
        reparsed: usize,
        /// Pages that are open, told to reload or swap styles.
        clients: usize,
        /// Time per stage of the build.
        stages: Vec<(&'static str, Duration)>,
    },
    /// A build failed; the last good site is still served.
    Failed {
        first: bool,
        elapsed: Duration,
        diagnostics: Diagnostics,
    },
    /// Something worth a line that is not a build (a watcher problem).
    Notice(String),
}

/// What requests see: swapped as a whole after each build.
struct Snapshot {
    output: Option<Arc<Output>>,
    /// The problems of the last build when it failed.
    failure: Option<Vec<Diagnostic>>,
    base_path: String,
    build: u64,
}

struct Ctx {
    state: RwLock<Arc<Snapshot>>,
    hub: Hub,
    session_id: String,
    bound: IpAddr,
    port: u16,
}

impl Ctx {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.state.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn swap(&self, s: Snapshot) {
        *self.state.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(s);
    }
}

fn parse_bind(bind: &str) -> Result<IpAddr> {
    if bind.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    bind.trim_matches(['[', ']']).parse().map_err(|_| {
        Error::Usage(format!(
            "--bind {bind}: expected an IP address such as 127.0.0.1"
        ))
    })
}

/// A listening socket with Nagle's algorithm off (accepted connections
/// inherit it). tiny_http writes a response's head and body separately;
/// with Nagle on, the body waits for the client's delayed ACK of the head,
/// about 40 ms per request on a kept-alive connection.
fn listen(addr: SocketAddr) -> std::result::Result<Server, String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| e.to_string())?;
    if addr.is_ipv6() {
        // `--bind ::` also takes IPv4 where the system allows it
        let _ = socket.set_only_v6(false);
    }
    socket.set_reuse_address(true).map_err(|e| e.to_string())?;
    socket.set_tcp_nodelay(true).map_err(|e| e.to_string())?;
    socket.bind(&addr.into()).map_err(|e| e.to_string())?;
    socket.listen(128).map_err(|e| e.to_string())?;
    let listener: std::net::TcpListener = socket.into();
    Server::from_listener(listener, None).map_err(|e| e.to_string())
}

/// Serves the site until the process ends. Returns only on a startup
/// error (the address is taken, the site folder is missing); content
/// errors never stop it.
pub fn serve(mut opts: ServeOptions, report: &mut dyn FnMut(ServeEvent)) -> Result<()> {
    if !opts.build.root.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such folder (pass the site folder with --root)",
            opts.build.root.display()
        )));
    }
    // The watcher reports absolute paths with symbolic links resolved, and
    // every change is placed by comparing its path with the root's: a
    // relative root (`.`, the default, or `./sub/site`) matched none of
    // them. One absolute, resolved root for the watcher, the build and the
    // comparisons alike.
    opts.build.root = std::fs::canonicalize(&opts.build.root)
        .map_err(|e| Error::io("resolving", &opts.build.root, e))?;
    // an output folder (where the library's caller chose one) is compared
    // with the watcher's paths too: it never counts as a change
    if let Some(out) = opts.build.output.take() {
        let resolved = std::fs::canonicalize(&out).or_else(|_| std::path::absolute(&out));
        opts.build.output = Some(resolved.map_err(|e| Error::io("resolving", &out, e))?);
    }
    let root = opts.build.root.clone();
    let ip = parse_bind(&opts.bind)?;
    let server = listen(SocketAddr::new(ip, opts.port)).map_err(|e| {
        Error::Usage(format!(
            "cannot listen on {}:{}: {e} (another program may use the port; try --port)",
            opts.bind, opts.port
        ))
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(opts.port);
    let host = match ip {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    let origin = format!("http://{host}:{port}");
    let session_id = format!(
        "{:x}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default()
    );
    let mut session = Session::new(opts.build.clone(), Some(origin.clone()));
    let ctx = Arc::new(Ctx {
        state: RwLock::new(Arc::new(Snapshot {
            output: None,
            failure: None,
            base_path: "/".into(),
            build: 0,
        })),
        hub: Hub::new(session_id.clone()),
        session_id,
        bound: ip,
        port,
    });

    // watch before the first build, so no change during it is lost
    let output_dir = opts.build.output_dir();
    let (tx, rx) = channel();
    let mut watcher = watch::SiteWatcher::start(&root, tx)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;

    let first = session.build_all();
    publish(&ctx, &session, first, Published::First, report);
    report(ServeEvent::Listening {
        url: format!("{origin}{}", session.base_path()),
        exposed: !ip.is_loopback(),
    });

    let server = Arc::new(server);
    for i in 0..WORKERS {
        let server = server.clone();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name(format!("tsunagi-http-{i}"))
            .spawn(move || {
                while let Ok(req) = server.recv() {
                    handle(&ctx, req);
                }
            })
            .map_err(|e| Error::io("starting", &PathBuf::from("http worker"), e))?;
    }

    let debounce = watch::Debounce::default();
    let mut notices = Vec::new();
    loop {
        let batch = watch::next_batch(&rx, debounce, &root, &output_dir, &mut |e| notices.push(e));
        for n in notices.drain(..) {
            report(ServeEvent::Notice(format!("file watcher: {n}")));
        }
        let Some(changes) = batch else {
            return Err(Error::Usage("the file watcher stopped".to_string()));
        };
        if let Err(e) = watcher.refresh() {
            report(ServeEvent::Notice(format!("file watcher: {e}")));
        }
        // the edited page first: its body when that is all that changed,
        // else its front matter once the content is through the consent
        // gate; then the pages; then the search index they left as it was
        if let Some(outcome) = session.quick_edit(&changes) {
            publish(&ctx, &session, outcome, Published::Edited, report);
        }
        let outcome = match session.begin_rebuild(&changes) {
            Ok(pending) => {
                if let Some(outcome) = session.show_edited(&pending, &changes) {
                    publish(&ctx, &session, outcome, Published::Edited, report);
                }
                session.finish_rebuild(pending)
            }
            Err(failed) => failed,
        };
        publish(&ctx, &session, outcome, Published::Pages, report);
        if let Some(outcome) = session.finish_search() {
            publish(&ctx, &session, outcome, Published::SearchIndex, report);
        }
    }
}

/// What a published outcome is the result of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Published {
    /// The first build.
    First,
    /// The pages of an edited document, ahead of the rebuild.
    Edited,
    /// A rebuild after changes (perhaps without its search index).
    Pages,
    /// The search index following a rebuild's pages.
    SearchIndex,
}

/// Makes a build's result visible: swaps the output and tells the pages.
fn publish(
    ctx: &Ctx,
    session: &Session,
    outcome: Outcome,
    what: Published,
    report: &mut dyn FnMut(ServeEvent),
) {
    let first = what == Published::First;
    let old = ctx.snapshot();
    match outcome {
        Outcome::Built {
            changed,
            elapsed,
            rerendered,
            reparsed,
            stages,
        } => {
            let output = session.output().map(|o| Arc::new(o.clone()));
            let files = output.as_ref().map_or(0, |o| o.files.len());
            let base_path = session.base_path();
            let build = if changed.is_empty() {
                old.build
            } else {
                old.build + 1
            };
            ctx.swap(Snapshot {
                output,
                failure: None,
                base_path: base_path.clone(),
                build,
            });
            if old.failure.is_some() {
                ctx.hub.broadcast(&Message::Ok, build);
            }
            if !changed.is_empty() {
                let paths: Vec<String> =
                    changed.iter().map(|f| format!("{base_path}{f}")).collect();
                let msg = if changed.iter().all(|f| f.ends_with(".css")) {
                    Message::Css { paths }
                } else if what == Published::SearchIndex {
                    Message::Index { paths }
                } else {
                    Message::Reload { paths }
                };
                ctx.hub.broadcast(&msg, build);
            }
            report(ServeEvent::Built {
                first,
                search_index: what == Published::SearchIndex,
                edited_page: what == Published::Edited,
                elapsed,
                files,
                changed: changed.len(),
                rerendered,
                reparsed,
                clients: ctx.hub.clients(),
                stages,
            });
        }
        Outcome::Failed {
            diagnostics,
            elapsed,
        } => {
            // the last good site (without an edited body shown ahead of this build)
            let output = match session.output() {
                Some(o) => Some(Arc::new(o.clone())),
                None => old.output.clone(),
            };
            ctx.swap(Snapshot {
                output,
                failure: Some(diagnostics.clone()),
                base_path: old.base_path.clone(),
                build: old.build,
            });
            let shown: Vec<OverlayDiagnostic> = diagnostics.iter().map(Into::into).collect();
            ctx.hub
                .broadcast(&Message::Error { diagnostics: shown }, old.build);
            report(ServeEvent::Failed {
                first,
                elapsed,
                diagnostics: Diagnostics(diagnostics),
            });
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // names and values here are ASCII made by this module
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("ASCII header"))
}

fn respond(req: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut r = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    for (k, v) in extra {
        r.add_header(header(k, v));
    }
    // the client may have gone; nothing to do then
    let _ = req.respond(r);
}

fn text(req: Request, status: u16, msg: &str) {
    respond(
        req,
        status,
        "text/plain; charset=utf-8",
        msg.as_bytes().to_vec(),
        &[],
    );
}

fn handle(ctx: &Ctx, req: Request) {
    let host = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    match host {
        Some(h) if http::host_allowed(&h, ctx.bound, ctx.port) => {}
        _ => {
            return text(
                req,
                403,
                "tsunagi serve: this server answers only to its own address (localhost or the address it is bound to)",
            );
        }
    }
    let head = match req.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            return respond(
                req,
                405,
                "text/plain; charset=utf-8",
                b"only GET and HEAD".to_vec(),
                &[("Allow", "GET, HEAD")],
            );
        }
    };
    let _ = head; // tiny_http leaves the body out of HEAD responses itself
    let path = match http::normalize_path(req.url()) {
        Ok(p) => p,
        Err(_) => return text(req, 400, "bad request path"),
    };
    if path == http::SCRIPT_PATH {
        return respond(
            req,
            200,
            "text/javascript; charset=utf-8",
            LIVERELOAD_JS.as_bytes().to_vec(),
            &[],
        );
    }
    if path == http::EVENTS_PATH {
        ctx.hub.add(req.into_writer());
        return;
    }
    let snap = ctx.snapshot();
    let tag = http::script_tag(&ctx.session_id, snap.build);
    let Some(output) = &snap.output else {
        return respond(
            req,
            500,
            "text/html; charset=utf-8",
            failure_page(snap.failure.as_deref().unwrap_or_default(), &tag),
            &[],
        );
    };
    let base = snap.base_path.trim_end_matches('/');
    let site_path = match path.strip_prefix(base) {
        Some("") => "/".to_string(),
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => {
            if path == "/" {
                return respond(
                    req,
                    302,
                    "text/plain; charset=utf-8",
                    Vec::new(),
                    &[("Location", &snap.base_path)],
                );
            }
            return not_found(req, output, &tag);
        }
    };
    match output.lookup(&site_path) {
        Some((file, bytes)) => {
            if !site_path.ends_with('/')
                && file.ends_with("/index.html")
                && !site_path.ends_with("index.html")
            {
                // a folder without its slash: relative links need the slash
                let location = crate::slug::encode_path(&format!("{}{site_path}/", base));
                return respond(
                    req,
                    301,
                    "text/plain; charset=utf-8",
                    Vec::new(),
                    &[("Location", &location)],
                );
            }
            let ct = http::content_type(file);
            let body = if ct.starts_with("text/html") {
                http::inject(bytes, &tag)
            } else {
                bytes.to_vec()
            };
            respond(req, 200, ct, body, &[])
        }
        None => not_found(req, output, &tag),
    }
}

fn not_found(req: Request, output: &Output, tag: &str) {
    match output.files.get("404.html") {
        Some(page) => respond(
            req,
            404,
            "text/html; charset=utf-8",
            http::inject(page, tag),
            &[],
        ),
        None => text(req, 404, "not found"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page served while the site has never built: the problems as text
/// (the overlay shows them too) and the script, which reloads on success.
fn failure_page(diags: &[Diagnostic], tag: &str) -> Vec<u8> {
    let list: String = diags
        .iter()
        .map(|d| format!("{}\n\n", escape(&d.to_string())))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tsunagi: the site does not build</title></head>\n<body><h1>The site does not build yet</h1>\n<p>Fix the problems below; this page reloads by itself.</p>\n<pre>{list}</pre>\n{tag}</body></html>\n"
    )
    .into_bytes()
}
