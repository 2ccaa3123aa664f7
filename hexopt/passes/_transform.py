"""Transform-dialect scripts for the loop-level passes: a small builder and a runner.

The loop-level passes pick their target ops in Python (tile sizes depend on each op's shapes), tag
them with a discardable attribute, and let an upstream transform script do the rewriting. A
`transform.structured.match` walks its whole payload, so matching each op of a module separately is
quadratic in the module's size (3200 small functions took 75 s). `run_on_targets` therefore applies
one script per top-level op of the module (a function, usually) with that op as the payload root,
and matches consecutive targets that get the same transformation with one tag: the cost of a
function no longer depends on the rest of the module. Scripts are parsed once per distinct text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from hexopt.ir import AnyOp, ir, top_level_ancestor, transform_interpreter, walk_ops

from .base import PassFailure

TAG = "hexopt.target"
ANY = "!transform.any_op"
ROOT = "%root"


class Script:
    """The body of a `transform.named_sequence` applied to `%root`, built one transform op at a time.

    Each method appends one op and returns the handles it defines (SSA names such as "%h3")."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._count = 0

    def _fresh(self) -> str:
        self._count += 1
        return f"%h{self._count}"

    def _emit(self, line: str) -> None:
        self._lines.append("    " + line)

    def match_tagged(self, index: int, interface: str | None = None, root: str = ROOT) -> str:
        """The ops that `tag_ops(..., index)` marked (optionally: that implement `interface`)."""
        h = self._fresh()
        iface = f"interface{{{interface}}} " if interface else ""
        self._emit(
            f"{h} = transform.structured.match {iface}attributes{{{TAG} = {index} : i64}} in {root} : ({ANY}) -> {ANY}"
        )
        return h

    def match_ops(self, names: Sequence[str], root: str = ROOT) -> str:
        """The ops named `names` under `root` (the root included)."""
        h = self._fresh()
        quoted = ", ".join(f'"{n}"' for n in names)
        self._emit(f"{h} = transform.structured.match ops{{[{quoted}]}} in {root} : ({ANY}) -> {ANY}")
        return h

    def tile_using_for(self, target: str, sizes: Sequence[int]) -> tuple[str, list[str]]:
        """Tile with scf.for loops (a size of 0 leaves that loop whole): (tiled op, loops)."""
        tiled = self._fresh()
        loops = [self._fresh() for s in sizes if s]
        results = ", ".join([tiled, *loops])
        types = ", ".join([ANY] * (1 + len(loops)))
        self._emit(
            f"{results} = transform.structured.tile_using_for {target} tile_sizes {list(sizes)} : ({ANY}) -> ({types})"
        )
        return tiled, loops

    def tile_using_forall(self, target: str, sizes: Sequence[int]) -> tuple[str, str]:
        """Tile into one scf.forall: (tiled op, forall)."""
        tiled, forall = self._fresh(), self._fresh()
        self._emit(
            f"{tiled}, {forall} = transform.structured.tile_using_forall {target} tile_sizes {list(sizes)}"
            f" : ({ANY}) -> ({ANY}, {ANY})"
        )
        return tiled, forall

    def split(self, target: str, dimension: int, after: int) -> tuple[str, str]:
        """Split loop `dimension` at `after`: ([0, after) part, [after, end) part)."""
        parts, first, second = self._fresh(), self._fresh(), self._fresh()
        self._emit(f"{parts} = transform.structured.split {target} after {after} {{dimension = {dimension}}} : {ANY}")
        self._emit(f"{first}, {second} = transform.split_handle {parts} : ({ANY}) -> ({ANY}, {ANY})")
        return first, second

    def pad(self, target: str, dimension: int, multiple: int, values: Sequence[str]) -> str:
        """Pad loop `dimension` of the target to a multiple of `multiple` (its operands are padded with
        `values`, typed attributes such as "0.0 : f32", one per operand; the result is sliced back)."""
        padded, pad, copy = self._fresh(), self._fresh(), self._fresh()
        self._emit(
            f"{padded}, {pad}, {copy} = transform.structured.pad {target} pad_to_multiple_of [{multiple}]"
            f" {{padding_dimensions = [{dimension}], padding_values = [{', '.join(values)}],"
            f' copy_back_op = "none"}} : ({ANY}) -> ({ANY}, {ANY}, {ANY})'
        )
        return padded

    def split_reduction(self, target: str, factor: int, insert_dimension: int = 0) -> None:
        """Upstream split_reduction with an inner parallel dimension of `factor`."""
        results = ", ".join(self._fresh() for _ in range(4))
        self._emit(
            f"{results} = transform.structured.split_reduction {target} {{split_factor = {factor}, "
            f"insert_split_dimension = {insert_dimension}, inner_parallel}}"
            f" : ({ANY}) -> ({ANY}, {ANY}, {ANY}, {ANY})"
        )

    def split_reduction_outer(self, target: str, factor: int) -> str:
        """Upstream split_reduction into `factor` contiguous chunks, the new parallel loop outermost (no
        inner_parallel): the partial reduction op, whose output gains a leading dimension of `factor`."""
        init, fill, split, combine = (self._fresh() for _ in range(4))
        self._emit(
            f"{init}, {fill}, {split}, {combine} = transform.structured.split_reduction {target} "
            f"{{split_factor = {factor}, insert_split_dimension = 0}}"
            f" : ({ANY}) -> ({ANY}, {ANY}, {ANY}, {ANY})"
        )
        return split

    def flatten_elementwise(self, target: str) -> str:
        """Collapse the loops of element-wise ops into one (upstream flatten_elementwise): the new op."""
        h = self._fresh()
        self._emit(f"{h} = transform.structured.flatten_elementwise {target} : ({ANY}) -> {ANY}")
        return h

    def generalize(self, target: str) -> str:
        h = self._fresh()
        self._emit(f"{h} = transform.structured.generalize {target} : ({ANY}) -> {ANY}")
        return h

    def vectorize(self, target: str, sizes: Sequence[int]) -> None:
        self._emit(f"transform.structured.vectorize {target} vector_sizes {list(sizes)} : {ANY}")

    def annotate(self, target: str, name: str) -> None:
        """Put the unit attribute `name` on the target ops."""
        self._emit(f'transform.annotate {target} "{name}" : {ANY}')

    def apply_patterns(self, target: str, patterns: Sequence[str], max_num_rewrites: int | None = None) -> None:
        """One greedy application of `transform.apply_patterns.<p>` for each p of `patterns`."""
        self._emit(f"transform.apply_patterns to {target} {{")
        for p in patterns:
            self._emit(f"  transform.apply_patterns.{p}")
        cap = f" {{max_num_rewrites = {max_num_rewrites} : i64}}" if max_num_rewrites is not None else ""
        self._emit(f"}}{cap} : {ANY}")

    def apply_conversion_patterns(
        self,
        target: str,
        patterns: Sequence[str],
        type_converter: str,
        legal_dialects: Sequence[str],
        partial: bool = True,
    ) -> None:
        """A dialect conversion with `transform.apply_conversion_patterns.<p>` patterns."""
        self._emit(f"transform.apply_conversion_patterns to {target} {{")
        for p in patterns:
            self._emit(f"  transform.apply_conversion_patterns.{p}")
        legal = ", ".join(f'"{d}"' for d in legal_dialects)
        self._emit(
            f"}} with type_converter {{\n      transform.apply_conversion_patterns.{type_converter}\n    }}"
            f" {{legal_dialects = [{legal}]{', partial_conversion' if partial else ''}}} : {ANY}"
        )

    def __bool__(self) -> bool:
        return bool(self._lines)

    def text(self) -> str:
        """The whole transform module, with the body in `@__transform_main(%root)`."""
        return (
            "module attributes {transform.with_named_sequence} {\n"
            f"  transform.named_sequence @__transform_main({ROOT}: {ANY}) {{\n"
            + "\n".join(self._lines)
            + "\n    transform.yield\n  }\n}\n"
        )


def tag_ops(ops: Sequence[AnyOp], index: int) -> None:
    """Mark `ops` for `Script.match_tagged(index)`."""
    for op in ops:
        op.attributes[TAG] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), index)


def untag(root: AnyOp) -> None:
    for op in walk_ops(root, lambda op: TAG in op.attributes):
        del op.attributes[TAG]


class ScriptRunner:
    """Applies transform scripts to payload ops; each distinct script text is parsed once."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._parsed: dict[str, Any] = {}  # text -> the transform module (kept alive while in use)

    def run(self, payload: AnyOp, script: Script) -> None:
        """Apply `script` with `payload` as %root, then untag it; PassFailure on error."""
        text = script.text()
        module = self._parsed.get(text)
        if module is None:
            module = self._parsed[text] = ir.Module.parse(text, context=self._context)
        try:
            transform_interpreter.apply_named_sequence(payload.operation, module.body.operations[0], module)
        except (ir.MLIRError, ValueError) as e:  # the interpreter reports a failed transform as ValueError
            raise PassFailure(f"transform script failed: {e}", payload) from None
        finally:
            untag(payload)


def run_script(payload: AnyOp, script: Script) -> None:
    """Apply `script` once, with `payload` (a module or one of its ops) as %root."""
    ScriptRunner(payload.operation.context).run(payload, script)


def run_on_targets(
    module: AnyOp, targets: Sequence[tuple[AnyOp, Hashable]], build: Callable[[Script, str, Any], None]
) -> None:
    """Transform `targets` ((op, key) pairs in walk order) with one script per top-level op of `module`
    that holds some, applied with that op as the payload root.

    Within a top-level op, consecutive targets with equal keys are tagged alike and matched by one
    handle, and `build(script, handle, key)` appends their transformation. A key that must not be
    shared (a transformation that needs one op per handle) should include something unique."""
    by_root: dict[AnyOp, list[tuple[AnyOp, Hashable]]] = {}
    for op, key in targets:
        root = top_level_ancestor(op, module)
        if root is None:
            raise PassFailure("a transform target is not inside the module", op)
        by_root.setdefault(root, []).append((op, key))
    runner = ScriptRunner(module.operation.context)
    # Ops are not looked up by hash after this point: an Operation's hash changes when it is rewritten.
    for root, items in by_root.items():
        script = Script()
        groups: list[tuple[Hashable, list[AnyOp]]] = []
        for op, key in items:
            if groups and groups[-1][0] == key:
                groups[-1][1].append(op)
            else:
                groups.append((key, [op]))
        for index, (key, ops) in enumerate(groups):
            tag_ops(ops, index)
            build(script, script.match_tagged(index), key)
        runner.run(root, script)
