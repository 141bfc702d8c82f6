#!/usr/bin/env python3
"""Edit-to-reload latency of a running `tsunagi serve` (stdlib only).

Listens to /__tsunagi/events like a page does, saves one Markdown file N
times the way editors do (write a temporary file, rename it over the
original), and measures from each rename to the `reload` event.

usage: serve_latency.py URL FILE [N] [body|front] [PAGE_URL]
  body  (default) appends a sentence to the body: the dev server shows the
        edited page first, then rebuilds the rest;
  PAGE_URL, when given, is fetched after each reload event, as the open
        browser tab would: edit-to-page is measured to its last byte.
  front changes the front matter (the headline): the page is shown once
        the content is loaded and through the consent gate.
"""
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

url, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
mode = sys.argv[4] if len(sys.argv) > 4 else "body"
page_url = sys.argv[5] if len(sys.argv) > 5 else None
if mode not in ("body", "front"):
    sys.exit(f"unknown edit mode {mode!r}: body or front")
u = urllib.parse.urlparse(url)
events = []  # (monotonic time, name)
cond = threading.Condition()


def listen():
    s = socket.create_connection((u.hostname, u.port))
    s.sendall(f"GET /__tsunagi/events HTTP/1.1\r\nHost: {u.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        now = time.monotonic()
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.startswith(b"event: "):
                with cond:
                    events.append((now, line[7:].decode().strip()))
                    cond.notify_all()


threading.Thread(target=listen, daemon=True).start()
with cond:
    cond.wait_for(lambda: any(e == "hello" for _, e in events), timeout=30)


def wait_until_idle(quiet=1.0, limit=60.0):
    """Until no event came for `quiet` seconds: a rebuild still running (the
    restore at the end of an earlier run, say) would otherwise answer the
    first edit, and every later edit would wait for its predecessor's events."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        with cond:
            n = len(events)
            cond.wait_for(lambda: len(events) > n, timeout=quiet)
            if len(events) == n:
                return


wait_until_idle()

original = open(path, encoding="utf-8").read()
tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
lat = []
page_lat = []
stale = 0  # pages fetched after the event without the edit
try:
    for i in range(n):
        if mode == "body":
            text = original.rstrip("\n") + f"\n\n編集 {i}: 追記した一文です。\n"
        else:
            text = re.sub(r"^headline: .*$", f'headline: "編集 {i}: 見出し"', original, count=1, flags=re.M)
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        seen = len(events)
        os.rename(tmp, path)
        t0 = time.monotonic()
        with cond:
            ok = cond.wait_for(lambda: any(e == "reload" for _, e in events[seen:]), timeout=30)
        if not ok:
            print(f"edit {i}: no reload within 30 s", file=sys.stderr)
            continue
        t1 = next(t for t, e in events[seen:] if e == "reload")
        lat.append((t1 - t0) * 1000)
        if page_url:
            with urllib.request.urlopen(page_url, timeout=30) as r:
                page = r.read().decode("utf-8", "replace")
            page_lat.append((time.monotonic() - t0) * 1000)
            if f"編集 {i}" not in page:
                stale += 1
        # the next save comes once the server is idle again (the rest of the
        # pages and the search index rebuilt), as a writer's would
        with cond:
            cond.wait_for(lambda: any(e == "index" for _, e in events[seen:]), timeout=30)
        time.sleep(0.25)
finally:
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(original)
    os.rename(tmp, path)

lat.sort()
p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
print(f"edits ({mode}): {len(lat)}/{n}")
print(f"edit-to-reload ms: median {statistics.median(lat):.1f}  p95 {p95:.1f}  min {lat[0]:.1f}  max {lat[-1]:.1f}")
if page_lat:
    page_lat.sort()
    p95 = page_lat[min(len(page_lat) - 1, int(round(0.95 * (len(page_lat) - 1))))]
    print(f"edit-to-page ms ({stale} without the edit): median {statistics.median(page_lat):.1f}  p95 {p95:.1f}  min {page_lat[0]:.1f}  max {page_lat[-1]:.1f}")
