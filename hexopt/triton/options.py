"""Launch options of a Triton kernel on hexopt: the reference's set, mapped to hexopt pipeline options.

A test written for the reference passes options such as `enableMultiThreading=True` or
`enableVTCMTiling=False` at launch. Triton rejects a keyword that is not a field of the backend's
options, so every option of the reference's `HexagonOptions` is a field here. Those with a hexopt
equivalent set that pipeline option; the others are accepted and, when they ask for something
hexopt does not do, reported once as "not implemented, ignored". Options left unset keep the
pipeline's defaults. `pipeline=` and `sets=` select a hexopt pipeline and its options directly.

No triton import here (the CLI uses this module too).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, fields
from typing import Any

#: Reference option -> (hexopt pipeline option, value converter).
MAPPED: dict[str, tuple[str, Any]] = {
    "enableMultiThreading": ("multi-threading", bool),
    "enableVectorization": ("vectorization", bool),
    "enableSplitReduceGeneric": ("split-reduction", bool),
    "fusion": ("fusion", bool),
    "num_threads": ("num-threads", int),
    "vector_length": ("vector-bytes", lambda lanes: 4 * int(lanes)),  # lanes of f32
}

#: Reference options hexopt accepts but does not implement, with the value that means "off" (what hexopt
#: does anyway). Giving any other value is reported once.
NOT_IMPLEMENTED: dict[str, Any] = {
    "enableSplitReduction": False,
    "enableSCFLoopUnroll": False,
    "enableVTCMTiling": False,
    "enableConvertToHexagonmem": False,
    "enableHexagonmemCopyToDMA": False,
    "enableHexKL": False,
    "enableHVXInlining": False,
    "enableDoubleBuffering": False,
    "enableLWP": False,
    "enableSCFThreading": False,
    "enableConvTiling": False,
    "enableConversionToFp16": False,
    "enableThreadedDispatch": False,
    "enableVectorRowReduce": False,
    "enableWeightResident": False,
    "enableWorkspaceResident": False,
    "enableSeedLayoutConversions": False,
    "forceHVXCroutonization": False,
    "lowerConstantsInSeparateSharedObjects": False,
    "htp_kernel_gen": False,
    "scratch": 0,
    "enableHmxPipelineDepth": 0,
    "tileSizes": "",
    "convTileSizes": "",
    "fusionAllowRecompute": False,
    "fusionDoMultiUse": True,
    "enableBufferization": True,
    "enableCollapseAddressSpace": True,
    "extendPackUpperFrontier": True,
    "extendPackLowerFrontier": True,
}

#: Accepted for compatibility with no effect at all (device management, profiling details, naming).
NO_EFFECT = (
    "disableLWPLoop",
    "LWPloopDepth",
    "deviceCleanup",
    "hexKLMode",
    "target_artifact",
    "arch_triple",
    "arch_features",
    "device_type",
    "vectorize",
    "data_layout",
    "allow_fp8e4nv",
    "name",
    "cluster_dims",
    "shared",
)

_REPORTED: set[str] = set()


@dataclass(frozen=True)
class HexoptOptions:
    """The options of one compilation (Triton's `backend.parse_options` result)."""

    # read by Triton's code generator
    num_warps: int = 1
    num_ctas: int = 1
    num_stages: int = 1
    debug: bool = False
    sanitize_overflow: bool = False
    arch: str = "hexagon"
    backend_name: str = "hexopt"
    supported_fp8_dtypes: tuple = ()
    deprecated_fp8_dot_operand_dtypes: tuple = ()
    allowed_dot_input_precisions: tuple = ("ieee", "tf32", "tf32x3", "bf16x3", "bf16x6", "bf16")
    default_dot_input_precision: str = "ieee"
    max_num_imprecise_acc_default: int = 0
    extern_libs: tuple = ()
    instrumentation_mode: str = ""
    enable_fp_fusion: bool = True
    launch_cooperative_grid: bool = False
    launch_pdl: bool = False
    # hexopt
    pipeline: str = ""  # a YAML pipeline (shipped name or path); "" = the target's ("host" or "hexagon")
    sets: tuple = ()  # ((pipeline option, value), ...) from `sets=`
    iterations: int = 0  # > 0: time that many runs of the grid and print Test_Info
    # the reference's options with a hexopt equivalent (None = keep the pipeline's default)
    enableMultiThreading: bool | None = None
    enableVectorization: bool | None = None
    enableSplitReduceGeneric: bool | None = None
    fusion: bool | None = None
    num_threads: int | None = None
    vector_length: int | None = None
    # accepted, not implemented (see NOT_IMPLEMENTED) or without effect (NO_EFFECT)
    enableSplitReduction: bool = False
    enableSCFLoopUnroll: bool = False
    enableVTCMTiling: bool = False
    enableConvertToHexagonmem: bool = False
    enableHexagonmemCopyToDMA: bool = False
    enableHexKL: bool = False
    enableHVXInlining: bool = False
    enableDoubleBuffering: bool = False
    enableLWP: bool = False
    enableSCFThreading: bool = False
    enableConvTiling: bool = False
    enableConversionToFp16: bool = False
    enableThreadedDispatch: bool = False
    enableVectorRowReduce: bool = False
    enableWeightResident: bool = False
    enableWorkspaceResident: bool = False
    enableSeedLayoutConversions: bool = False
    forceHVXCroutonization: bool = False
    lowerConstantsInSeparateSharedObjects: bool = False
    htp_kernel_gen: bool = False
    scratch: int = 0
    enableHmxPipelineDepth: int = 0
    tileSizes: str = ""
    convTileSizes: str = ""
    fusionAllowRecompute: bool = False
    fusionDoMultiUse: bool = True
    enableBufferization: bool = True
    enableCollapseAddressSpace: bool = True
    extendPackUpperFrontier: bool = True
    extendPackLowerFrontier: bool = True
    disableLWPLoop: bool = False
    LWPloopDepth: int = 1
    deviceCleanup: bool = True
    hexKLMode: str = "micro"
    target_artifact: str = "o"
    arch_triple: str = "hexagon"
    arch_features: str = ""
    device_type: str = "hexagon"
    vectorize: int = 1
    data_layout: str = ""
    allow_fp8e4nv: bool = False
    name: str = "hexopt"
    cluster_dims: tuple = (1, 1, 1)
    shared: int = 0

    def hash(self) -> str:
        key = "_".join(f"{f.name}-{getattr(self, f.name)}" for f in fields(self))
        return hashlib.sha256(key.encode()).hexdigest()


def _normalize_sets(value: Any) -> tuple:
    """`sets=` as {"num-threads": 2}, ["num-threads=2", ...] or ((k, v), ...) -> sorted ((k, "v"), ...)."""
    if not value:
        return ()
    items: list[tuple[Any, Any]]
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, str):
        items = [(p.partition("=")[0], p.partition("=")[2]) for p in value.split(",") if p.strip()]
    else:
        items = []
        for item in value:
            if isinstance(item, str):
                key, eq, v = item.partition("=")
                if not eq:
                    raise ValueError(f"sets=: '{item}' is not NAME=VALUE")
                items.append((key, v))
            else:
                k, v = item
                items.append((k, v))
    out = []
    for k, v in items:
        v = ("true" if v else "false") if isinstance(v, bool) else str(v)
        out.append((str(k).strip(), v.strip()))
    return tuple(sorted(out))


def parse_options(opts: dict) -> HexoptOptions:
    """Launch keyword options (as Triton hands them to the backend) -> HexoptOptions."""
    known = {f.name for f in fields(HexoptOptions)}
    args = {k: v for k, v in opts.items() if k in known and v is not None}
    if "sets" in args:
        args["sets"] = _normalize_sets(args["sets"])
    for key in (
        "supported_fp8_dtypes",
        "deprecated_fp8_dot_operand_dtypes",
        "allowed_dot_input_precisions",
        "extern_libs",
        "cluster_dims",
    ):
        if key in args and isinstance(args[key], list):
            args[key] = tuple(args[key])
    if "extern_libs" in args and isinstance(args["extern_libs"], dict):
        args["extern_libs"] = tuple(args["extern_libs"].items())
    if "iterations" not in args and os.environ.get("HEXOPT_TRITON_ITERATIONS"):
        args["iterations"] = int(os.environ["HEXOPT_TRITON_ITERATIONS"])
    options = HexoptOptions(**args)
    report_ignored(options)
    return options


def ignored(options: HexoptOptions) -> list[str]:
    """`name=value` of the options that ask for something hexopt does not implement."""
    return [
        f"{name}={getattr(options, name)!r}" for name, off in NOT_IMPLEMENTED.items() if getattr(options, name) != off
    ]


def report_ignored(options: HexoptOptions) -> None:
    for item in ignored(options):
        name = item.split("=", 1)[0]
        if name not in _REPORTED:
            _REPORTED.add(name)
            sys.stderr.write(f"hexopt: note: launch option {item} is not implemented, ignored\n")


def pipeline_and_sets(options: HexoptOptions, target: str) -> tuple[str, dict[str, str]]:
    """The hexopt pipeline (name or path) and its --set values for these options on `target`."""
    sets: dict[str, str] = {}
    for name, (pipeline_option, convert) in MAPPED.items():
        value = getattr(options, name)
        if value is not None:
            v = convert(value)
            sets[pipeline_option] = ("true" if v else "false") if isinstance(v, bool) else str(v)
    sets.update(dict(options.sets))
    return options.pipeline or target, sets
