"""punt-buffer: read a kernel's input block from its argument instead of from a local copy of it.

triton-shared loads a block as `memref.alloc` + `memref.copy %arg_view, %alloc` + `bufferization.to_tensor
%alloc restrict writable`: every input block is copied into a fresh buffer (a malloc and a memcpy per
block, per program) before anything reads it. When nothing in the function writes the argument the view
comes from, the copy is the same value as the view: the tensor can be read from the view directly
(`to_tensor %view restrict`, not writable: bufferization allocates a buffer if an op wants to write
into it). The reference does this without the check; hexopt keeps the copy when the argument is also
written (a kernel that stores into the buffer it loads from must read the values from before the
store). Upstream has nothing for this (the copy is explicit memref IR before bufferization).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, bufferization, ir, ops_named

from .base import Pass

#: Ops through which a memref is only passed on (a view of the same buffer), never written.
_VIEWS = frozenset(
    {
        "memref.reinterpret_cast",
        "memref.subview",
        "memref.cast",
        "memref.expand_shape",
        "memref.collapse_shape",
        "memref.transpose",
    }
)
#: Ops that only read a memref operand (or read its metadata).
_READS = frozenset(
    {
        "bufferization.to_tensor",
        "memref.dim",
        "memref.rank",
        "memref.extract_strided_metadata",
        "memref.load",
        "vector.transfer_read",
        "vector.load",
        "memref.extract_aligned_pointer_as_index",
    }
)


def _base_arguments(value: AnyValue, seen: set | None = None) -> set | None:
    """The function arguments `value` is a view of (through views and scf.for iter_args), or None when it
    comes from anything else (an allocation, a call, ...)."""
    seen = set() if seen is None else seen
    if value in seen:
        return set()
    seen.add(value)
    owner = value.owner
    if isinstance(owner, ir.Block):
        parent = owner.owner.operation
        if parent.name == "func.func":
            return {value}
        if parent.name == "scf.for" and value.arg_number > 0:  # an iter_arg: its init and what the body yields
            k = value.arg_number - 1
            init = parent.operands[3 + k]
            yielded = list(owner.operations)[-1].operands[k]
            bases = set()
            for v in (init, yielded):
                b = _base_arguments(v, seen)
                if b is None:
                    return None
                bases |= b
            return bases
        return None
    op = owner.operation
    if op.name in _VIEWS:
        return _base_arguments(op.operands[0], seen)
    if op.name == "scf.for":
        k = value.result_number
        return _base_arguments(op.regions[0].blocks[0].arguments[1 + k], seen)
    return None


def _views_of(arg: AnyValue) -> list[AnyValue]:
    """`arg` and every memref value that is a view of it (through views and scf.for iter_args)."""
    out, todo = [], [arg]
    while todo:
        v = todo.pop()
        if v in out:
            continue
        out.append(v)
        for use in v.uses:
            user = use.owner.operation
            name = user.name
            if name in _VIEWS and use.operand_number == 0:
                todo.append(user.results[0])
            elif name == "scf.for" and use.operand_number >= 3:
                k = use.operand_number - 3
                todo += [user.results[k], user.regions[0].blocks[0].arguments[1 + k]]
            elif name == "scf.yield" and user.parent.operation.name == "scf.for":
                loop = user.parent
                todo += [loop.results[use.operand_number], loop.regions[0].blocks[0].arguments[1 + use.operand_number]]
    return out


def _read_only(arg: AnyValue) -> bool:
    """Whether nothing in the function may write the buffer of `arg` (every use of a view is a view, a read,
    or a copy from it)."""
    for v in _views_of(arg):
        for use in v.uses:
            name = use.owner.operation.name
            if name in _VIEWS or name in _READS or name in ("scf.for", "scf.yield"):
                continue
            if name == "memref.copy" and use.operand_number == 0:
                continue
            return False
    return True


@dataclass(frozen=True)
class PuntBuffer(Pass):
    """Replace alloc + copy-from-a-read-only-argument + to_tensor(alloc) by to_tensor of the argument's view."""

    name: ClassVar[str] = "punt-buffer"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for to_tensor in ops_named(func, "bufferization.to_tensor", as_views=False):
            self.punt(to_tensor)

    @staticmethod
    def punt(to_tensor: AnyOp) -> bool:
        buffer = to_tensor.operands[0]
        alloc = buffer.owner
        if isinstance(alloc, ir.Block) or alloc.operation.name != "memref.alloc":
            return False
        if "restrict" not in to_tensor.attributes:
            return False
        copy = None
        deallocs = []
        for use in buffer.uses:
            user = use.owner
            name = user.operation.name
            if name == "memref.copy" and use.operand_number == 1 and copy is None:
                copy = user
            elif name == "memref.dealloc":
                deallocs.append(user)
            elif user.operation != to_tensor.operation:
                return False
        if copy is None or copy.operation.block != to_tensor.operation.block:
            return False
        if not copy.operation.is_before_in_block(to_tensor.operation):
            return False
        source = copy.operands[0]
        bases = _base_arguments(source)
        if not bases or not all(_read_only(b) for b in bases):
            return False
        with ir.InsertionPoint(to_tensor), to_tensor.location:
            new = bufferization.ToTensorOp(to_tensor.results[0].type, source, restrict=True)
        to_tensor.results[0].replace_all_uses_with(new.result)
        to_tensor.erase()
        copy.operation.erase()
        for d in deallocs:
            d.operation.erase()
        alloc.operation.erase()
        return True


def _precedes(a: AnyOp, b: AnyOp) -> bool:
    """Whether `a` comes before `b` in their (common) block."""
    for op in a.operation.block.operations:
        if op.operation == a.operation:
            return True
        if op.operation == b.operation:
            return False
    return False
