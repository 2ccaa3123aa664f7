"""The passes' IR toolkit: linalg readers (_linalg), the transform-script builder and run_on_targets."""

from __future__ import annotations

import pytest

from hexopt.ir import ir, ops_named
from hexopt.passes import _linalg as L
from hexopt.passes._transform import Script, run_on_targets

GENERICS = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @f(%a: tensor<4x64xf32>, %b: tensor<64x4xf16>, %r: tensor<4xf32>) -> (tensor<4x64xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4x64xf32>
  %x = linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x64xf32>, tensor<64x4xf16>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%p: f32, %q: f16, %o: f32):
    %qe = arith.extf %q : f16 to f32
    %s = arith.addf %p, %qe : f32
    linalg.yield %s : f32
  } -> tensor<4x64xf32>
  %y = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x64xf32>) outs(%r : tensor<4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = arith.addf %p, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %x, %y : tensor<4x64xf32>, tensor<4xf32>
}
"""


@pytest.fixture
def generics():
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.parse(GENERICS)
        yield module, L.generics(module)


def test_readers(generics):
    _module, (x, y) = generics
    assert L.iterator_kinds(x) == [L.PARALLEL, L.PARALLEL]
    assert L.iterator_kinds(y) == [L.PARALLEL, L.REDUCTION]
    assert L.all_parallel(x) and not L.all_parallel(y)
    assert L.loop_ranges(x) == [4, 64] and L.loop_ranges(y) == [4, 64]
    assert L.element_bits(x) == 16 and L.element_bits(y) == 32
    assert L.vector_lanes(x, 128) == 64 and L.vector_lanes(y, 128) == 32
    assert L.num_inputs(x) == 2 and len(L.inputs(x)) == 2 and len(L.outputs(x)) == 1
    assert [L.dim_positions(m) for m in L.indexing_maps(x)] == [[0, 1], [1, 0], [0, 1]]
    assert L.defining_op(L.inputs(y)[0]) == x
    assert L.defining_op(L.inputs(x)[0]) is None  # a block argument
    assert L.has_tensor_semantics(x) and L.is_generic(x)
    assert not L.uses_index_op(x)
    assert [op.name for op in L.body_ops(x)] == ["arith.extf", "arith.addf", "linalg.yield"]


def test_interchange_moves_loops_and_maps(generics):
    _module, (_x, y) = generics
    L.interchange(y, [1, 0])
    assert L.iterator_kinds(y) == [L.REDUCTION, L.PARALLEL]
    assert [L.dim_positions(m) for m in L.indexing_maps(y)] == [[1, 0], [1]]
    assert L.loop_ranges(y) == [64, 4]
    assert y.verify()


def test_compose():
    with ir.Context():
        amap = ir.AffineMap.get_permutation([1, 0])
        inner = ir.AffineMap.get(2, 0, [ir.AffineDimExpr.get(1), ir.AffineConstantExpr.get(0)])
        assert str(L.compose(amap, inner)) == "(d0, d1) -> (0, d1)"


def test_unknown_iterator_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown linalg iterator type"):
        L._kind("#linalg.iterator_type<window>")


def test_script_text():
    script = Script()
    op = script.match_tagged(3)
    first, _rest = script.split(op, 1, 96)
    _tiled, loops = script.tile_using_for(first, [1, 0, 32])
    script.apply_patterns("%root", ["canonicalization"], max_num_rewrites=10)
    text = script.text()
    assert len(loops) == 2
    assert "transform.structured.match attributes{hexopt.target = 3 : i64} in %root" in text
    assert "transform.structured.split %h1 after 96 {dimension = 1}" in text
    assert (
        "tile_using_for %h3 tile_sizes [1, 0, 32] : (!transform.any_op) -> (!transform.any_op, "
        "!transform.any_op, !transform.any_op)" in text
    )
    assert "} {max_num_rewrites = 10 : i64} : !transform.any_op" in text
    with ir.Context():
        ir.Module.parse(text)  # well-formed


ELEMENTWISE = """
func.func @{name}(%a: tensor<2x64xf32>) -> tensor<2x64xf32> {{
  %e = tensor.empty() : tensor<2x64xf32>
  %x = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}} ins(%a : tensor<2x64xf32>) outs(%e : tensor<2x64xf32>) {{
  ^bb0(%p: f32, %o: f32):
    %s = arith.addf %p, %p : f32
    linalg.yield %s : f32
  }} -> tensor<2x64xf32>
  %y = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}} ins(%x : tensor<2x64xf32>) outs(%e : tensor<2x64xf32>) {{
  ^bb0(%p: f32, %o: f32):
    %s = arith.mulf %p, %p : f32
    linalg.yield %s : f32
  }} -> tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}}
"""


def test_run_on_targets_one_script_per_function_one_match_per_group():
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.parse(ELEMENTWISE.format(name="f") + ELEMENTWISE.format(name="g"))
        targets = [(op, (1, 32)) for op in L.generics(module)]
        calls = []

        def build(script: Script, handle: str, key: tuple[int, int]) -> None:
            calls.append(key)
            script.tile_using_for(handle, list(key))

        run_on_targets(module, targets, build)
        assert calls == [(1, 32), (1, 32)]  # two functions, each with one group of two generics
        assert len(ops_named(module, "scf.for")) == 8  # 2 loops for each of the 4 generics
        assert "hexopt.target" not in str(module)  # untagged
        assert module.operation.verify()
