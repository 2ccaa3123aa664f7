// hexopt pipeline report: stage list, IR and diffs of one compile. No network, no libraries.
// Stage IR is rebuilt lazily from edit scripts (see hexopt/report/diff.py); only visible lines are drawn.
"use strict";
(function () {
  const META = JSON.parse(document.getElementById("hx-meta").textContent);
  const STAGES = META.stages;
  const LH = 18; // px per line, matches .r/.r2 in the CSS
  const CONTEXT = 3; // unchanged lines around each change in the diff views
  const $ = (id) => document.getElementById(id);
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  // ---------------------------------------------------------------- stage IR, rebuilt on demand
  const scripts = new Map(); // stage -> edit script against the stage before it (null: no change)
  const texts = new Map(); // stage -> array of lines
  function payload(i) {
    return JSON.parse(document.getElementById("hx-s" + STAGES[i].payload).textContent);
  }
  function apply(before, script) {
    const out = [];
    let pos = 0;
    for (const e of script) {
      if (typeof e === "number") {
        if (e > 0) { for (let k = 0; k < e; k++) out.push(before[pos + k]); pos += e; } else pos -= e;
      } else for (const s of e) out.push(s);
    }
    for (; pos < before.length; pos++) out.push(before[pos]);
    return out;
  }
  function scriptOf(i) {
    if (!scripts.has(i)) { const p = payload(i); scripts.set(i, p.edit || null); if (p.full !== undefined) texts.set(i, p.full === "" ? [] : p.full.split("\n")); }
    return scripts.get(i);
  }
  function linesOf(i) {
    if (texts.has(i)) return texts.get(i);
    let j = i;
    const chain = [];
    while (!texts.has(j)) { scriptOf(j); if (texts.has(j)) break; chain.push(j); j--; }
    let lines = texts.get(j);
    for (let k = chain.length - 1; k >= 0; k--) {
      const s = scripts.get(chain[k]);
      lines = s ? apply(lines, s) : lines;
      texts.set(chain[k], lines);
    }
    return lines;
  }
  const hasIR = (i) => STAGES[i] && STAGES[i].payload !== undefined;

  // ---------------------------------------------------------------- line diff between any two stages
  // Used for "compared with" an earlier stage than the previous one: unique lines as anchors
  // (longest increasing run), an LCS table for the small gaps between them.
  function diffLines(a, b) {
    const out = [];
    const keep = (k) => { if (k <= 0) return; const t = out[out.length - 1]; if (typeof t === "number" && t > 0) out[out.length - 1] = t + k; else out.push(k); };
    const change = (a0, a1, b0, b1) => { if (a1 > a0) out.push(-(a1 - a0)); if (b1 > b0) out.push(b.slice(b0, b1)); };
    function lcs(a0, a1, b0, b1) {
      const n = a1 - a0, m = b1 - b0;
      if (n * m > 4e6) { change(a0, a1, b0, b1); return; }
      const L = new Int32Array((n + 1) * (m + 1));
      for (let i = n - 1; i >= 0; i--)
        for (let j = m - 1; j >= 0; j--)
          L[i * (m + 1) + j] = a[a0 + i] === b[b0 + j] ? L[(i + 1) * (m + 1) + j + 1] + 1
            : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
      let i = 0, j = 0, di = 0, dj = 0;
      const flush = () => { change(a0 + i - di, a0 + i, b0 + j - dj, b0 + j); di = dj = 0; };
      while (i < n && j < m) {
        if (a[a0 + i] === b[b0 + j]) { flush(); keep(1); i++; j++; }
        else if (L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1]) { i++; di++; }
        else { j++; dj++; }
      }
      di += n - i; dj += m - j; i = n; j = m; flush();
    }
    function rec(a0, a1, b0, b1, depth) {
      let p = 0; while (a0 + p < a1 && b0 + p < b1 && a[a0 + p] === b[b0 + p]) p++;
      let s = 0; while (a1 - s > a0 + p && b1 - s > b0 + p && a[a1 - 1 - s] === b[b1 - 1 - s]) s++;
      keep(p); a0 += p; b0 += p; a1 -= s; b1 -= s;
      if (a0 === a1 || b0 === b1) { change(a0, a1, b0, b1); keep(s); return; }
      const inA = new Map(), inB = new Map();
      for (let i = a0; i < a1; i++) inA.set(a[i], inA.has(a[i]) ? -1 : i);
      for (let j = b0; j < b1; j++) inB.set(b[j], inB.has(b[j]) ? -1 : j);
      const pairs = [];
      for (let j = b0; j < b1; j++) { const i = inA.get(b[j]); if (i !== undefined && i >= 0 && inB.get(b[j]) === j) pairs.push([i, j]); }
      if (!pairs.length || depth > 64) { lcs(a0, a1, b0, b1); keep(s); return; }
      // longest run of anchors increasing in both files (patience sorting)
      const tails = [], prev = new Int32Array(pairs.length);
      for (let k = 0; k < pairs.length; k++) {
        let lo = 0, hi = tails.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (pairs[tails[mid]][0] < pairs[k][0]) lo = mid + 1; else hi = mid; }
        prev[k] = lo ? tails[lo - 1] : -1; tails[lo] = k;
      }
      const run = [];
      for (let k = tails[tails.length - 1]; k >= 0; k = prev[k]) run.push(pairs[k]);
      run.reverse();
      let pa = a0, pb = b0;
      for (const [i, j] of run) { rec(pa, i, pb, j, depth + 1); keep(1); pa = i + 1; pb = j + 1; }
      rec(pa, a1, pb, b1, depth + 1);
      keep(s);
    }
    rec(0, a.length, 0, b.length, 0);
    return out;
  }

  // ---------------------------------------------------------------- MLIR syntax colouring
  const OP_AT = /^(\s*)((?:%[\w$.\-#]+(?::\d+)?(?:\s*,\s*%[\w$.\-#]+(?::\d+)?)*\s*=\s*)?)("[A-Za-z_][\w$.]*"|[A-Za-z_][\w$]*(?:\.[\w$]+)*)/;
  const TOKEN = /(\/\/.*$)|("(?:[^"\\]|\\.)*")|(%[\w$.\-#]+(?::\d+)?)|(\^[\w$.\-]+)|(@[\w$.\-]+|@"(?:[^"\\]|\\.)*")|(#[\w$.\-]+)|(![\w$.\-]+)|\b((?:bf16|f16|f32|f64|f80|f128|tf32|f8\w*|[su]?i\d+|index|tensor|memref|vector|complex|tuple|none)\b)|(\b0x[0-9A-Fa-f]+\b|-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|\b(ins|outs|iter_args|to|step|attributes|dense|affine_map|affine_set|loc|shared_outs|in|through|permutation|dimensions|output_shape|true|false|unit)\b/g;
  const KLASS = [null, "cmt", "str", "ssa", "blk", "sym", "attr", "type", "type", "num", "kw"];
  function colour(s) {
    let out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(s))) {
      let k = 1; while (m[k] === undefined) k++;
      out += esc(s.slice(last, m.index)) + '<span class="k-' + KLASS[k] + '">' + esc(m[0]) + "</span>";
      last = TOKEN.lastIndex;
      if (m[0] === "") TOKEN.lastIndex++;
    }
    return out + esc(s.slice(last));
  }
  const NOT_OP = /^\s*(?:[}^#!(]|\)|\/\/|$)/;
  function opName(line) {
    if (NOT_OP.test(line)) return null;
    const m = OP_AT.exec(line);
    return m ? m[3].replace(/"/g, "") : null;
  }
  function highlight(line) {
    if (line.length > 4000) return esc(line); // giant dense<...> constants: plain text
    if (!NOT_OP.test(line)) {
      const m = OP_AT.exec(line);
      if (m) return esc(m[1]) + colour(m[2]) + '<span class="k-op">' + esc(m[3]) + "</span>" + colour(line.slice(m[0].length));
    }
    return colour(line);
  }

  // ---------------------------------------------------------------- rows of the three views
  // unified: [type, oldNo, newNo, text]; split: [type, oldNo, oldText, oldType, newNo, newText, newType]
  // type: " " same, "-" removed, "+" added, "~" hidden unchanged lines (text = count, click to show).
  function diffRows(before, script, expanded) {
    const rows = [];
    let a = 0, b = 0; // line positions in before / after
    const n = script.length;
    const same = (k) => rows.push([" ", a + k + 1, b + k + 1, before[a + k]]);
    for (let x = 0; x < n; x++) {
      const e = script[x];
      if (typeof e === "number" && e > 0) {
        const head = x === 0 ? 0 : CONTEXT, tail = x === n - 1 ? 0 : CONTEXT;
        if (e > head + tail + 1 && !expanded.has(a)) {
          for (let k = 0; k < head; k++) same(k);
          rows.push(["~", a + head, b + head, e - head - tail, a]);
          for (let k = e - tail; k < e; k++) same(k);
        } else for (let k = 0; k < e; k++) same(k);
        a += e; b += e;
      } else if (typeof e === "number") {
        for (let k = 0; k < -e; k++) rows.push(["-", a + k + 1, "", before[a + k]]);
        a -= e;
      } else {
        for (let k = 0; k < e.length; k++) rows.push(["+", "", b + k + 1, e[k]]);
        b += e.length;
      }
    }
    return rows;
  }
  function splitRows(unified) {
    const rows = [];
    for (let x = 0; x < unified.length;) {
      const r = unified[x];
      if (r[0] === " ") { rows.push([" ", r[1], r[3], " ", r[2], r[3], " "]); x++; continue; }
      if (r[0] === "~") { rows.push(r); x++; continue; }
      const del = [], add = [];
      while (x < unified.length && unified[x][0] === "-") del.push(unified[x++]);
      while (x < unified.length && unified[x][0] === "+") add.push(unified[x++]);
      for (let k = 0; k < Math.max(del.length, add.length); k++) {
        const d = del[k], p = add[k];
        rows.push([d && p ? "*" : d ? "-" : "+", d ? d[1] : "", d ? d[3] : null, d ? "-" : "", p ? p[2] : "", p ? p[3] : null, p ? "+" : ""]);
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- the viewer: only visible rows in the DOM
  const viewer = $("viewer"), spacer = viewer.querySelector(".spacer"), rowsEl = viewer.querySelector(".rows");
  const V = { rows: [], kind: "ir", first: -1, last: -1, hits: [], cur: -1, hitSet: new Set() };
  const TYPE = { " ": "", "-": " t-del", "+": " t-add", "~": " t-gap" };
  function rowHTML(i) {
    const r = V.rows[i];
    const mark = (V.hitSet.has(i) ? " hit" : "") + (V.hits[V.cur] === i ? " cur" : "");
    if (V.kind === "ir")
      return '<div class="r' + mark + '"><span class="ln">' + (i + 1) + '</span><span class="code">' + highlight(r) + "</span></div>";
    if (r[0] === "~") {
      const txt = "\u22ef " + r[3] + " unchanged line" + (r[3] === 1 ? "" : "s") + " (click to show)";
      return V.kind === "split" ? '<div class="r2 t-gap" data-gap="' + r[4] + '">' + txt + "</div>"
        : '<div class="r t-gap" data-gap="' + r[4] + '"><span class="ln"></span><span class="ln"></span><span class="sg"></span><span class="code">' + txt + "</span></div>";
    }
    if (V.kind === "unified")
      return '<div class="r' + TYPE[r[0]] + mark + '"><span class="ln">' + r[1] + '</span><span class="ln">' + r[2] +
        '</span><span class="sg">' + (r[0] === " " ? "" : r[0]) + '</span><span class="code">' + highlight(r[3]) + "</span></div>";
    const cell = (no, text, t) => '<span class="ln">' + no + '</span><span class="c' + (text === null ? " t-none" : t === "-" ? " t-del" : t === "+" ? " t-add" : "") + '">' + (text === null ? "" : highlight(text)) + "</span>";
    return '<div class="r2' + mark + '">' + cell(r[1], r[2], r[3]) + cell(r[4], r[5], r[6]) + "</div>";
  }
  function paint(force) {
    const top = viewer.scrollTop, h = viewer.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / LH) - 30), last = Math.min(V.rows.length, Math.ceil((top + h) / LH) + 30);
    if (!force && first === V.first && last === V.last) return;
    V.first = first; V.last = last;
    let html = "";
    for (let i = first; i < last; i++) html += rowHTML(i);
    rowsEl.style.transform = "translateY(" + first * LH + "px)";
    rowsEl.innerHTML = html;
  }
  function showRows(rows, kind, keepScroll) {
    V.rows = rows; V.kind = kind; V.first = V.last = -1;
    spacer.style.height = Math.max(rows.length * LH, 1) + "px";
    if (!keepScroll) { viewer.scrollTop = 0; viewer.scrollLeft = 0; }
    findHits();
    paint(true);
  }
  viewer.addEventListener("scroll", () => paint(false), { passive: true });
  window.addEventListener("resize", () => paint(true));
  rowsEl.addEventListener("click", (ev) => {
    const g = ev.target.closest("[data-gap]");
    if (!g) return;
    expandedFor(state.stage, state.base).add(+g.dataset.gap);
    render(true);
  });
  function scrollToRow(i) {
    viewer.scrollTop = Math.max(0, i * LH - viewer.clientHeight / 3);
    paint(true);
  }

  // ---------------------------------------------------------------- state
  const state = { stage: 0, view: "unified", base: "prev", query: "" };
  const expanded = new Map();
  function expandedFor(stage, base) {
    const key = stage + ":" + base;
    if (!expanded.has(key)) expanded.set(key, new Set());
    return expanded.get(key);
  }
  const diffCache = new Map();
  function baseIndex() {
    const s = STAGES[state.stage];
    const prev = s.status === "ok" ? state.stage - 1 : lastIR(state.stage);
    return state.base === "prev" ? prev : Math.min(+state.base, prev);
  }
  function lastIR(i) { let j = Math.min(i, STAGES.length - 1); while (j > 0 && !hasIR(j)) j--; return hasIR(j) ? j : -1; }
  function scriptBetween(base, stage) {
    if (base === stage - 1) { const s = scriptOf(stage); return s || [linesOf(stage).length]; }
    const key = base + ">" + stage;
    if (!diffCache.has(key)) diffCache.set(key, diffLines(linesOf(base), linesOf(stage)));
    return diffCache.get(key);
  }

  // ---------------------------------------------------------------- summary
  const fmtMs = (s) => s === null || s === undefined ? "" : (s * 1e3 >= 100 ? (s * 1e3).toFixed(0) : (s * 1e3).toFixed(1)) + " ms";
  function passLabel(s) {
    const brace = s.text.indexOf("{");
    const name = brace < 0 ? s.text : s.text.slice(0, brace), opts = brace < 0 ? "" : s.text.slice(brace);
    return (s.nest && s.nest.length ? '<span class="nest">' + esc(s.nest.join(" \u203a ")) + " \u203a </span>" : "") +
      esc(name) + (opts ? '<span class="opt">' + esc(opts) + "</span>" : "");
  }
  function reproHTML(f) {
    if (!f.reproducer) return "";
    return '<div class="repro"><code id="repro-cmd">' + esc(f.reproducer) + '</code><button type="button" id="copy-repro">copy</button></div>';
  }
  function summary() {
    const done = STAGES.filter((s) => s.status === "ok" && s.i > 0);
    const changed = done.filter((s) => s.changed).length;
    const f = META.failure;
    const first = STAGES[0], lastDone = STAGES[lastIR(STAGES.length - 1)];
    let h = "<h1>hexopt report <span class=\"badge" + (f ? " bad\">FAILED" : "\">OK") + "</span> <span class=\"mono\">" + esc(META.input) + "</span></h1>";
    h += '<div class="facts">' +
      "<div><b>input</b><code>" + esc(META.input) + "</code></div>" +
      "<div><b>pipeline</b><code>" + esc(META.pipeline.length > 90 ? META.pipeline.slice(0, 87) + "..." : META.pipeline) + "</code></div>" +
      "<div><b>target</b><code>" + esc(META.target || "unknown") + "</code></div>" +
      "<div><b>passes</b>" + done.length + (f && done.length < STAGES.length - 1 ? " of " + (STAGES.length - 1) + " ran" : "") + ", " + changed + " changed the IR</div>" +
      "<div><b>total pass time</b>" + fmtMs(META.total) + "</div>" +
      (first && first.lines !== undefined && lastDone ? "<div><b>lines</b>" + first.lines + " \u2192 " + lastDone.lines + "</div>" : "") +
      "</div>";
    h += '<div class="cards">';
    if (META.slowest.length) {
      const top = META.slowest[0].seconds || 1e-9;
      h += '<div class="card"><h2>slowest passes</h2><div class="slow">' + META.slowest.map((s) =>
        '<span class="t" data-goto="' + s.i + '">' + fmtMs(s.seconds) + '</span><div data-goto="' + s.i + '"><div class="bar" style="width:' +
        Math.max(2, 100 * s.seconds / top).toFixed(1) + '%"></div></div><span class="n" data-goto="' + s.i + '">#' + s.i + " " + esc(s.text) + "</span>").join("") + "</div></div>";
    }
    const be = Object.entries(META.backend || {});
    if (be.length)
      h += '<div class="card"><h2>back end</h2><div class="backend">' + be.map(([k, v]) => "<span><b>" + esc(k) + '</b><span class="mono">' + esc(String(v)) + "</span></span>").join("") + "</div></div>";
    if (f) {
      h += '<div class="card failbox"><b>' + (f.stage ? "failed at pass #" + f.stage + " " + esc(STAGES[f.stage].text) : "failed") + "</b>" +
        "<pre>" + esc(f.message) + (f.diagnostics.length ? "\n" + esc(f.diagnostics.join("\n")) : "") + "</pre>" + (f.stage ? ' <a href="#" data-goto="' + f.stage + '">show the stage (f)</a>' : "") + reproHTML(f) + "</div>";
    }
    h += "</div>";
    $("summary").innerHTML = h;
    $("made").textContent = "hexopt " + META.version + " \u00b7 " + META.created;
  }

  // ---------------------------------------------------------------- stage list
  function chips(delta, max, q) {
    let h = "";
    const show = delta.slice(0, max);
    if (q) { const qi = delta.findIndex((d) => d[0] === q); if (qi >= max) show.push(delta[qi]); }
    for (const [op, a, b] of show)
      h += '<span class="chip ' + (b > a ? "up" : "down") + (op === q ? " q" : "") + '" data-op="' + esc(op) + '">' + esc(op) + " " + a + " \u2192 " + b + "</span>";
    if (delta.length > show.length) h += '<span class="more">+' + (delta.length - show.length) + " more</span>";
    return h;
  }
  function stageList() {
    let h = "";
    for (const s of STAGES) {
      const cls = ["st"];
      if (s.i > 0 && s.status === "ok" && !s.changed) cls.push("same");
      if (s.status === "failed") cls.push("failed");
      if (s.status === "not-run") cls.push("notrun");
      let meta = "";
      if (s.origin) meta += '<span class="org" title="where the pipeline names this pass">' + esc(s.origin) + "</span>";
      if (s.status === "ok" && s.i > 0 && s.changed) meta += "<span>\u2212" + s.removed + " +" + s.added + " lines</span>";
      if (s.i === 0 && s.lines !== undefined) meta += "<span>" + s.lines + " lines</span>";
      if (s.status === "failed") meta += "<span>failed</span>";
      if (s.status === "not-run") meta += "<span>not run</span>";
      if (s.delta && s.delta.length) meta += chips(s.delta, 3, state.query);
      h += '<div class="' + cls.join(" ") + '" data-stage="' + s.i + '" role="option" id="st-' + s.i + '">' +
        '<span class="ix">' + s.i + '</span><span class="ps" title="' + esc(s.text) + '">' + (s.i === 0 ? "input" : passLabel(s)) +
        '</span><span class="tm">' + fmtMs(s.seconds) + '</span><div class="meta">' + meta + "</div></div>";
    }
    $("stage-list").innerHTML = h;
    markSearch();
  }
  $("stage-list").addEventListener("click", (ev) => {
    const chip = ev.target.closest("[data-op]");
    if (chip) { setQuery(chip.dataset.op); }
    const row = ev.target.closest("[data-stage]");
    if (row) select(+row.dataset.stage);
  });
  document.addEventListener("click", (ev) => {
    const g = ev.target.closest("[data-goto]");
    if (g) { ev.preventDefault(); select(+g.dataset.goto); }
    if (ev.target.id === "copy-repro" || ev.target.id === "copy-repro-2") {
      const text = META.failure.reproducer;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
      ev.target.textContent = "copied";
    }
  });

  // ---------------------------------------------------------------- the selected stage
  function baseOptions() {
    const sel = $("base");
    const s = STAGES[state.stage];
    const prev = s.status === "ok" ? state.stage - 1 : lastIR(state.stage);
    let h = '<option value="prev">the previous stage' + (prev >= 0 ? " (#" + prev + ")" : "") + "</option>";
    for (let j = 0; j < prev; j++) h += '<option value="' + j + '">#' + j + " " + esc(j === 0 ? "input" : STAGES[j].text.slice(0, 60)) + "</option>";
    sel.innerHTML = h;
    sel.value = state.base === "prev" || +state.base >= prev ? "prev" : String(state.base);
    sel.disabled = prev < 0;
  }
  $("base").addEventListener("change", (ev) => { state.base = ev.target.value; render(); });
  function head() {
    const s = STAGES[state.stage];
    let sub = [];
    if (s.i === 0) sub.push(s.name === "input" ? "the input, as parsed and printed" : "the input as given (it did not parse)");
    if (s.origin) sub.push("from " + esc(s.origin));
    if (s.seconds !== null && s.seconds !== undefined) sub.push(fmtMs(s.seconds));
    if (s.lines !== undefined) sub.push(s.lines + " lines");
    if (s.status === "ok" && s.i > 0) sub.push(s.changed ? "\u2212" + s.removed + " +" + s.added + " lines" : "no change to the IR");
    if (s.status === "failed") sub.push("failed: the views show the IR entering it");
    if (s.status === "not-run") sub.push("not run (an earlier pass failed)");
    $("stage-head").innerHTML = "<h2>#" + s.i + " " + (s.i === 0 ? esc(s.text) : passLabel(s)) + '</h2><div class="sub">' + sub.join(" \u00b7 ") + "</div>";
    const f = META.failure;
    if (s.status === "failed" && f) {
      $("stage-error").innerHTML = "<b>" + esc(f.message) + "</b>" + (f.diagnostics.length ? "<pre>" + esc(f.diagnostics.join("\n")) + "</pre>" : "") +
        (f.hint ? "<pre>" + esc(f.hint) + "</pre>" : "") + (f.reproducer ? reproHTML(f).replace("copy-repro", "copy-repro-2").replace('id="repro-cmd"', "") : "");
    } else $("stage-error").innerHTML = "";
    let counts = "";
    if (s.status === "ok") {
      const b = baseIndex();
      const delta = b === state.stage - 1 ? (s.delta || []) : countDelta(STAGES[b].counts, s.counts);
      counts = delta.length ? chips(delta, 1e9, state.query) : (s.i === 0 ? Object.entries(s.counts).sort((x, y) => y[1] - x[1]).slice(0, 16)
        .map(([op, n]) => '<span class="chip" data-op="' + esc(op) + '">' + esc(op) + " " + n + "</span>").join("") : '<span class="muted">op counts unchanged</span>');
    }
    $("stage-counts").innerHTML = counts;
  }
  function countDelta(a, b) {
    const out = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if ((a[k] || 0) !== (b[k] || 0)) out.push([k, a[k] || 0, b[k] || 0]);
    return out.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]) || (x[0] < y[0] ? -1 : 1));
  }
  $("stage-counts").addEventListener("click", (ev) => { const c = ev.target.closest("[data-op]"); if (c) setQuery(c.dataset.op); });

  function render(keepScroll) {
    const s = STAGES[state.stage];
    for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("on", b.dataset.view === state.view);
    const irStage = s.status === "ok" ? state.stage : lastIR(state.stage);
    let info = "";
    if (irStage < 0) { showRows([], "ir"); rowsEl.innerHTML = '<div class="empty">No IR: the input did not parse.</div>'; $("view-info").textContent = ""; return; }
    if (state.view === "ir" || s.status !== "ok" || state.stage === 0) {
      const lines = linesOf(irStage);
      showRows(lines, "ir", keepScroll);
      info = lines.length + " lines" + (s.status !== "ok" ? " (IR entering the pass)" : "");
      if (state.view !== "ir" && s.status === "ok") info += " \u00b7 the input has no diff";
    } else {
      const base = baseIndex();
      const rows = diffRows(linesOf(base), scriptBetween(base, state.stage), expandedFor(state.stage, state.base));
      showRows(state.view === "split" ? splitRows(rows) : rows, state.view, keepScroll);
      info = (base === state.stage - 1 ? "against #" + base : "against #" + base + " (" + (base === 0 ? "the input" : STAGES[base].name) + ")") +
        (s.changed || base !== state.stage - 1 ? "" : " \u00b7 no change");
    }
    $("view-info").textContent = info + searchInfoText();
    document.documentElement.dataset.stage = state.stage;
    document.documentElement.dataset.view = state.view;
  }
  function select(i, view) {
    if (i < 0 || i >= STAGES.length) return;
    state.stage = i;
    if (view) state.view = view;
    for (const el of document.querySelectorAll(".st.sel")) el.classList.remove("sel");
    const row = $("st-" + i);
    row.classList.add("sel");
    row.setAttribute("aria-selected", "true");
    row.scrollIntoView({ block: "nearest" });
    baseOptions();
    head();
    render();
    history.replaceState(null, "", "#stage=" + i + "&view=" + state.view + (state.base !== "prev" ? "&base=" + state.base : ""));
  }
  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => { state.view = b.dataset.view; select(state.stage); });

  // ---------------------------------------------------------------- search over op names
  const search = $("search");
  let searchTimer = 0;
  const OPS = new Set(META.ops);
  $("op-names").innerHTML = META.ops.map((o) => '<option value="' + esc(o) + '">').join("");
  function rowText(r) {
    if (V.kind === "ir") return [r];
    if (r[0] === "~") return [];
    return V.kind === "unified" ? [r[3]] : [r[2] || "", r[5] || ""];
  }
  function findHits() {
    V.hits = []; V.cur = -1; V.hitSet = new Set();
    const q = state.query;
    if (!q) return;
    const exact = OPS.has(q);
    for (let i = 0; i < V.rows.length; i++) {
      for (const t of rowText(V.rows[i])) {
        if (exact ? opName(t) === q : t.includes(q)) { V.hits.push(i); V.hitSet.add(i); break; }
      }
    }
  }
  function searchInfoText() {
    if (!state.query) return "";
    let removed = 0, added = 0;
    if (V.kind === "unified") for (const i of V.hits) { if (V.rows[i][0] === "-") removed++; else if (V.rows[i][0] === "+") added++; }
    return " \u00b7 \u201c" + state.query + "\u201d: " + (V.cur >= 0 ? V.cur + 1 + "/" : "") + V.hits.length + " match" + (V.hits.length === 1 ? "" : "es") +
      (V.kind === "unified" && (removed || added) ? " (" + removed + " removed, " + added + " added)" : "");
  }
  function markSearch() {
    const q = state.query;
    let n = 0;
    for (const s of STAGES) {
      const el = $("st-" + s.i);
      let hit = false;
      if (q && s.delta) hit = s.delta.some((d) => (OPS.has(q) ? d[0] === q : d[0].includes(q)));
      el.classList.toggle("hit", hit);
      if (hit) n++;
    }
    const total = q && OPS.has(q) ? STAGES.filter((s) => s.counts && s.counts[q]).length : 0;
    $("search-info").textContent = !q ? "" : (n + " stage" + (n === 1 ? "" : "s") + " change the count of " + (OPS.has(q) ? q : "ops matching \u201c" + q + "\u201d") +
      (OPS.has(q) ? "; present in " + total + " of " + STAGES.filter((s) => s.counts).length + " stages" : ""));
  }
  function setQuery(q) {
    clearTimeout(searchTimer);
    if (search.value === q && state.query === q.trim()) return; // nothing new: keep the list as it is
    search.value = q;
    state.query = q.trim();
    stageList();
    const sel = $("st-" + state.stage);
    if (sel) sel.classList.add("sel");
    head();
    findHits();
    paint(true);
    $("view-info").textContent = $("view-info").textContent.replace(/ \u00b7 \u201c.*$/, "") + searchInfoText();
  }
  search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => setQuery(search.value), 120); });
  function nextHit(dir) {
    if (search.value.trim() !== state.query) setQuery(search.value);
    if (!V.hits.length) return;
    V.cur = V.cur < 0 ? (dir > 0 ? 0 : V.hits.length - 1) : (V.cur + dir + V.hits.length) % V.hits.length;
    scrollToRow(V.hits[V.cur]);
    $("view-info").textContent = $("view-info").textContent.replace(/ \u00b7 \u201c.*$/, "") + searchInfoText();
  }
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); nextHit(ev.shiftKey ? -1 : 1); }
    if (ev.key === "Escape") { search.blur(); viewer.focus(); }
  });

  // ---------------------------------------------------------------- keyboard
  function changedFrom(i, dir) {
    for (let j = i + dir; j >= 0 && j < STAGES.length; j += dir) if (STAGES[j].changed || STAGES[j].status === "failed") return j;
    return i;
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.target === search || ev.target.tagName === "SELECT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key;
    let done = true;
    if (k === "ArrowDown" || k === "j") select(Math.min(state.stage + 1, STAGES.length - 1));
    else if (k === "ArrowUp" || k === "k") select(Math.max(state.stage - 1, 0));
    else if (k === "]" || k === "J") select(changedFrom(state.stage, 1));
    else if (k === "[" || k === "K") select(changedFrom(state.stage, -1));
    else if (k === "Home") select(0);
    else if (k === "End") select(STAGES.length - 1);
    else if (k === "d") select(state.stage, "unified");
    else if (k === "s") select(state.stage, "split");
    else if (k === "i") select(state.stage, "ir");
    else if (k === "f" && META.failure && META.failure.stage) select(META.failure.stage);
    else if (k === "/") { search.focus(); search.select(); }
    else if (k === "n") nextHit(1);
    else if (k === "N") nextHit(-1);
    else if (k === "PageDown") { viewer.scrollTop += viewer.clientHeight - LH; }
    else if (k === "PageUp") { viewer.scrollTop -= viewer.clientHeight - LH; }
    else done = false;
    if (done) ev.preventDefault();
  });

  // ---------------------------------------------------------------- start
  summary();
  stageList();
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("base")) state.base = params.get("base");
  if (["unified", "split", "ir"].includes(params.get("view"))) state.view = params.get("view");
  const firstChange = STAGES.findIndex((s) => s.changed);
  let start = params.has("stage") ? +params.get("stage") : META.failure && META.failure.stage ? META.failure.stage : firstChange > 0 ? firstChange : 0;
  if (!(start >= 0 && start < STAGES.length)) start = 0;
  if (STAGES.length) select(start);
  if (params.get("q")) setQuery(params.get("q"));
  window.hexoptReport = { state, select, setQuery, nextHit, linesOf, stages: STAGES, rows: () => V.rows, hits: () => V.hits.slice() };
  document.documentElement.dataset.ready = "1";
  window.hexoptReadyAt = performance.now();
})();
