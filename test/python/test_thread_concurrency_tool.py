"""tools/thread_concurrency.py (the host thread measurement of docs/performance.md) runs and reports both
builds with a CPU-per-wall figure; a smoke test on a small size, no timing asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_thread_concurrency_reports_both_builds():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "thread_concurrency.py"), "--n-ctx", "256", "--runs", "1", "--reps", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = re.findall(r"^\s*256\s+(1|4 rows)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)x$", proc.stdout, re.M)
    assert [r[0] for r in rows] == ["1", "4 rows"], proc.stdout
    assert all(float(ms) > 0 and float(load) > 0 for _, ms, load, _ in rows)
    assert rows[0][3] == "1.00"
