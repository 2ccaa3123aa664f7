"""The commands of the hexopt CLI, one module each; hexopt/cli.py adds every command of COMMANDS.

Command modules import nothing heavy at module level: the MLIR bindings never load in the CLI
process (the work runs in hexopt.worker), so `hexopt --help` and `hexopt pipeline show` stay fast.
"""

#: "module:attribute" of each command, in --help order
COMMANDS = [
    "hexopt.commands.run:run_cmd",
    "hexopt.commands.pipeline:pipeline_group",
    "hexopt.commands.passes:passes_cmd",
    "hexopt.commands.translate:translate_cmd",
    "hexopt.commands.link:link_cmd",
    "hexopt.commands.compile:compile_cmd",
    "hexopt.commands.bench:bench_cmd",
    "hexopt.commands.analyze:analyze_cmd",
    "hexopt.commands.triton:triton_cmd",
]
