// The report's stylesheet, inlined under the page's CSP nonce (no external fonts or images).

/** CSS of the HTML report. */
export const REPORT_CSS = `
:root { --bg:#f6f7f9; --card:#fff; --ink:#1f2933; --muted:#616e7c; --line:#d9dee4; --accent:#2457a6;
  --info:#9aa5b1; --low:#4c9be8; --medium:#f0b429; --high:#e8590c; --critical:#c92a2a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
header.top { background:#13233a; color:#fff; padding:18px 28px; }
header.top h1 { margin:0 0 4px; font-size:22px; }
header.top .meta { color:#b8c4d3; font-size:12px; }
main { padding:18px 28px 60px; max-width:1500px; }
h2 { font-size:18px; margin:26px 0 10px; }
h3 { font-size:15px; margin:14px 0 6px; }
.cards { display:flex; flex-wrap:wrap; gap:10px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:120px; }
.card .n { font-size:22px; font-weight:600; }
.card .l { color:var(--muted); font-size:12px; }
.kv { border-collapse:collapse; background:var(--card); border:1px solid var(--line); }
.kv td { padding:3px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
.kv td:first-child { color:var(--muted); white-space:nowrap; }
details.intrusion { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--high);
  border-radius:8px; margin:12px 0; padding:0 16px 14px; }
details.intrusion > summary { cursor:pointer; padding:12px 0; font-size:16px; font-weight:600; list-style-position:outside; }
details.intrusion > summary .sub { font-weight:400; color:var(--muted); font-size:13px; margin-left:8px; }
.chip { display:inline-block; padding:1px 8px; margin:1px 3px 1px 0; border-radius:10px; background:#e4ebf5; font-size:12px; }
.chip.dc { background:#fde2e2; color:#8a1c1c; }
.chip.warn { background:#fff0c2; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(300px,1fr)); gap:10px 24px; }
.facts div.f { margin:3px 0; }
.facts .k { color:var(--muted); display:inline-block; min-width:110px; }
ul.ev { margin:4px 0; padding-left:18px; }
ul.ev li { margin:2px 0; }
.score { display:inline-block; height:8px; background:var(--accent); border-radius:4px; vertical-align:middle; margin-right:6px; }
table.attr { border-collapse:collapse; width:100%; }
table.attr td, table.attr th { text-align:left; padding:3px 6px; border-bottom:1px solid var(--line); vertical-align:top; font-size:13px; }
.muted { color:var(--muted); }
.chart { overflow-x:auto; background:#fbfcfd; border:1px solid var(--line); border-radius:6px; margin:4px 0 8px; }
.chart svg { display:block; }
svg text { font:11px system-ui,sans-serif; fill:#334e68; }
svg .axis { stroke:#bcccdc; }
svg .lane { stroke:#eef1f4; }
svg .lm { stroke:#2457a6; stroke-width:1.5; fill:none; }
svg .milestone { stroke:#9aa5b1; stroke-dasharray:2 3; }
svg .acct { stroke:#7b8794; stroke-dasharray:4 3; fill:none; }
svg .xt { stroke:#c92a2a; stroke-width:2; stroke-dasharray:6 4; fill:none; }
.matrix { display:flex; gap:4px; overflow-x:auto; padding:4px 0 8px; }
.matrix .col { min-width:86px; flex:1 1 0; }
.matrix .th { background:#334e68; color:#fff; font-size:11px; padding:4px; border-radius:4px 4px 0 0; min-height:38px; }
.matrix .th.off { background:#cbd2d9; color:#52606d; }
.matrix .cell { font-size:11px; padding:3px 4px; margin-top:2px; border-radius:3px; border:1px solid #e4e7eb; overflow-wrap:anywhere; }
.matrix .cell a { color:inherit; font-weight:600; }
details.hunt > summary { cursor:pointer; color:var(--accent); margin:6px 0; }
.toolbar { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin:8px 0; }
.toolbar input[type=search] { flex:1 1 320px; padding:6px 10px; border:1px solid var(--line); border-radius:6px; font-size:14px; }
table.det th button.sort { all:unset; cursor:pointer; font-weight:600; }
.toolbar select, .toolbar button, button.more { padding:5px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
button.more { padding:0 6px; font-size:11px; margin-left:4px; }
table.det { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); table-layout:fixed; }
table.det th { background:#e9eef4; text-align:left; padding:5px 6px; font-size:12px; position:sticky; top:0; }
table.det td { padding:4px 6px; border-top:1px solid var(--line); vertical-align:top; font-size:12px; overflow-wrap:anywhere; }
table.det td.fields div { margin:1px 0; }
table.det td.fields .fk { color:var(--muted); }
.lvl { display:inline-block; padding:0 6px; border-radius:8px; color:#fff; font-size:11px; }
.lvl-informational { background:var(--info); } .lvl-low { background:var(--low); } .lvl-medium { background:var(--medium); color:#222; }
.lvl-high { background:var(--high); } .lvl-critical { background:var(--critical); }
.legend { font-size:12px; margin:-2px 0 8px; }
.legend .dot { display:inline-block; width:10px; height:10px; border-radius:50%; margin:0 4px 0 8px; vertical-align:middle; }
.legend .xt-label { color:#c92a2a; }
.empty { padding:16px; background:var(--card); border:1px dashed var(--line); border-radius:8px; color:var(--muted); }
`;
