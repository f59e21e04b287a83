// The report page's script: renders the embedded JSON with DOM text nodes only (never HTML from data).
// Kept as plain ES2017 in a raw string so the page needs no build step and no network.

/** JavaScript of the HTML report, run under the page's CSP nonce. */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  // Every value shown comes from event logs and is hostile: it only ever reaches the page through
  // textContent or numeric SVG attributes; no HTML parsing of data, no links built from data.
  var DATA = JSON.parse(document.getElementById('dwell-data').textContent);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
  var LEVEL_COLOR = { informational: '#9aa5b1', low: '#4c9be8', medium: '#f0b429', high: '#e8590c', critical: '#c92a2a' };
  var ROLE_COLOR = { domain_controller: '#c92a2a', file_server: '#7c3aed', jump_host: '#e8590c', server: '#2457a6', workstation: '#52606d', unknown: '#9aa5b1' };
  var TENANT_COLORS = ['#2457a6', '#0b7d6f', '#b44d12', '#7c3aed', '#a61e4d', '#5c940d', '#1864ab', '#862e9c'];
  var PAGE_SIZE = 100;
  var SHOW_CHARS = 240;
  var TECHNIQUE_ID = /^T[0-9]{4}(\.[0-9]{3})?$/;
  var GROUP_ID = /^G[0-9]{4}$/;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function svgText(x, y, text, anchor) {
    var t = svg('text', { x: x, y: y, 'text-anchor': anchor || 'start' });
    t.textContent = String(text);
    return t;
  }
  function tip(node, text) { var t = svg('title', {}); t.textContent = String(text); node.appendChild(t); return node; }
  function short(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + '\u2026' : text; }
  function iso(ms) { return ms === null || ms === undefined || !isFinite(ms) ? '' : new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z'); }
  /** Host label: the first DNS label of a name (full name in the tooltip); IP addresses as they are. */
  function hostLabel(name) {
    name = String(name);
    if (/^[0-9.]+$/.test(name) || name.indexOf(':') >= 0) return name;
    var dot = name.indexOf('.');
    return dot > 0 ? name.slice(0, dot) : name;
  }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function parseTime(s) { var t = Date.parse(s); return isFinite(t) ? t : NaN; }
  /** A link only to ATT&CK, only for ids that match the ATT&CK id pattern. */
  function attackLink(id, label) {
    var a = el('a', null, label);
    if (TECHNIQUE_ID.test(id)) a.href = 'https://attack.mitre.org/techniques/' + id.replace('.', '/') + '/';
    else if (GROUP_ID.test(id)) a.href = 'https://attack.mitre.org/groups/' + id + '/';
    a.rel = 'noreferrer noopener';
    a.target = '_blank';
    return a;
  }
  /** A long value: a prefix plus a "show more" toggle. */
  function longText(parent, text) {
    text = String(text);
    if (text.length <= SHOW_CHARS) { add(parent, document.createTextNode(text)); return; }
    var span = add(parent, el('span', null, text.slice(0, SHOW_CHARS) + '\u2026'));
    var b = add(parent, el('button', 'more', 'show more (' + num(text.length) + ' chars)'));
    b.type = 'button';
    var open = false;
    b.addEventListener('click', function () {
      open = !open;
      span.textContent = open ? text : text.slice(0, SHOW_CHARS) + '\u2026';
      b.textContent = open ? 'show less' : 'show more (' + num(text.length) + ' chars)';
    });
  }

  var rules = DATA.rules, rows = DATA.rows, files = DATA.files;
  var root = document.getElementById('app');

  // ---------- header and summary ----------
  function renderSummary() {
    var hosts = {}, tenants = {}, byLevel = {}, first = Infinity, last = -Infinity;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r[2]) hosts[r[2]] = 1;
      if (r[3]) tenants[r[3]] = 1;
      var lv = rules[r[1]].level;
      byLevel[lv] = (byLevel[lv] || 0) + 1;
      if (r[0] !== null) { if (r[0] < first) first = r[0]; if (r[0] > last) last = r[0]; }
    }
    var sec = add(root, el('section'));
    sec.id = 'summary';
    add(sec, el('h2', null, 'Summary'));
    var cards = add(sec, el('div', 'cards'));
    function card(n, label, id) {
      var c = add(cards, el('div', 'card'));
      var nn = add(c, el('div', 'n', n));
      if (id) nn.id = id;
      add(c, el('div', 'l', label));
    }
    card(num(DATA.intrusions.length), 'intrusions', 'count-intrusions');
    card(num(rows.length + DATA.omitted), 'detections', 'count-detections');
    for (var l = LEVELS.length - 1; l >= 0; l--) if (byLevel[LEVELS[l]]) card(num(byLevel[LEVELS[l]]), LEVELS[l]);
    card(num(Object.keys(hosts).length), 'hosts');
    card(num(Object.keys(tenants).length), 'tenants');
    card(num(rules.length), 'rules fired');
    if (first <= last) {
      var span = add(sec, el('p', 'muted', 'Detections from ' + iso(first) + ' to ' + iso(last) + '.'));
      span.id = 'time-range';
    }
    if (DATA.omitted) add(sec, el('p', 'muted', num(DATA.omitted) + ' detections are not in the table below (row limit); every detection of an intrusion is.'));
    if (DATA.summary.length) {
      var t = add(sec, el('table', 'kv'));
      for (var s = 0; s < DATA.summary.length; s++) {
        var tr = add(t, el('tr'));
        add(tr, el('td', null, DATA.summary[s][0]));
        longText(add(tr, el('td')), DATA.summary[s][1]);
      }
    }
  }

  // ---------- intrusions ----------
  function techniqueCounts(rowIdx, extra) {
    var counts = {};
    for (var i = 0; i < rowIdx.length; i++) {
      var ts = rules[rows[rowIdx[i]][1]].techniques;
      for (var j = 0; j < ts.length; j++) counts[ts[j]] = (counts[ts[j]] || 0) + 1;
    }
    for (var k = 0; k < (extra || []).length; k++) if (!counts[extra[k]]) counts[extra[k]] = 0;
    return counts;
  }

  function renderMatrix(parent, counts) {
    var max = 1, any = false;
    for (var id in counts) { max = Math.max(max, counts[id]); any = true; }
    if (!any) { add(parent, el('p', 'muted', 'No ATT&CK techniques named by the rules that fired.')); return; }
    var m = add(parent, el('div', 'matrix'));
    for (var t = 0; t < DATA.tactics.length; t++) {
      var tactic = DATA.tactics[t];
      var cells = [];
      for (var tid in counts) {
        var info = DATA.techniques[tid];
        if (info && info[1].indexOf(tactic.shortName) >= 0) cells.push(tid);
      }
      cells.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
      var col = add(m, el('div', 'col'));
      add(col, el('div', 'th' + (cells.length ? '' : ' off'), tactic.name));
      for (var c = 0; c < cells.length; c++) {
        var n = counts[cells[c]];
        var cell = add(col, el('div', 'cell'));
        var a = 0.12 + 0.78 * (n / max);
        cell.style.background = 'rgba(232,89,12,' + a.toFixed(2) + ')';
        if (a > 0.55) cell.style.color = '#fff';
        cell.title = cells[c] + ' ' + DATA.techniques[cells[c]][0] + ': ' + n + ' detections';
        add(cell, attackLink(cells[c], cells[c]));
        add(cell, document.createTextNode(' ' + DATA.techniques[cells[c]][0] + ' (' + n + ')'));
      }
    }
    var unknown = [];
    for (var u in counts) if (!DATA.techniques[u]) unknown.push(u);
    if (unknown.length) add(parent, el('p', 'muted', 'Not in ATT&CK ' + DATA.attackVersion + ': ' + unknown.join(', ')));
  }

  function renderTimeline(parent, intr, n) {
    var lanes = [], laneOf = {};
    function lane(name) { if (!(name in laneOf)) { laneOf[name] = lanes.length; lanes.push(name); } return laneOf[name]; }
    for (var h = 0; h < intr.hosts.length && lanes.length < 80; h++) lane(intr.hosts[h].name);
    var times = [];
    for (var i = 0; i < intr.rows.length; i++) { var r = rows[intr.rows[i]]; if (r[0] !== null) times.push(r[0]); if (lanes.length < 80) lane(r[2]); }
    for (var k = 0; k < intr.lateralMovement.length; k++) { var t = parseTime(intr.lateralMovement[k].time); if (isFinite(t)) times.push(t); }
    if (!times.length) { add(parent, el('p', 'muted', 'No timestamps to draw.')); return; }
    var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
    if (hi - lo < 3600000) { lo -= 1800000; hi += 1800000; }
    var left = 170, right = 20, top = 24, laneH = 22, width = 980;
    var height = top + lanes.length * laneH + 30;
    var s = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    s.setAttribute('class', 'timeline');
    tip(s, 'Storyline: detections per host over time; arrows are lateral movement');
    var defs = add(s, svg('defs', {}));
    var marker = add(defs, svg('marker', { id: 'arr' + n, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }));
    add(marker, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#2457a6' }));
    function x(ms) { return left + (width - left - right) * (ms - lo) / (hi - lo); }
    function y(l) { return top + l * laneH + laneH / 2; }
    for (var l = 0; l < lanes.length; l++) {
      add(s, svg('line', { x1: left, x2: width - right, y1: y(l), y2: y(l), 'class': 'lane' }));
      add(s, tip(svgText(left - 8, y(l) + 4, short(hostLabel(lanes[l]), 26), 'end'), lanes[l]));
    }
    var axisY = top + lanes.length * laneH + 4;
    add(s, svg('line', { x1: left, x2: width - right, y1: axisY, y2: axisY, 'class': 'axis' }));
    var dayRange = (hi - lo) > 2 * 86400000;
    for (var tk = 0; tk <= 6; tk++) {
      var ms = lo + (hi - lo) * tk / 6;
      var label = new Date(ms).toISOString();
      label = dayRange ? label.slice(0, 10) : label.slice(5, 16).replace('T', ' ');
      add(s, svgText(x(ms), axisY + 16, label, tk === 0 ? 'start' : tk === 6 ? 'end' : 'middle'));
    }
    // One dot per (lane, pixel column, level): thousands of detections stay a bounded number of nodes.
    var buckets = {};
    for (var d = 0; d < intr.rows.length; d++) {
      var row = rows[intr.rows[d]];
      if (row[0] === null || !(row[2] in laneOf)) continue;
      var lv = rules[row[1]].level;
      var key = laneOf[row[2]] + '|' + Math.round(x(row[0]) / 3) + '|' + lv;
      var b = buckets[key];
      if (!b) buckets[key] = b = { lane: laneOf[row[2]], x: x(row[0]), level: lv, n: 0, title: rules[row[1]].title, t: row[0] };
      b.n++;
    }
    for (var bk in buckets) {
      var bb = buckets[bk];
      var c = svg('circle', { cx: bb.x.toFixed(1), cy: y(bb.lane), r: bb.n > 1 ? 6 : 4.5, fill: LEVEL_COLOR[bb.level] || '#9aa5b1', stroke: '#fff', 'stroke-width': 1 });
      add(s, tip(c, iso(bb.t) + ' ' + lanes[bb.lane] + ': ' + bb.title + (bb.n > 1 ? ' (+' + (bb.n - 1) + ' more)' : '')));
    }
    for (var m = 0; m < intr.lateralMovement.length; m++) {
      var e = intr.lateralMovement[m], et = parseTime(e.time);
      if (!isFinite(et) || !(e.from in laneOf) || !(e.to in laneOf) || e.from === e.to) continue;
      var p = svg('line', { x1: x(et).toFixed(1), x2: x(et).toFixed(1), y1: y(laneOf[e.from]), y2: y(laneOf[e.to]), 'class': 'lm', 'marker-end': 'url(#arr' + n + ')' });
      add(s, tip(p, e.time + ' ' + e.from + ' \u2192 ' + e.to + ' (' + e.how + (e.account ? ', ' + e.account : '') + ')'));
    }
    add(add(parent, el('div', 'chart')), s);
  }

  function renderGraph(parent, intr, n) {
    // Deterministic layout: one column per tenant (ordered by first activity), hosts by first seen, accounts last.
    var hosts = intr.hosts.slice(0, 60);
    var known = {};
    for (var i = 0; i < hosts.length; i++) known[hosts[i].name] = hosts[i];
    var extra = [];
    for (var k = 0; k < intr.lateralMovement.length; k++) {
      var e = intr.lateralMovement[k];
      [e.from, e.to].forEach(function (h) { if (!known[h] && hosts.length + extra.length < 80) { known[h] = { name: h, tenant: '', roles: ['unknown'], firstSeen: e.time }; extra.push(known[h]); } });
    }
    hosts = hosts.concat(extra);
    var cols = [], colOf = {};
    hosts.slice().sort(function (a, b) { return parseTime(a.firstSeen) - parseTime(b.firstSeen) || (a.name < b.name ? -1 : 1); }).forEach(function (h) {
      var t = h.tenant || '';
      if (!(t in colOf)) { colOf[t] = cols.length; cols.push({ tenant: t, hosts: [] }); }
      cols[colOf[t]].hosts.push(h);
    });
    var accounts = [], accountTargets = {};
    for (var a = 0; a < intr.lateralMovement.length; a++) {
      var acc = intr.lateralMovement[a].account;
      if (!acc) continue;
      if (!(acc in accountTargets)) { accountTargets[acc] = {}; accounts.push(acc); }
      accountTargets[acc][intr.lateralMovement[a].to] = 1;
    }
    for (var b = 0; b < intr.accounts.length; b++) if (!(intr.accounts[b] in accountTargets)) { accountTargets[intr.accounts[b]] = {}; accounts.push(intr.accounts[b]); }
    var shownAccounts = accounts.slice(0, 14);
    var colW = 210, rowH = 58, top = intr.crossTenant.length ? 64 : 44;
    var maxRows = Math.max(shownAccounts.length * 0.7, 1);
    for (var c = 0; c < cols.length; c++) maxRows = Math.max(maxRows, cols[c].hosts.length);
    var width = Math.max(400, (cols.length + (shownAccounts.length ? 1 : 0)) * colW + (shownAccounts.length ? 120 : 20));
    var height = top + Math.ceil(maxRows) * rowH + 20;
    var s = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    s.setAttribute('class', 'graph');
    tip(s, 'Entity graph: hosts by tenant, lateral movement, accounts');
    var defs = add(s, svg('defs', {}));
    var marker = add(defs, svg('marker', { id: 'garr' + n, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }));
    add(marker, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#2457a6' }));
    var xmarker = add(defs, svg('marker', { id: 'xarr' + n, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' }));
    add(xmarker, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#c92a2a' }));
    var pos = {};
    for (var ci = 0; ci < cols.length; ci++) {
      var cx = 20 + ci * colW + colW / 2 - 10;
      var color = TENANT_COLORS[ci % TENANT_COLORS.length];
      add(s, svg('rect', { x: 20 + ci * colW, y: 6, width: colW - 20, height: height - 12, rx: 8, fill: color, 'fill-opacity': 0.06, stroke: color, 'stroke-opacity': 0.4 }));
      add(s, tip(svgText(cx, 24, short(cols[ci].tenant || '(no tenant)', 28), 'middle'), 'tenant: ' + (cols[ci].tenant || '(none)')));
      for (var hi = 0; hi < cols[ci].hosts.length; hi++) pos[cols[ci].hosts[hi].name] = { x: cx, y: top + hi * rowH + 14, host: cols[ci].hosts[hi] };
    }
    // Cross-tenant hops: one red arrow per (from, to) tenant pair, between the column headers.
    var hops = {};
    for (var xi = 0; xi < intr.crossTenant.length; xi++) {
      var link = intr.crossTenant[xi];
      if (!(link.fromTenant in colOf) || !(link.toTenant in colOf) || link.fromTenant === link.toTenant) continue;
      var hk = colOf[link.fromTenant] + '>' + colOf[link.toTenant];
      (hops[hk] = hops[hk] || []).push(link.firstSeenTo + ' ' + link.fromTenant + ' \u2192 ' + link.toTenant + ' via ' + link.via + ': ' + link.value);
    }
    for (var hkey in hops) {
      var ends = hkey.split('>'), fx = 20 + Number(ends[0]) * colW + colW / 2 - 10, tx = 20 + Number(ends[1]) * colW + colW / 2 - 10;
      var dir = tx > fx ? 1 : -1, hy = dir > 0 ? 38 : 50;
      var hp = svg('path', { d: 'M' + (fx + dir * 30) + ',' + hy + ' L' + (tx - dir * 30) + ',' + hy, 'class': 'xt', 'marker-end': 'url(#xarr' + n + ')' });
      add(s, tip(hp, 'cross-tenant: ' + hops[hkey].slice(0, 10).join('; ') + (hops[hkey].length > 10 ? '; +' + (hops[hkey].length - 10) + ' more' : '')));
    }
    var accX = 20 + cols.length * colW + colW / 2 - 10, accPos = {};
    for (var ai = 0; ai < shownAccounts.length; ai++) accPos[shownAccounts[ai]] = { x: accX, y: top + ai * rowH * 0.7 + 10 };
    for (var acct in accPos) for (var tgt in accountTargets[acct]) if (pos[tgt]) {
      add(s, svg('line', { x1: accPos[acct].x - 8, y1: accPos[acct].y, x2: pos[tgt].x + 14, y2: pos[tgt].y, 'class': 'acct' }));
    }
    for (var li = 0; li < intr.lateralMovement.length; li++) {
      var lm = intr.lateralMovement[li], p1 = pos[lm.from], p2 = pos[lm.to];
      if (!p1 || !p2 || p1 === p2) continue;
      var dx = p2.x - p1.x, dy = p2.y - p1.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      var sx = p1.x + dx / len * 15, sy = p1.y + dy / len * 15, ex = p2.x - dx / len * 16, ey = p2.y - dy / len * 16;
      // Curve every edge to the left of its direction so it clears the nodes it passes and the reverse edge.
      var bend = Math.min(60, 0.18 * len);
      var qx = (sx + ex) / 2 + (dy / len) * bend, qy = (sy + ey) / 2 - (dx / len) * bend;
      var path = svg('path', { d: 'M' + sx.toFixed(1) + ',' + sy.toFixed(1) + ' Q' + qx.toFixed(1) + ',' + qy.toFixed(1) + ' ' + ex.toFixed(1) + ',' + ey.toFixed(1), 'class': 'lm', 'marker-end': 'url(#garr' + n + ')' });
      add(s, tip(path, lm.time + ' ' + lm.from + ' \u2192 ' + lm.to + ': ' + lm.how + (lm.account ? ' as ' + lm.account : '')));
    }
    for (var name in pos) {
      var ph = pos[name], role = (ph.host.roles && ph.host.roles[0]) || 'unknown';
      var g = add(s, svg('g', {}));
      if (role === 'domain_controller') add(g, svg('rect', { x: ph.x - 13, y: ph.y - 13, width: 26, height: 26, rx: 4, fill: ROLE_COLOR[role] }));
      else add(g, svg('circle', { cx: ph.x, cy: ph.y, r: 13, fill: ROLE_COLOR[role] || ROLE_COLOR.unknown }));
      add(g, svgText(ph.x, ph.y + 28, short(hostLabel(name), 28), 'middle'));
      tip(g, name + ' [' + (ph.host.roles || []).join(', ') + ']' + (ph.host.detections !== undefined ? ', ' + ph.host.detections + ' detections' : ''));
    }
    for (var an in accPos) {
      var pa = accPos[an];
      var ga = add(s, svg('g', {}));
      add(ga, svg('path', { d: 'M' + (pa.x - 9) + ',' + pa.y + ' l9,-9 l9,9 l-9,9 z', fill: '#f0b429' }));
      add(ga, svgText(pa.x + 14, pa.y + 4, short(an, 24)));
      tip(ga, 'account ' + an);
    }
    if (shownAccounts.length) add(s, svgText(accX, 24, accounts.length > shownAccounts.length ? 'accounts (' + shownAccounts.length + ' of ' + accounts.length + ')' : 'accounts', 'middle'));
    add(add(parent, el('div', 'chart')), s);
    var legend = add(parent, el('div', 'legend muted'));
    [['domain controller', 'domain_controller'], ['file server', 'file_server'], ['jump host', 'jump_host'], ['server', 'server'], ['workstation', 'workstation'], ['unknown role', 'unknown']].forEach(function (r) {
      var dot = add(legend, el('span', 'dot'));
      dot.style.background = ROLE_COLOR[r[1]];
      add(legend, document.createTextNode(r[0] + '  '));
    });
    add(legend, el('span', null, '\u2014 lateral movement  \u2010\u2010 account used  '));
    add(legend, el('span', 'xt-label', '\u2010\u2010\u25b6 cross-tenant hop'));
  }

  /** A list showing its first few items, with a toggle for the rest (at most 200). */
  function collapsibleList(parent, items, renderItem) {
    var ul = add(parent, el('ul', 'ev'));
    var FIRST = 5, MAX = 200;
    for (var i = 0; i < items.length && i < MAX; i++) {
      var li = add(ul, el('li'));
      renderItem(li, items[i]);
      if (i >= FIRST) li.hidden = true;
    }
    if (items.length > FIRST) {
      var b = add(parent, el('button', 'more', 'show all ' + items.length));
      b.type = 'button';
      var open = false;
      b.addEventListener('click', function () {
        open = !open;
        for (var j = FIRST; j < ul.children.length; j++) ul.children[j].hidden = !open;
        b.textContent = open ? 'show fewer' : 'show all ' + items.length;
      });
      if (items.length > MAX) add(parent, el('span', 'muted', ' (first ' + MAX + ' listed)'));
    }
  }

  function evidenceList(parent, items) {
    if (!items.length) { add(parent, el('span', 'muted', 'none seen')); return; }
    collapsibleList(parent, items, function (li, ev) {
      add(li, el('span', 'muted', ev.time + ' ' + ev.host + (ev.tenant ? ' (' + ev.tenant + ')' : '') + ': '));
      longText(li, ev.description + (ev.ruleTitle ? ' [' + ev.ruleTitle + ']' : ''));
    });
  }

  function fact(parent, label, value) {
    var f = add(parent, el('div', 'f'));
    add(f, el('span', 'k', label));
    if (value !== undefined) add(f, document.createTextNode(String(value)));
    return f;
  }

  function renderIntrusion(parent, intr, n) {
    var d = add(parent, el('details', 'intrusion'));
    d.id = 'intrusion-' + n;
    if (n < 3) d.open = true;
    var sum = add(d, el('summary', null, '#' + (n + 1) + ' ' + short(intr.id, 80)));
    add(sum, el('span', 'sub', 'score ' + intr.score + ' \u00b7 dwell ' + intr.dwellDays + ' days \u00b7 ' + intr.hosts.length + ' hosts \u00b7 ' + intr.rows.length + ' detections' + (intr.tenants.length ? ' \u00b7 tenants: ' + intr.tenants.join(', ') : '')));
    var grid = add(d, el('div', 'grid'));
    var facts = add(grid, el('div', 'facts'));
    add(facts, el('h3', null, 'Dwell'));
    fact(facts, 'first malicious', intr.firstMalicious);
    fact(facts, 'last malicious', intr.lastMalicious);
    var dw = fact(facts, 'dwell time', intr.dwellDays + ' days');
    dw.className = 'f dwell';
    var tf = fact(facts, 'tenants');
    for (var t = 0; t < intr.tenants.length; t++) add(tf, el('span', 'chip', intr.tenants[t]));
    var hf = fact(facts, 'hosts');
    for (var h = 0; h < intr.hosts.length && h < 40; h++) {
      var host = intr.hosts[h];
      add(hf, el('span', 'chip' + (host.roles.indexOf('domain_controller') >= 0 ? ' dc' : ''), host.name + (host.roles.length && host.roles[0] !== 'unknown' ? ' (' + host.roles.join(', ') + ')' : '')));
    }
    if (intr.hosts.length > 40) add(hf, el('span', 'muted', ' +' + (intr.hosts.length - 40) + ' more'));
    var af = fact(facts, 'accounts');
    for (var a = 0; a < intr.accounts.length && a < 30; a++) add(af, el('span', 'chip', intr.accounts[a]));
    fact(facts, 'tactics', intr.tactics.join(' \u2192 ') || 'none');

    var right = add(grid, el('div', 'facts'));
    add(right, el('h3', null, 'Reach'));
    var dc = fact(right, 'domain controller');
    add(dc, el('span', intr.domainControllerReach.reached ? 'chip dc' : 'chip', intr.domainControllerReach.reached ? 'reached: ' + intr.domainControllerReach.hosts.join(', ') : 'not reached'));
    if (intr.domainControllerReach.reached) evidenceList(right, intr.domainControllerReach.evidence);
    evidenceList(fact(right, 'staging'), intr.staging);
    evidenceList(fact(right, 'exfiltration'), intr.exfiltration);
    var xt = fact(right, 'cross-tenant');
    if (!intr.crossTenant.length) add(xt, el('span', 'muted', 'none seen'));
    collapsibleList(xt, intr.crossTenant, function (li, link) {
      add(li, document.createTextNode(link.fromTenant + ' (' + link.firstSeenFrom + ') \u2192 ' + link.toTenant + ' (' + link.firstSeenTo + ') via ' + link.via + ': '));
      longText(li, link.value);
    });

    add(d, el('h3', null, 'Storyline'));
    renderTimeline(d, intr, n);
    add(d, el('h3', null, 'Entity graph'));
    renderGraph(d, intr, n);
    add(d, el('h3', null, 'ATT&CK techniques'));
    renderMatrix(d, techniqueCounts(intr.rows, intr.techniques));
    add(d, el('h3', null, 'Resembles (attribution)'));
    if (!intr.attribution.length) add(d, el('p', 'muted', 'No group resembles these techniques.'));
    else {
      var tb = add(d, el('table', 'attr'));
      var hr = add(tb, el('tr'));
      ['group', 'score', 'matched', 'not matched'].forEach(function (c) { add(hr, el('th', null, c)); });
      for (var g = 0; g < intr.attribution.length; g++) {
        var m = intr.attribution[g];
        var tr = add(tb, el('tr'));
        var gc = add(tr, el('td'));
        add(gc, attackLink(m.groupId, m.groupId + ' ' + m.name));
        if (m.aliases.length) add(gc, el('div', 'muted', short(m.aliases.join(', '), 120)));
        var sc = add(tr, el('td'));
        var bar = add(sc, el('span', 'score'));
        bar.style.width = Math.round(Math.max(0, Math.min(1, Number(m.score) || 0)) * 80) + 'px';
        add(sc, document.createTextNode(String(m.score)));
        add(tr, el('td', null, m.matched.join(', ')));
        add(tr, el('td', 'muted', m.unmatched.join(', ') || '\u2014'));
      }
    }
    var btn = add(d, el('button', null, 'Show its ' + intr.rows.length + ' detections in the table'));
    btn.type = 'button';
    btn.style.marginTop = '10px';
    btn.addEventListener('click', function () { table.setIntrusion(n); document.getElementById('detections').scrollIntoView(); });
  }

  function renderIntrusions() {
    var sec = add(root, el('section'));
    sec.id = 'intrusions';
    add(sec, el('h2', null, 'Intrusions, ranked'));
    if (!DATA.intrusions.length) { add(sec, el('div', 'empty', 'No intrusions: detections did not join into an intrusion.')); return; }
    for (var i = 0; i < DATA.intrusions.length; i++) renderIntrusion(sec, DATA.intrusions[i], i);
  }

  function renderOverallMatrix() {
    var sec = add(root, el('section'));
    add(sec, el('h2', null, 'ATT&CK heat map of all detections'));
    var all = [];
    for (var i = 0; i < rows.length; i++) all.push(i);
    renderMatrix(sec, techniqueCounts(all));
  }

  // ---------- detections table ----------
  var table = (function () {
    var state = { query: '', minLevel: 0, intrusion: -1, page: 0 };
    var haystack = null, matches = [];
    var sec, input, levelSel, intrSel, info, tbody, pager;
    function hay(i) {
      if (!haystack) haystack = new Array(rows.length);
      var h = haystack[i];
      if (h === undefined) {
        var r = rows[i], rule = rules[r[1]], parts = [iso(r[0]), rule.title, rule.id, rule.level, r[2], r[3], r[4], r[5], r[6], files[r[7]], rule.tags.join(' ')];
        for (var f = 0; f < r[8].length; f++) parts.push(r[8][f][0] + ': ' + r[8][f][1]);
        h = haystack[i] = parts.join('\n').toLowerCase();
      }
      return h;
    }
    function filter() {
      // Always the box's current text: a level change must not use a query still waiting for its debounce.
      state.query = input.value;
      var q = state.query.toLowerCase(), minLevel = state.minLevel;
      var allowed = null;
      if (state.intrusion >= 0) { allowed = {}; var ir = DATA.intrusions[state.intrusion].rows; for (var k = 0; k < ir.length; k++) allowed[ir[k]] = 1; }
      matches = [];
      for (var i = 0; i < rows.length; i++) {
        if (allowed && !allowed[i]) continue;
        if (minLevel && LEVELS.indexOf(rules[rows[i][1]].level) < minLevel) continue;
        if (q && hay(i).indexOf(q) < 0) continue;
        matches.push(i);
      }
      state.page = 0;
      draw();
    }
    function draw() {
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      var pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
      if (state.page >= pages) state.page = pages - 1;
      var start = state.page * PAGE_SIZE;
      for (var i = start; i < Math.min(matches.length, start + PAGE_SIZE); i++) {
        var r = rows[matches[i]], rule = rules[r[1]];
        var tr = add(tbody, el('tr'));
        add(tr, el('td', null, iso(r[0])));
        add(add(tr, el('td')), el('span', 'lvl lvl-' + (LEVELS.indexOf(rule.level) >= 0 ? rule.level : 'informational'), rule.level));
        var rc = add(tr, el('td', null, rule.title));
        rc.title = rule.id + (rule.techniques.length ? ' \u00b7 ' + rule.techniques.join(', ') : '');
        add(tr, el('td', null, r[2]));
        add(tr, el('td', null, r[3]));
        add(tr, el('td', null, r[4] + ' / ' + r[5]));
        var fc = add(tr, el('td', null, files[r[7]] + ' #' + r[6]));
        fc.className = 'muted';
        var fd = add(tr, el('td', 'fields'));
        for (var f = 0; f < r[8].length; f++) {
          var div = add(fd, el('div'));
          add(div, el('span', 'fk', r[8][f][0] + ': '));
          longText(div, r[8][f][1]);
        }
      }
      info.textContent = num(matches.length) + ' of ' + num(rows.length) + ' detections match';
      pager.textContent = 'page ' + (state.page + 1) + ' of ' + pages;
    }
    function build() {
      sec = add(root, el('section'));
      sec.id = 'detections';
      add(sec, el('h2', null, 'Detections'));
      var bar = add(sec, el('div', 'toolbar'));
      input = add(bar, el('input'));
      input.type = 'search';
      input.id = 'search';
      input.placeholder = 'Search time, rule, host, tenant, fields\u2026';
      input.setAttribute('aria-label', 'search detections');
      levelSel = add(bar, el('select'));
      levelSel.id = 'level';
      ['any level', 'low+', 'medium+', 'high+', 'critical'].forEach(function (label, i) { var o = add(levelSel, el('option', null, label)); o.value = String(i); });
      intrSel = add(bar, el('select'));
      intrSel.id = 'intrusion-filter';
      var all = add(intrSel, el('option', null, 'all detections'));
      all.value = '-1';
      DATA.intrusions.forEach(function (it, i) { var o = add(intrSel, el('option', null, 'intrusion #' + (i + 1) + ' ' + short(it.id, 40))); o.value = String(i); });
      var prev = add(bar, el('button', null, '\u2190 prev'));
      prev.type = 'button';
      prev.id = 'prev';
      pager = add(bar, el('span', 'muted'));
      pager.id = 'pager';
      var next = add(bar, el('button', null, 'next \u2192'));
      next.type = 'button';
      next.id = 'next';
      info = add(bar, el('span', 'muted'));
      info.id = 'match-count';
      var t = add(sec, el('table', 'det'));
      var cols = add(t, el('colgroup'));
      [150, 80, 220, 130, 90, 110, 170, 0].forEach(function (w) { var c = add(cols, el('col')); if (w) c.style.width = w + 'px'; });
      var head = add(add(t, el('thead')), el('tr'));
      ['time (UTC)', 'level', 'rule', 'host', 'tenant', 'channel / event', 'file #record', 'fields'].forEach(function (c) { add(head, el('th', null, c)); });
      tbody = add(t, el('tbody'));
      tbody.id = 'rows';
      var timer = 0;
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { state.query = input.value; filter(); }, 120);
      });
      levelSel.addEventListener('change', function () { state.minLevel = Number(levelSel.value); filter(); });
      intrSel.addEventListener('change', function () { state.intrusion = Number(intrSel.value); filter(); });
      prev.addEventListener('click', function () { if (state.page > 0) { state.page--; draw(); } });
      next.addEventListener('click', function () { state.page++; draw(); });
      filter();
    }
    return {
      build: build,
      setIntrusion: function (n) { state.intrusion = n; intrSel.value = String(n); filter(); },
    };
  })();

  renderSummary();
  renderIntrusions();
  renderOverallMatrix();
  table.build();
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;
