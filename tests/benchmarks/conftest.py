import statistics
import time
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parent / "results"


def measure(function, *, repeat: int = 5) -> float:
    """Median wall time of `function()` in milliseconds over `repeat` runs (after a warm-up)."""
    function()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


@pytest.fixture
def report(request):
    """Collect rows (what, ours ms, usual ms) and write them as a Markdown table."""
    rows = []
    yield rows
    RESULTS.mkdir(exist_ok=True)
    from django.db import connection

    lines = [
        f"# {request.node.name} ({connection.vendor})",
        "",
        "| what | Quartier (ms) | usual approach (ms) | speed-up |",
        "| --- | ---: | ---: | ---: |",
    ]
    for what, ours, usual in rows:
        lines.append(f"| {what} | {ours:.1f} | {usual:.1f} | {usual / ours:.1f}x |")
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{request.node.name}-{connection.vendor}.md").write_text(text)
    print("\n" + text)
