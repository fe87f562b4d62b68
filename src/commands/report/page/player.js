"use strict";
// The replay player: draws the page's data (see replay_page.rs) without knowing the
// game. Every string from the replay goes in with textContent, never as markup.
(function () {
  window.addEventListener("error", function (e) {
    document.body.dataset.error = String(e.message);
  });
  const D = JSON.parse(document.getElementById("data").textContent);
  const F = D.frames || [];
  const n = F.length;
  const $ = function (id) { return document.getElementById(id); };
  const el = function (tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const colour = function (seat) { return "var(--s" + (seat % 8) + ")"; };
  const name = function (seat) { return D.bots[seat] !== undefined ? D.bots[seat] : "seat " + (seat + 1); };
  const swatch = function (seat) {
    const s = el("span", "swatch");
    s.style.background = colour(seat);
    return s;
  };

  // Grid games: every frame's cells, rebuilt from the changes the page carries.
  const boards = [];
  if (D.kind === "grid") {
    let cells = [];
    for (const f of F) {
      const g = f.grid;
      if (g) {
        cells = cells.length === g.rows * g.cols ? cells.slice() : new Array(g.rows * g.cols).fill(0);
        for (const c of g.changes) if (c[0] < cells.length) cells[c[0]] = c[1];
      }
      boards.push(cells);
    }
  }

  $("title").textContent = D.title;
  $("meta").textContent = D.game + " · " + D.bots.join(" vs ") + " · " + D.result;
  const board = $("board");
  const slider = $("slider");
  slider.max = String(Math.max(0, n - 1));

  function drawGrid(i) {
    const g = F[i].grid;
    if (!g) return;
    const grid = el("div", "grid " + (g.discs ? "discs" : "square"));
    grid.style.gridTemplateColumns = "repeat(" + g.cols + ", 1fr)";
    const cells = boards[i];
    const prev = i > 0 ? boards[i - 1] : null;
    const marks = new Map(g.marks.map(function (m) { return [m[0], m]; }));
    for (let k = 0; k < cells.length; k++) {
      const c = el("div", "cell");
      c.dataset.v = String(cells[k]);
      if (cells[k] > 0) c.style.background = colour(cells[k] - 1);
      const m = marks.get(k);
      if (m && g.discs) {
        c.classList.add("mark");
      } else if (m) {
        c.classList.add(m[2] ? "crashed" : "head");
        c.style.background = colour(m[1]);
      }
      if (g.discs && prev && prev.length === cells.length && prev[k] !== cells[k]) c.classList.add("last");
      grid.appendChild(c);
    }
    board.appendChild(grid);
  }

  function drawRounds(i) {
    const wrap = el("div", "rounds");
    const first = Math.max(1, i - 299);
    if (first > 1) wrap.appendChild(el("span", "", "… "));
    for (let k = first; k <= i; k++) {
      const r = F[k].round;
      if (!r) continue;
      const col = el("div", "round" + (k === i ? " now" : ""));
      col.title = "step " + F[k].step;
      for (let s = 0; s < 2; s++) {
        const cell = el("span", "", r.shown[s]);
        const won = (r.winner === 1 && s === 0) || (r.winner === -1 && s === 1);
        if (won) { cell.classList.add("won"); cell.style.background = colour(s); }
        if (r.flipped[s]) cell.classList.add("flip");
        col.appendChild(cell);
      }
      wrap.appendChild(col);
    }
    board.appendChild(wrap);
  }

  // The running scores: one line per seat, a cursor at the current step, the values
  // at the cursor in the legend.
  const series = [];
  F.forEach(function (f, i) {
    (f.scores || []).forEach(function (v, s) {
      (series[s] = series[s] || []).push([i, v]);
    });
  });
  let cursor = null;
  let legend = null;
  // A frame's place across the chart (its viewBox is 1000 wide).
  const chartX = function (i) { return n > 1 ? (i / (n - 1)) * 1000 : 0; };
  if (series.length) {
    const all = series.flat().map(function (p) { return p[1]; });
    const lo = Math.min(0, ...all), hi = Math.max(1, ...all);
    const x = chartX;
    const y = function (v) { return 190 - ((v - lo) / (hi - lo || 1)) * 180; };
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 1000 200");
    svg.setAttribute("preserveAspectRatio", "none");
    series.forEach(function (points, s) {
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("points", points.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); }).join(" "));
      line.setAttribute("fill", "none");
      line.setAttribute("stroke-width", "3");
      line.setAttribute("vector-effect", "non-scaling-stroke");
      line.style.stroke = colour(s);
      svg.appendChild(line);
    });
    cursor = document.createElementNS(ns, "line");
    cursor.setAttribute("y1", "0");
    cursor.setAttribute("y2", "200");
    cursor.setAttribute("vector-effect", "non-scaling-stroke");
    cursor.style.stroke = "var(--muted)";
    svg.appendChild(cursor);
    svg.addEventListener("click", function (e) {
      const box = svg.getBoundingClientRect();
      go(Math.round(((e.clientX - box.left) / box.width) * (n - 1)));
    });
    legend = el("div", "legend");
    $("chart").append(svg, legend);
  }

  // The move list: a row per frame, every one selectable.
  const seats = D.bots.length;
  const head = el("tr");
  head.appendChild(el("th", "", "step"));
  for (let s = 0; s < seats; s++) {
    const th = el("th");
    th.append(swatch(s), document.createTextNode(name(s)));
    head.appendChild(th);
  }
  $("moves").tHead.appendChild(head);
  const rows = F.map(function (f, i) {
    const tr = el("tr");
    tr.dataset.frame = String(i);
    tr.appendChild(el("td", "", f.step));
    const bySeat = new Map(f.moves.map(function (m) { return [m.seat, m]; }));
    for (let s = 0; s < seats; s++) {
      const m = bySeat.get(s);
      let text = i === 0 ? (s === 0 ? "start" : "") : "";
      let cls = "";
      if (m) {
        text = m.action + (m.played !== undefined ? " → " + m.played + " ~noise" : "");
        if (m.fault !== undefined) { text = "✖ " + m.action; cls = "fault"; }
      }
      tr.appendChild(el("td", cls, text));
    }
    tr.addEventListener("click", function () { go(i); });
    $("moves").tBodies[0].appendChild(tr);
    return tr;
  });

  function current(i) {
    const box = $("current");
    box.replaceChildren();
    const f = F[i];
    if (!f.moves.length) box.appendChild(el("div", "", i === 0 ? "The start: no move yet." : "No move."));
    for (const m of f.moves) {
      const line = el("div");
      line.append(swatch(m.seat));
      line.appendChild(el("b", "", name(m.seat)));
      line.appendChild(document.createTextNode(" → " + m.action));
      if (m.played !== undefined) line.appendChild(el("b", "", ", played " + m.played + ": noise flipped it"));
      if (m.think_ms !== undefined) line.appendChild(el("span", "log", "  think " + m.think_ms.toFixed(1) + " ms"));
      box.appendChild(line);
      if (m.fault !== undefined) box.appendChild(el("div", "fault", "FAULT " + m.fault));
      if (m.logs.length) box.appendChild(el("div", "log", m.logs.join("\n")));
    }
  }

  function go(i) {
    at = Math.max(0, Math.min(n - 1, i | 0));
    board.replaceChildren();
    if (n === 0) return;
    if (D.kind === "grid") drawGrid(at);
    else if (D.kind === "rounds") drawRounds(at);
    else board.appendChild(el("pre", "text", F[at].text || ""));
    slider.value = String(at);
    $("stepno").textContent = "step " + F[at].step + " · frame " + at + " of " + (n - 1);
    current(at);
    rows.forEach(function (r, k) { r.classList.toggle("now", k === at); });
    if (rows[at] && rows[at].scrollIntoView) rows[at].scrollIntoView({ block: "nearest" });
    if (cursor) {
      const cx = chartX(at).toFixed(1);
      cursor.setAttribute("x1", cx);
      cursor.setAttribute("x2", cx);
      legend.replaceChildren();
      series.forEach(function (points, s) {
        let v = null;
        for (const p of points) if (p[0] <= at) v = p[1];
        const item = el("span");
        item.append(swatch(s), document.createTextNode(name(s) + " " + (v === null ? "–" : v) + "   "));
        legend.appendChild(item);
      });
    }
    document.body.dataset.step = String(at);
    const keep = document.documentElement.dataset.theme;
    const hash = "#step=" + at + (keep ? "&theme=" + keep : "");
    try { history.replaceState(null, "", hash); } catch (e) { /* a page without history */ }
  }

  let at = 0;
  let timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; } }
  $("first").onclick = function () { stop(); go(0); };
  $("prev").onclick = function () { stop(); go(at - 1); };
  $("next").onclick = function () { stop(); go(at + 1); };
  $("last").onclick = function () { stop(); go(n - 1); };
  $("play").onclick = function () {
    if (timer) return stop();
    if (at >= n - 1) go(0);
    $("play").textContent = "pause";
    timer = setInterval(function () { if (at >= n - 1) stop(); else go(at + 1); }, 250);
  };
  slider.oninput = function () { stop(); go(Number(slider.value)); };
  document.addEventListener("keydown", function (e) {
    const keys = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: n - 1 };
    if (e.key in keys) { stop(); go(keys[e.key]); e.preventDefault(); }
    else if (e.key === " ") { $("play").onclick(); e.preventDefault(); }
  });
  // The address may ask for a step and a theme: #step=12&theme=dark.
  const asked = new URLSearchParams(location.hash.slice(1));
  const theme = asked.get("theme");
  if (theme === "dark" || theme === "light") document.documentElement.dataset.theme = theme;
  go(/^\d+$/.test(asked.get("step") || "") ? Number(asked.get("step")) : 0);
  document.body.dataset.overflow = document.documentElement.scrollWidth > window.innerWidth + 1 ? "yes" : "no";
  document.body.dataset.ready = "1";
})();
