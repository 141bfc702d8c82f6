// tsunagi serve: live reload and the error overlay. Injected into HTML pages
// by the dev server only; `tsunagi build` output never contains it.
(function () {
  "use strict";
  if (window.__tsunagi) return;
  // The page knows which server session and build it was served from, so a
  // build that finished before the event stream connected is not missed.
  var me = document.currentScript;
  var state = (window.__tsunagi = {
    session: me && me.dataset.session ? me.dataset.session : null,
    build: me && me.dataset.build ? Number(me.dataset.build) : null,
    connected: false,
    delay: 250,
    es: null
  });
  var SCROLL_KEY = "__tsunagi_scroll:" + location.pathname + location.search;

  // Restore the scroll position a reload saved.
  try {
    var saved = sessionStorage.getItem(SCROLL_KEY);
    if (saved) {
      sessionStorage.removeItem(SCROLL_KEY);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be off */ }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function swapCss(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    var stamp = Date.now();
    var matched = false;
    var swap = function (link) {
      var url = new URL(link.href, location.href);
      url.searchParams.set("__tsunagi", stamp);
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    };
    links.forEach(function (link) {
      var path = new URL(link.href, location.href).pathname;
      if (paths.some(function (p) { return path === p || path.endsWith(p); })) {
        matched = true;
        swap(link);
      }
    });
    // a stylesheet imported by another one: refresh them all
    if (!matched) links.forEach(swap);
  }

  function readsIndex() {
    return !!document.querySelector("[data-search-index]");
  }

  var OVERLAY = "__tsunagi_overlay";
  function hideOverlay() {
    var o = document.getElementById(OVERLAY);
    if (o) o.remove();
  }
  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text != null) e.textContent = text;
    return e;
  }
  function showOverlay(diags) {
    hideOverlay();
    var box = el("div",
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.93);" +
      "color:#f4f4f5;font:15px/1.5 system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;padding:2rem;");
    box.id = OVERLAY;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Build error");
    var errors = diags.filter(function (d) { return d.severity === "error"; }).length;
    var head = el("div", "display:flex;justify-content:space-between;align-items:center;margin-bottom:1rem;");
    head.appendChild(el("strong", "font-size:1.2rem;color:#fca5a5;",
      "tsunagi: the site does not build (" + errors + " problem" + (errors === 1 ? "" : "s") +
      "). The last good version is shown below this message."));
    var close = el("button", "font:inherit;padding:.2rem .8rem;cursor:pointer;", "×");
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", hideOverlay);
    head.appendChild(close);
    box.appendChild(head);
    diags.forEach(function (d) {
      var item = el("div", "margin:0 0 1.2rem;padding:1rem;background:#27272a;border-left:4px solid " +
        (d.severity === "error" ? "#ef4444" : "#eab308") + ";border-radius:4px;");
      item.className = "__tsunagi_diagnostic";
      var where = d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "");
      var loc = el("div", "font-family:ui-monospace,Menlo,Consolas,monospace;color:#93c5fd;", where);
      loc.className = "__tsunagi_location";
      item.appendChild(loc);
      var msg = el("div", "margin:.3rem 0;white-space:pre-wrap;", d.severity + ": " + d.message);
      msg.className = "__tsunagi_message";
      item.appendChild(msg);
      if (d.source_line != null) {
        var gutter = String(d.line || "");
        var text = gutter + " | " + d.source_line;
        if (d.column) text += "\n" + " ".repeat(gutter.length) + " | " + " ".repeat(Math.max(0, d.column - 1)) + "^";
        var pre = el("pre", "margin:.5rem 0 0;padding:.5rem;background:#18181b;overflow:auto;" +
          "font-family:ui-monospace,Menlo,Consolas,'Noto Sans Mono CJK JP',monospace;", text);
        pre.className = "__tsunagi_source";
        item.appendChild(pre);
      }
      box.appendChild(item);
    });
    (document.body || document.documentElement).appendChild(box);
  }

  function connect() {
    var es = (state.es = new EventSource("/__tsunagi/events"));
    es.addEventListener("open", function () { state.delay = 250; });
    es.addEventListener("hello", function (e) {
      var h = JSON.parse(e.data);
      // The server restarted, or builds happened while we were away (one
      // that changed only the search index matters only to pages reading it).
      var missed = h.build !== state.build &&
        (state.build === null || state.build < 0 || h.pages > state.build || readsIndex());
      if (state.session !== null && (h.session !== state.session || missed)) {
        reload();
        return;
      }
      state.session = h.session;
      state.build = h.build;
      state.connected = true;
    });
    es.addEventListener("reload", function () { reload(); });
    // The search index follows the pages of a rebuild: only pages that
    // read it (the search page, the talent directory) reload for it.
    es.addEventListener("index", function () {
      if (readsIndex()) {
        reload();
      } else {
        state.build = -1; // a reconnect will reload to be sure
      }
    });
    es.addEventListener("css", function (e) {
      state.build = -1; // a reconnect will reload to be sure
      swapCss(JSON.parse(e.data).paths || []);
    });
    es.addEventListener("error", function (e) {
      if (e.data == null) return; // a connection error, handled below
      showOverlay(JSON.parse(e.data).diagnostics || []);
    });
    es.addEventListener("ok", function () { hideOverlay(); });
    es.onerror = function (e) {
      if (e && e.data != null) return; // our own `error` message, shown above
      state.connected = false;
      if (es.readyState === EventSource.CONNECTING || es.readyState === EventSource.CLOSED) {
        es.close();
        setTimeout(connect, state.delay);
        state.delay = Math.min(state.delay * 2, 5000);
      }
    };
  }
  connect();
})();
