"""A spread-out sample of the public corpus goes through `hexopt run hexagon` without a traceback, an
internal error, an unexpected exit code, a signal, a hang, or exit 0 with unlowered output
(tools/corpus_check.py runs the whole corpus through three pipelines; the README gives its table).

The corpus lives outside the repository (`../shared/corpus`, or $HEXOPT_CORPUS); without it the test is
skipped and says where it looked."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [
    Path(p)
    for p in (os.environ.get("HEXOPT_CORPUS", ""), ROOT.parent / "shared" / "corpus", "/work/shared/corpus")
    if str(p)
]
CORPUS = next((c for c in CANDIDATES if c.is_dir()), None)


@pytest.mark.skipif(
    CORPUS is None,
    reason="no MLIR corpus found (looked in: " + ", ".join(str(c) for c in CANDIDATES) + "; set HEXOPT_CORPUS)",
)
def test_corpus_sample_never_crashes_hexopt():
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "corpus_check.py"),
            "--every",
            "40",
            "--pipeline",
            "hexagon",
            str(CORPUS),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(p.stdout)
    row = re.search(r"^\| hexagon \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", p.stdout, re.M)
    assert row, p.stdout + p.stderr
    ok, rejected, contained, failures = map(int, row.groups())
    chunks = int(re.search(r"corpus: (\d+) chunks", p.stdout).group(1))
    assert ok + rejected + contained + failures == chunks > 0
    assert failures == 0, p.stdout + p.stderr
    assert ok > 0  # the sample really lowers something
    assert p.returncode == 0
