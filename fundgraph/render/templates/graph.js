(function () {
  "use strict";
  // Every text from the case is placed with textContent or drawn on the canvas:
  // nothing from the data is ever parsed as HTML.
  var D = JSON.parse(document.getElementById("fg-data").textContent);
  var OPTS = JSON.parse(document.getElementById("fg-options").textContent);
  var T = D.text, A = D.accounts, G = D.groups, E = D.edges;
  var NA = A.id.length, NG = G.kind.length, NE = E.u.length;
  G.members = G.members.map(memberRows);
  var ROLES = D.roles, COLORS = D.colors;
  var SCHEME = { core: 1, collector: 1, transit: 1 };
  var BASE = Date.parse(D.base + "Z");
  var GROUP_PREFIX = "\u2295g";
  var FS = D.fontScale || 1;

  // each group's carried members come as [first row, count]
  function memberRows(m) {
    var out = new Array(m[1]);
    for (var j = 0; j < m[1]; j++) { out[j] = m[0] + j; }
    return out;
  }
  function tr(key, vals) {
    var s = Object.prototype.hasOwnProperty.call(T, key) ? T[key] : key;
    if (vals) {
      Object.keys(vals).forEach(function (k) { s = s.split("{" + k + "}").join(String(vals[k])); });
    }
    return s;
  }
  function pad(n, w) { n = String(n); while (n.length < (w || 2)) { n = "0" + n; } return n; }
  function trim2(x) { return x.toFixed(2).replace(/\.?0+$/, ""); }
  function cny(c) {
    var sign = c < 0 ? "-" : "", a = Math.abs(c);
    if (D.lang === "zh") {
      if (a >= 1e10) { return sign + "\u00a5" + trim2(a / 1e10) + "\u4ebf"; }
      if (a >= 1e6) { return sign + "\u00a5" + trim2(a / 1e6) + "\u4e07"; }
    }
    var q = Math.floor(a / 100), r = a % 100;
    var qs = D.lang === "zh" ? String(q) : q.toLocaleString("en-US");
    return sign + "\u00a5" + qs + "." + pad(r);
  }
  // dates in the page's language: 2023年6月15日 / 2023-06-15 (pattern in the catalogue;
  // English writes month and day with two digits)
  function dateText(d, key) {
    var m = d.getUTCMonth() + 1, day = d.getUTCDate(), two = D.lang !== "zh";
    return tr(key, { y: d.getUTCFullYear(), m: two ? pad(m) : m, d: two ? pad(day) : day });
  }
  function when(m) {
    if (m === null || m === undefined) { return "\u2014"; }
    var d = new Date(BASE + m * 60000);
    return dateText(d, "views.date.day") + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  // ------------------------------------------------------------------ time slots
  // The window moves in slots (calendar months, or days for a short case). An edge's
  // money per slot is E.series[i] ([slot, cents, ...]) or, when absent, all of it in the
  // slot of its first transfer.
  var SLOT_DAY = D.slots.unit === "day", NS = D.slots.start.length;
  var slotStart = D.slots.start.map(function (x) { return Date.parse(x + "T00:00:00Z"); });
  function slotOfTime(ms) {
    var lo = 0, hi = NS - 1;
    if (!NS || ms < slotStart[0]) { return -1; }
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (slotStart[mid] <= ms) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  }
  function slotEnd(k) {
    // the last day of slot k
    if (k + 1 < NS) { return new Date(slotStart[k + 1] - 86400000); }
    var d = new Date(slotStart[k]);
    return SLOT_DAY ? d : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
  }
  // the first day of slot k, or its last day when end is true
  function slotLabel(k, end) {
    return dateText(end ? slotEnd(k) : new Date(slotStart[k]), "views.date.day");
  }
  var ESLOT = firstSlots();  // slot of each edge's first transfer
  function firstSlots() {
    var slots = new Int32Array(NE);
    for (var k = 0; k < NE; k++) { slots[k] = E.first[k] === null ? -1 : slotOfTime(BASE + E.first[k] * 60000); }
    return slots;
  }
  function edgeSeries(i) {
    var s = E.series[i];
    if (s) { return s; }
    return ESLOT[i] < 0 ? [] : [ESLOT[i], E.amount[i]];
  }
  function edgeInWindow(i) {
    var s = E.series[i];
    if (s) { return sumIn(s, filter.s0, filter.s1); }
    return ESLOT[i] >= filter.s0 && ESLOT[i] <= filter.s1 ? E.amount[i] : 0;
  }
  function sumIn(series, s0, s1) {
    var t = 0;
    for (var j = 0; j < series.length; j += 2) {
      if (series[j] >= s0 && series[j] <= s1) { t += series[j + 1]; }
    }
    return t;
  }
  function roleName(r) { return tr("role." + ROLES[r]); }
  function int(n) { return D.lang === "zh" ? String(n) : Number(n).toLocaleString("en-US"); }

  // ------------------------------------------------------------------ state
  var revealed = new Uint8Array(NA);
  var pos = new Map();   // node id -> {x, y}
  var byId = new Map();  // account id -> row
  var gRevealed = new Int32Array(NG), gRevealedAmount = new Float64Array(NG);
  var gRevealedPr = new Float64Array(NG);
  A.id.forEach(function (id, row) { byId.set(id, row); });
  showUnfolded();
  // the accounts outside groups, each at its place, and every group at its own
  function showUnfolded() {
    var i, g;
    for (i = 0; i < NA; i++) { if (A.group[i] < 0) { revealed[i] = 1; pos.set(A.id[i], { x: A.x[i], y: A.y[i] }); } }
    for (g = 0; g < NG; g++) { pos.set(gid(g), { x: G.x[g], y: G.y[g] }); }
  }
  function flow(i) { return Math.max(A["in"][i], A.out[i]); }
  function gid(g) { return GROUP_PREFIX + g; }
  function groupLeft(g) { return G.n[g] - gRevealed[g]; }
  function groupAmount(g) { return Math.max(0, G.amount[g] - gRevealedAmount[g]); }
  function endId(e) {
    var k;
    if (e < 0) { k = -e - 1; return groupLeft(k) > 0 ? gid(k) : null; }
    if (revealed[e]) { return A.id[e]; }
    k = A.group[e];
    return k >= 0 && groupLeft(k) > 0 ? gid(k) : null;
  }
  function endRole(e) { return e < 0 ? G.role[-e - 1] : A.role[e]; }

  // ------------------------------------------------------------------ money per slot
  var edgesOfRow = null;  // row -> carried edges touching it (built on first use)
  function rowEdges(r) {
    if (!edgesOfRow) {
      edgesOfRow = new Map();
      var add = function (a, k) {
        if (a < 0) { return; }
        if (!edgesOfRow.has(a)) { edgesOfRow.set(a, []); }
        edgesOfRow.get(a).push(k);
      };
      for (var k = 0; k < NE; k++) { add(E.u[k], k); add(E.v[k], k); }
    }
    return edgesOfRow.get(r) || [];
  }
  function dense(flat, into, sign) {
    for (var j = 0; j < flat.length; j += 2) {
      if (flat[j] >= 0 && flat[j] < NS) { into[flat[j]] += sign * flat[j + 1]; }
    }
  }
  // {in, out}: an account's money per slot (its own series, or the sum of its edges)
  function accountSeries(r) {
    var sIn = new Float64Array(NS), sOut = new Float64Array(NS);
    var own = Object.prototype.hasOwnProperty.call(A.series, r) ? A.series[r] : null;
    if (own) {
      dense(own[0], sIn, 1);
      dense(own[1], sOut, 1);
    } else {
      rowEdges(r).forEach(function (k) {
        if (E.v[k] === r) { dense(edgeSeries(k), sIn, 1); }
        if (E.u[k] === r) { dense(edgeSeries(k), sOut, 1); }
      });
    }
    return { "in": sIn, out: sOut };
  }
  // a group's members still folded in it
  function groupSeries(g) {
    var sIn = new Float64Array(NS), sOut = new Float64Array(NS);
    dense(G.seriesIn[g], sIn, 1);
    dense(G.seriesOut[g], sOut, 1);
    if (gRevealed[g] > 0) {
      G.members[g].forEach(function (r) {
        if (!revealed[r]) { return; }
        var m = accountSeries(r);
        for (var k = 0; k < NS; k++) { sIn[k] -= m["in"][k]; sOut[k] -= m.out[k]; }
      });
    }
    return { "in": sIn, out: sOut };
  }
  function windowFlow(series) {
    var a = 0, b = 0;
    for (var k = Math.max(0, filter.s0); k <= Math.min(NS - 1, filter.s1); k++) {
      a += series["in"][k];
      b += series.out[k];
    }
    return Math.max(a, b);
  }

  // scales: sizes from the largest amount / PageRank in the page, widths on a log scale
  var maxAmount = 1, maxRank = 1e-12, minLog = Infinity, maxLog = -Infinity;
  measureScales();
  function measureScales() {
    var i, g;
    for (i = 0; i < NA; i++) { maxAmount = Math.max(maxAmount, flow(i)); maxRank = Math.max(maxRank, A.pagerank[i]); }
    for (g = 0; g < NG; g++) { maxAmount = Math.max(maxAmount, G.amount[g]); maxRank = Math.max(maxRank, G.pagerank[g]); }
    for (i = 0; i < NE; i++) {
      var l = Math.log10(Math.max(E.amount[i], 100));
      if (l < minLog) { minLog = l; }
      if (l > maxLog) { maxLog = l; }
    }
  }
  var sizeBy = D.sizeBy;
  function nodeSize(amount, rank) {
    var f = sizeBy === "pagerank" ? rank / maxRank : amount / maxAmount;
    return (7 + 38 * Math.sqrt(Math.max(0, Math.min(1, f)))) * Math.sqrt(FS);
  }
  function edgeWidth(amount) {
    if (!(maxLog > minLog)) { return 2; }
    return (0.7 + 7.3 * (Math.log10(Math.max(amount, 100)) - minLog) / (maxLog - minLog)) * Math.sqrt(FS);
  }

  // ------------------------------------------------------------------ nodes and edges
  function shortId(id) { return id.length > 8 ? "\u2026" + id.slice(-6) : id; }
  function accountNode(i) {
    var r = A.role[i], role = ROLES[r], c = COLORS[r], p = pos.get(A.id[i]) || { x: 0, y: 0 };
    var label = A.name[i] || shortId(A.id[i]);
    if (label.length > 14) { label = label.slice(0, 13) + "\u2026"; }
    var big = role !== "participant" && role !== "other";
    if (big) { label += "\n" + cny(windowed() ? windowFlow(accountSeries(i)) : flow(i)); }
    return {
      id: A.id[i], x: p.x, y: p.y, label: label, shape: "dot",
      size: nodeSize(flow(i), A.pagerank[i]),
      color: { background: c, border: "#ffffff", highlight: { background: c, border: "#111111" },
               hover: { background: c, border: "#111111" } },
      borderWidth: big ? 2 : 1,
      // minor accounts keep small labels: drawn once zoomed in, not over the whole picture
      font: { size: role === "core" ? 18 * FS : (big ? 15 * FS : 11 * Math.min(FS, 1.6)), multi: false },
      fgKind: "a", fgIndex: i, fgRole: role, fgAmount: flow(i), fgFirst: A.first[i], fgLast: A.last[i]
    };
  }
  function groupLabel(g) {
    var anchor = G.anchor[g] >= 0 ? (A.name[G.anchor[g]] || shortId(A.id[G.anchor[g]])) : "";
    var amount = windowed() ? windowFlow(groupSeries(g)) : groupAmount(g);
    var v = { n: int(groupLeft(g)), amount: cny(amount), role: roleName(G.role[g]),
              anchor: anchor, community: G.community[g], k: int(G.communities[g]) };
    return tr("views.group.label." + G.kind[g], v);
  }
  function groupNode(g) {
    var c = COLORS[G.role[g]], p = pos.get(gid(g));
    return {
      id: gid(g), x: p.x, y: p.y, label: groupLabel(g), shape: G.kind[g] === "members" || G.kind[g] === "branch" ? "square" : "dot",
      size: nodeSize(groupAmount(g), Math.max(0, G.pagerank[g] - gRevealedPr[g])),
      color: { background: c + "55", border: c, highlight: { background: c + "99", border: "#111111" },
               hover: { background: c + "99", border: "#111111" } },
      borderWidth: 2, shapeProperties: { borderDashes: [5, 4] },
      font: { size: 14 * FS },
      fgKind: "g", fgIndex: g, fgRole: ROLES[G.role[g]], fgAmount: groupAmount(g),
      fgFirst: G.first[g], fgLast: G.last[g]
    };
  }

  // ------------------------------------------------------------------ filters
  // s0..s1: the slots of the time window (all of them when the page opens)
  var filter = { min: 0, s0: 0, s1: NS - 1, roles: {}, groups: true };
  ROLES.forEach(function (r) { filter.roles[r] = true; });
  function windowed() { return filter.s0 > 0 || filter.s1 < NS - 1; }
  function nodePasses(n) {
    if (!filter.roles[n.fgRole]) { return false; }
    if (n.fgKind === "g" && !filter.groups) { return false; }
    return n.fgAmount >= filter.min;
  }

  // ------------------------------------------------------------------ drawing
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, OPTS);
  var drawnEdgesCapped = false;
  var faded = new Set();  // nodes drawn faded: no money in the time window

  function savePositions() {
    var p = network.getPositions();
    Object.keys(p).forEach(function (id) { pos.set(id, p[id]); });
  }
  function sync(ds, items) {
    var want = new Set(items.map(function (x) { return x.id; }));
    var gone = ds.getIds().filter(function (id) { return !want.has(id); });
    if (gone.length) { ds.remove(gone); }
    ds.update(items);
  }
  function rebuild() {
    if (nodes.length) { savePositions(); }
    var win = windowed(), drawn = drawnNodes(), list = drawn.list, visible = drawn.visible;
    var agg = joinEdges(visible, win);
    faded.clear();
    if (win) { list = keepInWindow(list, visible, agg); }
    var tree = treePairs();
    var elist = largestEdges(agg).map(function (kv) { return edgeItem(kv, tree); });
    sync(nodes, list);
    sync(edges, elist);
    updateStatus();
  }
  // the revealed accounts and the groups with members left that pass the filters
  function drawnNodes() {
    var list = [], visible = new Set(), i, g;
    for (i = 0; i < NA; i++) {
      if (!revealed[i]) { continue; }
      var n = accountNode(i);
      if (nodePasses(n)) { list.push(n); visible.add(n.id); }
    }
    for (g = 0; g < NG; g++) {
      if (groupLeft(g) <= 0) { continue; }
      var gn = groupNode(g);
      if (nodePasses(gn)) { list.push(gn); visible.add(gn.id); }
    }
    return { list: list, visible: visible };
  }
  // the carried edges between visible nodes, joined per pair of drawn ends
  function joinEdges(visible, win) {
    var agg = new Map();
    for (var i = 0; i < NE; i++) {
      // an edge counts with the money it moved inside the window
      var amt = win ? edgeInWindow(i) : E.amount[i];
      if (amt < filter.min || (win && amt <= 0)) { continue; }
      var a = endId(E.u[i]), b = endId(E.v[i]);
      if (a === null || b === null || a === b || !visible.has(a) || !visible.has(b)) { continue; }
      var key = a + "\u0001" + b, cur = agg.get(key);
      if (!cur) {
        cur = { from: a, to: b, amount: 0, total: 0, count: 0, first: null, last: null,
                ru: endRole(E.u[i]), rv: endRole(E.v[i]), series: [] };
        agg.set(key, cur);
      }
      cur.amount += amt;
      cur.total += E.amount[i];
      cur.count += E.count[i];
      cur.series.push(i);
      var last = E.last[i] === null ? E.first[i] : E.last[i];
      if (E.first[i] !== null && (cur.first === null || E.first[i] < cur.first)) { cur.first = E.first[i]; }
      if (last !== null && (cur.last === null || last > cur.last)) { cur.last = last; }
    }
    return agg;
  }
  // in a time window, accounts and groups without money in it go away; the core
  // stays, faded, so the picture keeps its centre
  function keepInWindow(list, visible, agg) {
    var linked = new Set();
    agg.forEach(function (e) { linked.add(e.from); linked.add(e.to); });
    return list.filter(function (n) {
      if (linked.has(n.id)) { return true; }
      if (n.fgRole === "core" && n.fgKind === "a") {
        faded.add(n.id);
        n.opacity = 0.25;
        n.font = Object.assign({}, n.font, { color: "rgba(31,41,51,0.35)" });
        return true;
      }
      visible.delete(n.id);
      return false;
    });
  }
  // the drawn pairs of the layered view's hierarchy, both ways round
  function treePairs() {
    var tree = new Set();
    (D.tree || []).forEach(function (pr) {
      var a = endId(pr[0]), b = endId(pr[1]);
      if (a !== null && b !== null) { tree.add(a + "\u0001" + b); tree.add(b + "\u0001" + a); }
    });
    if (tree.size) {
      // opened members hang from their group's account like the group did
      for (var i = 0; i < NA; i++) {
        var gg = A.group[i];
        if (gg >= 0 && revealed[i] && G.anchor[gg] >= 0 && revealed[G.anchor[gg]]) {
          tree.add(A.id[i] + "\u0001" + A.id[G.anchor[gg]]);
          tree.add(A.id[G.anchor[gg]] + "\u0001" + A.id[i]);
        }
      }
    }
    return tree;
  }
  // the joined edges to draw, at most D.maxEdges (the largest)
  function largestEdges(agg) {
    var all = Array.from(agg.entries());
    drawnEdgesCapped = all.length > D.maxEdges;
    if (drawnEdgesCapped) {
      all.sort(function (x, y) { return y[1].amount - x[1].amount; });
      all = all.slice(0, D.maxEdges);
    }
    return all;
  }
  function edgeItem(kv, tree) {
    var e = kv[1], c = COLORS[e.ru];
    var payout = SCHEME[ROLES[e.ru]] && ROLES[e.rv] === "participant";
    // in a layered view the edges of the hierarchy carry the picture; the others
    // stay faint until a node is selected
    var faint = tree.size > 0 && !tree.has(kv[0]);
    var w = edgeWidth(e.amount);
    return {
      id: kv[0], from: e.from, to: e.to, width: faint ? Math.min(w, 1.2 * Math.sqrt(FS)) : w,
      dashes: payout ? [6 * FS, 5 * FS] : false,
      color: { color: c, opacity: faint ? 0.14 : 0.6, highlight: "#111111", hover: "#111111" },
      fgAmount: e.amount, fgTotal: e.total, fgCount: e.count, fgFirst: e.first, fgLast: e.last,
      fgEdges: e.series
    };
  }

  // ------------------------------------------------------------------ opening groups
  // Opened members go on rings (or a grid under the group in the layered view) around
  // the group's place; a spot that would overlap a drawn node is pushed outward along its
  // direction until it is clear, so opening a group never covers its neighbours.
  function placeMembers(g, rows) {
    var c = pos.get(gid(g)) || { x: 0, y: 0 }, k = rows.length, out = [];
    // a spatial hash with cells wider than two node radii: overlaps are found in the 3 x 3
    // cells around a spot
    var maxR = 10;
    nodes.forEach(function (n) { maxR = Math.max(maxR, n.size || 10); });
    rows.forEach(function (r) { maxR = Math.max(maxR, nodeSize(flow(r), A.pagerank[r])); });
    // GAP leaves room between neighbours for their labels
    var GAP = 18, hash = spatialHash(2 * maxR + GAP, GAP);
    nodes.forEach(function (n) {
      if (n.id === gid(g)) { return; }
      var q = pos.get(n.id);
      if (q) { hash.occupy(q.x, q.y, n.size || 10); }
    });
    var spots = D.expand === "grid" ? gridSpots(c, k) : ringSpots(c, k);
    spots.forEach(function (sp, j2) {
      var r = nodeSize(flow(rows[j2]), A.pagerank[rows[j2]]), x = sp.x, y = sp.y, step = 0;
      while (!hash.clear(x, y, r) && step < 600) {
        x += sp.ux * 12;
        y += sp.uy * 12;
        step += 1;
      }
      hash.occupy(x, y, r);
      out.push({ x: x, y: y });
    });
    return out;
  }
  // occupy(x, y, r) records a circle; clear(x, y, r): a circle there keeps gap from all
  function spatialHash(cell, gap) {
    var grid = new Map();
    function occupy(x, y, r) {
      var key = Math.floor(x / cell) + ":" + Math.floor(y / cell);
      if (!grid.has(key)) { grid.set(key, []); }
      grid.get(key).push([x, y, r]);
    }
    function clear(x, y, r) {
      var cx = Math.floor(x / cell), cy = Math.floor(y / cell);
      for (var ox = -1; ox <= 1; ox++) {
        for (var oy = -1; oy <= 1; oy++) {
          var list = grid.get((cx + ox) + ":" + (cy + oy)) || [];
          for (var q = 0; q < list.length; q++) {
            var o = list[q], dx = o[0] - x, dy = o[1] - y, need = o[2] + r + gap;
            if (dx * dx + dy * dy < need * need) { return false; }
          }
        }
      }
      return true;
    }
    return { occupy: occupy, clear: clear };
  }
  // k spots in rows under c (the layered view), each pushed downwards when taken
  function gridSpots(c, k) {
    var spots = [], cols = Math.min(16, Math.max(1, Math.ceil(Math.sqrt(k * 2)))), dx = 70, dy = 60;
    for (var j = 0; j < k; j++) {
      var col = j % cols, row = Math.floor(j / cols);
      spots.push({ x: c.x + (col - (Math.min(cols, k) - 1) / 2) * dx, y: c.y + 80 + row * dy, ux: 0, uy: 1 });
    }
    return spots;
  }
  // k spots on rings around c, far enough apart for the members' labels, each pushed
  // outwards when taken
  function ringSpots(c, k) {
    var spots = [], ring = 1, done = 0, spacing = 80;
    while (done < k) {
      var radius = 60 + ring * spacing * 1.1;
      var cap = Math.max(6, Math.floor(2 * Math.PI * radius / spacing));
      var m = Math.min(cap, k - done);
      for (var j = 0; j < m; j++) {
        var ang = 2 * Math.PI * j / m + ring * 0.3;
        spots.push({ x: c.x + radius * Math.cos(ang), y: c.y + radius * Math.sin(ang),
                     ux: Math.cos(ang), uy: Math.sin(ang) });
      }
      done += m;
      ring += 1;
    }
    return spots;
  }
  function reveal(rows) {
    if (!rows.length) { return; }
    if (nodes.length) { savePositions(); }
    var byGroup = new Map();
    rows.forEach(function (r) {
      if (revealed[r]) { return; }
      var gg = A.group[r];
      if (!byGroup.has(gg)) { byGroup.set(gg, []); }
      byGroup.get(gg).push(r);
    });
    byGroup.forEach(function (list, gg) {
      var spots = placeMembers(gg, list);
      list.forEach(function (r, j) {
        revealed[r] = 1;
        pos.set(A.id[r], spots[j]);
        gRevealed[gg] += 1;
        gRevealedAmount[gg] += flow(r);
        gRevealedPr[gg] += A.pagerank[r];
      });
    });
  }
  function expandGroup(g) {
    var next = [];
    var ms = G.members[g];
    for (var j = 0; j < ms.length && next.length < D.expandPage; j++) {
      if (!revealed[ms[j]]) { next.push(ms[j]); }
    }
    if (!next.length) { say(tr("views.msg.cannot_open")); return 0; }
    reveal(next);
    rebuild();
    say(tr("views.msg.opened", { n: int(next.length) }));
    return next.length;
  }
  // fold the opened members of group g back into it
  function collapseGroup(g) {
    if (g < 0 || g >= NG || gRevealed[g] <= 0) { return 0; }
    if (nodes.length) { savePositions(); }
    var n = 0;
    G.members[g].forEach(function (r) {
      if (!revealed[r]) { return; }
      revealed[r] = 0;
      pos.delete(A.id[r]);
      n += 1;
    });
    gRevealed[g] = 0; gRevealedAmount[g] = 0; gRevealedPr[g] = 0;
    rebuild();
    say(tr("views.msg.collapsed", { n: int(n) }));
    return n;
  }
  // the groups hanging from an account that have members opened
  function openedGroupsOf(row) {
    var out = [];
    for (var k = 0; k < NG; k++) { if (G.anchor[k] === row && gRevealed[k] > 0) { out.push(k); } }
    return out;
  }

  // ------------------------------------------------------------------ details and tooltips
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  // a small chart of money per slot, drawn with SVG elements (numbers only reach it)
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function sparkline(series, oneLine) {
    var w = 240, h = 46, pad = 3, wrap = el("div", null, "spark-box");
    var svg = svgEl("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h, "class": "spark",
                             role: "img" });
    svg.appendChild(svgEl("title", {})).textContent = tr("views.info.series");
    var top = 1, k;
    for (k = 0; k < NS; k++) { top = Math.max(top, series["in"][k], series.out[k]); }
    function x(k2) { return NS > 1 ? pad + (w - 2 * pad) * k2 / (NS - 1) : w / 2; }
    function y(v) { return h - pad - (h - 2 * pad) * v / top; }
    if (windowed()) {
      var x0 = x(Math.max(0, filter.s0)) - 2, x1 = x(Math.min(NS - 1, filter.s1)) + 2;
      svg.appendChild(svgEl("rect", { x: x0.toFixed(1), y: 0, width: Math.max(2, x1 - x0).toFixed(1),
                                      height: h, fill: "#e4ecf5" }));
    }
    svg.appendChild(svgEl("line", { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: "#bcccdc",
                                    "stroke-width": 1 }));
    (oneLine ? [["in", "#1f77b4"]] : [["in", "#1f77b4"], ["out", "#d62728"]]).forEach(function (sc) {
      var d = "", vals = series[sc[0]];
      for (k = 0; k < NS; k++) { d += (k ? "L" : "M") + x(k).toFixed(1) + " " + y(vals[k]).toFixed(1); }
      if (NS === 1) { d += "L" + (x(0) + 1).toFixed(1) + " " + y(vals[0]).toFixed(1); }
      svg.appendChild(svgEl("path", { d: d, fill: "none", stroke: sc[1], "stroke-width": 1.5,
                                      "stroke-linejoin": "round" }));
    });
    wrap.appendChild(svg);
    wrap.appendChild(sparkKey(oneLine));
    return wrap;
  }
  // what the lines of a sparkline are, and the dates it spans
  function sparkKey(oneLine) {
    var key = el("div", null, "spark-key");
    key.appendChild(el("span", tr(oneLine ? "views.info.series_edge" : "views.info.series_in"), "k-in"));
    if (!oneLine) { key.appendChild(el("span", tr("views.info.series_out"), "k-out")); }
    if (NS) {
      key.appendChild(el("em", tr("views.ui.window_range", { from: slotLabel(0, false), to: slotLabel(NS - 1, true) })));
    }
    return key;
  }
  function windowRow(row, series) {
    if (windowed()) { row("views.info.in_window", cny(windowFlow(series))); }
  }
  function button(key, action) {
    var b = el("button", tr(key));
    b.type = "button";
    b.addEventListener("click", function () { hideTip(); action(); });
    return b;
  }
  // inTip: for the tooltip, which cannot be clicked (no buttons)
  function infoFor(id, inTip) {
    var card = infoCard();
    var n = nodes.get(id);
    if (n && n.fgKind === "a") {
      accountInfo(card, n.fgIndex, inTip);
    } else if (n) {
      groupInfo(card, n.fgIndex, inTip);
    } else {
      var e = edges.get(id);
      if (!e) { return card.box; }
      edgeInfo(card, e);
    }
    return card.box;
  }
  // box: what infoFor shows; row(key, value) adds a line to the list dl
  function infoCard() {
    var box = el("div", null, "info"), dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", tr(k))); dl.appendChild(el("dd", v)); }
    return { box: box, dl: dl, row: row };
  }
  function accountInfo(card, i, inTip) {
    var box = card.box, row = card.row;
    box.appendChild(el("div", A.name[i] || tr("views.info.no_name"), "name"));
    row("views.info.account", A.id[i]);
    row("views.info.role", roleName(A.role[i]));
    if (A.level[i] !== null) { row("views.info.level", A.level[i]); }
    if (A.community[i] !== null) { row("views.info.community", A.community[i]); }
    row("views.info.in", cny(A["in"][i]) + " \u00b7 " + tr("views.info.times", { n: int(A.inCount[i]) }));
    row("views.info.out", cny(A.out[i]) + " \u00b7 " + tr("views.info.times", { n: int(A.outCount[i]) }));
    row("views.info.first", when(A.first[i]));
    row("views.info.last", when(A.last[i]));
    row("views.info.pagerank", A.pagerank[i].toPrecision(3));
    var sA = accountSeries(i);
    windowRow(row, sA);
    box.appendChild(card.dl);
    box.appendChild(sparkline(sA));
    var acts = el("div", null, "actions");
    if (A.group[i] >= 0 && gRevealed[A.group[i]] > 0) {
      acts.appendChild(button("views.ui.collapse", function () { collapseGroup(A.group[i]); }));
    }
    openedGroupsOf(i).forEach(function (k) {
      acts.appendChild(button("views.ui.collapse_members", function () { collapseGroup(k); }));
    });
    if (acts.childNodes.length && !inTip) { box.appendChild(acts); }
    if (Object.prototype.hasOwnProperty.call(A.alerts, i)) {
      box.appendChild(el("div", tr("views.info.alerts")));
      var ul = el("ul");
      A.alerts[i].split("\n").forEach(function (line) { if (line) { ul.appendChild(el("li", line)); } });
      box.appendChild(ul);
    }
  }
  function groupInfo(card, g, inTip) {
    var box = card.box, row = card.row;
    box.appendChild(el("div", groupLabel(g).replace(/\n/g, " \u00b7 "), "name"));
    var ai = G.anchor[g];
    if (ai >= 0) { row("views.info.anchor", (A.name[ai] || "") + " " + A.id[ai]); }
    row("views.info.role", roleName(G.role[g]));
    row("views.info.members", int(groupLeft(g)));
    row("views.info.amount", cny(groupAmount(g)));
    row("views.info.in_all", cny(G["in"][g]));
    row("views.info.out_all", cny(G.out[g]));
    row("views.info.first", when(G.first[g]));
    row("views.info.last", when(G.last[g]));
    var sG = groupSeries(g);
    windowRow(row, sG);
    box.appendChild(card.dl);
    box.appendChild(sparkline(sG));
    var carried = G.members[g].filter(function (r) { return !revealed[r]; }).length;
    box.appendChild(el("div", carried ? tr("views.info.click_to_open") : tr("views.msg.cannot_open"), "hint"));
    var gacts = el("div", null, "actions");
    if (carried) { gacts.appendChild(button("views.ui.open_more", function () { expandGroup(g); })); }
    if (gRevealed[g] > 0) { gacts.appendChild(button("views.ui.collapse", function () { collapseGroup(g); })); }
    if (gacts.childNodes.length && !inTip) { box.appendChild(gacts); }
  }
  function edgeInfo(card, e) {
    var box = card.box, row = card.row;
    var fa = nodes.get(e.from), tb = nodes.get(e.to);
    box.appendChild(el("div", nodeTitle(fa) + " \u2192 " + nodeTitle(tb), "name"));
    if (windowed()) {
      row("views.info.in_window", cny(e.fgAmount));
      row("views.info.amount_all", cny(e.fgTotal));
    } else {
      row("views.info.amount", cny(e.fgAmount));
    }
    row("views.info.count", int(e.fgCount));
    row("views.info.first", when(e.fgFirst));
    row("views.info.last", when(e.fgLast));
    box.appendChild(card.dl);
    var sE = { "in": new Float64Array(NS), out: new Float64Array(NS) };
    (e.fgEdges || []).forEach(function (k) { dense(edgeSeries(k), sE["in"], 1); });
    box.appendChild(sparkline(sE, true));
  }
  function nodeTitle(n) {
    if (!n) { return ""; }
    if (n.fgKind === "a") { return A.name[n.fgIndex] || A.id[n.fgIndex]; }
    return groupLabel(n.fgIndex).replace(/\n/g, " ");
  }
  var tip = document.getElementById("tip");
  function showTip(id, p) {
    tip.replaceChildren(infoFor(id, true));
    tip.style.display = "block";
    var w = container.clientWidth, h = container.clientHeight;
    var x = Math.min(p.x + 14, Math.max(0, w - tip.offsetWidth - 4));
    var y = Math.min(p.y + 14, Math.max(0, h - tip.offsetHeight - 4));
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  var details = document.getElementById("details");
  function showDetails(id) { details.replaceChildren(infoFor(id)); }

  bindNetwork();
  function bindNetwork() {
    network.on("hoverNode", function (p) { showTip(p.node, p.pointer.DOM); });
    network.on("blurNode", hideTip);
    network.on("hoverEdge", function (p) { showTip(p.edge, p.pointer.DOM); });
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);
    network.on("click", clicked);
    network.on("beforeDrawing", drawRowLabels);
  }
  // a group opens; an account folds the groups opened under it; both show their details
  function clicked(p) {
    if (p.nodes.length) {
      var n = nodes.get(p.nodes[0]);
      if (n && n.fgKind === "g") { hideTip(); expandGroup(n.fgIndex); showDetails(p.nodes[0]); return; }
      if (n && n.fgKind === "a") {
        var opened = openedGroupsOf(n.fgIndex);
        if (opened.length) { hideTip(); opened.forEach(collapseGroup); }
      }
      showDetails(p.nodes[0]);
    } else if (p.edges.length) {
      showDetails(p.edges[0]);
    }
  }

  // row labels of the layered view, drawn on the canvas behind the graph
  function drawRowLabels(ctx) {
    if (!D.rows.length) { return; }
    var minX = Infinity, maxX = -Infinity;
    nodes.forEach(function (n) { var q = pos.get(n.id); if (q) { minX = Math.min(minX, q.x); maxX = Math.max(maxX, q.x); } });
    if (!isFinite(minX)) { return; }
    ctx.save();
    var H = D.rowHeight || 200, face = OPTS.nodes.font.face;
    D.rows.forEach(function (r, k) {
      ctx.fillStyle = k % 2 ? "rgba(240,244,248,0.9)" : "rgba(255,255,255,0)";
      ctx.fillRect(minX - 260 * FS, r.y - H / 2, (maxX - minX) + 360 * FS, H);
      ctx.fillStyle = "#334e68";
      ctx.font = "bold " + Math.round(20 * FS) + "px " + face;
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(r.text, minX - 50 * FS, r.y - 10 * FS);
      ctx.font = Math.round(13 * FS) + "px " + face;
      ctx.fillStyle = "#627d98";
      ctx.fillText(tr("views.row.counts", { accounts: int(r.accounts), groups: int(r.groups) }), minX - 50 * FS, r.y + 14 * FS);
    });
    ctx.restore();
  }

  // ------------------------------------------------------------------ search
  var msg = document.getElementById("message");
  function say(text) { msg.textContent = text || ""; }
  function findRow(q) {
    if (byId.has(q)) { return byId.get(q); }
    var j, best = -1;
    for (j = 0; j < NA; j++) { if (A.name[j] === q) { return j; } }
    var lq = q.toLowerCase();
    for (j = 0; j < NA; j++) {
      if (A.id[j].indexOf(q) >= 0 || A.name[j].toLowerCase().indexOf(lq) >= 0) {
        if (revealed[j]) { return j; }
        if (best < 0) { best = j; }
      }
    }
    return best;
  }
  function search(q) {
    q = String(q || "").trim();
    if (!q) { return null; }
    var r = findRow(q);
    if (r < 0) { say(tr("views.msg.not_found", { q: q })); return null; }
    if (!revealed[r]) { reveal([r]); rebuild(); }
    var id = A.id[r];
    if (!nodes.get(id)) { say(tr("views.msg.filtered", { q: q })); return null; }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showDetails(id);
    say("");
    return id;
  }
  var searchBox = document.getElementById("search");
  bindSearch();
  function bindSearch() {
    searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(searchBox.value); } });
    document.getElementById("search-go").addEventListener("click", function () { search(searchBox.value); });
  }

  // ------------------------------------------------------------------ controls
  fillTexts();
  // the page's fixed texts in its language, and the case's title, facts and note
  function fillTexts() {
    document.querySelectorAll("[data-t]").forEach(function (e) { e.textContent = tr(e.getAttribute("data-t")); });
    document.getElementById("title").textContent = D.title;
    document.getElementById("facts").textContent = D.facts.join(" \u00b7 ");
    document.getElementById("note").textContent = D.note || tr("views.note." + D.view);
    searchBox.placeholder = tr("views.ui.search_hint");
  }

  var rolesBox = document.getElementById("roles"), legend = document.getElementById("legend");
  function checkbox(label, on, change) {
    var lab = el("label"), cb = el("input");
    cb.type = "checkbox";
    cb.checked = on;
    cb.addEventListener("change", function () { change(cb.checked); rebuild(); });
    lab.appendChild(cb);
    lab.appendChild(document.createTextNode(" " + label));
    return { label: lab, box: cb };
  }
  var roleBoxes = {};
  var gc = addRoleFilters();
  fillLegend();
  // a checkbox per role (in roleBoxes) and one for the groups (returned)
  function addRoleFilters() {
    ROLES.forEach(function (r) {
      var c = checkbox(tr("role." + r), true, function (on) { filter.roles[r] = on; });
      c.box.dataset.role = r;
      roleBoxes[r] = c.box;
      rolesBox.appendChild(c.label);
    });
    var groups = checkbox(tr("views.ui.groups"), true, function (on) { filter.groups = on; });
    groups.box.dataset.role = "group";
    rolesBox.appendChild(groups.label);
    return groups;
  }
  function fillLegend() {
    ROLES.forEach(function (r, k) {
      var li = el("li"), sw = el("span", null, "sw");
      sw.style.background = COLORS[k];
      li.appendChild(sw);
      li.appendChild(el("span", tr("role." + r)));
      legend.appendChild(li);
    });
    [["sw group", "views.legend.group"], ["sw line", "views.legend.flow"],
     ["sw dash", "views.legend.payout"], ["sw faded", "views.legend.faded"]].forEach(function (x) {
      var li = el("li");
      li.appendChild(el("span", null, x[0]));
      li.appendChild(el("span", tr(x[1])));
      legend.appendChild(li);
    });
    legend.appendChild(el("li", tr("views.legend.size")));
  }

  var minBox = document.getElementById("min-amount");
  minBox.addEventListener("change", function () { setMinAmount(minBox.value); });
  function setMinAmount(yuan) {
    var v = Number(yuan);
    filter.min = isFinite(v) && v > 0 ? Math.round(v * 100) : 0;
    minBox.value = filter.min / 100;
    rebuild();
  }
  // the time window: two sliders over the slots, the label shows the dates they span
  var fromBox = document.getElementById("win-from"), toBox = document.getElementById("win-to");
  var winLabel = document.getElementById("win-label");
  setUpSliders();
  function setUpSliders() {
    fromBox.max = toBox.max = String(Math.max(0, NS - 1));
    fromBox.value = "0";
    toBox.value = String(Math.max(0, NS - 1));
    fromBox.setAttribute("aria-label", tr("views.ui.window") + " " + tr("views.ui.from"));
    toBox.setAttribute("aria-label", tr("views.ui.window") + " " + tr("views.ui.to"));
    if (NS < 2) { fromBox.disabled = toBox.disabled = true; }
  }
  function showWindow() {
    if (!NS) { winLabel.textContent = "\u2014"; return; }
    if (filter.s1 < filter.s0) { winLabel.textContent = tr("views.ui.window_empty"); return; }
    winLabel.textContent = tr("views.ui.window_range",
      { from: slotLabel(filter.s0, false), to: slotLabel(filter.s1, true) });
  }
  function setSlots(s0, s1) {
    filter.s0 = Math.max(0, Math.min(NS - 1, s0));
    filter.s1 = Math.max(-1, Math.min(NS - 1, s1));
    fromBox.value = String(Math.max(0, filter.s0));
    toBox.value = String(Math.max(0, filter.s1));
    showWindow();
    rebuild();
  }
  // dates (YYYY-MM-DD, "" for open) to the slots that hold them
  function setWindow(from, to) {
    var a = from ? slotOfTime(Date.parse(from + "T00:00:00Z")) : 0;
    var b = to ? slotOfTime(Date.parse(to + "T00:00:00Z")) : NS - 1;
    setSlots(Math.max(0, a), b);
  }
  // while a handle is dragged the label follows every step and the drawing once a frame
  // (a big case takes a few hundred ms to redraw); letting go draws the final window
  var pendingWindow = 0;
  function slid(moved) {
    var a = Number(fromBox.value), b = Number(toBox.value);
    if (a > b) { if (moved === fromBox) { toBox.value = String(a); b = a; } else { fromBox.value = String(b); a = b; } }
    filter.s0 = a;
    filter.s1 = b;
    showWindow();
  }
  function drawWindow() {
    if (pendingWindow) { cancelAnimationFrame(pendingWindow); pendingWindow = 0; }
    setSlots(Number(fromBox.value), Number(toBox.value));
  }
  [fromBox, toBox].forEach(bindSlider);
  function bindSlider(box) {
    box.addEventListener("input", function () {
      slid(box);
      if (!pendingWindow) {
        pendingWindow = requestAnimationFrame(function () { pendingWindow = 0; drawWindow(); });
      }
    });
    box.addEventListener("change", function () { slid(box); drawWindow(); });
  }
  showWindow();
  bindDrawingOptions();
  function bindDrawingOptions() {
    var sizeBox = document.getElementById("size-by");
    sizeBox.value = sizeBy;
    sizeBox.addEventListener("change", function () { sizeBy = sizeBox.value; rebuild(); });
    var physicsBox = document.getElementById("physics");
    physicsBox.addEventListener("change", function () {
      network.setOptions({ physics: { enabled: physicsBox.checked } });
    });
  }
  document.getElementById("reset").addEventListener("click", resetView);
  // every group folded, every filter cleared, the whole time window, the whole picture
  function resetView() {
    revealed.fill(0);
    showUnfolded();
    gRevealed.fill(0); gRevealedAmount.fill(0); gRevealedPr.fill(0);
    ROLES.forEach(function (r) { filter.roles[r] = true; roleBoxes[r].checked = true; });
    filter.groups = true; gc.box.checked = true;
    filter.min = 0; minBox.value = 0;
    nodes.clear(); edges.clear();
    setSlots(0, NS - 1);
    fitAll();
  }

  var status = document.getElementById("status");
  function updateStatus() {
    var s = tr("views.status", { nodes: int(nodes.length), edges: int(edges.length) });
    if (drawnEdgesCapped) { s += " " + tr("views.status.capped", { n: int(D.maxEdges) }); }
    status.textContent = s;
  }

  window.fundgraph = pageApi();
  // what the page offers to scripts (and the tests): its data sets and its controls
  function pageApi() {
    return {
      nodes: nodes, edges: edges, network: network, data: D, ready: false, readyAt: null,
      search: search, expand: function (g) { return expandGroup(typeof g === "number" ? g : Number(String(g).slice(GROUP_PREFIX.length))); },
      groupId: gid, setMinAmount: setMinAmount, setWindow: setWindow, setSlots: setSlots,
      collapse: collapseGroup, slots: function () { return NS; },
      cny: cny, when: when,
      setRole: function (r, on) {
        if (r === "group") { filter.groups = !!on; gc.box.checked = !!on; }
        else { filter.roles[r] = !!on; roleBoxes[r].checked = !!on; }
        rebuild();
      },
      visibleNodeIds: function () { return nodes.getIds(); }
    };
  }
  network.once("afterDrawing", markReady);
  // the first drawing is done: the page can be used (and the tests go on)
  function markReady() {
    window.fundgraph.ready = true;
    window.fundgraph.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  function fitAll() {
    network.fit({ animation: false });
    if (D.rows.length) {
      // leave room on the left for the row labels drawn beside the drawing
      var s = network.getScale(), c = network.getViewPosition();
      network.moveTo({ position: { x: c.x - 150 * FS, y: c.y }, scale: s * 0.86, animation: false });
    }
  }
  rebuild();
  fitAll();
})();
