#!/usr/bin/env python3
"""Two tsunagi binaries on one site: the write path side by side.

For each of --runs rounds (alternating which binary goes first, since a
machine that just wrote a large tree writes the next one more slowly),
each binary does, into an output folder of its own that never existed:

  clean   a build into the empty folder
  noop    the same build again (inputs unchanged: the up-to-date check)
  all     a build after site.yaml's title changed (every page rewritten)

and the medians of wall and CPU time (user + system) are printed with the
ratio new / old. No output tree is deleted until everything is timed; the
site's .tsunagi/ build records are removed before each clean build and at
the end.

usage: bench/compare_binaries.py OLD_BINARY NEW_BINARY SITE [--runs 4]
e.g. a 10,000-page corpus from ../shared/bench/gen_corpus.py --pages 10000
--seed 1 --flavor tsunagi, and OLD_BINARY built from an earlier commit.
"""

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-25"


def timed(binary, site, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run([binary, "build", "--root", site, "--output", out, "--today", TODAY, "--quiet"],
                       capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{binary} failed:\n{p.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("site", type=Path)
    ap.add_argument("--runs", type=int, default=4)
    a = ap.parse_args()
    bins = {"old": a.old, "new": a.new}
    config = a.site / "site.yaml"
    yaml = config.read_text()
    work = Path(tempfile.mkdtemp(prefix="tsunagi-compare-"))
    res = {k: {"clean": [], "noop": [], "all": []} for k in bins}
    try:
        for i in range(a.runs):
            order = list(bins.items()) if i % 2 == 0 else list(reversed(bins.items()))
            for name, binary in order:
                out = work / f"{name}-{i}"
                shutil.rmtree(a.site / ".tsunagi", ignore_errors=True)
                subprocess.run(["sync"])
                time.sleep(2)
                res[name]["clean"].append(timed(binary, a.site, out))
                # a build trusts only inputs older than the last build's start by 2 s
                time.sleep(2.1)
                res[name]["noop"].append(timed(binary, a.site, out))
                config.write_text(re.sub(r"^title: .*$", f'title: "Compare {name} {i}"', yaml, count=1, flags=re.M))
                time.sleep(2.1)
                subprocess.run(["sync"])
                res[name]["all"].append(timed(binary, a.site, out))
                config.write_text(yaml)
    finally:
        config.write_text(yaml)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(a.site / ".tsunagi", ignore_errors=True)
    for phase in ["clean", "noop", "all"]:
        for i, what in [(0, "wall"), (1, "cpu")]:
            o = statistics.median(x[i] for x in res["old"][phase])
            n = statistics.median(x[i] for x in res["new"][phase])
            runs = lambda k: ", ".join(f"{x[i]:.2f}" for x in res[k][phase])
            print(f"{phase:5} {what:4} old {o:6.2f} s  new {n:6.2f} s  new/old {n / o:.2f}   (old {runs('old')}; new {runs('new')})")


if __name__ == "__main__":
    main()
