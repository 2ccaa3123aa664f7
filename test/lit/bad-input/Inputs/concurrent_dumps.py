"""Run four `hexopt run --dump-dir DIR` at once into the same DIR; print their exit codes and errors."""
import subprocess
import sys

out, src = sys.argv[1], sys.argv[2]
pipeline = "builtin.module(" + ",".join(["canonicalize", "func.func(cse)"] * 8) + ")"
procs = [subprocess.Popen(["hexopt", "run", "-p", pipeline, src, "--dump-dir", out, "-o", f"{out}.{i}.mlir"],
                          stderr=subprocess.PIPE, text=True) for i in range(4)]
errors = [p.communicate()[1] for p in procs]
print("exit codes:", [p.returncode for p in procs])
for e in errors:
    print(e)
