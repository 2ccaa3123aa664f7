"""Run mlir-opt with the textual pipeline stored in a file (lit's shell has no $(...))."""
import subprocess
import sys

pipeline = open(sys.argv[1]).read().strip()
sys.exit(subprocess.call(["mlir-opt", f"--pass-pipeline={pipeline}", sys.argv[2]]))
