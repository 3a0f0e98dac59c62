// The scenario x model browser of an llmbench HTML report (pytest_llmbench/report/html.py).
// Reads the embedded JSON (report/matrix.py), filters it in memory and renders one page of
// rows at a time, so a run of many thousand samples stays responsive. Every model or suite
// string is inserted with textContent, never as markup.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("llmbench-data").textContent);
  var PAGE = 100;
  var columns = data.columns;
  var rows = data.rows;
  var timings = { parse_ms: performance.now() - started, filter_ms: 0, render_ms: 0 };
  var state = { suite: "", tag: "", outcome: "", model: "", q: "", page: 0 };
  var matches = [];
  var SYMBOL = { passed: "\u2713", failed: "\u2717", error: "!", skipped: "\u2013" };

  function $(id) { return document.getElementById(id); }

  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function clip(text, limit) {
    text = String(text || "").replace(/\s+/g, " ").trim();
    return text.length <= limit ? text : text.slice(0, limit - 1) + "\u2026";
  }

  function option(select, value, label) {
    var o = node("option", "", label);
    o.value = value;
    select.appendChild(o);
  }

  // ------------------------------------------------------------------ filtering

  function rowText(row) {
    if (row._text === undefined) {
      row._text = [row.suite, row.scenario, row.file, row.tags.join(" ")].join("\n").toLowerCase();
    }
    return row._text;
  }

  function cellText(cell) {
    if (cell._text === undefined) {
      var parts = [cell.outcome, cell.error || "", cell.skip_reason || ""];
      cell.samples.forEach(function (s) {
        parts.push(s.reply, s.error || "", s.skip_reason || "");
        s.scores.forEach(function (sc) { parts.push(sc.name, sc.reason); });
        s.transcript.forEach(function (m) { parts.push(m.text); });
      });
      cell._text = parts.join("\n").toLowerCase();
    }
    return cell._text;
  }

  function shownColumns() {
    if (state.model === "") return columns.map(function (_, i) { return i; });
    return [Number(state.model)];
  }

  function rowMatches(row, shown, terms) {
    if (state.suite && row.suite !== state.suite) return false;
    if (state.tag && row.tags.indexOf(state.tag) < 0) return false;
    var cells = [];
    shown.forEach(function (c) { if (row.cells[c]) cells.push(row.cells[c]); });
    if (!cells.length) return false;
    if (state.outcome === "disagree") {
      var first = cells[0].outcome;
      if (cells.every(function (c) { return c.outcome === first; })) return false;
    } else if (state.outcome) {
      if (!cells.some(function (c) { return c.outcome === state.outcome; })) return false;
    }
    // Every word in one cell (or in the scenario's own name, file and tags): a search for
    // "m/beta wrong" finds that model's wrong replies, not a row where each word is elsewhere.
    var rest = terms.filter(function (term) { return rowText(row).indexOf(term) < 0; });
    if (!rest.length) return true;
    return cells.some(function (c) {
      var text = cellText(c);
      return rest.every(function (term) { return text.indexOf(term) >= 0; });
    });
  }

  function filter() {
    var t = performance.now();
    var shown = shownColumns();
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    matches = [];
    for (var i = 0; i < rows.length; i++) {
      if (rowMatches(rows[i], shown, terms)) matches.push(i);
    }
    timings.filter_ms = performance.now() - t;
  }

  // ------------------------------------------------------------------ rendering

  function sampleBody(details, s) {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    if (s.error) details.appendChild(node("p", "err", "error: " + s.error));
    if (s.skip_reason) details.appendChild(node("p", "meta", "skipped: " + s.skip_reason));
    if (s.scores.length) {
      var ul = node("ul", "scores");
      s.scores.forEach(function (sc) {
        var turn = sc.turn === null ? "conversation" : "turn " + sc.turn;
        ul.appendChild(node("li", sc.passed ? "ok" : "bad",
          (sc.passed ? "\u2713 " : "\u2717 ") + turn + " " + sc.name + ": " + sc.reason));
      });
      details.appendChild(ul);
    }
    var notes = [];
    if (s.reference) notes.push("reference " + s.reference);
    if (s.cached) notes.push("cached");
    if (s.latency_s !== null && s.latency_s !== undefined) notes.push(s.latency_s + " s");
    if (notes.length) details.appendChild(node("p", "meta", notes.join(" \u00b7 ")));
    var transcript = node("div", "transcript");
    s.transcript.forEach(function (m) {
      transcript.appendChild(node("div", "role", m.role));
      transcript.appendChild(node("pre", "", m.text));
    });
    details.appendChild(transcript);
  }

  function renderCell(cell) {
    var td = node("td", "cell");
    if (!cell) {
      td.classList.add("absent");
      td.textContent = "not run";
      return td;
    }
    td.classList.add(cell.outcome);
    td.dataset.outcome = cell.outcome;
    var head = SYMBOL[cell.outcome] + " " + cell.outcome;
    if (cell.samples_total > 1) head += " (" + cell.samples_passed + "/" + cell.samples_total + " samples)";
    if (cell.expected_failure) head += " \u00b7 fail references replayed";
    td.appendChild(node("div", "verdict", head));
    if (cell.error) td.appendChild(node("div", "err", clip(cell.error, 200)));
    if (cell.skip_reason && !cell.samples.length) td.appendChild(node("div", "meta", cell.skip_reason));
    cell.samples.forEach(function (s) {
      var details = node("details", "sample " + s.outcome);
      var summary = node("summary");
      summary.appendChild(node("span", "sym", SYMBOL[s.outcome] || "?"));
      var label = cell.samples.length > 1 ? "#" + s.sample + " " : "";
      var firstBad = s.scores.filter(function (sc) { return !sc.passed; })[0];
      var text = s.reply ? clip(s.reply, 160)
        : s.error ? "error: " + clip(s.error, 160)
        : s.skip_reason ? "skipped: " + clip(s.skip_reason, 160) : "(no reply)";
      summary.appendChild(node("span", "reply", label + text));
      if (firstBad) summary.appendChild(node("span", "why", clip(firstBad.name + ": " + firstBad.reason, 160)));
      details.appendChild(summary);
      details.addEventListener("toggle", function () { if (details.open) sampleBody(details, s); });
      td.appendChild(details);
    });
    return td;
  }

  function render() {
    var t = performance.now();
    var shown = shownColumns();
    var head = $("matrix-head");
    head.textContent = "";
    var tr = node("tr");
    tr.appendChild(node("th", "", "scenario"));
    shown.forEach(function (c) { tr.appendChild(node("th", "", columns[c].label)); });
    head.appendChild(tr);
    var body = $("matrix-body");
    body.textContent = "";
    var pages = Math.max(1, Math.ceil(matches.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * PAGE;
    var slice = matches.slice(from, from + PAGE);
    var fragment = document.createDocumentFragment();
    slice.forEach(function (i) {
      var row = rows[i];
      var r = node("tr");
      r.dataset.row = String(i);
      var th = node("th", "scenario");
      th.appendChild(node("div", "suite", row.suite));
      th.appendChild(node("div", "id", row.scenario));
      if (row.tags.length) th.appendChild(node("div", "tags", row.tags.join(", ")));
      th.title = row.file + (row.line ? ":" + row.line : "");
      r.appendChild(th);
      shown.forEach(function (c) { r.appendChild(renderCell(row.cells[c])); });
      fragment.appendChild(r);
    });
    body.appendChild(fragment);
    var status = matches.length === rows.length ? "all " + rows.length + " scenarios"
      : matches.length + " of " + rows.length + " scenarios";
    if (matches.length > PAGE) {
      status += " \u00b7 showing " + (from + 1) + "\u2013" + (from + slice.length);
    }
    $("status").textContent = status;
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
    $("empty").hidden = matches.length > 0;
    timings.render_ms = performance.now() - t;
  }

  // ------------------------------------------------------------------ state and controls

  var CONTROLS = ["suite", "tag", "outcome", "model", "q"];

  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    CONTROLS.forEach(function (k) { if (params.has(k)) state[k] = params.get(k); });
    state.page = Math.max(0, (parseInt(params.get("page") || "1", 10) || 1) - 1);
  }

  function writeHash() {
    var params = new URLSearchParams();
    CONTROLS.forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    if (state.page) params.set("page", String(state.page + 1));
    try {
      history.replaceState(null, "", "#" + params.toString());
    } catch (e) { /* some browsers refuse it on file: URLs; the page works without */ }
  }

  function apply(keepPage) {
    if (!keepPage) state.page = 0;
    filter();
    render();
    writeHash();
    return { matches: matches.length, filter_ms: timings.filter_ms, render_ms: timings.render_ms };
  }

  function setup() {
    data.suites.forEach(function (s) { option($("suite"), s, s); });
    data.tags.forEach(function (s) { option($("tag"), s, s); });
    columns.forEach(function (c, i) { option($("model"), String(i), c.label); });
    $("tag").disabled = data.tags.length === 0;
    readHash();
    CONTROLS.forEach(function (k) {
      var el = $(k);
      el.value = state[k];
      if (el.value !== state[k]) state[k] = "";  // an unknown value in the link
      el.addEventListener(k === "q" ? "input" : "change", function () {
        state[k] = el.value;
        apply(false);
      });
    });
    $("prev").addEventListener("click", function () { state.page -= 1; apply(true); });
    $("next").addEventListener("click", function () { state.page += 1; apply(true); });
    $("reset").addEventListener("click", function () {
      CONTROLS.forEach(function (k) { state[k] = ""; $(k).value = ""; });
      apply(false);
    });
    $("browser").hidden = false;
    $("noscript").hidden = true;
    apply(true);
    timings.load_ms = performance.now() - started;
  }

  window.llmbench = { timings: timings, state: state, apply: apply, matches: function () { return matches.slice(); } };
  setup();
})();
