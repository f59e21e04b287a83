// The report page's script: renders the embedded JSON with DOM text nodes only (never HTML from data).
// Kept as plain ES2017 in raw strings so the page needs no build step and no network.
import { BIDI_CONTROLS } from '../../engine/terminal-text.js';
import { REPORT_CHARTS } from './client-charts.js';

const HELPERS_AND_SUMMARY = String.raw`
(function () {
  'use strict';
  // Every value shown comes from event logs and is hostile: it only ever reaches the page through
  // textContent or numeric SVG attributes; no HTML parsing of data, no links built from data.
  // Bidi controls (U+202E and kin) in a value would reorder what the reader sees (U+202E + 'gnp.exe' shows
  // as 'exe.png'; host, user and file names can be spoofed), so every string from the data shows them as
  // visible backslash-u escapes, as the terminal output does.
  var BIDI = /[${BIDI_CONTROLS}]/g;
  function bidiEscape(c) { return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4); }
  var DATA = JSON.parse(document.getElementById('dwell-data').textContent, function (key, value) {
    return typeof value === 'string' ? value.replace(BIDI, bidiEscape) : value;
  });
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
  /** A dictionary without a prototype: keys come from the logs ("__proto__", "constructor" are just keys). */
  function dict() { return Object.create(null); }
  /** [name, tactics] of a technique the report knows, else null. */
  function techInfo(id) { return pick(DATA.techniques, id, null); }
  /** Own value of a constant lookup table, or the fallback. */
  function pick(table, key, fallback) { return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : fallback; }
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
  function iso(ms) {
    var d = new Date(ms === null || ms === undefined ? NaN : Number(ms));
    return isNaN(d.getTime()) ? '' : d.toISOString().replace('T', ' ').replace('.000Z', 'Z');
  }
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
    var hosts = dict(), tenants = dict(), byLevel = dict(), first = Infinity, last = -Infinity;
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
      var more = add(sec, el('details', 'hunt'));
      add(more, el('summary', null, 'Hunt details'));
      var t = add(more, el('table', 'kv'));
      for (var s = 0; s < DATA.summary.length; s++) {
        var tr = add(t, el('tr'));
        add(tr, el('td', null, DATA.summary[s][0]));
        longText(add(tr, el('td')), DATA.summary[s][1]);
      }
    }
  }

  // ---------- intrusions ----------
  function techniqueCounts(rowIdx, extra) {
    var counts = dict();
    for (var i = 0; i < rowIdx.length; i++) {
      var ts = rules[rows[rowIdx[i]][1]].techniques;
      for (var j = 0; j < ts.length; j++) counts[ts[j]] = (counts[ts[j]] || 0) + 1;
    }
    for (var k = 0; k < (extra || []).length; k++) if (!counts[extra[k]]) counts[extra[k]] = 0;
    return counts;
  }

`;

const INTRUSIONS_AND_TABLE = String.raw`
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
    var chain = hopChain(intr.crossTenant);
    if (chain.length > 1) fact(facts, 'hop chain', chain.join(' \u2192 ')).className = 'f chain';

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
        if (Number(m.score) < 0.2) add(sc, el('div', 'muted', 'weak resemblance'));
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

  /** Tenants in the order the intrusion reached them: the first source, then each target by first arrival. */
  function hopChain(links) {
    var sorted = links.slice().sort(function (a, b) { return parseTime(a.firstSeenTo) - parseTime(b.firstSeenTo) || 0; });
    var chain = [], seen = dict();
    if (sorted.length) { chain.push(sorted[0].fromTenant); seen[sorted[0].fromTenant] = 1; }
    for (var i = 0; i < sorted.length; i++) {
      if (!seen[sorted[i].fromTenant]) { seen[sorted[i].fromTenant] = 1; chain.push(sorted[i].fromTenant); }
      if (!seen[sorted[i].toTenant]) { seen[sorted[i].toTenant] = 1; chain.push(sorted[i].toTenant); }
    }
    return chain;
  }

  function renderTenants() {
    var byTenant = dict(), names = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], t = r[3] || '(no tenant)';
      var e = byTenant[t];
      if (!e) { e = byTenant[t] = { detections: 0, hosts: dict(), hostCount: 0, top: 0, intrusions: [] }; names.push(t); }
      e.detections++;
      if (!e.hosts[r[2]]) { e.hosts[r[2]] = 1; e.hostCount++; }
      e.top = Math.max(e.top, LEVELS.indexOf(rules[r[1]].level));
    }
    DATA.intrusions.forEach(function (it, n) {
      it.tenants.forEach(function (t) {
        if (!byTenant[t]) { byTenant[t] = { detections: 0, hosts: dict(), hostCount: 0, top: -1, intrusions: [] }; names.push(t); }
        byTenant[t].intrusions.push('#' + (n + 1));
      });
    });
    if (names.length < 2 && !DATA.intrusions.length) return;
    names.sort(function (a, b) { return byTenant[b].intrusions.length - byTenant[a].intrusions.length || byTenant[b].detections - byTenant[a].detections || (a < b ? -1 : 1); });
    var sec = add(root, el('section'));
    sec.id = 'tenants';
    add(sec, el('h2', null, 'Tenants'));
    var t = add(sec, el('table', 'attr'));
    var hr = add(t, el('tr'));
    ['tenant', 'intrusions', 'detections', 'hosts with detections', 'highest level'].forEach(function (c) { add(hr, el('th', null, c)); });
    for (var k = 0; k < names.length && k < 500; k++) {
      var e2 = byTenant[names[k]], tr = add(t, el('tr'));
      add(tr, el('td', null, names[k]));
      add(tr, el('td', e2.intrusions.length ? null : 'muted', e2.intrusions.length ? e2.intrusions.join(', ') : 'none'));
      add(tr, el('td', null, num(e2.detections)));
      add(tr, el('td', null, num(e2.hostCount)));
      var lc = add(tr, el('td'));
      if (e2.top >= 0) add(lc, el('span', 'lvl lvl-' + LEVELS[e2.top], LEVELS[e2.top]));
    }
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
    var state = { query: '', minLevel: 0, intrusion: -1, page: 0, sortKey: -1, sortDir: 1 };
    // Sort keys per column index of the header (-1: the order of the hunt, i.e. time, file, record).
    var SORTS = [
      function (r) { return r[0] === null ? -Infinity : r[0]; },
      function (r) { return LEVELS.indexOf(rules[r[1]].level); },
      function (r) { return rules[r[1]].title.toLowerCase(); },
      function (r) { return r[2].toLowerCase(); },
      function (r) { return r[3].toLowerCase(); },
    ];
    function sortMatches() {
      if (state.sortKey < 0) return;
      var key = SORTS[state.sortKey], dir = state.sortDir;
      matches.sort(function (a, b) {
        var ka = key(rows[a]), kb = key(rows[b]);
        return (ka < kb ? -1 : ka > kb ? 1 : 0) * dir || a - b;
      });
    }
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
      if (state.intrusion >= 0) { allowed = dict(); var ir = DATA.intrusions[state.intrusion].rows; for (var k = 0; k < ir.length; k++) allowed[ir[k]] = 1; }
      matches = [];
      for (var i = 0; i < rows.length; i++) {
        if (allowed && !allowed[i]) continue;
        if (minLevel && LEVELS.indexOf(rules[rows[i][1]].level) < minLevel) continue;
        if (q && hay(i).indexOf(q) < 0) continue;
        matches.push(i);
      }
      sortMatches();
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
      var heads = [];
      ['time (UTC)', 'level', 'rule', 'host', 'tenant', 'channel / event', 'file #record', 'fields'].forEach(function (c, i) {
        var th = add(head, el('th'));
        if (i >= SORTS.length) { th.textContent = c; return; }
        var b = add(th, el('button', 'sort', c));
        b.type = 'button';
        b.id = 'sort-' + i;
        heads.push(b);
        b.addEventListener('click', function () {
          state.sortDir = state.sortKey === i ? -state.sortDir : i === 1 ? -1 : 1;
          state.sortKey = i;
          heads.forEach(function (h, j) { h.textContent = h.textContent.replace(/ [\u25b2\u25bc]$/, '') + (j === i ? (state.sortDir > 0 ? ' \u25b2' : ' \u25bc') : ''); });
          filter();
        });
      });
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
  renderTenants();
  renderOverallMatrix();
  table.build();
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;

/** JavaScript of the HTML report, run under the page's CSP nonce. */
export const REPORT_SCRIPT = HELPERS_AND_SUMMARY + REPORT_CHARTS + INTRUSIONS_AND_TABLE;
