//! The dev server's request parser: any bytes sent to the server get an
//! HTTP answer or a closed connection, never a panic or a hang, and the
//! server keeps serving. The bytes go through the patched tiny_http head
//! parser (request line and header caps, vendor/tiny_http/PATCHED.md) and
//! tsunagi's own rules (`normalize_path`, `host_allowed`); a path they accept
//! never holds a `..` segment, a backslash or a NUL.
#![no_main]

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tsunagi::serve::http::{host_allowed, normalize_path};

fn check_path(target: &str) {
    if let Ok(p) = normalize_path(target) {
        assert!(p.starts_with('/'), "{p:?}");
        assert!(!p.contains(['\\', '\0']), "{p:?}");
        assert!(p.split('/').all(|s| s != ".." && s != "."), "{p:?}");
        // a decoded path, so `#` or `%` in it are names, not a fragment
        assert!(!p.contains("//"), "{p:?}");
    }
}

/// A tiny_http server on a free port answering as the dev server decides.
fn server() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("a port");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        std::thread::spawn(move || {
            for rq in server.incoming_requests() {
                let host = rq
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map(|h| h.value.as_str().to_string());
                let code = match host {
                    Some(h) if host_allowed(&h, IpAddr::V4(Ipv4Addr::LOCALHOST), port) => {
                        check_path(rq.url());
                        if normalize_path(rq.url()).is_ok() { 200 } else { 400 }
                    }
                    _ => 403,
                };
                let _ = rq.respond(tiny_http::Response::empty(code));
            }
        });
        port
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_path(text);
        let _ = host_allowed(text, IpAddr::V4(Ipv4Addr::LOCALHOST), 1111);
    }
    let port = server();
    let mut c = TcpStream::connect(("127.0.0.1", port)).expect("the server still accepts");
    c.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let _ = c.write_all(data);
    let _ = c.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1."),
        "not an HTTP answer: {:?}",
        String::from_utf8_lossy(&answer[..answer.len().min(80)])
    );
});
