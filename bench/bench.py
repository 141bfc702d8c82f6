#!/usr/bin/env python3
"""Whole-build benchmark: tsunagi beside Hugo on the same generated corpus.

For each size, writes a deterministic corpus (../shared/bench/gen_corpus.py:
Japanese and English text, talents, stories and reports with realistic tags
and skills; the same corpus in Hugo's format), then measures, over --runs
runs each and reporting medians:

  clean     tsunagi build into an empty output folder
  rebuild   tsunagi build again with nothing changed (must write no file;
            tsunagi finds its inputs unchanged and stops early)
  touched   tsunagi build after touching one content file: the full
            pipeline runs, and must write no file
  check     tsunagi check (everything but writing)
  serve     tsunagi serve start-up: until the first page is served (when the
            binary has `serve`)
  hugo      hugo --quiet into an empty folder (when `hugo` is installed)

and prints wall time, CPU time (user + system), peak memory (max RSS), pages
per second, output size and file count, and the tsunagi / Hugo ratios.

usage: bench/bench.py [--sizes 1000 10000 50000] [--runs 3] [--work bench/out]
Needs /usr/bin/time (GNU time). Hugo: `apt-get install hugo`.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
TODAY = "2026-11-25"


def timed(cmd, cwd=None):
    """Runs cmd under GNU time; returns (wall s, cpu s, max rss MB, stdout+stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", tf.name, *cmd], cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wall = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stdout[-3000:]}")
        user, system, rss_kb = tf.read().split()[-3:]
    return wall, float(user) + float(system), int(rss_kb) / 1024, p.stdout


def tree_stats(d):
    files = size = 0
    for root, _, names in os.walk(d):
        for n in names:
            if n.startswith(".tsunagi-output"):
                continue
            files += 1
            size += os.path.getsize(os.path.join(root, n))
    return files, size


def settle(dirs):
    """Deletes dirs, then lets the kernel finish the deletion before timing anything."""
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
    os.sync()
    time.sleep(3)


def med(xs):
    return statistics.median(xs)


def corpus(n, work):
    site = work / f"tsunagi-{n}"
    hugo = work / f"hugo-{n}"
    gen = SHARED / "gen_corpus.py"
    if not gen.exists():
        sys.exit(f"missing {gen}: the benchmark uses the shared corpus generator")
    if not (site / "corpus-manifest.json").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, gen, "--pages", str(n), "--out", site, "--seed", "1", "--flavor", "tsunagi"], check=True,
                       stderr=subprocess.DEVNULL)
    if shutil.which("hugo") and not (hugo / "corpus-manifest.json").exists():
        shutil.rmtree(hugo, ignore_errors=True)
        shutil.copytree(SHARED / "hugo-site", hugo)
        subprocess.run([sys.executable, gen, "--pages", str(n), "--out", hugo, "--seed", "1", "--flavor", "generic"], check=True,
                       stderr=subprocess.DEVNULL)
    return site, hugo


def serve_startup(binary, site, runs):
    """Seconds from starting `tsunagi serve` until / answers 200."""
    out = []
    for _ in range(runs):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        start = time.perf_counter()
        p = subprocess.Popen([binary, "serve", "--root", site, "--port", str(port), "--today", TODAY, "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if p.poll() is not None:
                    return None
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.005)
            out.append(time.perf_counter() - start)
        finally:
            p.terminate()
            p.wait()
    return med(out)


def has_serve(binary):
    p = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True)
    return p.returncode == 0 and "not yet" not in p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=REPO, check=True)
    binary = REPO / "target" / "release" / "tsunagi"
    hugo_bin = shutil.which("hugo")
    serve = has_serve(binary)
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; runs: {args.runs} (medians)")
    if hugo_bin:
        print("hugo:", subprocess.run([hugo_bin, "version"], capture_output=True, text=True).stdout.strip())
    results = []
    for n in args.sizes:
        site, hugo = corpus(n, args.work)
        # Each clean build, tsunagi's and Hugo's, goes into a folder that has
        # never existed: deleting ~10k folders costs seconds of deferred
        # kernel work here, which would be charged to whatever runs next.
        outs = [args.work / f"public-{n}-{i}" for i in range(args.runs)]
        houts = [args.work / f"hugo-public-{n}-{i}" for i in range(args.runs)]
        settle(outs + houts)
        out = outs[-1]
        r = {"pages": n}
        clean, rebuild, touched, check = [], [], [], []
        some_file = next((site / "content" / "stories").glob("*.md"))
        for out in outs:
            # a build trusts only inputs older than the last build's start by 2 s
            # (see src/inputs.rs): let the last run's touch age
            time.sleep(2.5)
            clean.append(timed([binary, "build", "--root", site, "--output", out, "--today", TODAY]))
            rebuild.append(timed([binary, "build", "--root", site, "--output", out, "--today", TODAY]))
            some_file.touch()
            touched.append(timed([binary, "build", "--root", site, "--output", out, "--today", TODAY]))
            check.append(timed([binary, "check", "--root", site, "--today", TODAY, "-q"]))
        files, size = tree_stats(out)
        for run in rebuild:
            if "up to date" not in run[3]:
                sys.exit(f"a rebuild without changes did not find the output up to date:\n{run[3]}")
        for run in touched:
            if " 0 written," not in run[3]:
                sys.exit(f"a rebuild after a touch wrote files:\n{run[3]}")
        built = [l for l in clean[-1][3].splitlines() if l.startswith("built ")]
        rendered = int(built[-1].split()[1]) if built else files
        r.update({
            "clean_wall": med([c[0] for c in clean]), "clean_cpu": med([c[1] for c in clean]),
            "clean_rss_mb": med([c[2] for c in clean]),
            "rebuild_wall": med([c[0] for c in rebuild]), "rebuild_rss_mb": med([c[2] for c in rebuild]),
            "touched_wall": med([c[0] for c in touched]),
            "check_wall": med([c[0] for c in check]),
            "files": files, "output_mb": size / 1e6, "pages_rendered": rendered,
        })
        r["pages_per_s"] = rendered / r["clean_wall"]
        if serve:
            r["serve_first_page"] = serve_startup(binary, site, args.runs)
        if hugo_bin:
            hrun = []
            for hout in houts:
                hrun.append(timed([hugo_bin, "-s", hugo, "-d", hout.resolve(), "--quiet"]))
            hfiles, hsize = tree_stats(houts[-1])
            r.update({"hugo_wall": med([h[0] for h in hrun]), "hugo_cpu": med([h[1] for h in hrun]),
                      "hugo_rss_mb": med([h[2] for h in hrun]), "hugo_files": hfiles, "hugo_output_mb": hsize / 1e6})
            r["time_ratio"] = r["clean_wall"] / r["hugo_wall"]
            r["memory_ratio"] = r["clean_rss_mb"] / r["hugo_rss_mb"]
        settle(outs + houts)
        results.append(r)
        print(f"\n{n} pages ({rendered} HTML pages rendered, {files} files, {r['output_mb']:.0f} MB)")
        print(f"  tsunagi clean build   {r['clean_wall']:6.2f} s wall  {r['clean_cpu']:6.2f} s CPU  {r['clean_rss_mb']:7.0f} MB peak  {r['pages_per_s']:7.0f} pages/s")
        print(f"  tsunagi no-op rebuild {r['rebuild_wall']:6.2f} s wall  ({r['rebuild_wall'] / r['clean_wall']:.2f}× clean, 0 files written: inputs unchanged)")
        print(f"  tsunagi touched build {r['touched_wall']:6.2f} s wall  ({r['touched_wall'] / r['clean_wall']:.2f}× clean, 0 files written: full pipeline)")
        print(f"  tsunagi check         {r['check_wall']:6.2f} s wall")
        if serve and r.get("serve_first_page"):
            print(f"  tsunagi serve         {r['serve_first_page']:6.2f} s to the first page ({r['serve_first_page'] / r['clean_wall']:.2f}× clean build)")
        if hugo_bin:
            print(f"  hugo                  {r['hugo_wall']:6.2f} s wall  {r['hugo_cpu']:6.2f} s CPU  {r['hugo_rss_mb']:7.0f} MB peak  ({r['hugo_files']} files, {r['hugo_output_mb']:.0f} MB)")
            print(f"  ratio tsunagi/hugo    time {r['time_ratio']:.2f}×   memory {r['memory_ratio']:.2f}×")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
