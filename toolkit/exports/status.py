"""What administrators see of exports: cache size, hit rate, warming, queue and render pool."""

from __future__ import annotations

from flask import current_app


def export_status() -> dict[str, str]:
    """What administrators see of exports (also on the admin page), as label and text."""
    from toolkit.exports import counters, jobs, pruning
    from toolkit.exports.render import queue_status

    used = pruning.usage()
    totals = counters.totals(30)
    rate = totals["hit_rate"]
    depth = jobs.queue_depth()
    pool = queue_status(current_app.config)
    bound = current_app.config["EXPORT_CACHE_MAX_MB"]
    return {
        "Kept PDFs": f"{used.files} files, {used.size / 1048576:.1f} MiB of {bound} MiB",
        "Hit rate, last 30 days": (
            "no downloads yet"
            if rate is None
            else f"{rate:.0%} ({totals['hits']} kept, {totals['misses']} rendered on demand)"
        ),
        "Warmed, last 30 days": f"{totals['warmed']} documents",
        "Queue (packs and warming)": "unknown" if depth is None else f"{depth} waiting",
        "Render pool": (
            f"{pool['busy']} of {pool['workers']} workers busy, {pool['waiting']} waiting, "
            f"{pool['waiting_background']} warming"
            if pool
            else "not running"
        ),
    }
