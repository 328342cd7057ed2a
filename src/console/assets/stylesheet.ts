/** The console's one stylesheet, served as /console/assets/console.css (no external fonts). */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --bg: #f6f7f9; --card: #fff;
  --line: #d9dde4; --ok: #1f7a3a; --warn: #9a6200; --bad: #b3261e; --a: #2f6fd6; --b: #c2410c; --c: #6b7280; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ee; --muted: #9aa3b5; --bg: #14171d;
  --card: #1c2028; --line: #323846; --ok: #5cc17a; --warn: #e0a43a; --bad: #f07167; --a: #7aa7f0; --b: #f59e63; --c: #9ca3af; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--a); }
header.top { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 600; text-decoration: none; color: var(--fg); }
header.top form { margin-left: auto; }
main { padding: 1rem; display: grid; gap: 1rem; }
.grid2 { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
.panel, .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; }
.panel > header { display: flex; align-items: baseline; gap: 1rem; }
.panel > header h2, .card h2 { font-size: 1rem; margin: 0 0 .5rem; }
.panel-status { margin-left: auto; color: var(--muted); font-size: 12px; }
.panel.stale { border-color: var(--bad); }
.panel.stale .panel-status { color: var(--bad); font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted, small { color: var(--muted); }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.note { color: var(--muted); font-size: 12px; margin: .25rem 0; }
.flash { padding: .6rem .8rem; border-radius: 6px; border: 1px solid var(--ok); }
.flash.error { border-color: var(--bad); }
form.inline { display: inline; }
label { display: block; margin: .4rem 0 .1rem; font-weight: 500; }
input[type=text], input[type=search], select { font: inherit; padding: .3rem .4rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); min-width: 16rem; }
input[aria-invalid=true] { border-color: var(--bad); }
.field-error { color: var(--bad); font-size: 12px; margin: .1rem 0; }
button { font: inherit; padding: .25rem .7rem; border-radius: 4px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
button.primary { background: var(--a); border-color: var(--a); color: #fff; }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: var(--bg); padding: .4rem; border-radius: 4px; }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 500; margin-bottom: .2rem; }
figure.chart svg { width: 100%; height: auto; max-width: 420px; display: block; }
.chart .axis, .chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .grid { stroke-dasharray: 3 3; }
.chart .line { fill: none; stroke-width: 2.5; stroke-linecap: round; stroke-linejoin: round; }
.chart .line.series-a { stroke: var(--a); } .chart .line.series-b { stroke: var(--b); }
.chart .line.series-c { stroke: var(--c); stroke-dasharray: 4 2; }
.chart .empty { fill: var(--muted); font-size: 12px; }
.chart-scale { display: flex; gap: 1rem; font-size: 12px; color: var(--muted); }
.legend.series-a::before, .legend.series-b::before, .legend.series-c::before { content: "■ "; }
.legend.series-a::before { color: var(--a); } .legend.series-b::before { color: var(--b); }
.legend.series-c::before { color: var(--c); }
.charts { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
`
