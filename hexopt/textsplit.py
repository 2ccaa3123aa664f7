"""Splitting text at a separator outside brackets: pipeline strings, MLIR types and argument lists."""

from __future__ import annotations

#: () [] {} and <> (MLIR types such as memref<4x?xf32, strided<[?, 1]>>)
ALL_BRACKETS = "()[]{}<>"


def split_top_level(
    text: str, sep: str = ",", brackets: str = ALL_BRACKETS, quotes: str = "", strict: bool = False
) -> list[tuple[str, int]]:
    """Split `text` on `sep` where no bracket of `brackets` (pairs: open, close) is open and no quote of
    `quotes` is; returns (piece, offset) pairs, pieces unstripped. `strict`: raise ValueError on an unbalanced
    bracket or quote instead of reading on."""
    opens, closes = brackets[0::2], brackets[1::2]
    pieces, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in quotes:
            quote = ch
        elif ch in opens:
            depth += 1
        elif ch in closes:
            depth -= 1
            if depth < 0 and strict:
                raise ValueError(f"unbalanced '{ch}' at character {i + 1}")
        elif ch == sep and depth == 0:
            pieces.append((text[start:i], start))
            start = i + 1
    if strict and (quote or depth):
        raise ValueError("unbalanced brackets or quotes")
    pieces.append((text[start:], start))
    return pieces


def split_stripped(text: str, sep: str = ",", brackets: str = ALL_BRACKETS) -> list[str]:
    """The non-empty pieces of split_top_level, stripped."""
    return [p.strip() for p, _ in split_top_level(text, sep, brackets) if p.strip()]
