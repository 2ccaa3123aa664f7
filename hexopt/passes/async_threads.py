"""form-async-threads: run the iterations of bufferized 1-D scf.forall loops as async tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, arith, async_dialect, ir, scf, walk_ops

from .base import Pass

#: A loop bound: a Python int when static, an index Value when dynamic.
Bound = int | AnyValue


def _bounds(forall: AnyOp) -> tuple[Bound, Bound, Bound] | None:
    """(lb, ub, step) of a 1-D forall."""
    dynamic = ir.ShapedType.get_dynamic_size()
    out: list[Bound] = []
    view = forall.opview
    for static_name, dyn in (
        ("staticLowerBound", view.dynamicLowerBound),
        ("staticUpperBound", view.dynamicUpperBound),
        ("staticStep", view.dynamicStep),
    ):
        static = list(ir.DenseI64ArrayAttr(forall.attributes[static_name]))
        if len(static) != 1:
            return None
        out.append(dyn[0] if static[0] == dynamic else static[0])
    return out[0], out[1], out[2]


def convertible(forall: AnyOp) -> bool:
    """A bufferized (no shared outs), 1-D forall whose terminator is empty."""
    if forall.name != "scf.forall" or len(forall.results) or len(forall.opview.outputs):
        return False
    body = forall.regions[0].blocks[0]
    terminator = body.operations[len(body.operations) - 1]
    if len(terminator.regions[0].blocks[0].operations):
        return False
    return _bounds(forall) is not None


@dataclass(frozen=True)
class FormAsyncThreads(Pass):
    """Turn each bufferized 1-D scf.forall into an scf.for that async.executes every iteration into a group."""

    name: ClassVar[str] = "form-async-threads"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        for forall in walk_ops(module, lambda op: op.name == "scf.forall" and convertible(op)):
            self.rewrite(forall)

    def rewrite(self, forall: AnyOp) -> None:
        index = ir.IndexType.get()
        bounds = _bounds(forall)
        if bounds is None:  # convertible() said it has
            raise AssertionError("form-async-threads: rewriting a forall that is not 1-D")
        lb, ub, step = bounds
        with forall.location, ir.InsertionPoint(forall):

            def value(v: Bound) -> AnyValue:
                return arith.ConstantOp(index, v).result if isinstance(v, int) else v

            lb_v, ub_v, step_v = value(lb), value(ub), value(step)
            if isinstance(lb, int) and isinstance(ub, int) and isinstance(step, int):
                if lb == 0 and ub % step == 0:
                    # from the loop's own constants, as the reference writes it (canonicalize folds it)
                    count = arith.DivUIOp(ub_v, step_v).result
                else:
                    count = value(max(0, -(-(ub - lb) // step)))
            else:
                count = arith.CeilDivSIOp(arith.SubIOp(ub_v, lb_v).result, step_v).result
            group = async_dialect.CreateGroupOp(count, results=[ir.Type.parse("!async.group")]).result
            loop = scf.ForOp(lb_v, ub_v, step_v)
            with ir.InsertionPoint(loop.body):
                execute = async_dialect.ExecuteOp(ir.Type.parse("!async.token"), [], [], [])
                async_dialect.AddToGroupOp(execute.results[0], group, results=[index])
                scf.YieldOp([])
            task = execute.regions[0].blocks.append()
            with ir.InsertionPoint(task):
                done = async_dialect.YieldOp([])
            body = forall.regions[0].blocks[0]
            body.arguments[0].replace_all_uses_with(loop.induction_variable)
            ops = list(body.operations)
            for op in ops[:-1]:  # everything but the (empty) scf.forall.in_parallel
                op.move_before(done)
            async_dialect.AwaitAllOp(group)
        forall.erase()
