//! `tsunagi serve` run as a writer runs it: from a folder of their choice,
//! usually the site itself, without `--root`. The server is followed the
//! way an open page follows it, through its live-reload event stream, and
//! its pages are fetched over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::*;

/// How long a change may take to reach the page: generous, since the test
/// binary is unoptimised and the machine's two cores run other tests.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One Server-Sent Event: its name and data line.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// A running `tsunagi serve`, its event stream and what it printed.
pub struct Live {
    child: Child,
    /// `http://127.0.0.1:<port>/` (with the site's base path).
    pub url: String,
    pub port: u16,
    events: Receiver<Event>,
    /// Every event seen so far (for messages when a wait fails).
    seen: Vec<Event>,
    stderr: Arc<Mutex<String>>,
}

impl Live {
    /// Runs `tsunagi <args>` in `cwd` (args start with `serve`; `--port 0`
    /// is added), waits for its URL and opens its event stream.
    pub fn start(cwd: &Path, args: &[&str]) -> Live {
        let mut child = tsunagi()
            .current_dir(cwd)
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tsunagi serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let log = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let chunk = String::from_utf8_lossy(&buf[..n]).to_string();
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&chunk);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("a line");
        let url = match line.trim().strip_prefix("serving ") {
            Some(u) => u.to_string(),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no URL in {line:?}; stderr:\n{}",
                    stderr.lock().unwrap_or_else(|e| e.into_inner())
                );
            }
        };
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        let events = open_events(port);
        let mut live = Live {
            child,
            url,
            port,
            events,
            seen: Vec::new(),
            stderr,
        };
        // the stream opens with `hello` and the current status
        live.wait_for("the first build's status", |e| {
            e.name == "ok" || e.name == "error"
        });
        live
    }

    /// What the server printed on stderr so far.
    pub fn log(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits for an event that `want` accepts; panics with everything seen
    /// and the server's log after [`PATIENCE`].
    pub fn wait_for(&mut self, what: &str, want: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if want(&e) {
                        return e;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => panic!(
                    "waited {PATIENCE:?} for {what}; events seen: {:#?}\nserver log:\n{}",
                    self.seen,
                    self.log()
                ),
            }
        }
    }

    /// Waits until a `reload` names `page` (a site path such as
    /// `/stories/first-story/`) and the page, fetched then as an open tab
    /// fetches it, shows `expected`; returns the page. A reload left over
    /// from an earlier save is passed over.
    pub fn shows(&mut self, page: &str, expected: &str, why: &str) -> String {
        let file = format!("\"{page}index.html\"");
        loop {
            self.wait_for(&format!("a reload of {page} after {why}"), |e| {
                e.name == "reload" && e.data.contains(&file)
            });
            let (status, body) = self.get(page);
            assert_eq!(status, 200, "{page} after {why}:\n{body}");
            if body.contains(expected) {
                return body;
            }
        }
    }

    /// GET `path` (a site path, joined to the served URL): status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        let base = self
            .url
            .trim_start_matches("http://")
            .split_once('/')
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_else(|| "/".to_string());
        let full = format!("{}{}", base.trim_end_matches('/'), path);
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let req = format!(
            "GET {full} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).expect("send");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).to_string();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens `/__tsunagi/events` and hands each event to the receiver.
fn open_events(port: u16) -> Receiver<Event> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the event stream");
    let req = format!("GET /__tsunagi/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut name = String::new();
        let mut data = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                let e = Event {
                    name: std::mem::take(&mut name),
                    data: std::mem::take(&mut data),
                };
                if tx.send(e).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Saves `text` to `path` the way editors do: a temporary file beside it
/// (`temp` names it), then a rename over the original.
pub fn save_by_rename(path: &Path, temp: &str, text: &str) {
    let tmp = path.with_file_name(temp);
    std::fs::write(&tmp, text).expect("write the temporary file");
    std::fs::rename(&tmp, path).expect("rename over the original");
}

/// Appends `text` to `path` (`echo … >> file`).
pub fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open for appending");
    f.write_all(text.as_bytes()).expect("append");
}
