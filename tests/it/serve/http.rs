//! The real binary: HTTP rules (traversal, hosts, types, redirects, bursts
//! of connections) and live reload end to end in headless Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use super::edits::TODAY;
use crate::browser::node;
use crate::harness::*;

/// The real binary serving a temporary copy of a fixture site.
struct Served {
    child: Child,
    url: String,
    port: u16,
    site: TempSite,
}

impl Served {
    fn start(fixture: &str) -> Served {
        let site = TempSite::from_fixture(fixture);
        let mut child = tsunagi()
            .args(["serve", "--port", "0", "--today", TODAY, "--root"])
            .arg(site.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tsunagi serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("a line");
        let url = line
            .trim()
            .strip_prefix("serving ")
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        Served {
            child,
            url,
            port,
            site,
        }
    }

    /// Sends raw bytes, returns the whole response.
    fn raw(&self, request: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.write_all(request.as_bytes()).expect("send");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).to_string()
    }

    fn get(&self, path: &str) -> String {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status(resp: &str) -> &str {
    resp.lines().next().unwrap_or("")
}

#[test]
fn the_server_refuses_traversal_and_foreign_hosts() {
    let s = Served::start("sites/basic");
    assert!(
        s.url.ends_with("/jobs/"),
        "served under the base path: {}",
        s.url
    );
    let ok = s.get("/jobs/talents/t-a/");
    assert!(status(&ok).contains("200"), "{ok}");
    assert!(
        ok.contains("Content-Type: text/html; charset=utf-8"),
        "{ok}"
    );
    assert!(ok.contains("/__tsunagi/livereload.js"), "script injected");
    for bad in [
        "/jobs/../../../../etc/passwd",
        "/jobs/%2e%2e/%2e%2e/etc/passwd",
        "/jobs/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/jobs/..%5c..%5cetc%5cpasswd",
        "/jobs/..\\..\\etc\\passwd",
        "/jobs/index.html%00.css",
        "/jobs/C:/Windows/win.ini",
        "//etc/passwd/..",
    ] {
        let r = s.get(bad);
        assert!(status(&r).contains("400"), "{bad}: {}", status(&r));
        assert!(!r.contains("root:"), "{bad}");
    }
    // absolute paths name files inside the site, not the machine
    let r = s.get("//etc/passwd");
    assert!(status(&r).contains("404"), "{}", status(&r));
    assert!(!r.contains("root:x:"));
    let r = s.raw("GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert!(!status(&r).contains("200"), "{}", status(&r));
    // DNS rebinding: a foreign name is refused, localhost is fine
    for host in [
        "evil.example",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
    ] {
        let r = s.raw(&format!(
            "GET /jobs/ HTTP/1.1\r\nHost: {host}:{}\r\nConnection: close\r\n\r\n",
            s.port
        ));
        assert!(status(&r).contains("403"), "{host}: {}", status(&r));
    }
    let r = s.raw(&format!(
        "GET /jobs/ HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&r).contains("200"), "{}", status(&r));
    let r = s.raw("GET /jobs/ HTTP/1.0\r\n\r\n");
    assert!(status(&r).contains("403"), "no Host: {}", status(&r));
}

/// Connections that stay open (kept-alive sockets, the live-reload event
/// stream of every open page) must not keep a new one waiting. tiny_http
/// 0.12.0 queued a burst of new connections behind one waiting thread, and
/// those beyond it waited until an open connection closed: a page's script
/// request never answered under load (vendor/tiny_http/PATCHED.md). The
/// burst comes while both cores are busy, which is when it happened.
#[test]
fn a_burst_of_connections_is_answered_while_others_stay_open() {
    let s = Served::start("sites/basic");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
            })
        })
        .collect();
    let request = format!(
        "GET /__tsunagi/livereload.js HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        s.port
    );
    let mut open = Vec::new();
    let mut unanswered = Vec::new();
    for round in 0..3 {
        let mut conns: Vec<TcpStream> = (0..24)
            .map(|_| TcpStream::connect(("127.0.0.1", s.port)).expect("connect"))
            .collect();
        for c in &mut conns {
            c.write_all(request.as_bytes()).expect("send");
        }
        // one deadline for the round, not one per connection
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        for (i, c) in conns.iter_mut().enumerate() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            c.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .expect("timeout");
            let mut head = [0u8; 12];
            match c.read_exact(&mut head) {
                Ok(()) if head.starts_with(b"HTTP/1.1 200") => {}
                other => unanswered.push(format!("round {round}, connection {i}: {other:?}")),
            }
        }
        // kept alive, like a browser's: they hold their threads
        open.extend(conns);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for b in busy {
        let _ = b.join();
    }
    assert!(unanswered.is_empty(), "no answer: {unanswered:#?}");
    drop(open);
}

/// A request's head is bounded (vendor/tiny_http/PATCHED.md): a request
/// line over 8 KiB is answered 414, headers over 64 KiB or 100 lines 431,
/// and the connection closed without reading further. Before, four
/// connections each sending an endless header line took the server to
/// gigabytes of memory.
#[test]
fn the_server_bounds_request_heads() {
    let s = Served::start("sites/basic");
    let long_path = format!("/jobs/{}", "a".repeat(9 * 1024));
    assert!(
        status(&s.get(&long_path)).contains("414"),
        "a 9 KiB request line"
    );
    let ok_path = format!("/jobs/?q={}", "a".repeat(6 * 1024));
    assert!(
        status(&s.get(&ok_path)).contains("200"),
        "a 6 KiB request line is fine"
    );
    let many = (0..101)
        .map(|i| format!("X-H{i}: v\r\n"))
        .collect::<String>();
    let r = s.raw(&format!(
        "GET /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{many}Connection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&r).contains("431"), "101 headers: {}", status(&r));
    let big = (0..9)
        .map(|i| format!("X-H{i}: {}\r\n", "b".repeat(8000)))
        .collect::<String>();
    let r = s.raw(&format!(
        "GET /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{big}Connection: close\r\n\r\n",
        s.port
    ));
    assert!(
        status(&r).contains("431"),
        "72 KB of headers: {}",
        status(&r)
    );

    // endless header lines on four connections at once: the server stops
    // reading each after its cap, and its memory stays small
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let port = s.port;
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                c.set_write_timeout(Some(Duration::from_secs(20)))
                    .expect("timeout");
                let _ = c.write_all(
                    format!("GET /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Endless: ")
                        .as_bytes(),
                );
                let chunk = vec![b'x'; 1 << 20];
                let mut sent = 0usize;
                while sent < 512 << 20 {
                    match c.write(&chunk) {
                        Ok(n) => sent += n,
                        Err(_) => break,
                    }
                }
                sent
            })
        })
        .collect();
    for t in senders {
        let sent = t.join().expect("sender");
        assert!(
            sent < 64 << 20,
            "the server kept reading an endless header: {sent} bytes taken"
        );
    }
    let rss_kb = std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
        .ok()
        .and_then(|st| {
            st.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .expect("the server's peak memory");
    assert!(rss_kb < 300 * 1024, "the server's peak memory: {rss_kb} kB");
    assert!(status(&s.get("/jobs/")).contains("200"), "still serving");
}

/// One address holds at most 128 connections (a browser opens six per host
/// and one event stream per tab); one more is answered 503 and closed, and
/// the places come back when connections close.
#[test]
fn the_server_caps_connections_per_client() {
    let s = Served::start("sites/basic");
    let held: Vec<TcpStream> = (0..128)
        .map(|_| TcpStream::connect(("127.0.0.1", s.port)).expect("connect"))
        .collect();
    // every held connection has been accepted once one request through them is answered
    let mut first = &held[127];
    first
        .write_all(format!("GET /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", s.port).as_bytes())
        .expect("send");
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = [0u8; 12];
    first.read_exact(&mut head).expect("an answer on the 128th");
    assert_eq!(&head, b"HTTP/1.1 200");
    let over = s.get("/jobs/");
    assert!(
        status(&over).contains("503"),
        "the 129th: {}",
        status(&over)
    );
    drop(held);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = s.get("/jobs/");
        if status(&r).contains("200") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "places never freed: {}",
            status(&r)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_server_gives_types_404s_head_and_redirects() {
    let s = Served::start("sites/basic");
    let css = s.get("/jobs/style.css");
    assert!(
        css.contains("Content-Type: text/css; charset=utf-8"),
        "{css}"
    );
    assert!(!css.contains("livereload"), "never in CSS");
    let svg = s.get("/jobs/images/map.svg");
    assert!(svg.contains("Content-Type: image/svg+xml"), "{svg}");
    let feed = s.get("/jobs/atom.xml");
    assert!(
        feed.contains("Content-Type: application/atom+xml; charset=utf-8"),
        "{}",
        status(&feed)
    );
    let sitemap = s.get("/jobs/sitemap.xml");
    assert!(sitemap.contains("Content-Type: application/xml; charset=utf-8"));
    let robots = s.get("/jobs/robots.txt");
    assert!(robots.contains("Content-Type: text/plain; charset=utf-8"));
    let png = s.get("/jobs/stories/kitchen/dish.png");
    assert!(png.contains("Content-Type: image/png"), "{}", status(&png));
    // Japanese term pages, percent-encoded as browsers send them
    let term = s.get("/jobs/tags/%E3%82%A8%E3%83%B3%E3%82%B8%E3%83%8B%E3%82%A2/");
    assert!(status(&term).contains("200"), "{}", status(&term));
    // misses get the site's 404 page with status 404
    let miss = s.get("/jobs/no/such/page/");
    assert!(status(&miss).contains("404"), "{}", status(&miss));
    assert!(miss.contains("<html"), "the site's 404.html");
    assert!(miss.contains("livereload"), "404 page reloads too");
    // HEAD: headers with the length, no body
    let head = s.raw(&format!(
        "HEAD /jobs/style.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&head).contains("200"), "{head}");
    assert!(head.contains("Content-Length: "), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "no body: {head:?}");
    // folders without their slash, and the root
    let r = s.get("/jobs/talents");
    assert!(
        status(&r).contains("301") && r.contains("Location: /jobs/talents/"),
        "{r}"
    );
    let r = s.get("/");
    assert!(
        status(&r).contains("302") && r.contains("Location: /jobs/"),
        "{r}"
    );
    let r = s.raw(&format!(
        "POST /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&r).contains("405"), "{r}");
    // `tsunagi build` output never carries the script
    let out = site_build_output(&s.site);
    assert!(
        out.values()
            .all(|b| !String::from_utf8_lossy(b).contains("__tsunagi"))
    );
}

fn site_build_output(site: &TempSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    site.build(TODAY, &[]);
    read_tree(&site.public())
}

#[test]
fn live_reload_end_to_end_in_chromium() {
    let s = Served::start("sites/basic");
    let out = node("serve-e2e.mjs", &[&s.url, &s.site.path().to_string_lossy()]);
    let text = text(&out);
    assert!(out.status.success(), "{text}");
    for step in [
        "OK text-edit",
        "OK second-page",
        "OK css-swap",
        "OK overlay",
        "OK recovered",
        "OK deleted-404",
        "OK search-follows",
    ] {
        assert!(text.contains(step), "{step} missing:\n{text}");
    }
}
