"""Stages 4-5 of the reference flow: LLVM-dialect MLIR -> LLVM IR -> Hexagon object -> shared library.

llvmlite is imported only inside this package (it carries LLVM's Hexagon back end, docs/toolchain.md).
"""
