"""Line diffs between stages, computed once when the report is built and stored as edit scripts.

An edit script turns the previous stage's lines into this stage's: a positive int keeps that many
lines, a negative int deletes that many, a list of strings inserts those lines. The page rebuilds a
stage's IR from the one before it and draws the unified and side-by-side views from the same script,
so the report holds each line roughly once instead of one full copy of the module per stage.
"""

from __future__ import annotations

import bisect
import difflib

Edit = int | list[str]


def edit_script(before: list[str], after: list[str]) -> list[Edit]:
    """The edits that turn `before` into `after`.

    Patience-style: lines that occur once on each side anchor the match (their longest run in the
    same order on both sides), the gaps between anchors are matched recursively, and only small gaps
    go to difflib. difflib on whole 50k-line modules took ~30 s per report; this takes about a second.
    The page's "compared with" diff (report.js, diffLines) uses the same method.
    """
    out: list[Edit] = []

    def keep(k: int) -> None:
        if k > 0:
            if out and isinstance(out[-1], int) and out[-1] > 0:
                out[-1] += k
            else:
                out.append(k)

    def change(a0: int, a1: int, b0: int, b1: int) -> None:
        if a1 > a0:
            out.append(-(a1 - a0))
        if b1 > b0:
            out.append(after[b0:b1])

    def small(a0: int, a1: int, b0: int, b1: int) -> None:
        if (a1 - a0) * (b1 - b0) > 4_000_000:  # no anchors in a huge gap: call it a rewrite
            change(a0, a1, b0, b1)
            return
        matcher = difflib.SequenceMatcher(None, before[a0:a1], after[b0:b1], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                keep(i2 - i1)
            else:
                change(a0 + i1, a0 + i2, b0 + j1, b0 + j2)

    def match(a0: int, a1: int, b0: int, b1: int, depth: int) -> None:
        head = 0
        while a0 + head < a1 and b0 + head < b1 and before[a0 + head] == after[b0 + head]:
            head += 1
        tail = 0
        while a1 - tail > a0 + head and b1 - tail > b0 + head and before[a1 - 1 - tail] == after[b1 - 1 - tail]:
            tail += 1
        keep(head)
        a0, b0, a1, b1 = a0 + head, b0 + head, a1 - tail, b1 - tail
        if a0 == a1 or b0 == b1:
            change(a0, a1, b0, b1)
        else:
            in_a: dict[str, int] = {}
            for i in range(a0, a1):
                in_a[before[i]] = -1 if before[i] in in_a else i
            in_b: dict[str, int] = {}
            for j in range(b0, b1):
                in_b[after[j]] = -1 if after[j] in in_b else j
            pairs = [(in_a[line], j) for line, j in in_b.items() if j >= 0 and in_a.get(line, -1) >= 0]
            pairs.sort(key=lambda p: p[1])
            if not pairs or depth > 64:
                small(a0, a1, b0, b1)
            else:
                pa, pb = a0, b0
                for i, j in _increasing_run(pairs):
                    match(pa, i, pb, j, depth + 1)
                    keep(1)
                    pa, pb = i + 1, j + 1
                match(pa, a1, pb, b1, depth + 1)
        keep(tail)

    match(0, len(before), 0, len(after), 0)
    return out


def _increasing_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (i, j) pairs (sorted by j) whose i increase too (patience sorting)."""
    tails: list[int] = []  # index into pairs of the smallest tail of each run length
    tail_i: list[int] = []
    prev = [-1] * len(pairs)
    for k, (i, _) in enumerate(pairs):
        pos = bisect.bisect_left(tail_i, i)
        prev[k] = tails[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(k)
            tail_i.append(i)
        else:
            tails[pos] = k
            tail_i[pos] = i
    run = []
    k = tails[-1] if tails else -1
    while k >= 0:
        run.append(pairs[k])
        k = prev[k]
    run.reverse()
    return run


def apply_script(before: list[str], script: list[Edit]) -> list[str]:
    """`after` from `before` and the script (the page does the same in JavaScript)."""
    out: list[str] = []
    pos = 0
    for e in script:
        if isinstance(e, list):
            out.extend(e)
        elif e > 0:
            out.extend(before[pos : pos + e])
            pos += e
        else:
            pos -= e
    out.extend(before[pos:])
    return out


def changed_lines(script: list[Edit]) -> tuple[int, int]:
    """(lines removed, lines added)."""
    removed = sum(-e for e in script if isinstance(e, int) and e < 0)
    added = sum(len(e) for e in script if isinstance(e, list))
    return removed, added
