"""The Triton IR stored for the lit tests (test/lit/triton/Inputs) is what Triton emits for the kernels today."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_stored_ttir_is_current():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_triton_ttir.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
