//! Server-Sent Events to open pages: `reload`, `css`, `error` and `ok`.
//!
//! Each client gets its own thread and a small bounded queue. Broadcasting
//! only tries to queue a message, so a slow or stuck browser never blocks
//! a rebuild; a client whose queue is full is dropped, and its page
//! reconnects and catches up (it sees a newer build in the `hello`
//! message and reloads).

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::error::Diagnostic;

/// A diagnostic as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlayDiagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub source_line: Option<String>,
    pub severity: &'static str,
}

impl From<&Diagnostic> for OverlayDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        OverlayDiagnostic {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            source_line: d.source_line.clone(),
            severity: if d.is_error() { "error" } else { "warning" },
        }
    }
}

/// A message to every open page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Reload the page (keeping the scroll position).
    Reload { paths: Vec<String> },
    /// Only these stylesheets changed: swap them without reloading.
    Css { paths: Vec<String> },
    /// Only search index files changed: pages that read the index reload.
    Index { paths: Vec<String> },
    /// The last build failed: show these problems over the page.
    Error { diagnostics: Vec<OverlayDiagnostic> },
    /// The site builds again: remove the overlay.
    Ok,
}

impl Message {
    /// The message in the event-stream format.
    pub fn to_sse(&self) -> String {
        #[derive(Serialize)]
        struct Paths<'a> {
            paths: &'a [String],
        }
        #[derive(Serialize)]
        struct Diags<'a> {
            diagnostics: &'a [OverlayDiagnostic],
        }
        let (name, data) = match self {
            Message::Reload { paths } => ("reload", serde_json::to_string(&Paths { paths })),
            Message::Css { paths } => ("css", serde_json::to_string(&Paths { paths })),
            Message::Index { paths } => ("index", serde_json::to_string(&Paths { paths })),
            Message::Error { diagnostics } => {
                ("error", serde_json::to_string(&Diags { diagnostics }))
            }
            Message::Ok => ("ok", Ok("{}".to_string())),
        };
        // JSON has no raw newlines, so one data line carries it
        format!(
            "event: {name}\ndata: {}\n\n",
            data.unwrap_or_else(|_| "{}".to_string())
        )
    }
}

/// Messages queued per client before it counts as stuck.
const QUEUE: usize = 32;
/// A comment line this often keeps proxies quiet and finds closed clients.
const KEEPALIVE: Duration = Duration::from_secs(10);

struct State {
    clients: Vec<SyncSender<Arc<str>>>,
    /// Sent to every new client after `hello`: the current error or `ok`.
    status: Arc<str>,
    build: u64,
    /// The last build that changed more than the search index: a page
    /// served since then is current unless it reads the index.
    pages_build: u64,
}

/// The clients of one server.
#[derive(Clone)]
pub struct Hub {
    session: Arc<str>,
    state: Arc<Mutex<State>>,
}

impl Hub {
    /// A hub; `session` tells pages that the server restarted.
    pub fn new(session: String) -> Hub {
        Hub {
            session: session.into(),
            state: Arc::new(Mutex::new(State {
                clients: Vec::new(),
                status: Message::Ok.to_sse().into(),
                build: 0,
                pages_build: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // a panic while holding the lock leaves plain data behind: go on
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of connected clients.
    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    fn hello(&self, build: u64, pages: u64) -> String {
        format!(
            "retry: 500\nevent: hello\ndata: {{\"session\":{},\"build\":{build},\"pages\":{pages}}}\n\n",
            serde_json::to_string(&*self.session).unwrap_or_else(|_| "\"\"".into())
        )
    }

    /// Serves one client on its own thread: the response head, `hello`
    /// and the current status, then every broadcast message.
    pub fn add(&self, mut out: Box<dyn Write + Send>) {
        let (tx, rx) = sync_channel::<Arc<str>>(QUEUE);
        let first = {
            let mut st = self.lock();
            st.clients.push(tx);
            format!("{}{}", self.hello(st.build, st.pages_build), st.status)
        };
        let spawned = std::thread::Builder::new()
            .name("tsunagi-sse".into())
            .spawn(move || {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: keep-alive\r\n\r\n";
                if out.write_all(head.as_bytes()).is_err()
                    || out.write_all(first.as_bytes()).is_err()
                    || out.flush().is_err()
                {
                    return;
                }
                pump(&rx, &mut out);
            });
        if spawned.is_err() {
            // no thread: the client's sender is dropped at the next broadcast
        }
    }

    /// Sends `msg` to every client, without waiting for any. `status`
    /// messages (error/ok) are also kept for clients that connect later.
    pub fn broadcast(&self, msg: &Message, build: u64) {
        let text: Arc<str> = msg.to_sse().into();
        let mut st = self.lock();
        st.build = build;
        if !matches!(msg, Message::Index { .. }) {
            st.pages_build = build;
        }
        if matches!(msg, Message::Error { .. } | Message::Ok) {
            st.status = text.clone();
        }
        st.clients.retain(|c| match c.try_send(text.clone()) {
            Ok(()) => true,
            // stuck or gone: drop it; a live page reconnects and catches up
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        });
    }
}

fn pump(rx: &Receiver<Arc<str>>, out: &mut Box<dyn Write + Send>) {
    loop {
        let text: Arc<str> = match rx.recv_timeout(KEEPALIVE) {
            Ok(t) => t,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(text.as_bytes()).is_err() || out.flush().is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    /// A writer that hands everything written to a channel, optionally
    /// blocking forever (a stuck browser).
    struct Probe {
        tx: std::sync::mpsc::Sender<Vec<u8>>,
        stuck: bool,
    }
    impl Write for Probe {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.stuck {
                std::thread::sleep(Duration::from_secs(3600));
            }
            let _ = self.tx.send(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn read_until(rx: &std::sync::mpsc::Receiver<Vec<u8>>, needle: &str) -> String {
        let mut all = String::new();
        while !all.contains(needle) {
            let chunk = rx
                .recv_timeout(Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("no {needle:?} in {all:?}"));
            all.push_str(&String::from_utf8_lossy(&chunk));
        }
        all
    }

    #[test]
    fn messages_have_the_event_stream_form() {
        assert_eq!(
            Message::Css {
                paths: vec!["/style.css".into()]
            }
            .to_sse(),
            "event: css\ndata: {\"paths\":[\"/style.css\"]}\n\n"
        );
        let d =
            Diagnostic::error("content/talents/t-a.md", Some(3), "bad\nthing").at_column(Some(2));
        let m = Message::Error {
            diagnostics: vec![(&d).into()],
        }
        .to_sse();
        assert!(m.starts_with("event: error\ndata: {"), "{m}");
        assert_eq!(m.matches('\n').count(), 3, "one data line: {m}");
        assert!(m.contains("\"line\":3,\"column\":2"), "{m}");
    }

    #[test]
    fn every_client_gets_messages_and_new_clients_get_the_status() {
        let hub = Hub::new("s1".into());
        let (tx1, rx1) = channel();
        let (tx2, rx2) = channel();
        hub.add(Box::new(Probe {
            tx: tx1,
            stuck: false,
        }));
        hub.add(Box::new(Probe {
            tx: tx2,
            stuck: false,
        }));
        let first = read_until(&rx1, "event: ok");
        assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
        assert!(first.contains("text/event-stream"));
        assert!(first.contains("\"session\":\"s1\",\"build\":0"), "{first}");
        read_until(&rx2, "event: ok");
        hub.broadcast(&Message::Reload { paths: vec![] }, 1);
        read_until(&rx1, "event: reload");
        read_until(&rx2, "event: reload");
        let d = Diagnostic::error("site.yaml", Some(1), "oops");
        hub.broadcast(
            &Message::Error {
                diagnostics: vec![(&d).into()],
            },
            2,
        );
        // a page opened now sees the error at once
        let (tx3, rx3) = channel();
        hub.add(Box::new(Probe {
            tx: tx3,
            stuck: false,
        }));
        let got = read_until(&rx3, "event: error");
        assert!(got.contains("\"build\":2,\"pages\":2"), "{got}");
        assert!(got.contains("oops"));
        // a build that changed only the search index: pages opened before it
        // are still current unless they read the index
        hub.broadcast(&Message::Index { paths: vec![] }, 3);
        read_until(&rx3, "event: index");
        let (tx4, rx4) = channel();
        hub.add(Box::new(Probe {
            tx: tx4,
            stuck: false,
        }));
        let got = read_until(&rx4, "event: hello");
        assert!(got.contains("\"build\":3,\"pages\":2"), "{got}");
    }

    #[test]
    fn a_stuck_client_never_blocks_a_broadcast() {
        let hub = Hub::new("s".into());
        let (tx, _rx) = channel();
        hub.add(Box::new(Probe { tx, stuck: true }));
        let (tx2, rx2) = channel();
        hub.add(Box::new(Probe {
            tx: tx2,
            stuck: false,
        }));
        read_until(&rx2, "event: ok");
        let mut slowest = Duration::ZERO;
        for i in 0..(QUEUE as u64 + 2) {
            let start = std::time::Instant::now();
            hub.broadcast(&Message::Reload { paths: vec![] }, i);
            slowest = slowest.max(start.elapsed());
            // let the live client keep up
            std::thread::sleep(Duration::from_millis(2));
        }
        // not a speed check: a broadcast that waited on the stuck client
        // would sit out its hour-long write
        assert!(slowest < Duration::from_secs(60), "{slowest:?}");
        // the stuck one was dropped once its queue filled; the live one stays
        assert_eq!(hub.clients(), 1);
        read_until(&rx2, "event: reload");
    }
}
