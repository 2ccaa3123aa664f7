"""The hexopt pass registry: pass name -> "module:Class", imported only when used."""

from __future__ import annotations

import importlib
from difflib import get_close_matches

from .base import OptionError, OptionSpec, Pass, PassFailure, option

__all__ = ["REGISTRY", "OptionError", "OptionSpec", "Pass", "PassFailure", "option", "get_pass_class", "close_names"]

REGISTRY: dict[str, str] = {
    "count-ops": "hexopt.passes.count_ops:CountOps",
    "check-memory-spaces": "hexopt.passes.memory_spaces:CheckMemorySpaces",
    "check-lowered": "hexopt.passes.check_lowered:CheckLowered",
    "set-target": "hexopt.passes.target:SetTarget",
    "schedule-matmul-for-hvx": "hexopt.passes.schedule_matmul:ScheduleMatmulForHvx",
    "hexagon-fusion": "hexopt.passes.fusion:HexagonFusion",
    "hypot-reductions": "hexopt.passes.hypot_reductions:HypotReductions",
    "split-reduce-generic": "hexopt.passes.split_reduce:SplitReduceGeneric",
    "form-virtual-threads": "hexopt.passes.virtual_threads:FormVirtualThreads",
    "form-row-threads": "hexopt.passes.row_threads:FormRowThreads",
    "commute-transposed-contractions": "hexopt.passes.commute_contractions:CommuteTransposedContractions",
    "flatten-elementwise": "hexopt.passes.flatten_elementwise:FlattenElementwise",
    "extend-contraction-operands": "hexopt.passes.extend_operands:ExtendContractionOperands",
    "hexagon-tiling": "hexopt.passes.tiling:HexagonTiling",
    "vectorize-memref-copies": "hexopt.passes.vector_copies:VectorizeMemrefCopies",
    "hexagon-vectorization": "hexopt.passes.vectorization:HexagonVectorization",
    "hexagon-fast-math": "hexopt.passes.fast_math:HexagonFastMath",
    "form-async-threads": "hexopt.passes.async_threads:FormAsyncThreads",
    "approximate-vector-math": "hexopt.passes.vector_math:ApproximateVectorMath",
    "split-deallocs": "hexopt.passes.split_deallocs:SplitDeallocs",
    "lower-vector-to-llvm": "hexopt.passes.vector_to_llvm:LowerVectorToLlvm",
    "reconcile-index-casts": "hexopt.passes.index_casts:ReconcileIndexCasts",
    "materialize-transposed-operands": "hexopt.passes.transpose_operands:MaterializeTransposedOperands",
    "broadcast-division-to-reciprocal": "hexopt.passes.broadcast_reciprocal:BroadcastDivisionToReciprocal",
    "interchange-row-reductions": "hexopt.passes.row_reductions:InterchangeRowReductions",
    "write-loop-carried-in-place": "hexopt.passes.in_place:WriteLoopCarriedInPlace",
    "convert-triton-to-linalg": "hexopt.passes.triton_to_linalg:ConvertTritonToLinalg",
    "widen-bool-tensors": "hexopt.passes.widen_bool_tensors:WidenBoolTensors",
    "expand-vector-min-max": "hexopt.passes.vector_min_max:ExpandVectorMinMax",
    "expand-float-conversions": "hexopt.passes.float_conversions:ExpandFloatConversions",
    "keep-explicit-roundings": "hexopt.passes.explicit_roundings:KeepExplicitRoundings",
    "reference-abi": "hexopt.passes.reference_abi:ReferenceAbi",
    "broadcast-div-to-mul": "hexopt.passes.div_to_mul:BroadcastDivToMul",
    "expand-bool-vec": "hexopt.passes.expand_bool_vec:ExpandBoolVec",
    "hoist-scalar-ops": "hexopt.passes.hoist_scalar_ops:HoistScalarOps",
    "erase-unused-linalg-operands": "hexopt.passes.erase_unused_operands:EraseUnusedLinalgOperands",
    "punt-buffer": "hexopt.passes.punt_buffer:PuntBuffer",
    "rvo": "hexopt.passes.rvo:Rvo",
    "replace-library-calls": "hexopt.passes.library_calls:ReplaceLibraryCalls",
}


def get_pass_class(name: str) -> type[Pass]:
    """The class registered under `name`; KeyError if there is none."""
    module_name, _, class_name = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def close_names(name: str, candidates: list[str] | None = None) -> list[str]:
    return get_close_matches(name, candidates if candidates is not None else list(REGISTRY), n=3, cutoff=0.6)
