#!/usr/bin/env python3
"""Core line coverage per module, checked against floors (the `coverage` stage of tests/run-all.sh).

Usage: report.py <source dir> <build dir> [--floors FILE] [--json OUT]
Reads the .gcda/.gcno files the instrumented asan build left after its unit tests ran (clang --coverage; gcovr
drives `llvm-cov gcov`), sums covered/total lines of core/<module>/*.cpp per module, prints a table and exits 1 when
the core total or any module listed in the floors file is below its floor (a module missing from the report fails
too). Headers are left out: gcovr 5.2 (Debian 12) asserts when it merges an inline function that two translation
units place on different lines, and a header's lines are counted where its callers are tested anyway.
Floors file: one `<module|total> <percent>` per line, `#` comments; set from a measured run, a few points below it.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict


def find_gcov() -> str:
    for name in ("llvm-cov-14", "llvm-cov"):
        path = shutil.which(name)
        if path:
            return f"{path} gcov"
    sys.exit("coverage: llvm-cov not found (the asan build is clang; install clang/llvm)")


def read_floors(path: str) -> dict:
    floors = {}
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                sys.exit(f"coverage: {path}:{number}: expected '<module> <percent>', got '{line}'")
            try:
                floors[parts[0]] = float(parts[1])
            except ValueError:
                sys.exit(f"coverage: {path}:{number}: '{parts[1]}' is not a percentage")
    return floors


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("build")
    ap.add_argument("--floors", default=None)
    ap.add_argument("--json", default=None, help="also write the per-module figures here")
    args = ap.parse_args()
    source = os.path.realpath(args.source)
    build = os.path.realpath(args.build)
    if shutil.which("gcovr") is None:
        sys.exit("coverage: gcovr not found (installer/deps.sh installs it)")
    if not any(name.endswith(".gcda") for _, _, files in os.walk(build) for name in files):
        sys.exit(f"coverage: no .gcda files under {build}: build with the asan preset and run its unit tests first")

    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, "summary.json")
        cmd = ["gcovr", "--root", source, "--object-directory", build, "--gcov-executable", find_gcov(),
               "--filter", re.escape(os.path.join(source, "core") + "/") + r".*\.cpp$", "--json-summary", summary,
               "-j", str(os.cpu_count() or 2)]
        try:  # a worker that fails leaves gcovr 5.2 waiting forever: bound it
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            sys.exit("coverage: gcovr did not finish in 900 s (run it without -j to see the error)")
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            sys.exit(f"coverage: gcovr failed (exit {done.returncode})")
        with open(summary) as f:
            files = json.load(f)["files"]

    per_module = defaultdict(lambda: [0, 0])
    for entry in files:
        rel = entry["filename"]
        parts = rel.split("/")
        if len(parts) < 3 or parts[0] != "core":
            continue
        per_module[parts[1]][0] += entry["line_covered"]
        per_module[parts[1]][1] += entry["line_total"]
    covered = sum(c for c, _ in per_module.values())
    total = sum(t for _, t in per_module.values())
    if total == 0:
        sys.exit("coverage: no core lines in the report")

    def pct(c, t):
        return 100.0 * c / t if t else 0.0

    floors = read_floors(args.floors) if args.floors else {}
    failures = []
    print(f"{'module':<14}{'lines':>8}{'covered':>9}{'%':>8}{'floor':>8}")
    for module in sorted(per_module):
        c, t = per_module[module]
        floor = floors.get(module)
        mark = ""
        if floor is not None and pct(c, t) < floor:
            mark = "  BELOW FLOOR"
            failures.append(f"core/{module}: {pct(c, t):.1f} % < {floor:.1f} %")
        print(f"{module:<14}{t:>8}{c:>9}{pct(c, t):>7.1f}%{'' if floor is None else f'{floor:>7.1f}%'}{mark}")
    floor = floors.get("total")
    print(f"{'core total':<14}{total:>8}{covered:>9}{pct(covered, total):>7.1f}%"
          f"{'' if floor is None else f'{floor:>7.1f}%'}")
    if floor is not None and pct(covered, total) < floor:
        failures.append(f"core total: {pct(covered, total):.1f} % < {floor:.1f} %")
    for module in sorted(set(floors) - set(per_module) - {"total"}):
        failures.append(f"core/{module}: has a floor but no lines in the report")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"total": [covered, total], "modules": per_module}, f, indent=1)
    for failure in failures:
        print(f"coverage: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
