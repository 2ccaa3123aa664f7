"""The pipeline report (`hexopt run ... --report`): op counts, stored diffs, and the page in headless Chromium.

The browser tests open the report of the seed kernel through the `hexagon` pipeline, click and type
through it like a user, and check what fusion did. HEXOPT_UPDATE_SCREENSHOTS=1 also writes the
screenshot shown in the README (docs/images/report-seed.png).
"""

from __future__ import annotations

import collections
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hexopt.diagnostics import Diagnostic
from hexopt.errors import HexoptError
from hexopt.pipeline import load_pipeline
from hexopt.report import build, count_ops, render_html
from hexopt.report.diff import apply_script, edit_script

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "test" / "mlir" / "flash_attention.mlir"
HEXOPT = [sys.executable, "-m", "hexopt"]


def _load_chromium_driver():
    path = ROOT / "tools" / "headless_chromium.py"
    spec = importlib.util.spec_from_file_location("headless_chromium", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


hc = _load_chromium_driver()


def _browser_or_skip():
    if hc.find_chromium() is None:
        pytest.skip("chromium is not installed (tools/setup.sh installs it with apt where it can)")
    if importlib.util.find_spec("websocket") is None:
        pytest.skip("websocket-client is not installed (pip install -e .[test])")
    return hc.Chromium(width=1500, height=950)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("seed-report")
    subprocess.run(
        [
            *HEXOPT,
            "run",
            "hexagon",
            str(SEED.relative_to(ROOT)),
            "--dump-dir",
            str(d / "dump"),
            "--report",
            str(d / "seed.html"),
            "-o",
            str(d / "out.mlir"),
        ],
        check=True,
        cwd=ROOT,
    )
    return d


def _stage_files(dump: Path) -> list[Path]:
    return sorted(p for p in dump.iterdir() if re.match(r"\d\d-.*\.mlir$", p.name))


# ------------------------------------------------------------------------------------------------ op counts


def _walk_counts(op, printed_only: bool) -> collections.Counter:
    """Ops by name from the bindings; printed_only leaves out what the custom form does not print:
    the bodies of named linalg ops and implicit (elided) terminators."""
    counts: collections.Counter = collections.Counter()

    def visit(o) -> None:
        counts[o.name] += 1
        if (
            printed_only
            and o.name.startswith("linalg.")
            and o.name not in ("linalg.generic", "linalg.reduce", "linalg.map")
        ):
            return
        for region in o.regions:
            for block in region.blocks:
                ops = [x.operation for x in block.operations]
                for k, x in enumerate(ops):
                    elided = (
                        k == len(ops) - 1
                        and len(x.operands) == 0
                        and len(x.results) == 0
                        and x.name in ("scf.yield", "affine.yield", "scf.forall.in_parallel")
                        and all(len(list(b.operations)) == 0 for r in x.regions for b in r.blocks)
                    )
                    if not (printed_only and elided):
                        visit(x)

    visit(op)
    return counts


def test_op_counts_match_the_bindings_on_every_seed_stage(seed_run):
    from hexopt.ir import ir
    from hexopt.pipeline import load_pipeline

    files = _stage_files(seed_run / "dump")
    assert len(files) == len(load_pipeline("hexagon").passes) + 1  # the input and one file per pass
    for path in files:
        with ir.Context():
            module = ir.Module.parse(path.read_text())
            generic = module.operation.get_asm(print_generic_op_form=True)
            assert count_ops(generic) == _walk_counts(module.operation, False), f"{path.name} (generic form)"
            assert count_ops(str(module)) == _walk_counts(module.operation, True), path.name


def test_op_counts_of_tricky_text():
    text = """#map = affine_map<(d0) -> (d0)>
module attributes {test.attr = "a { b"} {
  func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
    %0:2 = "test.two"() : () -> (i32, i32)
    %m = linalg.map { arith.addf {fastmath = #arith.fastmath<fast>} } ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%a : tensor<4xf32>)
    %r = linalg.reduce ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>) dimensions = [0]
      (%in: f32, %init: f32) {
        %s = arith.addf %in, %init : f32
        linalg.yield %s : f32
      }
    %x = call @g() : () -> i32
    return %m : tensor<4xf32>
  }
  func.func private @g() -> i32
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000"
    }
  }
#-}
"""  # noqa: E501 (a long IR line on purpose: the counter must not split ops across lines)
    assert count_ops(text) == {
        "builtin.module": 1,
        "func.func": 2,
        "test.two": 1,
        "linalg.map": 1,
        "arith.addf": 2,
        "linalg.yield": 2,
        "linalg.reduce": 1,
        "func.call": 1,
        "func.return": 1,
    }


# ------------------------------------------------------------------------------------------------ stored diffs


def test_edit_scripts_rebuild_every_seed_stage(seed_run):
    texts = [p.read_text().splitlines() for p in _stage_files(seed_run / "dump")]
    for before, after in zip(texts, texts[1:], strict=False):
        assert apply_script(before, edit_script(before, after)) == after


def _stage_of(pass_name: str) -> int:
    """The report stage of the first run of `pass_name` in the hexagon pipeline (stage 0 is the input)."""
    return 1 + next(i for i, s in enumerate(load_pipeline("hexagon").passes) if s.name == pass_name)


def test_report_of_a_failed_run_keeps_the_finished_stages(seed_run, tmp_path):
    specs = load_pipeline("hexagon").passes
    fusion = _stage_of("hexagon-fusion")  # the stage of the failed pass (stage 0 is the input)
    dump = tmp_path / "dump"
    dump.mkdir()
    for p in _stage_files(seed_run / "dump")[:fusion]:  # the input and the passes before hexagon-fusion
        shutil.copy(p, dump / p.name)
    error = HexoptError(
        "pass 'hexagon-fusion' failed",
        [Diagnostic("cannot fuse", "error", "k.mlir", 2, 3)],
        "reproducer saved in /tmp/r/; reproduce with:\n  hexopt run -p 'builtin.module(x)' /tmp/r/input.mlir",
    )
    report = build(
        str(dump),
        specs,
        [(s.text(), 0.001) for s in specs[: fusion - 1]],
        "k.mlir",
        "hexagon",
        error,
        input_text="func\n  bad line\n",
    )
    assert [s.status for s in report.stages[: fusion + 2]] == ["ok"] * fusion + ["failed", "not-run"]
    assert report.stages[fusion].pass_name == "hexagon-fusion" and report.stages[fusion].lines is None
    assert report.failure is not None and report.failure.stage == fusion
    assert report.failure.reproducer == "hexopt run -p 'builtin.module(x)' /tmp/r/input.mlir"
    assert report.failure.diagnostics[0].splitlines() == ["k.mlir:2:3: error: cannot fuse", "  bad line", "  ^"]
    page = render_html(report)
    assert "cannot fuse" in page and "<script src" not in page and "http" not in page.split("<body>")[1]


def test_report_is_self_contained_and_ir_cannot_close_its_script(tmp_path):
    (tmp_path / "00-input.mlir").write_text(
        'module {\n  "x.y"() {s = "</script><script>alert(1)</script> {{JS}}"} : () -> ()\n}\n'
    )
    page = render_html(build(str(tmp_path), [], [], "in.mlir", "p"))
    assert page.count("</script>") == page.count("<script")
    assert "{{" not in page.replace("{{JS}}", "")  # placeholders filled once, IR text left alone
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


# ------------------------------------------------------------------------------------------------ in Chromium


def _text(c, element_id: str) -> str:
    return c.eval(f"document.getElementById('{element_id}').textContent")


def test_seed_report_in_chromium(seed_run, tmp_path):
    stages = [p.read_text() for p in _stage_files(seed_run / "dump")]
    specs = load_pipeline("hexagon").passes
    fusion = next(i for i, s in enumerate(specs, 1) if s.name == "hexagon-fusion")
    scheduling = next(i for i, s in enumerate(specs, 1) if s.name == "schedule-matmul-for-hvx")
    with _browser_or_skip() as c:
        c.open(hc.file_url(str(seed_run / "seed.html")))
        assert c.eval("document.querySelectorAll('.st').length") == len(specs) + 1
        # Stages that change nothing are greyed: check-memory-spaces only checks.
        assert "same" in c.eval("document.getElementById('st-1').className")
        assert "same" not in c.eval(f"document.getElementById('st-{fusion}').className")
        # Keyboard: from the input through every stage; the head names each pass; the page rebuilds
        # each stage's IR exactly (edit scripts applied in JavaScript).
        c.key("Home")
        for i in range(len(specs) + 1):
            assert c.eval("document.documentElement.dataset.stage") == str(i)
            head = _text(c, "stage-head")
            assert head.startswith(f"#{i} ")
            assert (specs[i - 1].name if i else "flash_attention.mlir") in head
            assert c.eval(f"hexoptReport.linesOf({i}).join('\\n')") == stages[i].rstrip("\n")
            c.key("j")
        assert c.eval("document.documentElement.dataset.stage") == str(len(specs))
        c.key("k")
        assert c.eval("document.documentElement.dataset.stage") == str(len(specs) - 1)

        # Matmul scheduling turns the two linalg.matmul into generics: its diff removes both.
        c.click(f"#st-{scheduling}")
        c.key("d")
        c.key("/")
        c.type("linalg.matmul")
        c.key("Enter")
        assert "“linalg.matmul”: 1/2 matches (2 removed, 0 added)" in _text(c, "view-info")
        assert "linalg.matmul 2 → 0" in _text(c, "stage-counts")

        # The fusion stage: 21 generics in, the seed's 9 fused generics out (test/lit/flash_attention/fusion.mlir).
        c.click(f"#st-{fusion}")
        assert c.eval("document.documentElement.dataset.stage") == str(fusion)
        assert "linalg.generic 21 → 9" in _text(c, "stage-counts")
        c.key("i")
        c.key("/")
        c.eval("document.getElementById('search').value = ''")
        c.type("linalg.generic")
        c.key("Enter")
        assert "“linalg.generic”: 1/9 matches" in _text(c, "view-info")
        assert stages[fusion].count("linalg.generic") == 9 and "linalg.matmul" not in stages[fusion]
        # Compared with the input, the fusion stage's diff shows both matmuls removed and 9 generics.
        c.key("Escape")
        c.eval(
            "(() => { const s = document.getElementById('base'); s.value = '0';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        c.key("d")
        counts = _text(c, "stage-counts")
        assert "linalg.matmul 2 → 0" in counts and "linalg.generic 15 → 9" in counts
        c.key("/")
        c.eval("document.getElementById('search').value = ''")
        c.type("linalg.matmul")
        c.key("Enter")
        assert "“linalg.matmul”: 1/2 matches (2 removed, 0 added)" in _text(c, "view-info")
        c.eval("document.getElementById('search').value = ''")
        c.type("linalg.generic")
        c.key("Enter")
        info = _text(c, "view-info")
        assert re.search(r"\(\d+ removed, 9 added\)", info), info
        # Side by side draws the same diff in two columns.
        c.key("Escape")
        c.key("s")
        assert c.eval("document.querySelectorAll('#viewer .r2').length") > 10
        assert c.eval("document.querySelectorAll('#viewer .r2 .c.t-del').length") > 0
        assert c.errors() == []

        # The README's picture: the fusion stage's diff against the stage before it.
        c.eval(
            "(() => { const s = document.getElementById('base'); s.value = 'prev';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        c.key("d")
        c.eval("hexoptReport.setQuery('linalg.generic')")
        c.eval("hexoptReport.nextHit(1)")
        shot = tmp_path / "report-seed.png"
        c.screenshot(str(shot))
        assert shot.stat().st_size > 20000
        if os.environ.get("HEXOPT_UPDATE_SCREENSHOTS") == "1":
            shutil.copy(shot, ROOT / "docs" / "images" / "report-seed.png")


def test_failed_run_report_in_chromium(tmp_path):
    report = tmp_path / "fail.html"
    env = dict(os.environ, HEXOPT_INJECT_FAULT="hexagon-fusion")
    p = subprocess.run(
        [*HEXOPT, "run", "hexagon", str(SEED), "--report", str(report), "--repro-dir", str(tmp_path / "repro")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert f"hexopt: note: report of the failed run written to {report}" in p.stderr
    with _browser_or_skip() as c:
        c.open(hc.file_url(str(report)))
        fusion = _stage_of("hexagon-fusion")
        assert c.eval("document.documentElement.dataset.stage") == str(fusion)  # opens on the failed pass
        assert "fault injected into 'hexagon-fusion'" in _text(c, "stage-error")
        repro = c.eval("document.querySelector('#stage-error .repro code').textContent")
        assert (
            repro == f"hexopt run -p 'builtin.module(hexagon-fusion{{allow-recompute=false multi-use=true}})' "
            f"{tmp_path}/repro/input.mlir"
        )
        assert "not run" in _text(c, f"st-{fusion + 1}")
        assert c.eval("hexoptReport.linesOf(5).length") > 100  # the IR entering the failed pass
        assert c.errors() == []
