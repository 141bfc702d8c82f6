//! The HTTP rules of the dev server as pure functions: which request paths
//! are allowed and what they name, which Host headers are accepted, which
//! Content-Type a file gets, and where the live-reload script goes.

use std::net::IpAddr;

/// Why a request path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadPath {
    /// Not an origin-form path (`http://…`, `*`, empty, or not starting with `/`).
    NotAbsolute,
    /// A `..` segment, written plainly or percent-encoded.
    Traversal,
    /// A backslash, NUL, encoded `/` inside a segment, or a drive letter.
    Forbidden,
    /// Percent-encoding that is not valid UTF-8.
    BadEncoding,
}

/// Percent-decodes and normalises the path of a request target.
///
/// The query and fragment are dropped; empty and `.` segments disappear;
/// `..` anywhere is refused rather than resolved (a site never links that
/// way), as are backslashes, NUL, `%2F` inside a segment and Windows drive
/// letters. The result starts with `/` and keeps a trailing `/`, e.g.
/// `/tags/エンジニア/`.
pub fn normalize_path(target: &str) -> Result<String, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(BadPath::NotAbsolute);
    }
    if path.contains('\\') {
        return Err(BadPath::Forbidden);
    }
    let mut segments: Vec<String> = Vec::new();
    for raw in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| BadPath::BadEncoding)?;
        if decoded.contains(['/', '\\', '\0']) {
            return Err(BadPath::Forbidden);
        }
        match decoded.as_ref() {
            "" | "." => continue,
            ".." => return Err(BadPath::Traversal),
            // `...` and friends are names on some systems that mean a parent
            s if s.chars().all(|c| c == '.') => return Err(BadPath::Traversal),
            _ => {}
        }
        let b = decoded.as_bytes();
        if b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(BadPath::Forbidden);
        }
        segments.push(decoded.into_owned());
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    out.push_str(&segments.join("/"));
    if !segments.is_empty() && (path.ends_with('/') || path.ends_with("/.")) {
        out.push('/');
    }
    Ok(out)
}

/// True when the Host header names this server: `localhost`, a loopback
/// address or the address it is bound to (any IP address when bound to
/// all interfaces), with the server's port if a port is given. Any other
/// name is refused, which defeats DNS rebinding: a page on another site
/// cannot make the browser send its requests here under its own name.
pub fn host_allowed(host: &str, bound: IpAddr, port: u16) -> bool {
    let host = host.trim();
    let (name, host_port) = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:1111
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        (addr, port)
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    let port_ok = match host_port {
        Some(p) => p.parse::<u16>().is_ok_and(|p| p == port),
        None => port == 80,
    };
    if !port_ok || name.is_empty() {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bound || bound.is_unspecified(),
        Err(_) => false,
    }
}

/// The Content-Type of an output file, by its name (UTF-8 for text).
pub fn content_type(file: &str) -> &'static str {
    let name = file.rsplit('/').next().unwrap_or(file);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" if name == "atom.xml" => "application/atom+xml; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Path of the live-reload script.
pub const SCRIPT_PATH: &str = "/__tsunagi/livereload.js";
/// Path of the event stream.
pub const EVENTS_PATH: &str = "/__tsunagi/events";

/// The tag that loads the live-reload script, naming the server session
/// and the build the page comes from (so the page notices a build that
/// finished before its event stream connected).
pub fn script_tag(session: &str, build: u64) -> String {
    let session: String = session
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-session=\"{session}\" data-build=\"{build}\" defer></script>"
    )
}

/// `html` with `tag` before its last `</body>` (or at the end when there
/// is none).
pub fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_normalised() {
        assert_eq!(normalize_path("/").as_deref(), Ok("/"));
        assert_eq!(normalize_path("/talents/").as_deref(), Ok("/talents/"));
        assert_eq!(normalize_path("/talents").as_deref(), Ok("/talents"));
        assert_eq!(
            normalize_path("/tags/%E3%82%A8%E3%83%B3%E3%82%B8%E3%83%8B%E3%82%A2/?page=2#x")
                .as_deref(),
            Ok("/tags/エンジニア/")
        );
        assert_eq!(normalize_path("//a//./b/").as_deref(), Ok("/a/b/"));
        assert_eq!(normalize_path("/a/.").as_deref(), Ok("/a/"));
        assert_eq!(
            normalize_path("/style.css?v=1").as_deref(),
            Ok("/style.css")
        );
        assert_eq!(normalize_path("/a%20b.txt").as_deref(), Ok("/a b.txt"));
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/a/..",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/.%2e/x",
            "/%2e./x",
            "/a/%2e%2e/%2e%2e/b",
            "/.../x",
        ] {
            assert_eq!(normalize_path(bad), Err(BadPath::Traversal), "{bad}");
        }
        for bad in [
            "/..\\..\\windows",
            "/a\\b",
            "/%5c..%5cetc",
            "/a%5Cb",
            "/a%00b",
            "/index.html%00.png",
            "/%2fetc/passwd",
            "/a%2F..%2F..%2Fetc",
            "/C:/Windows/win.ini",
            "/c%3A/x",
            "/jobs/C:/Windows/win.ini",
        ] {
            assert_eq!(normalize_path(bad), Err(BadPath::Forbidden), "{bad}");
        }
        for bad in ["", "*", "etc/passwd", "http://evil.example/a", "..", "%2F"] {
            assert_eq!(normalize_path(bad), Err(BadPath::NotAbsolute), "{bad}");
        }
        assert_eq!(normalize_path("/%ff%fe"), Err(BadPath::BadEncoding));
        assert_eq!(normalize_path("/%e3%82"), Err(BadPath::BadEncoding));
    }

    #[test]
    fn host_must_name_this_server() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(host_allowed("127.0.0.1:1111", lo, 1111));
        assert!(host_allowed("localhost:1111", lo, 1111));
        assert!(host_allowed("LOCALHOST:1111", lo, 1111));
        assert!(host_allowed("[::1]:1111", lo, 1111));
        assert!(host_allowed("127.0.0.2:1111", lo, 1111), "loopback range");
        assert!(!host_allowed("127.0.0.1:2222", lo, 1111), "other port");
        assert!(!host_allowed("127.0.0.1", lo, 1111), "port missing");
        assert!(host_allowed("localhost", lo, 80));
        assert!(!host_allowed("evil.example:1111", lo, 1111), "rebinding");
        assert!(!host_allowed("localhost.evil.example:1111", lo, 1111));
        assert!(!host_allowed("127.0.0.1.nip.io:1111", lo, 1111));
        assert!(
            !host_allowed("192.168.1.5:1111", lo, 1111),
            "not bound there"
        );
        assert!(!host_allowed("", lo, 1111));
        assert!(!host_allowed(":1111", lo, 1111));
        assert!(!host_allowed("[::1", lo, 1111));
        assert!(!host_allowed("[::1]x", lo, 1111));
        assert!(!host_allowed("localhost:1111:1111", lo, 1111));
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", lan, 1111));
        assert!(!host_allowed("192.168.1.6:1111", lan, 1111));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(
            host_allowed("10.0.0.7:1111", any, 1111),
            "an address of this machine"
        );
        assert!(!host_allowed("attacker.example:1111", any, 1111));
    }

    #[test]
    fn content_types_cover_the_site_files() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("talents/t-a/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("search-index/ja.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("en/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("images/a.PNG"), "image/png");
        assert_eq!(content_type("talents/t-a/photo.jpg"), "image/jpeg");
        assert_eq!(content_type("x.jpeg"), "image/jpeg");
        assert_eq!(content_type("x.webp"), "image/webp");
        assert_eq!(content_type("x.gif"), "image/gif");
        assert_eq!(content_type("icon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("doc.pdf"), "application/pdf");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let tag = script_tag("abc\"><x", 7);
        assert_eq!(
            tag,
            "<script src=\"/__tsunagi/livereload.js\" data-session=\"abcx\" data-build=\"7\" defer></script>"
        );
        let html = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = String::from_utf8(inject(html, &tag)).unwrap();
        assert_eq!(
            out,
            format!("<html><body><p>&lt;/body&gt;</p>{tag}</BODY></html>")
        );
        let out = String::from_utf8(inject(b"<p>fragment", &tag)).unwrap();
        assert_eq!(out, format!("<p>fragment{tag}"));
    }
}
