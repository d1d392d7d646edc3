#!/usr/bin/env python3
"""Applies each mutation of tests/mutation/mutations.txt in a scratch copy of the source tree, rebuilds only the
test targets the mutation names, runs them, and reports KILLED (a test failed) or SURVIVED (every test passed).

    tests/mutation/run.py                 # every mutation
    tests/mutation/run.py --only pairs-   # ids starting with "pairs-" (comma-separated prefixes)
    tests/mutation/run.py --list          # what the list holds, nothing built

The scratch copy is <repo>/build/mutation/src (MERIDIAN_MUTATION_DIR overrides <repo>/build/mutation): the files git
knows (tracked and untracked-but-not-ignored, with their working-tree contents) are copied there, configured with the
dev preset (Debug) and built there, so your own build directory is never touched. With ccache installed it is the
compiler launcher (CCACHE_BASEDIR defaults to the repository: objects any ccache build of this tree compiled are reused).
Before any mutation, the baseline (no mutation) must build and pass; otherwise the run stops.
Suites that need servers (tst_ServeAttach: PostgreSQL and Redis) read the usual MERIDIAN_TEST_* variables; run
with MERIDIAN_REQUIRE_SERVERS=1 so that a skipped suite fails instead of letting a mutation survive unseen.
Exit status: 0 when every mutation was killed, 1 when one survived or could not be applied / built.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class Mutation:
    def __init__(self, ident, file, tests, line):
        self.id, self.file, self.tests, self.line = ident, file, tests, line
        self.old, self.new = [], []


def parse(path):
    mutations, cur = [], None
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        if raw.startswith("@@ "):
            parts = [p.strip() for p in raw[3:].split("|")]
            if len(parts) != 3 or not all(parts):
                sys.exit(f"{path}:{n}: expected '@@ <id> | <file> | <tests>'")
            cur = Mutation(parts[0], parts[1], parts[2].split(), n)
            mutations.append(cur)
        elif raw.startswith("-") and cur is not None:
            cur.old.append(raw[1:])
        elif raw.startswith("+") and cur is not None:
            cur.new.append(raw[1:])
        elif raw.strip() and not raw.startswith("#"):
            sys.exit(f"{path}:{n}: unexpected line: {raw}")
    ids = [m.id for m in mutations]
    for m in mutations:
        if not m.old or not m.new:
            sys.exit(f"{path}:{m.line}: mutation {m.id} needs '-' and '+' lines")
        if ids.count(m.id) > 1:
            sys.exit(f"{path}: duplicate id {m.id}")
    return mutations


def run(cmd, cwd, log, env=None, timeout=None):
    with open(log, "ab") as out:
        out.write(f"$ {' '.join(cmd)}\n".encode())
        out.flush()
        try:
            return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            out.write(b"timed out\n")
            return 124


def copy_sources(dest):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        rel = f.decode()
        src = ROOT / rel
        if not src.is_file():
            continue  # deleted in the working tree
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copy2(src, target)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated id prefixes")
    ap.add_argument("--list", action="store_true", help="print the mutations and exit")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per test run (default 600)")
    args = ap.parse_args()

    mutations = parse(HERE / "mutations.txt")
    if args.only:
        prefixes = [p for p in args.only.split(",") if p]
        mutations = [m for m in mutations if any(m.id.startswith(p) for p in prefixes)]
        if not mutations:
            sys.exit(f"no mutation id starts with {args.only}")
    if args.list:
        for m in mutations:
            print(f"{m.id:44} {m.file:42} {' '.join(m.tests)}")
        return 0

    work = Path(os.environ.get("MERIDIAN_MUTATION_DIR", ROOT / "build" / "mutation"))
    src = work / "src"
    logs = work / "logs"
    src.mkdir(parents=True, exist_ok=True)
    if logs.exists():
        shutil.rmtree(logs)
    logs.mkdir(parents=True)
    copy_sources(src)
    # Check every mutation applies to the current sources before building anything.
    for m in mutations:
        text = (src / m.file).read_text()
        old = "\n".join(m.old) + "\n"
        count = text.count(old)
        if count != 1:
            sys.exit(f"mutation {m.id}: the '-' lines occur {count} times in {m.file} (must be exactly once); "
                     "update tests/mutation/mutations.txt to the current code")

    env = dict(os.environ)
    env.setdefault("CCACHE_BASEDIR", str(ROOT))
    env.setdefault("CCACHE_NOHASHDIR", "1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    build = src / "build" / "dev"
    jobs = os.environ.get("MERIDIAN_MUTATION_JOBS", str(min(2, os.cpu_count() or 1)))
    configure = ["cmake", "--preset", "dev"]
    if shutil.which("ccache"):
        configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    if run(configure, src, logs / "configure.log", env) != 0:
        sys.exit(f"configure failed: {logs / 'configure.log'}")

    def build_and_test(tests, log):
        if run(["ninja", "-C", str(build), f"-j{jobs}", *tests], src, log, env) != 0:
            return "build"
        regex = "^(" + "|".join(re.escape(t) for t in tests) + ")$"
        rc = run(["ctest", "--test-dir", str(build), "-R", regex, "--output-on-failure", "--timeout", str(args.timeout)],
                 src, log, env, timeout=args.timeout * len(tests) + 60)
        return "pass" if rc == 0 else "fail"

    all_tests = sorted({t for m in mutations for t in m.tests})
    t0 = time.time()
    print(f"baseline: building and running {' '.join(all_tests)} (log {logs / 'baseline.log'})", flush=True)
    base = build_and_test(all_tests, logs / "baseline.log")
    if base != "pass":
        sys.exit(f"baseline {base} failed without any mutation: see {logs / 'baseline.log'}")
    print(f"baseline ok in {time.time() - t0:.0f} s", flush=True)

    results = []
    for m in mutations:
        path = src / m.file
        original = path.read_text()
        old, new = "\n".join(m.old) + "\n", "\n".join(m.new) + "\n"
        path.write_text(original.replace(old, new, 1))
        t = time.time()
        try:
            outcome = build_and_test(m.tests, logs / f"{m.id}.log")
        finally:
            path.write_text(original)
        verdict = {"fail": "KILLED", "pass": "SURVIVED", "build": "BUILD FAILED"}[outcome]
        results.append((m, verdict, time.time() - t))
        print(f"  {m.id:44} {verdict:12} {time.time() - t:5.0f} s", flush=True)

    print("\n| mutation | file | tests | result |\n|---|---|---|---|")
    for m, verdict, _ in results:
        print(f"| {m.id} | {m.file} | {' '.join(m.tests)} | {verdict} |")
    killed = sum(1 for _, v, _ in results if v == "KILLED")
    print(f"\n{killed} of {len(results)} killed in {time.time() - t0:.0f} s; logs in {logs}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
