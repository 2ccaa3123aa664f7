"""Pipelines: YAML files (data) and textual MLIR pipelines, both parsed into a checked list of PassSpec.

A YAML pipeline compiles to ONE textual pipeline (`builtin.module(a,func.func(b),c{x=1})`) that
`hexopt pipeline show` prints; a pipeline of upstream passes only is accepted verbatim by
`mlir-opt --pass-pipeline=`. The format is documented in docs/pipelines.md.

  spec.py      the model (PassSpec, Origin), the check of every pass, the textual printer
  text.py      the textual parser
  yaml.py      the YAML loader (extends, include, options, set, if, ${...}, --set)
  upstream.py  upstream pass names and options, from the pinned mlir-opt (no MLIR import)
"""

from .spec import ANCHORS, Origin, PassSpec, all_pass_names, parse_option_text, to_text, validate_specs
from .text import parse_textual
from .yaml import PIPELINE_DIR, Pipeline, load_pipeline, pipeline_names, resolve_pipeline_path

__all__ = [
    "ANCHORS",
    "PIPELINE_DIR",
    "Origin",
    "PassSpec",
    "Pipeline",
    "all_pass_names",
    "load_pipeline",
    "parse_option_text",
    "parse_textual",
    "pipeline_names",
    "resolve_pipeline_path",
    "to_text",
    "validate_specs",
]
