"""Pictures of career pathways: DOT (Graphviz), Mermaid, and an SVG drawn here.

No system package is needed: the SVG comes from a small layered layout of our own (states in
columns by their step depth, routes in rows), so the web page and ``occugraph pathway --format
svg`` work where Graphviz is not installed; DOT and Mermaid text are for those who have the tools.

The input is the route graph of a result (:func:`route_graph`): a networkx ``DiGraph`` whose
nodes are states (``"<code>@<level>"``) with a two-line label, and whose edges carry the step's
waiting time, rule and the routes (1-based) that use them.

>>> g = nx.DiGraph()
>>> g.add_node("a", title="电工", subtitle="四级/中级工 · 6-31-01-03", kind="origin")
>>> g.add_node("b", title="电工", subtitle="三级/高级工 · 6-31-01-03", kind="target")
>>> g.add_edge("a", "b", label="+4 y · rule 3/2", routes=[1])
>>> print(to_mermaid(g))
flowchart LR
  n0["电工<br/>四级/中级工 · 6-31-01-03"]
  n1["电工<br/>三级/高级工 · 6-31-01-03"]
  n0 -->|"+4 y · rule 3/2"| n1
>>> to_svg(g).startswith("<svg")
True
"""

from __future__ import annotations

from html import escape
from typing import Any

import networkx as nx

ROUTE_COLOURS = [
    "#1f4e79",
    "#2e7d32",
    "#b45309",
    "#7b1fa2",
    "#00838f",
    "#c62828",
    "#5d4037",
    "#455a64",
    "#827717",
    "#ad1457",
]
NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 200, 58, 110, 34, 16


def route_graph(result: Any, engine: Any, include_nearest: bool = True) -> nx.DiGraph:
    """The union of a PathwayResult's routes (or, when there are none, the route to the nearest
    reachable target) as a DiGraph ready to draw."""
    g = nx.DiGraph()
    routes = list(result.routes)
    if not routes and include_nearest and result.nearest is not None:
        routes = [result.nearest[1]]

    def add_state(state: Any, kind: str) -> str:
        key = state.key()
        if key not in g:
            name = engine.names.get(state.occupation, state.occupation or "") if state.occupation else "起点"
            level = engine.level_words(state.level)
            sub = f"{level} · {state.occupation}" if state.occupation else level
            g.add_node(key, title=name, subtitle=sub, kind=kind)
        elif kind == "target":
            g.nodes[key]["kind"] = "target"
        return key

    add_state(result.origin, "origin")
    for i, route in enumerate(routes, start=1):
        for j, step in enumerate(route.steps):
            a = add_state(step.source, "origin" if j == 0 and step.source == result.origin else "state")
            last = j == len(route.steps) - 1
            b = add_state(step.target, "target" if last else "state")
            when = "现在" if step.years == 0 else f"+{step.years:g} 年"
            label = f"{when} · 第{step.rule.number}条"
            detail = f"{step.rule.rule_set} {step.rule.level} 第{step.rule.number}条：{step.rule.text}"
            if g.has_edge(a, b):
                g.edges[a, b]["routes"].append(i)
            else:
                g.add_edge(a, b, label=label, detail=detail, routes=[i], kind=step.kind)
    return g


def _layout(g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Columns by longest distance from a source (so every edge points right), rows in order."""
    if nx.is_directed_acyclic_graph(g):
        order = list(nx.topological_sort(g))
    else:  # a cycle is possible only with same-level moves back and forth; fall back to insertion order
        order = list(g.nodes)
    column: dict[str, int] = {}
    for n in order:
        preds = [column[p] for p in g.predecessors(n) if p in column]
        column[n] = max(preds) + 1 if preds else 0
    rows: dict[int, int] = {}
    pos = {}
    for n in g.nodes:  # insertion order: routes in their order, best first
        c = column[n]
        r = rows.get(c, 0)
        rows[c] = r + 1
        pos[n] = (PAD + c * (NODE_W + COL_GAP), PAD + 20 + r * (NODE_H + ROW_GAP))
    return pos


def to_svg(g: nx.DiGraph, title: str = "", fit: bool = False) -> str:
    """A self-contained SVG (no scripts, no external fonts or links). ``fit``: scale to the width of
    the box it is put in (width 100 %, never larger than its natural size), for pages and print."""
    pos = _layout(g)
    width = max((x for x, _ in pos.values()), default=0) + NODE_W + PAD
    height = max((y for _, y in pos.values()), default=0) + NODE_H + PAD + 14
    size = (
        f'width="100%" style="max-width:{width:.0f}px;height:auto" preserveAspectRatio="xMinYMin meet"'
        if fit
        else f'width="{width:.0f}" height="{height:.0f}"'
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title or "career pathway")}" '
        'font-family="system-ui, \'Noto Sans CJK SC\', sans-serif" font-size="12">',
        f"<title>{escape(title or 'career pathway')}</title>",
        "<defs>",
    ]
    for i, colour in enumerate(ROUTE_COLOURS, start=1):
        out.append(
            f'<marker id="arrow{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    for a, b, data in g.edges(data=True):
        route = data.get("routes", [1])[0]
        colour = ROUTE_COLOURS[(route - 1) % len(ROUTE_COLOURS)]
        (x1, y1), (x2, y2) = pos[a], pos[b]
        sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
        if ex <= sx:  # same column (only with a cycle): loop below
            ex, ey = x2 + NODE_W / 2, y2 + NODE_H
        mx = (sx + ex) / 2
        marker = (route - 1) % len(ROUTE_COLOURS) + 1
        out.append(
            f'<path d="M{sx:.0f},{sy:.0f} C{mx:.0f},{sy:.0f} {mx:.0f},{ey:.0f} {ex:.0f},{ey:.0f}" fill="none" '
            f'stroke="{colour}" stroke-width="2" marker-end="url(#arrow{marker})"/>'
        )
        routes = ",".join(str(r) for r in data.get("routes", []))
        label = f"{data.get('label', '')} [{routes}]" if len(data.get("routes", [])) > 1 else data.get("label", "")
        out.append(
            f'<text x="{mx:.0f}" y="{(sy + ey) / 2 - 5:.0f}" text-anchor="middle" font-size="10" '
            f'fill="{colour}"><title>{escape(data.get("detail", label))}</title>{escape(label)}</text>'
        )
    for n, data in g.nodes(data=True):
        x, y = pos[n]
        kind = data.get("kind", "state")
        fill = {"origin": "#eef2f8", "target": "#fff7d6"}.get(kind, "#ffffff")
        stroke = {"target": "#b45309"}.get(kind, "#1f4e79")
        out.append(
            f'<g><rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if kind != "state" else 1}"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 23:.0f}" text-anchor="middle" font-weight="600">'
            f"{escape(_clip(data.get('title', n), 15))}</text>"
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 42:.0f}" text-anchor="middle" fill="#445">'
            f"{escape(_clip(data.get('subtitle', ''), 26))}</text></g>"
        )
    routes = sorted({r for _, _, d in g.edges(data=True) for r in d.get("routes", [])})
    if len(routes) > 1:
        spans = "".join(
            f'<tspan fill="{ROUTE_COLOURS[(i - 1) % len(ROUTE_COLOURS)]}">route {i}  </tspan>' for i in routes
        )
        out.append(
            f'<text x="{PAD}" y="{PAD}" font-size="11" fill="#667">{spans}<tspan>(a step shared by '
            "several routes has the colour of the first; [n,m] lists them)</tspan></text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(g: nx.DiGraph, title: str = "career pathway") -> str:
    lines = [
        "digraph pathway {",
        f"  label={_dot_quote(title)};",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Noto Sans CJK SC"];',
        '  edge [fontname="Noto Sans CJK SC", fontsize=10];',
    ]
    for n, data in g.nodes(data=True):
        fill = {"origin": "#eef2f8", "target": "#fff7d6"}.get(data.get("kind", ""), "#ffffff")
        lines.append(
            f"  {_dot_quote(n)} [label={_dot_quote(data.get('title', n) + chr(10) + data.get('subtitle', ''))}"
            f', fillcolor="{fill}"];'
        )
    for a, b, data in g.edges(data=True):
        colour = ROUTE_COLOURS[(data.get("routes", [1])[0] - 1) % len(ROUTE_COLOURS)]
        lines.append(
            f"  {_dot_quote(a)} -> {_dot_quote(b)} [label={_dot_quote(data.get('label', ''))}, "
            f'color="{colour}", fontcolor="{colour}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(g: nx.DiGraph) -> str:
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    lines = ["flowchart LR"]
    for n, data in g.nodes(data=True):
        text = _mermaid_text(data.get("title", n)) + "<br/>" + _mermaid_text(data.get("subtitle", ""))
        lines.append(f'  {ids[n]}["{text}"]')
    for a, b, data in g.edges(data=True):
        lines.append(f'  {ids[a]} -->|"{_mermaid_text(data.get("label", ""))}"| {ids[b]}')
    return "\n".join(lines)
