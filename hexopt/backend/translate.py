"""LLVM-dialect MLIR -> LLVM IR -> optimized LLVM IR / Hexagon (or host) assembly / object.

The equivalent of `linalg-hexagon-translate`: triple and data layout of the target, an LLVM
O<n> module pipeline (which also splits the async coroutines: codegen cannot lower
`llvm.coro.*`), then codegen with PIC and the small code model.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, replace

from hexopt.errors import BackendError

HEXAGON_TRIPLE = "hexagon-unknown-linux-musl"
# docs/reference.md: the reference translator's layout, equal to what LLVM 22's Hexagon target machine reports.
HEXAGON_DATA_LAYOUT = (
    "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64"
    "-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048"
)
HVX_FLOAT_ARCHS = ("v68", "v69", "v73", "v75", "v79")
NO_FLOAT_ARCHS = ("v66", "v67")  # HVX without float: only with hvx_float=False
DEFAULT_ARCH = "v73"
EMITS = ("llvm", "asm", "obj")
TARGETS = ("hexagon", "host")


@dataclass(frozen=True)
class TargetOptions:
    """Everything codegen needs to know; `resolve()` fills the arch from HEXAGON_ARCH_VERSION."""

    target: str = "hexagon"  # "hexagon" | "host"
    arch: str | None = None  # "v73" or "73"; None = $HEXAGON_ARCH_VERSION, else v73
    hvx_length: str = "128b"
    hvx_float: bool = True  # False: scalar float code that qemu-hexagon 7.2 can execute
    opt_level: int = 3

    def resolve(self) -> TargetOptions:
        if self.target not in TARGETS:
            raise BackendError(f"unknown target '{self.target}' (expected one of: {', '.join(TARGETS)})")
        if not 0 <= self.opt_level <= 3:
            raise BackendError(f"optimization level must be 0..3, got {self.opt_level}")
        if self.target == "host":
            return self
        arch = normalize_arch(self.arch if self.arch else os.environ.get("HEXAGON_ARCH_VERSION") or DEFAULT_ARCH)
        if arch in NO_FLOAT_ARCHS and self.hvx_float:
            raise BackendError(f"arch {arch} has no HVX floating point: use v68 or later, or turn HVX float off")
        if self.hvx_length != "128b":
            raise BackendError(f"unsupported HVX length '{self.hvx_length}' (hexopt generates 128-byte HVX code)")
        return replace(self, arch=arch)

    @property
    def cpu(self) -> str:
        return f"hexagon{self.arch}"

    @property
    def features(self) -> str:
        feats = [f"+hvx{self.arch}", f"+hvx-length{self.hvx_length}"]
        if not self.hvx_float:
            feats += ["-hvx-qfloat", "-hvx-ieee-fp"]
        return ",".join(feats)


def normalize_arch(text: str) -> str:
    """'73', 'v73', 'V73', 'hexagonv73' -> 'v73'; anything unknown is a BackendError listing valid archs."""
    t = str(text).strip().lower().removeprefix("hexagon")
    if not t.startswith("v"):
        t = "v" + t
    if t not in HVX_FLOAT_ARCHS + NO_FLOAT_ARCHS:
        raise BackendError(
            f"unknown Hexagon arch '{text}' (expected one of: {', '.join(HVX_FLOAT_ARCHS)};"
            f" {', '.join(NO_FLOAT_ARCHS)} only without HVX float)"
        )
    return t


# ---------------------------------------------------------------------------------------------
# MLIR -> LLVM IR


def _short_loc(loc: str) -> str:
    m = re.search(r'loc\("([^"]*)":(\d+):(\d+)', loc)
    return f"{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else loc


def check_llvm_dialect(module) -> None:
    """Raise a BackendError naming the non-LLVM ops left (translating them would crash the bindings)."""
    from hexopt.ir import non_llvm_ops

    left = [(name, str(loc)) for name, loc in non_llvm_ops(module)]
    if not left:
        return
    counts = Counter(name for name, _ in left)
    first: dict[str, str] = {}
    for name, loc in left:
        first.setdefault(name, _short_loc(loc))
    kinds = ", ".join(
        f"{name} x{n} (first at {first[name]})" if n > 1 else f"{name} (at {first[name]})"
        for name, n in counts.most_common()
    )
    raise BackendError(
        f"input is not fully in the LLVM dialect: {len(left)} op(s) left: {kinds};"
        " lower it first (e.g. `hexopt run hexagon`)"
    )


def check_target(module, options: TargetOptions) -> None:
    """Refuse a module lowered for another machine than `options.target` (set-target records it)."""
    attrs = module.operation.attributes
    triple = str(attrs["llvm.target_triple"]).strip('"') if "llvm.target_triple" in attrs else None
    index = re.search(r"index\s*=\s*(\d+)", str(attrs["dlti.dl_spec"])) if "dlti.dl_spec" in attrs else None
    host_lowered = triple is None and index is not None and index.group(1) == "64"
    if options.target == "hexagon" and ((triple is not None and not triple.startswith("hexagon")) or host_lowered):
        what = f"for '{triple}'" if triple else "for the host (64-bit index, no target triple)"
        raise BackendError(
            f"the module was lowered {what}, not for Hexagon: lower it with the hexagon pipeline "
            "(`hexopt run hexagon`), or translate it with --target host"
        )
    if options.target == "host" and triple is not None and triple.startswith("hexagon"):
        raise BackendError(
            "the module was lowered for Hexagon (32-bit pointers and index): lower it with the host "
            "pipeline (`hexopt run host`), or translate it for Hexagon"
        )


def private_functions(module) -> list[str]:
    """Names of the private `llvm.func` definitions (outlined async bodies, `__resume`, helpers)."""
    names = []
    for op in module.body.operations:
        if op.operation.name == "llvm.func" and len(op.operation.regions[0].blocks) > 0:
            attrs = op.operation.attributes
            if "sym_visibility" in attrs and str(attrs["sym_visibility"]) == '"private"':
                names.append(str(attrs["sym_name"]).strip('"'))
    return names


def mlir_to_llvm_ir(module) -> str:
    """LLVM IR text of an LLVM-dialect ir.Module (checked first).

    The translation gives MLIR-private functions external linkage; they are made internal here,
    so that kernels do not export (and clash on) `__resume`, `async_execute_fn`, ... when linked.
    """
    from hexopt.ir import llvm

    check_llvm_dialect(module)
    text = llvm.translate_module_to_llvmir(module.operation)
    return internalize(text, private_functions(module))


def internalize(llvm_ir: str, names: list[str]) -> str:
    for name in names:
        llvm_ir = re.sub(
            rf"^define (?!internal |private )(.*?@{re.escape(name)}\()", r"define internal \1", llvm_ir, flags=re.M
        )
    return llvm_ir


def parse_mlir(text: str | None = None, path: str | None = None, source_name: str = "<stdin>"):
    """Parse MLIR text, or the file at `path` (locations then name it), in the current context; InputError
    with located diagnostics when it does not parse."""
    from hexopt.driver import diagnostics_of
    from hexopt.errors import InputError
    from hexopt.ir import ir

    name = path or source_name
    try:
        return ir.Module.parseFile(path) if path is not None else ir.Module.parse(text)
    except ir.MLIRError as e:
        raise InputError(f"cannot parse {name}", diagnostics_of(e, name)) from None


def mlir_text_to_llvm_ir(text: str | None = None, path: str | None = None, options: TargetOptions | None = None) -> str:
    """LLVM IR text of LLVM-dialect MLIR, checked against the target it will be compiled for."""
    from hexopt.ir import ir

    with ir.Context():
        module = parse_mlir(text, path)
        if options is not None:
            check_target(module, options)
        return mlir_to_llvm_ir(module)


# ---------------------------------------------------------------------------------------------
# 32-bit libc calls

# MLIR declares some libc functions with i64 size arguments whatever the index width
# (convert-async-to-llvm: `aligned_alloc(i64, i64)` for coroutine frames). On Hexagon an i64
# argument takes a register pair, so `aligned_alloc(align, size)` would read align's high word as
# the size. Route such calls through a wrapper that truncates to the 32-bit size_t.
_SIZE_T_FUNCS = {"aligned_alloc": 2, "malloc": 1, "calloc": 2}


def fix_size_t_calls(llvm_ir: str) -> str:
    out = llvm_ir
    for name, nargs in _SIZE_T_FUNCS.items():
        decl = re.search(rf"^declare (.*?)ptr @{name}\(([^)]*)\)(.*)$", out, re.M)
        if not decl:
            continue
        params = [p.strip().split(" ")[0] for p in decl.group(2).split(",") if p.strip()]
        if len(params) != nargs or "i64" not in params:
            continue
        wrapper = f"__hexopt_{name}_i64"
        out = re.sub(rf"@{name}\(", f"@{wrapper}(", out)
        formal = ", ".join(f"{t} %a{i}" for i, t in enumerate(params))
        body = []
        actual = []
        for i, t in enumerate(params):
            if t == "i64":
                body.append(f"  %t{i} = trunc i64 %a{i} to i32")
                actual.append(f"i32 %t{i}")
            else:
                actual.append(f"{t} %a{i}")
        i32_params = ", ".join("i32" if t == "i64" else t for t in params)
        out = out.replace(f"declare {decl.group(1)}ptr @{wrapper}({decl.group(2)}){decl.group(3)}", "")
        out += (
            f"\ndeclare ptr @{name}({i32_params})\n"
            f"define internal ptr @{wrapper}({formal}) alwaysinline {{\n"
            + "\n".join(body)
            + f"\n  %r = call ptr @{name}({', '.join(actual)})\n  ret ptr %r\n}}\n"
        )
    return out


# ---------------------------------------------------------------------------------------------
# LLVM IR -> optimized IR / asm / obj


def _llvm():
    import llvmlite.binding as llvm

    if not getattr(_llvm, "_ready", False):
        llvm.initialize_all_targets()
        llvm.initialize_all_asmprinters()
        _llvm._ready = True
    return llvm


def target_machine(options: TargetOptions):
    llvm = _llvm()
    level = options.opt_level
    if options.target == "host":
        triple = llvm.get_process_triple()
        return llvm.Target.from_triple(triple).create_target_machine(
            cpu=llvm.get_host_cpu_name(),
            features=llvm.get_host_cpu_features().flatten(),
            opt=level,
            reloc="pic",
            codemodel="small",
        ), triple
    # PIC always: otherwise constants land in GP-relative small data (R_HEX_GPREL16_*), which lld rejects.
    return llvm.Target.from_triple(HEXAGON_TRIPLE).create_target_machine(
        cpu=options.cpu, features=options.features, opt=level, reloc="pic", codemodel="small"
    ), HEXAGON_TRIPLE


def add_target_attributes(llvm_ir: str, cpu: str, features: str) -> str:
    """Record the CPU and features on every defined function, so that `--emit llvm` output keeps
    them (llc or opt given that IR later generate the same HVX code)."""
    group = "#4242"  # a group number the MLIR translation does not produce
    body = re.sub(
        r"^(define [^\n]*?\))([^\n{]*)\{", lambda m: f"{m.group(1)}{m.group(2)}{group} {{", llvm_ir, flags=re.M
    )
    return body + f'\nattributes {group} = {{ "target-cpu"="{cpu}" "target-features"="{features}" }}\n'


def compile_llvm_ir(llvm_ir: str, options: TargetOptions, emit: str = "obj") -> str | bytes:
    """Optimize LLVM IR for the target and emit it: 'llvm' -> IR text, 'asm' -> text, 'obj' -> ELF bytes."""
    if emit not in EMITS:
        raise BackendError(f"unknown --emit '{emit}' (expected one of: {', '.join(EMITS)})")
    options = options.resolve()
    llvm = _llvm()
    tm, triple = target_machine(options)
    if options.target == "hexagon":
        llvm_ir = add_target_attributes(fix_size_t_calls(llvm_ir), options.cpu, options.features)
    try:
        mod = llvm.parse_assembly(llvm_ir)
    except RuntimeError as e:
        raise BackendError(f"LLVM cannot parse the translated IR: {str(e).strip().splitlines()[0]}") from None
    mod.triple = triple
    mod.data_layout = HEXAGON_DATA_LAYOUT if options.target == "hexagon" else str(tm.target_data)
    try:
        mod.verify()
    except RuntimeError as e:
        raise BackendError(f"invalid LLVM IR: {str(e).strip().splitlines()[0]}") from None
    pto = llvm.create_pipeline_tuning_options(speed_level=options.opt_level)
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)
    text = str(mod)
    if re.search(r"@llvm\.coro\.", text):
        raise BackendError("coroutine intrinsics survived the LLVM pipeline (async code needs it to run them)")
    if emit == "llvm":
        return text
    if emit == "asm":
        return tm.emit_assembly(mod)
    return tm.emit_object(mod)


def translate(mlir_text: str | None, options: TargetOptions, emit: str = "obj", path: str | None = None) -> str | bytes:
    """LLVM-dialect MLIR (text, or the file at `path`) -> emitted artifact (see compile_llvm_ir)."""
    options = options.resolve()
    return compile_llvm_ir(mlir_text_to_llvm_ir(mlir_text, path, options), options, emit)


def translate_task(request: dict, emit_event) -> tuple[dict, bytes]:
    """The worker task `translate`: {text | path, emit, options} -> the artifact's bytes."""
    options = TargetOptions(**request["options"])
    result = translate(request.get("text"), options, request["emit"], path=request.get("path"))
    return {"emit": request["emit"]}, result.encode() if isinstance(result, str) else result


def translate_guarded(
    options: TargetOptions, emit: str, text: str | None = None, path: str | None = None, timeout: float = 600
) -> bytes:
    """translate() in a child process (LLVM and the bindings can abort): the artifact's bytes."""
    from dataclasses import asdict

    from hexopt.child import run_guarded
    from hexopt.errors import CrashError

    run = run_guarded(
        "translate", {"text": text, "path": path, "emit": emit, "options": asdict(options)}, timeout=timeout
    )
    error = run.error()
    if isinstance(error, CrashError):
        raise BackendError(f"translation crashed inside LLVM/MLIR ({run.cause})")
    if error is not None:
        raise error
    return run.payloads.get("output", b"")
