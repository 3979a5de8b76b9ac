// errdex dev server: live reload and the error overlay. Injected only by `errdex serve`.
(function () {
  "use strict";
  var overlay = null;
  var wasBroken = false;

  function removeOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showOverlay(diagnostics) {
    removeOverlay();
    overlay = document.createElement("div");
    overlay.id = "errdex-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "The catalog has errors");
    var box = document.createElement("div");
    box.className = "errdex-overlay-box";
    var h = document.createElement("h2");
    h.textContent = "The catalog has errors — showing the last good build";
    box.appendChild(h);
    diagnostics.forEach(function (d) {
      var item = document.createElement("div");
      item.className = "errdex-overlay-item errdex-" + d.severity;
      // A problem of no one file (a template, the catalog folder) has no place or code.
      if (d.file) {
        var where = document.createElement("code");
        where.textContent = d.file + ":" + d.line + ":" + d.column;
        item.appendChild(where);
      }
      var msg = document.createElement("p");
      msg.textContent = d.severity + (d.code ? "[" + d.code + "]" : "") + ": " + d.message;
      item.appendChild(msg);
      if (d.help) {
        var help = document.createElement("p");
        help.className = "errdex-overlay-help";
        help.textContent = "help: " + d.help;
        item.appendChild(help);
      }
      box.appendChild(item);
    });
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  function currentPath() {
    var p = location.pathname;
    return p.endsWith("/") ? p + "index.html" : p;
  }

  function connect() {
    var events = new EventSource("/__errdex/events");
    events.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "broken") {
        wasBroken = true;
        showOverlay(data.diagnostics || []);
      } else if (data.type === "reload") {
        var here = currentPath();
        var mine = (data.paths || []).some(function (p) { return "/" + p === here; });
        if (data.all || mine || wasBroken) { location.reload(); }
        else { removeOverlay(); }
        wasBroken = false;
      }
    };
  }

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/__errdex/overlay.css";
  document.head.appendChild(style);
  connect();
})();
