/* errdex client-side search. No dependencies; progressive enhancement only.
 *
 * Each <form role="search" data-index="…" data-root="…"> holds an <input type="search">
 * and a results container (.search-results, aria-live="polite"). The index is a JSON
 * array of {code, title, status, summary, url, messages: ["Branch {branch} …"]} with
 * url relative to the site root; a deprecated error also has deprecated: true and, when
 * it has a successor, replaced_by (a code), which results show as a badge.
 *
 * Matching, best first: exact code (also as the API spells it: RATE_LIMITED,
 * RateLimited); a pasted concrete message matching a template (placeholders such as
 * {branch} stand for any non-empty text, and a match whose placeholders each hold one
 * value, without spaces, comes first; case-insensitive); code
 * prefix; a template found inside a longer pasted text (a log line, a JSON body); the
 * HTTP status; a code named inside the query; code substring; a message cut short;
 * all query words found (as word prefixes) in code/title/summary/messages.
 * Results are links built with createElement/textContent only.
 */
(function () {
  "use strict";

  var MAX_QUERY = 1000;
  var MAX_RESULTS = 10;
  var PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.\-]*)\}/g;
  var indexCache = {};

  /* ---------- Pages opened from disk ---------- */

  /* Links between pages name folders (errors/<code>/), which a web server answers with
   * the folder's index.html. Opened from disk (file://) there is no server, and the
   * browser shows a listing of the folder instead, so there each such link is pointed
   * at the folder's index.html. Links with a scheme, site-absolute links and fragments
   * are left alone. */
  var FROM_DISK = window.location.protocol === "file:";

  function toFile(href) {
    if (!FROM_DISK || /^([a-z][a-z0-9+.-]*:|[\/#?])/i.test(href)) return href;
    var cut = href.search(/[?#]/);
    var path = cut < 0 ? href : href.slice(0, cut);
    if (path.charAt(path.length - 1) !== "/") return href;
    return path + "index.html" + (cut < 0 ? "" : href.slice(cut));
  }

  function linkFoldersToFiles() {
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
      var href = a.getAttribute("href");
      var file = toFile(href);
      if (file !== href) a.setAttribute("href", file);
    });
  }

  /* ---------- Index loading ---------- */

  /* Over HTTP(S) the index is fetched as JSON. Browsers refuse fetch() to a page opened
   * from disk (file://) but still run a <script src>, so there the same index is loaded
   * from the .js twin of the data-index URL (search-index.js), which assigns it to
   * window.errdexSearchIndex. */
  function loadIndex(url) {
    if (!indexCache[url]) {
      var raw = FROM_DISK ? loadIndexScript(scriptUrl(url)) : fetchIndex(url);
      indexCache[url] = raw.then(function (data) {
        if (!Array.isArray(data)) throw new Error("bad index");
        return data.map(prepareEntry);
      });
      indexCache[url].catch(function () {
        delete indexCache[url];
      });
    }
    return indexCache[url];
  }

  function fetchIndex(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    });
  }

  /* "../../search-index.json" -> "../../search-index.js", keeping any ?query or #hash. */
  function scriptUrl(url) {
    return url.replace(/(\.json)?(?=[?#]|$)/, ".js");
  }

  function loadIndexScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      // A script's load event fires right after it ran, so the global is this file's.
      script.onload = function () {
        var data = window.errdexSearchIndex;
        // The prepared entries are all search keeps; let the raw copy be collected.
        delete window.errdexSearchIndex;
        script.parentNode.removeChild(script);
        resolve(data);
      };
      script.onerror = function () {
        script.parentNode.removeChild(script);
        reject(new Error("cannot load " + url));
      };
      script.src = url;
      document.head.appendChild(script);
    });
  }

  function str(v) {
    return typeof v === "string" ? v : v == null ? "" : String(v);
  }

  function normalize(s) {
    return str(s).replace(/\s+/g, " ").trim().toLowerCase();
  }

  function words(s) {
    return normalize(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // A code as an API may spell it: its letters and digits, lower case, with a "." for
  // punctuation between two digits; null when it holds any other character. The same
  // rule as `spells_code` in src/codes.rs, so a pasted `INVALID_ARGUMENT` or
  // `AccessDenied` finds the error invalid_argument or access_denied.
  function spelledKey(s) {
    var kept = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (/[A-Za-z0-9]/.test(c)) kept += c.toLowerCase();
      else if (!/[!-\/:-@\[-`{-~]/.test(c)) return null;
      else if (/[0-9]$/.test(kept) && /[0-9]/.test(s.charAt(i + 1))) kept += ".";
    }
    return kept || null;
  }

  function prepareEntry(e) {
    var messages = Array.isArray(e.messages) ? e.messages.map(str) : [];
    var entry = {
      code: str(e.code),
      title: str(e.title),
      status: e.status,
      summary: str(e.summary),
      url: str(e.url),
      messages: messages,
      deprecated: e.deprecated === true,
      replacedBy: str(e.replaced_by),
      templates: messages.map(compileTemplate).filter(Boolean)
    };
    entry.codeLower = entry.code.toLowerCase();
    entry.codeKey = spelledKey(entry.code);
    entry.titleWords = words(entry.title);
    entry.hayWords = words(
      [entry.code, entry.title, entry.summary, String(entry.status)]
        .concat(messages)
        .join(" ")
    );
    return entry;
  }

  /* ---------- Message templates ---------- */

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* A template compiles to literal segments separated by holes, plus the equivalent
   * case-insensitive RegExp sources ("{name}" -> "(.+)"). Matching is done by a linear
   * segment scan, which gives the same answer as the RegExp without any risk of
   * catastrophic backtracking on a 1,000-character pasted message. */
  function compileTemplate(template) {
    var norm = template.replace(/\s+/g, " ").trim();
    var lits = [""];
    var gaps = [];
    var names = [];
    var last = 0;
    var lastWasHole = false;
    var m;
    PLACEHOLDER.lastIndex = 0;
    while ((m = PLACEHOLDER.exec(norm)) !== null) {
      if (m.index > last) {
        lits[lits.length - 1] += norm.slice(last, m.index);
        lastWasHole = false;
      }
      if (lastWasHole) {
        gaps[gaps.length - 1] += 1;
        names[names.length - 1] += "+" + m[1];
      } else {
        gaps.push(1);
        names.push(m[1]);
        lits.push("");
      }
      lastWasHole = true;
      last = m.index + m[0].length;
    }
    if (last < norm.length) lits[lits.length - 1] += norm.slice(last);
    var literalLength = lits.join("").replace(/\s/g, "").length;
    if (literalLength < 3) return null; // too little fixed text to identify anything
    var body = lits.map(function (l) { return escapeRegExp(l); }).join("(.+)");
    return {
      text: template,
      lits: lits.map(function (l) { return l.toLowerCase(); }),
      gaps: gaps,
      names: names,
      literalLength: literalLength,
      source: "^" + body + "$", // documented equivalent, e.g. new RegExp(source, "i")
      containsSource: body
    };
  }

  /* Anchored: the whole query is an instance of the template. Returns captures or null. */
  function matchWhole(t, q) {
    var lits = t.lits;
    var k = lits.length - 1;
    if (k === 0) return q === lits[0] ? [] : null;
    if (q.slice(0, lits[0].length) !== lits[0]) return null;
    var pos = lits[0].length;
    var caps = [];
    for (var i = 1; i < k; i++) {
      var idx = q.indexOf(lits[i], pos + t.gaps[i - 1]);
      if (idx < 0) return null;
      caps.push([pos, idx]);
      pos = idx + lits[i].length;
    }
    var tail = lits[k];
    var start = q.length - tail.length;
    if (start < pos + t.gaps[k - 1]) return null;
    if (q.slice(start) !== tail) return null;
    caps.push([pos, start]);
    return caps;
  }

  /* Whether every captured placeholder value is one value: no white space in it. */
  function valuesFit(q, caps) {
    for (var i = 0; i < caps.length; i++) {
      if (/\s/.test(q.slice(caps[i][0], caps[i][1]))) return false;
    }
    return true;
  }

  var WORD_CHAR = /[\p{L}\p{N}_]/u;

  /* Whether offset i of q splits no word: a letter, digit or `_` is not on both sides. */
  function atWordEdge(q, i) {
    return !(i > 0 && i < q.length && WORD_CHAR.test(q[i - 1]) && WORD_CHAR.test(q[i]));
  }

  /* The first place of lit in q from `from` on whose start (if `start`) and end (if `end`)
   * split no word; -1 if none. */
  function indexAtWords(q, lit, from, start, end) {
    for (var i = q.indexOf(lit, from); i >= 0; i = q.indexOf(lit, i + 1)) {
      if ((!start || atWordEdge(q, i)) && (!end || atWordEdge(q, i + lit.length))) return i;
    }
    return -1;
  }

  /* Unanchored: the template occurs somewhere inside the query (pasted with extra text),
   * splitting no word at its fixed ends, as `errdex lookup` reads it: `Authenticate` is
   * not in `reauthenticated`. */
  function matchInside(t, q) {
    var lits = t.lits;
    var k = lits.length - 1;
    if (k === 0) return indexAtWords(q, lits[0], 0, true, true) >= 0 ? [] : null;
    var pos = 0;
    if (lits[0]) {
      var first = indexAtWords(q, lits[0], 0, true, false);
      if (first < 0) return null;
      pos = first + lits[0].length;
    }
    var caps = [];
    for (var i = 1; i <= k; i++) {
      var need = pos + t.gaps[i - 1];
      if (i === k && !lits[i]) {
        if (q.length < need) return null;
        // A trailing hole takes the rest of the word.
        var end = q.slice(pos).search(/[\s"',;]|$/);
        caps.push([pos, Math.max(need, pos + end)]);
        break;
      }
      var idx = i === k ? indexAtWords(q, lits[i], need, false, true) : q.indexOf(lits[i], need);
      if (idx < 0) return null;
      caps.push([pos, idx]);
      pos = idx + lits[i].length;
    }
    return caps;
  }

  /* Truncated paste: the query is the beginning of an instance of the template (a log
   * line cut short). Returns how many characters of fixed text matched, or 0. */
  function matchStart(t, q) {
    var lits = t.lits;
    if (q.length <= lits[0].length) {
      return lits[0].lastIndexOf(q, 0) === 0 ? q.length : 0;
    }
    if (q.lastIndexOf(lits[0], 0) !== 0) return 0;
    var pos = lits[0].length;
    var matched = pos;
    for (var i = 1; i < lits.length; i++) {
      var need = pos + t.gaps[i - 1];
      if (need >= q.length) return matched; // the query ends inside a placeholder
      var idx = lits[i] ? q.indexOf(lits[i], need) : -1;
      if (idx >= 0) {
        matched += lits[i].length;
        pos = idx + lits[i].length;
        continue;
      }
      // The query may end part-way through this literal.
      for (var j = need; j < q.length; j++) {
        var rest = q.length - j;
        if (rest <= lits[i].length && lits[i].lastIndexOf(q.slice(j), 0) === 0) {
          return matched + rest;
        }
      }
      return matched; // the rest of the query sits inside a placeholder
    }
    return q.length === pos ? matched : 0;
  }

  /* ---------- Ranking ---------- */

  function search(entries, rawQuery) {
    var query = str(rawQuery).slice(0, MAX_QUERY).trim();
    if (!query) return [];
    var original = query.replace(/\s+/g, " ");
    var q = original.toLowerCase();
    var sameLength = q.length === original.length;
    var qWords = words(q);
    var qTokens = q.split(/[^a-z0-9_.\-]+/).filter(Boolean);
    var isStatus = /^[1-5]\d\d$/.test(q);
    var qKey = spelledKey(query);
    var results = [];

    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var score = 0;
      var note = "";

      if (q === e.codeLower || (qKey !== null && qKey === e.codeKey)) {
        score = 1000;
      } else if (e.codeLower.indexOf(q) === 0) {
        score = 800 - Math.min(99, e.codeLower.length - q.length);
      }

      for (var j = 0; j < e.templates.length && score < 900; j++) {
        var t = e.templates[j];
        var caps = matchWhole(t, q);
        // A whole match whose placeholders each hold one value (no space) ranks above one
        // where a placeholder swallowed words: `Widget w_42 not found` is
        // `Widget {id} not found` before `{thing} not found`, as `errdex lookup` has it.
        var s = caps && valuesFit(q, caps) ? 900 : 880;
        if (!caps) {
          caps = t.lits.length > 1 || t.literalLength >= 8 ? matchInside(t, q) : null;
          s = 700;
        }
        if (caps && s + Math.min(t.literalLength, 99) / 100 > score) {
          score = s + Math.min(t.literalLength, 99) / 100;
          note = describeMatch(t, caps, sameLength ? original : q);
        }
      }

      // A cut-off message: most of the query must be the template's fixed text.
      for (var p = 0; p < e.templates.length && score < 450; p++) {
        var fixed = matchStart(e.templates[p], q);
        if (fixed >= 12 && fixed >= q.length * 0.5) {
          score = 450 + Math.min(fixed, 99) / 100;
          note = "Message starts: " + truncateText(e.templates[p].text, 60);
        }
      }

      if (score < 650 && isStatus && String(e.status) === q) score = 650;
      if (score < 600 && qTokens.indexOf(e.codeLower) >= 0) score = 600;
      if (score < 500 && q.length >= 2 && e.codeLower.indexOf(q) > 0) score = 500;

      if (score < 300 && qWords.length) {
        var all = true;
        var bonus = 0;
        for (var w = 0; w < qWords.length && all; w++) {
          var qw = qWords[w];
          if (hasPrefix(e.titleWords, qw)) bonus += 20;
          else if (!hasPrefix(e.hayWords, qw)) all = false;
        }
        if (all) score = 300 + bonus;
      }

      if (score > 0) results.push({ entry: e, score: score, note: note });
    }

    results.sort(function (a, b) {
      return b.score - a.score || (a.entry.code < b.entry.code ? -1 : a.entry.code > b.entry.code ? 1 : 0);
    });
    return results.slice(0, MAX_RESULTS);
  }

  function truncateText(s, n) {
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  function hasPrefix(list, word) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].lastIndexOf(word, 0) === 0) return true;
    }
    return false;
  }

  function describeMatch(t, caps, text) {
    var pairs = [];
    for (var i = 0; i < caps.length && i < t.names.length; i++) {
      var value = text.slice(caps[i][0], caps[i][1]);
      if (value.length > 40) value = value.slice(0, 39) + "…";
      pairs.push("{" + t.names[i] + "} = " + value);
    }
    return pairs.length ? "Message match: " + pairs.join(", ") : "Message match";
  }

  /* ---------- UI ---------- */

  function statusClass(status) {
    var n = Number(status);
    if (n >= 500) return "s5xx";
    if (n >= 400) return "s4xx";
    if (n >= 300) return "s3xx";
    return "s2xx";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function unavailableMessage(indexUrl) {
    if (!FROM_DISK) return "Search is unavailable: the index could not be loaded.";
    var file = scriptUrl(indexUrl).replace(/[?#].*$/, "").replace(/^.*\//, "");
    return "Search is unavailable: the index (" + file + ") could not be loaded from disk.";
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function enhance(form) {
    var input = form.querySelector('input[type="search"]');
    var box = form.querySelector(".search-results");
    if (!input || !box) return;
    var indexUrl = form.getAttribute("data-index") || "search-index.json";
    var root = form.getAttribute("data-root") || "./";
    var timer = null;
    var current = [];

    input.setAttribute("maxlength", String(MAX_QUERY));
    input.setAttribute("autocomplete", "off");

    function links() {
      return Array.prototype.slice.call(box.querySelectorAll("a.search-result"));
    }

    function show(message, results) {
      clear(box);
      box.appendChild(el("p", "search-status", message));
      if (!results || !results.length) return;
      var list = el("ul");
      results.forEach(function (r) {
        var e = r.entry;
        var li = el("li");
        var a = el("a", "search-result");
        a.href = toFile(root + e.url);
        a.appendChild(el("span", "search-result-code", e.code));
        a.appendChild(el("span", "badge status " + statusClass(e.status), String(e.status)));
        a.appendChild(el("span", "search-result-title", e.title));
        if (e.deprecated) {
          a.appendChild(el("span", "badge badge-deprecated search-result-deprecated",
            e.replacedBy ? "Deprecated; use " + e.replacedBy : "Deprecated"));
        }
        if (r.note) a.appendChild(el("span", "search-result-match", r.note));
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }

    function reset() {
      current = [];
      clear(box);
    }

    function run() {
      var value = input.value.slice(0, MAX_QUERY);
      if (!value.trim()) {
        reset();
        return;
      }
      loadIndex(indexUrl).then(
        function (entries) {
          if (input.value.slice(0, MAX_QUERY) !== value) return; // stale
          current = search(entries, value);
          if (!current.length) {
            show("No errors match “" + truncate(value.trim(), 60) + "”.", []);
          } else {
            show(current.length + (current.length === 1 ? " result" : " results") +
              (current.length === MAX_RESULTS ? " (top " + MAX_RESULTS + ")" : ""), current);
          }
        },
        function () {
          current = [];
          show(unavailableMessage(indexUrl), []);
        }
      );
    }

    function truncate(s, n) {
      return s.length > n ? s.slice(0, n - 1) + "…" : s;
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, 80);
    }

    input.addEventListener("input", schedule);
    input.addEventListener("focus", function () {
      loadIndex(indexUrl).catch(function () {});
      if (input.value.trim() && !box.firstChild) run();
    });

    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        if (input.value || box.firstChild) {
          ev.preventDefault();
          input.value = "";
          reset();
        } else {
          input.blur();
        }
      } else if (ev.key === "ArrowDown") {
        var ls = links();
        if (ls.length) {
          ev.preventDefault();
          ls[0].focus();
        }
      }
    });

    box.addEventListener("keydown", function (ev) {
      var ls = links();
      var i = ls.indexOf(document.activeElement);
      if (i < 0) return;
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        (ls[i + 1] || ls[i]).focus();
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        if (i === 0) input.focus();
        else ls[i - 1].focus();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        input.focus();
        input.value = "";
        reset();
      }
    });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      var value = input.value.slice(0, MAX_QUERY);
      if (!value.trim()) return;
      loadIndex(indexUrl).then(function (entries) {
        var results = search(entries, value);
        if (results.length) {
          window.location.href = toFile(root + results[0].entry.url);
        } else {
          current = [];
          show("No errors match “" + truncate(value.trim(), 60) + "”.", []);
        }
      }, function () {
        show(unavailableMessage(indexUrl), []);
      });
    });

    // Hide the results when focus or clicks move elsewhere.
    document.addEventListener("click", function (ev) {
      if (!form.contains(ev.target)) reset();
    });
    form.addEventListener("focusout", function (ev) {
      if (ev.relatedTarget && !form.contains(ev.relatedTarget)) reset();
    });

    // ?q=… prefills the first search box (e.g. links from other tools).
    if (form === document.querySelector("form[data-index]")) {
      var params = new URLSearchParams(window.location.search);
      var q = params.get("q");
      if (q) {
        input.value = q.slice(0, MAX_QUERY);
        run();
      }
    }
  }

  function init() {
    if (FROM_DISK) linkFoldersToFiles();
    var forms = document.querySelectorAll("form[data-index]");
    Array.prototype.forEach.call(forms, enhance);
    if (!forms.length) return;
    // "/" focuses the search box, unless the user is typing somewhere.
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      var tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      var input = forms[0].querySelector('input[type="search"]');
      if (input) {
        ev.preventDefault();
        input.focus();
      }
    });
  }

  // Exposed for tests: window.errdexSearch.search(entries, query).
  window.errdexSearch = {
    prepare: function (data) { return data.map(prepareEntry); },
    search: search,
    compileTemplate: compileTemplate
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
