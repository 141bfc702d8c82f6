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
Every clean build starts from a quiet machine (see `quiet`).

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
            files += 1
            size += os.path.getsize(os.path.join(root, n))
    return files, size


def quiet(limit=180):
    """Flushes what earlier runs wrote, then waits until the machine is idle
    (under 5 % busy, disk waits counted as busy, for 2 s; at most `limit` s).

    Each clean build, tsunagi's and Hugo's, starts from a quiet machine:
    otherwise the kernel is still writing back the last build's output (851
    MB at 50,000 pages) or finishing a deleted tree while the next build
    runs, and that deferred work, larger for larger sites, is charged to
    whichever build comes next. A build's own writeback after it exits is
    charged to no one, for both generators alike.
    """
    os.sync()

    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3]  # total, idle (iowait is not idle here)

    deadline = time.monotonic() + limit
    calm = 0
    total, idle = sample()
    while calm < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
        t, i = sample()
        busy = 1 - (i - idle) / max(1, t - total)
        calm = calm + 1 if busy < 0.05 else 0
        total, idle = t, i


def remove_outputs(work):
    """Deletes every output tree a run of this script left in `work`."""
    for d in list(work.glob("public-*")) + list(work.glob("hugo-public-*")):
        shutil.rmtree(d, ignore_errors=True)


def stages(output):
    """The `--timings` lines of a build: [(stage, ms)]."""
    out = []
    for line in output.splitlines():
        parts = line.split("ms", 1)
        if len(parts) == 2 and parts[0].strip().replace(".", "", 1).isdigit() and parts[1].startswith("  "):
            out.append((parts[1].strip(), float(parts[0])))
    return out


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
    # this run's output folders have never existed (see `remove_outputs`)
    stamp = time.strftime("%Y%m%d%H%M%S")
    for n in dict.fromkeys(args.sizes):
        site, hugo = corpus(n, args.work)
        # Each clean build, tsunagi's and Hugo's, goes into a folder that has
        # never existed, and no tree is deleted until everything is timed:
        # after deleting ~100k files, creating files costs this machine's
        # kernel several times as much for minutes (a 50,000-page clean build
        # took 22-29 s right after, 11.3-12.0 s on a rested disk), which would be
        # charged to whatever runs next.
        outs = [args.work / f"public-{n}-{i}-{stamp}" for i in range(args.runs)]
        houts = [args.work / f"hugo-public-{n}-{i}-{stamp}" for i in range(args.runs)]
        out = outs[-1]
        r = {"pages": n}
        clean, rebuild, touched, check = [], [], [], []
        some_file = next((site / "content" / "stories").glob("*.md"))
        for out in outs:
            # a build trusts only inputs older than the last build's start by 2 s
            # (see src/inputs.rs): let the last run's touch age
            time.sleep(2.5)
            quiet()
            clean.append(timed([binary, "build", "--root", site, "--output", out, "--today", TODAY, "--timings"]))
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
                quiet()
                hrun.append(timed([hugo_bin, "-s", hugo, "-d", hout.resolve(), "--quiet"]))
            hfiles, hsize = tree_stats(houts[-1])
            r.update({"hugo_wall": med([h[0] for h in hrun]), "hugo_cpu": med([h[1] for h in hrun]),
                      "hugo_rss_mb": med([h[2] for h in hrun]), "hugo_files": hfiles, "hugo_output_mb": hsize / 1e6})
            r["time_ratio"] = r["clean_wall"] / r["hugo_wall"]
            r["memory_ratio"] = r["clean_rss_mb"] / r["hugo_rss_mb"]
        r["stages_ms"] = {k: med([dict(stages(c[3])).get(k, 0.0) for c in clean]) for k, _ in stages(clean[0][3])}
        results.append(r)
        print(f"\n{n} pages ({rendered} HTML pages rendered, {files} files, {r['output_mb']:.0f} MB)")
        print(f"  tsunagi clean build   {r['clean_wall']:6.2f} s wall  {r['clean_cpu']:6.2f} s CPU  {r['clean_rss_mb']:7.0f} MB peak  {r['pages_per_s']:7.0f} pages/s  (runs: {', '.join(f'{c[0]:.2f}' for c in clean)} s)")
        print("  clean build by stage  " + ", ".join(f"{k} {v / 1000:.2f} s" for k, v in r["stages_ms"].items() if v >= 50))
        print(f"  tsunagi no-op rebuild {r['rebuild_wall']:6.2f} s wall  ({r['rebuild_wall'] / r['clean_wall']:.2f}× clean, 0 files written: inputs unchanged)")
        print(f"  tsunagi touched build {r['touched_wall']:6.2f} s wall  ({r['touched_wall'] / r['clean_wall']:.2f}× clean, 0 files written: full pipeline)")
        print(f"  tsunagi check         {r['check_wall']:6.2f} s wall")
        if serve and r.get("serve_first_page"):
            print(f"  tsunagi serve         {r['serve_first_page']:6.2f} s to the first page ({r['serve_first_page'] / r['clean_wall']:.2f}× clean build)")
        if hugo_bin:
            print(f"  hugo                  {r['hugo_wall']:6.2f} s wall  {r['hugo_cpu']:6.2f} s CPU  {r['hugo_rss_mb']:7.0f} MB peak  ({r['hugo_files']} files, {r['hugo_output_mb']:.0f} MB; runs: {', '.join(f'{h[0]:.2f}' for h in hrun)} s)")
            print(f"  ratio tsunagi/hugo    time {r['time_ratio']:.2f}×   memory {r['memory_ratio']:.2f}×")
    if len(results) > 1:
        a, b = results[-2], results[-1]
        grow = lambda k: b[k] / a[k]
        print(f"\n{a['pages']} -> {b['pages']} pages ({b['pages_rendered'] / a['pages_rendered']:.1f}× the pages rendered): "
              f"clean build {grow('clean_wall'):.1f}×, touched {grow('touched_wall'):.1f}×, check {grow('check_wall'):.1f}×"
              + (f", hugo {grow('hugo_wall'):.1f}×" if "hugo_wall" in b and "hugo_wall" in a else ""))
        print("  by stage: " + ", ".join(f"{k} {b['stages_ms'][k] / v:.1f}×" for k, v in a["stages_ms"].items() if v >= 5 and k in b["stages_ms"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    # deleting ~100k files leaves the file system slower at creating files
    # for minutes here, so trees are deleted only after everything was timed
    remove_outputs(args.work)


if __name__ == "__main__":
    main()
