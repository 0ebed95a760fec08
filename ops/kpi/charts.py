"""Trend charts drawn on the server as inline SVG: no script, no external network."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 320, 96, 6


def trend_svg(points: list[dict], target: float | None, label: str) -> Markup:
    """A line of the metric's daily snapshots, with the target as a dashed line when it fits."""
    values = [p["value"] for p in points]
    top = max(values + ([target] if target else []) + [1.0])
    title = escape(label)
    if not points:
        return Markup(f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}">'
                      f'<title>{title}</title><line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" '
                      f'x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/></svg>')

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top, 1)

    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = " ".join(f"{round(PAD + i * step, 1)},{y(v)}" for i, v in enumerate(values))
    parts = [f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}">',
             f"<title>{title}</title>",
             f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>']
    if target:
        parts.append(f'<line class="target" x1="{PAD}" y1="{y(target)}" x2="{WIDTH - PAD}" y2="{y(target)}"/>')
    parts.append(f'<polyline class="line" points="{coords}"/>')
    last_x, last_y = coords.rsplit(" ", 1)[-1].split(",")
    parts.append(f'<circle class="dot" cx="{last_x}" cy="{last_y}" r="4"/></svg>')
    return Markup("".join(parts))


def progress_svg(progress: float | None, expected_share: float, label: str) -> Markup:
    """A bar of the share done, with a mark where the plan's pace expects it to be by now."""
    width, height = 320, 24
    done = round(width * min(max(progress or 0.0, 0.0), 1.0), 1)
    pace = round(width * min(max(expected_share, 0.0), 1.0), 1)
    title = escape(label)
    return Markup(f'<svg class="progress" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
                  f'<title>{title}</title><rect class="track" x="0" y="4" width="{width}" height="16"/>'
                  f'<rect class="done" x="0" y="4" width="{done}" height="16"/>'
                  f'<line class="pace" x1="{pace}" y1="0" x2="{pace}" y2="{height}"/></svg>')
