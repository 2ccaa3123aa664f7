"""same_ops.py EXPECTED.mlir ACTUAL.mlir: exit 1 (with a diff) unless both hold the same operations.

Both files must be printed by MLIR (e.g. through `hexopt run -p 'builtin.module(cse)'`). Compared: every
op line in order, with its types, maps, attributes and region structure. Free: SSA names, the order of
arith.constant ops (each use of a constant is replaced by its value and type) and module attributes.
"""

import difflib
import re
import sys

CONST = re.compile(r"^\s*(%[\w.]+) = arith\.constant (.+) : (\S+)\s*$")
NAME = re.compile(r"%[\w.#]+")


def normalize(path: str) -> list[str]:
    lines = open(path).read().splitlines()
    constants = {}
    for line in lines:
        m = CONST.match(line)
        if m:
            constants[m.group(1)] = f"<{m.group(2)} : {m.group(3)}>"
    out = []
    for line in lines:
        if not line.strip() or CONST.match(line) or line.lstrip().startswith("module"):
            continue
        line = re.sub(r"(%[\w.]+)(?![\w.#])", lambda m: constants.get(m.group(1), m.group(1)), line)
        out.append(NAME.sub("%", line.strip()))
    return out


def main() -> None:
    expected, actual = normalize(sys.argv[1]), normalize(sys.argv[2])
    if expected != actual:
        sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(expected, actual, sys.argv[1], sys.argv[2],
                                                                            lineterm=""))
        sys.exit(1)
    print(f"same ops: {len(actual)} lines")


if __name__ == "__main__":
    main()
