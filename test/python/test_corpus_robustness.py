"""A spread-out sample of the public corpus goes through `hexopt run hexagon` without a traceback,
an unexpected exit code, a signal or a hang (tools/corpus_check.py runs the whole corpus)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_corpus_sample_never_crashes_hexopt():
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "corpus_check.py"), "--every", "40", str(CORPUS)],
                       capture_output=True, text=True, timeout=900)
    print(p.stdout)
    assert "corpus:" in p.stdout
    assert "FAILURE 0" in p.stdout, p.stdout + p.stderr
    assert p.returncode == 0
