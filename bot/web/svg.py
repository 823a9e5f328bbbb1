"""Charts drawn on the server as SVG (no script, no CDN): the score's trend by month with the tier lines."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
        "'WenQuanYi Micro Hei', sans-serif")


def trend_chart(points: Sequence[tuple[str, Decimal]], thresholds: Sequence[tuple[str, Decimal]], *,
                title: str, width: int = 640, height: int = 260, low: int = 40, high: int = 100) -> str:
    """A line of monthly totals over the tier thresholds (dashed); one point is a dot with its value."""
    left, right, top, bottom = 44, 16, 30, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(value: Decimal) -> float:
        v = min(max(float(value), low), high)
        return top + plot_h * (1 - (v - low) / (high - low))

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(points) == 1 else plot_w * i / (len(points) - 1))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" class="chart" font-family="{escape(FONT)}" font-size="12">',
           f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    for value in range(low, high + 1, 10):
        yy = y(Decimal(value))
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eee"/>'
                   f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#666">{value}</text>')
    for label, threshold in thresholds:
        if low <= threshold <= high:
            yy = y(threshold)
            out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#c77" '
                       f'stroke-dasharray="4 3"/><text x="{width - right - 2}" y="{yy - 3:.1f}" text-anchor="end" '
                       f'fill="#a55">{escape(label)}</text>')
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        out.append(f'<path d="{path}" fill="none" stroke="#2563eb" stroke-width="2"/>')
        for i, (label, value) in enumerate(points):
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.5" fill="#2563eb"/>'
                       f'<text x="{x(i):.1f}" y="{y(value) - 8:.1f}" text-anchor="middle" '
                       f'class="point">{value:.2f}</text>'
                       f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle" '
                       f'fill="#444">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
