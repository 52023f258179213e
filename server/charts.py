"""Bar charts drawn on the server as inline SVG (no script, no CDN): one horizontal bar per row,
each bar made of stacked parts. The SVG scales down with its viewBox, so it fits a phone screen.

>>> svg = bar_chart([Bar("2020", [Part(3, "has", "有标准"), Part(2, "waiting", "尚无")])], "测试")
>>> 'role="img"' in svg and "<title>有标准：3</title>" in svg and 'aria-label="测试"' in svg
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class Part:
    value: float
    css: str
    title: str


@dataclass
class Bar:
    label: str
    parts: list[Part]
    note: str = ""
    total: float | None = field(default=None)  # a bar's full length when the parts are a share of it


def bar_chart(
    bars: list[Bar],
    label: str,
    width: int = 640,
    label_width: int = 140,
    note_width: int = 90,
    bar_height: int = 22,
    gap: int = 8,
    scale_max: float | None = None,
    chart_id: str | None = None,
) -> Markup:
    """An accessible SVG: role=img with a label, one <title> per part (read by screen readers and
    shown on hover), the value written in the part when it fits and the note after the bar."""
    plot = width - label_width - note_width
    top = 6
    biggest = scale_max or max([b.total or sum(p.value for p in b.parts) for b in bars] + [1])
    height = top + len(bars) * (bar_height + gap) + 4
    ident = f' id="{escape(chart_id)}"' if chart_id else ""
    out = [
        f'<svg class="chart"{ident} role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for n, b in enumerate(bars):
        y = top + n * (bar_height + gap)
        text_y = y + bar_height * 0.7
        # no links inside: an svg with role=img must not hold interactive elements (the tables link)
        out.append(f'<text x="{label_width - 6}" y="{text_y:.1f}" text-anchor="end">{escape(b.label)}</text>')
        x = float(label_width)
        if b.total is not None:
            out.append(f'<rect class="track" x="{label_width}" y="{y}" width="{plot}" height="{bar_height}"></rect>')
        for p in b.parts:
            w = plot * p.value / biggest if biggest else 0
            if p.value:
                out.append(
                    f'<rect class="{escape(p.css)}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}">'
                    f"<title>{escape(p.title)}：{_num(p.value)}</title></rect>"
                )
                if w >= 22:
                    out.append(
                        f'<text x="{x + w / 2:.1f}" y="{text_y:.1f}" text-anchor="middle" class="in-bar">'
                        f"{_num(p.value)}</text>"
                    )
            x += w
        if b.note:
            end = label_width + plot if b.total is not None else x
            out.append(f'<text x="{end + 6:.1f}" y="{text_y:.1f}">{escape(b.note)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
