"""Optional CLI command groups; hexopt/cli.py registers each module's COMMANDS."""
