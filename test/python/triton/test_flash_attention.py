"""The seed's flash-attention test, run through hexopt: what a user of the reference runs, one line changed.

    pytest -sv test/python/triton/test_flash_attention.py

The kernel (flash_attention.py) is the seed's, verbatim. The launch is the seed's, with
`iterations=` to ask for timing, so that the reference's Test_Info block is printed. It runs on
the host JIT (10 timed runs) and under qemu-hexagon (HVX float off: qemu cannot execute HVX float;
one run, which takes about 45 s of emulation).
"""

import pytest
import torch
import torch.nn.functional as F
import triton
from flash_attention import (
    BLOCK_DMODEL,
    BLOCK_M,
    BLOCK_N,
    D_HEAD,
    N_CTX,
    NUM_THREADS,
    SCALE,
    STAGE,
    H,
    Z,
    attention_fwd_kernel,
    stride_0,
    stride_1,
    stride_2,
    stride_3,
)

from hexopt.triton import HexagonDriver

pytestmark = pytest.mark.filterwarnings("ignore:tl.make_block_ptr is deprecated")


@pytest.mark.parametrize("target", ["host", "hexagon"])
def test_flash_attention(target, capfd):
    if target == "hexagon":
        import shutil

        if shutil.which("qemu-hexagon") is None:
            pytest.skip("qemu-hexagon not installed (apt-get install qemu-user)")
    triton.runtime.driver.set_active(HexagonDriver(target=target))

    query = torch.rand(Z, H, N_CTX, D_HEAD)
    key = torch.rand(Z, H, N_CTX, D_HEAD)
    value = torch.rand(Z, H, N_CTX, D_HEAD)
    output = torch.zeros_like(query)

    attention_fwd_kernel[(NUM_THREADS,)](
        pid1=0,
        Q=query,
        K=key,
        V=value,
        sm_scale=SCALE,
        Out=output,
        H=H,
        N_CTX=N_CTX,
        BLOCK_M=BLOCK_M,
        BLOCK_DMODEL=BLOCK_DMODEL,
        BLOCK_N=BLOCK_N,
        STAGE=STAGE,
        stride_0=stride_0,
        stride_1=stride_1,
        stride_2=stride_2,
        stride_3=stride_3,
        enableVTCMTiling=False,
        enableConvertToHexagonmem=False,
        iterations=10 if target == "host" else 1,
    )

    reference = F.scaled_dot_product_attention(query, key, value, scale=SCALE)
    assert torch.allclose(output, reference)
    printed = capfd.readouterr().out
    with capfd.disabled():
        print("\n" + printed.strip())
    assert "Test_Info: {" in printed and "Name:attention_fwd_kernel" in printed and "Result:Pass" in printed
