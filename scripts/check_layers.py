#!/usr/bin/env python3
"""Layering check for src/: the top-level modules form layers, and a module may name
(`crate::<module>`) only modules of lower layers. That rules out every import cycle and keeps
the arrows of the README pointing one way. Exit 1 with the offending references otherwise.

Usage: scripts/check_layers.py [SRC_DIR]
"""
import os
import re
import sys

# Lowest first. Modules on one line form one layer and must not name each other.
LAYERS = [
    ["redact"],
    ["error"],
    ["speech", "trace"],
    ["cancel"],
    ["options", "validate", "json", "timing"],
    ["sse"],
    ["chat"],
    ["responses"],
    ["stream"],
    ["client"],
    ["ws"],
    ["speech_sources"],
    ["ffi"],
]

src = sys.argv[1] if len(sys.argv) > 1 else "src"
rank = {m: i for i, layer in enumerate(LAYERS) for m in layer}
ref = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
group = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)
problems = []
for root, _, files in os.walk(src):
    for f in sorted(files):
        if not f.endswith(".rs"):
            continue
        path = os.path.join(root, f)
        top = os.path.relpath(path, src).split(os.sep)[0].removesuffix(".rs")
        if top in ("lib", "main"):
            continue
        if top not in rank:
            problems.append(f"{path}: module `{top}` has no layer in scripts/check_layers.py")
            continue
        text = open(path, encoding="utf-8").read()
        # Doc comments and line comments may mention any module.
        code = "\n".join(l.split("//")[0] for l in text.splitlines())
        names = set(ref.findall(code))
        for g in group.findall(code):
            names.update(re.findall(r"(?:^|,|\{)\s*([a-z_][a-z0-9_]*)", g))
        for n in sorted(names):
            if n in rank and n != top and rank[n] >= rank[top]:
                problems.append(f"{path}: `{top}` (layer {rank[top]}) names crate::{n} (layer {rank[n]})")
if problems:
    print("layering violations (a module may only use lower layers):")
    print("\n".join("  " + p for p in problems))
    sys.exit(1)
print(f"layers ok: {' -> '.join('/'.join(l) for l in LAYERS)}")
