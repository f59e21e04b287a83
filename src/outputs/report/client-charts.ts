// The report page's charts: ATT&CK heat map, storyline (SVG timeline) and entity graph (SVG, deterministic
// layout). Functions of the page script's scope (see client-script.ts); text only through textContent.

/** The chart functions, spliced into the page script after its helpers. */
export const REPORT_CHARTS = String.raw`
  function renderMatrix(parent, counts) {
    var max = 1, any = false;
    for (var id in counts) { max = Math.max(max, counts[id]); any = true; }
    if (!any) { add(parent, el('p', 'muted', 'No ATT&CK techniques named by the rules that fired.')); return; }
    var m = add(parent, el('div', 'matrix'));
    for (var t = 0; t < DATA.tactics.length; t++) {
      var tactic = DATA.tactics[t];
      var cells = [];
      for (var tid in counts) {
        var info = techInfo(tid);
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
        cell.title = cells[c] + ' ' + techInfo(cells[c])[0] + ': ' + n + ' detections';
        add(cell, attackLink(cells[c], cells[c]));
        add(cell, document.createTextNode(' ' + techInfo(cells[c])[0] + ' (' + n + ')'));
      }
    }
    var unknown = [];
    for (var u in counts) if (!techInfo(u)) unknown.push(u);
    if (unknown.length) add(parent, el('p', 'muted', 'Not in ATT&CK ' + DATA.attackVersion + ': ' + unknown.join(', ')));
  }

  function renderTimeline(parent, intr, n) {
    var lanes = [], laneOf = dict();
    function lane(name) { if (!(name in laneOf)) { laneOf[name] = lanes.length; lanes.push(name); } return laneOf[name]; }
    for (var h = 0; h < intr.hosts.length && lanes.length < 80; h++) lane(intr.hosts[h].name);
    var times = [];
    for (var i = 0; i < intr.rows.length; i++) { var r = rows[intr.rows[i]]; if (r[0] !== null) times.push(r[0]); if (lanes.length < 80) lane(r[2]); }
    for (var k = 0; k < intr.lateralMovement.length; k++) { var t = parseTime(intr.lateralMovement[k].time); if (isFinite(t)) times.push(t); }
    if (!times.length) { add(parent, el('p', 'muted', 'No timestamps to draw.')); return; }
    // A loop, not Math.min.apply: an intrusion may hold more detections than the engine's argument limit.
    var lo = Infinity, hi = -Infinity;
    for (var ti = 0; ti < times.length; ti++) { if (times[ti] < lo) lo = times[ti]; if (times[ti] > hi) hi = times[ti]; }
    // Milestones: when each tactic was first reached (from the tactic tags of the rules that fired).
    var firstOf = dict(), milestones = [];
    for (var mi = 0; mi < intr.rows.length; mi++) {
      var mr = rows[intr.rows[mi]];
      if (mr[0] === null) continue;
      var tacs = rules[mr[1]].tactics;
      for (var tj = 0; tj < tacs.length; tj++) if (!(tacs[tj] in firstOf) || mr[0] < firstOf[tacs[tj]]) firstOf[tacs[tj]] = mr[0];
    }
    for (var tac in firstOf) milestones.push([firstOf[tac], tac]);
    milestones.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : 1); });
    if (hi - lo < 3600000) { lo -= 1800000; hi += 1800000; }
    var left = 170, right = 20, top = milestones.length ? 66 : 24, laneH = 22, width = 980;
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
    // Milestones closer than a label's width share one marker, their tactics stacked under each other.
    var clusters = [];
    for (var ms1 = 0; ms1 < milestones.length; ms1++) {
      var mx = x(milestones[ms1][0]), last = clusters[clusters.length - 1];
      if (last && mx - last.x < 130) last.items.push(milestones[ms1]);
      else clusters.push({ x: mx, items: [milestones[ms1]] });
    }
    for (var cl = 0; cl < clusters.length; cl++) {
      var cx0 = clusters[cl].x, items = clusters[cl].items;
      add(s, svg('line', { x1: cx0.toFixed(1), x2: cx0.toFixed(1), y1: 4, y2: top + lanes.length * laneH, 'class': 'milestone' }));
      var shown = items.length > 4 ? 3 : items.length;
      for (var it = 0; it < shown; it++) add(s, svgText(cx0 + 3, 13 + it * 12, short(items[it][1], 22)));
      if (items.length > shown) add(s, svgText(cx0 + 3, 13 + shown * 12, '+' + (items.length - shown) + ' more'));
      tip(s.lastChild, items.map(function (m) { return m[1] + ' first reached ' + iso(m[0]); }).join('\n'));
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
    var buckets = dict();
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
      var c = svg('circle', { cx: bb.x.toFixed(1), cy: y(bb.lane), r: bb.n > 1 ? 6 : 4.5, fill: pick(LEVEL_COLOR, bb.level, '#9aa5b1'), stroke: '#fff', 'stroke-width': 1 });
      add(s, tip(c, iso(bb.t) + ' ' + lanes[bb.lane] + ': ' + bb.title + (bb.n > 1 ? ' (+' + (bb.n - 1) + ' more)' : '')));
    }
    for (var m = 0; m < intr.lateralMovement.length; m++) {
      var e = intr.lateralMovement[m], et = parseTime(e.time);
      if (!isFinite(et) || !(e.from in laneOf) || !(e.to in laneOf) || e.from === e.to) continue;
      var p = svg('line', { x1: x(et).toFixed(1), x2: x(et).toFixed(1), y1: y(laneOf[e.from]), y2: y(laneOf[e.to]), 'class': 'lm', 'marker-end': 'url(#arr' + n + ')' });
      add(s, tip(p, e.time + ' ' + e.from + ' \u2192 ' + e.to + ' (' + e.how + (e.account ? ', ' + e.account : '') + ')'));
    }
    add(add(parent, el('div', 'chart')), s);
    var legend = add(parent, el('div', 'legend muted'));
    LEVELS.forEach(function (lv) {
      var dot = add(legend, el('span', 'dot'));
      dot.style.background = LEVEL_COLOR[lv];
      add(legend, document.createTextNode(lv + '  '));
    });
    add(legend, el('span', null, '\u2193 lateral movement (from \u2192 to host lane)  \u00a6 tactic first reached'));
  }

  function renderGraph(parent, intr, n) {
    // Deterministic layout: one column per tenant (ordered by first activity), hosts by first seen, accounts last.
    var hosts = intr.hosts.slice(0, 60);
    var known = dict();
    for (var i = 0; i < hosts.length; i++) known[hosts[i].name] = hosts[i];
    var extra = [];
    for (var k = 0; k < intr.lateralMovement.length; k++) {
      var e = intr.lateralMovement[k];
      [e.from, e.to].forEach(function (h) { if (!known[h] && hosts.length + extra.length < 80) { known[h] = { name: h, tenant: '', roles: ['unknown'], firstSeen: e.time }; extra.push(known[h]); } });
    }
    hosts = hosts.concat(extra);
    var cols = [], colOf = dict();
    hosts.slice().sort(function (a, b) { return parseTime(a.firstSeen) - parseTime(b.firstSeen) || (a.name < b.name ? -1 : 1); }).forEach(function (h) {
      var t = h.tenant || '';
      if (!(t in colOf)) { colOf[t] = cols.length; cols.push({ tenant: t, hosts: [] }); }
      cols[colOf[t]].hosts.push(h);
    });
    var accounts = [], accountTargets = dict();
    for (var a = 0; a < intr.lateralMovement.length; a++) {
      var acc = intr.lateralMovement[a].account;
      if (!acc) continue;
      if (!(acc in accountTargets)) { accountTargets[acc] = dict(); accounts.push(acc); }
      accountTargets[acc][intr.lateralMovement[a].to] = 1;
    }
    for (var b = 0; b < intr.accounts.length; b++) if (!(intr.accounts[b] in accountTargets)) { accountTargets[intr.accounts[b]] = dict(); accounts.push(intr.accounts[b]); }
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
    var pos = dict();
    for (var ci = 0; ci < cols.length; ci++) {
      var cx = 20 + ci * colW + colW / 2 - 10;
      var color = TENANT_COLORS[ci % TENANT_COLORS.length];
      add(s, svg('rect', { x: 20 + ci * colW, y: 6, width: colW - 20, height: height - 12, rx: 8, fill: color, 'fill-opacity': 0.06, stroke: color, 'stroke-opacity': 0.4 }));
      add(s, tip(svgText(cx, 24, short(cols[ci].tenant || '(no tenant)', 28), 'middle'), 'tenant: ' + (cols[ci].tenant || '(none)')));
      for (var hi = 0; hi < cols[ci].hosts.length; hi++) pos[cols[ci].hosts[hi].name] = { x: cx, y: top + hi * rowH + 14, host: cols[ci].hosts[hi] };
    }
    // Cross-tenant hops: one red arrow per (from, to) tenant pair, between the column headers.
    var hops = dict();
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
    var accX = 20 + cols.length * colW + colW / 2 - 10, accPos = dict();
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
      else add(g, svg('circle', { cx: ph.x, cy: ph.y, r: 13, fill: pick(ROLE_COLOR, role, ROLE_COLOR.unknown) }));
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

`;
