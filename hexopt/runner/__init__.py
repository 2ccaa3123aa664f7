"""Run lowered triton-shared kernels with the reference ABI: on the host JIT (host.py) and under
qemu-hexagon (hexagon.py); which memory a kernel touches (extents.py); `hexopt bench` (bench.py)."""
