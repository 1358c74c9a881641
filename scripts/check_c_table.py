#!/usr/bin/env python3
"""Fails when a `pub fn` of `Client` (an `impl Client` block in src/client/*.rs) has no row in
the Rust -> C table, or when a C function the table names is not in the header.

The table is the one under the heading "Rust → C" in README.md. A row starts with "| `Client::name`".
"""
import glob
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def client_methods():
    names = set()
    for f in glob.glob(str(ROOT / "src/client/*.rs")):
        text = Path(f).read_text()
        for block in re.finditer(r"\nimpl Client \{(.*?)\n\}\n", text, re.S):
            names |= set(re.findall(r"\n    pub fn (\w+)", block.group(1)))
    return names


def table_text():
    for name in ("README.md",):
        p = ROOT / name
        if p.exists() and "Rust → C" in p.read_text():
            text = p.read_text()
            start = text.index("Rust → C")
            end = text.find("\n## ", start)
            return name, text[start : end if end > 0 else None]
    sys.exit("check_c_table: no 'Rust → C' table in README.md")


def main():
    where, table = table_text()
    rows = set(re.findall(r"^\| `Client::(\w+)", table, re.M))
    methods = client_methods()
    if len(methods) < 20:
        sys.exit(f"check_c_table: only {len(methods)} Client methods found: the scanner is broken")
    missing = sorted(methods - rows)
    header = (ROOT / "include/openclaw_client.h").read_text()
    named = set(re.findall(r"`(openclaw_\w+)`", table))
    unknown = sorted(n for n in named if not re.search(rf"\b{n}\b\s*\(", header))
    ok = True
    if missing:
        print(f"{where}: Client methods without a row in the Rust → C table: {missing}")
        ok = False
    if unknown:
        print(f"{where}: C functions named in the table but absent from the header: {unknown}")
        ok = False
    if ok:
        print(f"check_c_table: {len(methods)} Client methods, all in the table of {where}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
