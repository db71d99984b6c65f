#!/usr/bin/env python3
"""Build the page into dist/ and check its size budgets.

Steps: wasm-pack (Rust -> wasm + JS bindings), wasm-opt (shrink the wasm), copy www/ and the
bindings into dist/, measure the gzip -9 sizes against the budgets. Settings: wasm-pack.toml.
Needs the tools scripts/setup.sh installs. Python 3.11 standard library only.
"""

import fnmatch
import gzip
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WASM_OPT = ROOT / "node_modules" / ".bin" / "wasm-opt"
# Every setting in wasm-pack.toml, by table; load_settings refuses any missing or unknown key.
SETTINGS = {
    "wasm-pack": {"target", "out_dir", "out_name"},
    "wasm-opt": {"args"},
    "dist": {"www_dir", "out_dir", "not_first_load"},
    "budget": {"wasm_gzip_kb", "first_load_gzip_kb"},
}


def fail(message):
    print("build: error: " + message, file=sys.stderr)
    sys.exit(1)


def run(command):
    print("build: $ " + " ".join(str(part) for part in command), flush=True)
    try:
        result = subprocess.run(command, cwd=ROOT)
    except FileNotFoundError:
        fail("%s not found; run scripts/setup.sh build" % command[0])
    if result.returncode != 0:
        fail("%s failed (exit %d)" % (Path(command[0]).name, result.returncode))


def load_settings():
    path = ROOT / "wasm-pack.toml"
    try:
        with open(path, "rb") as file:
            settings = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        fail("cannot read %s: %s" % (path, error))
    for table, keys in SETTINGS.items():
        found = set(settings.get(table, {}))
        if found != keys:
            fail("wasm-pack.toml [%s]: missing %s, unknown %s"
                 % (table, sorted(keys - found), sorted(found - keys)))
    if set(settings) != set(SETTINGS):
        fail("wasm-pack.toml: unknown tables %s" % sorted(set(settings) - set(SETTINGS)))
    return settings


def build_wasm(settings):
    """Compile the crate and generate the JS bindings; returns the pkg/ folder."""
    out_dir = ROOT / settings["out_dir"]
    # --no-pack: no package.json, as pkg/ is not published to npm; wasm-pack's own wasm-opt is
    # off in Cargo.toml because it would download binaryen, so optimize_wasm runs it instead.
    run(["wasm-pack", "build", "--release",
         "--target", settings["target"],
         "--out-dir", out_dir,
         "--out-name", settings["out_name"],
         "--no-typescript", "--no-pack"])
    return out_dir


def optimize_wasm(wasm, args):
    if not WASM_OPT.exists():
        fail("%s missing; run scripts/setup.sh build" % WASM_OPT.relative_to(ROOT))
    before = wasm.stat().st_size
    run([WASM_OPT, *args, wasm, "-o", wasm])
    print("build: wasm-opt: %d -> %d bytes" % (before, wasm.stat().st_size))


def assemble_dist(settings, pkg_dir, out_name):
    """Fresh dist/: the page from www/, the bindings and wasm in dist/pkg/."""
    www = ROOT / settings["www_dir"]
    dist = ROOT / settings["out_dir"]
    if not (www / "index.html").is_file():
        fail("%s has no index.html" % www.relative_to(ROOT))
    shutil.rmtree(dist, ignore_errors=True)
    shutil.copytree(www, dist)
    (dist / "pkg").mkdir(exist_ok=True)
    for name in [out_name + ".js", out_name + "_bg.wasm"]:
        shutil.copy2(pkg_dir / name, dist / "pkg" / name)
    return dist


def write_offline_page(dist):
    """Hook: write dist/offline.html, the page in one file (JS, CSS and the wasm as base64
    inlined) that works when opened from file://. Not written yet: see its own issue."""


def gzip_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def check_budgets(dist, wasm_name, settings):
    """Print each gzip -9 size beside its budget; returns False if any budget is exceeded."""
    not_first_load = settings["dist"]["not_first_load"]
    budget = settings["budget"]
    first_load = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        name = path.relative_to(dist).as_posix()
        if not any(fnmatch.fnmatch(name, pattern) for pattern in not_first_load):
            first_load.append((name, gzip_size(path)))

    print("build: first load, gzip -9:")
    for name, size in first_load:
        print("  %8d  %s" % (size, name))
    wasm_size = gzip_size(dist / "pkg" / wasm_name)
    total_size = sum(size for _, size in first_load)
    within = True
    for label, size, limit_kb in [
        ("wasm", wasm_size, budget["wasm_gzip_kb"]),
        ("first load", total_size, budget["first_load_gzip_kb"]),
    ]:
        ok = size <= limit_kb * 1024
        verdict = "ok" if ok else "OVER BUDGET"
        print("build: %-10s %6.1f KB of %d KB  %s" % (label, size / 1024, limit_kb, verdict))
        within = within and ok
    return within


def main():
    # The budgets are always measured and printed; `make bench` (--enforce-budgets) fails on them.
    enforce = "--enforce-budgets" in sys.argv[1:]
    settings = load_settings()
    out_name = settings["wasm-pack"]["out_name"]
    wasm_name = out_name + "_bg.wasm"
    pkg_dir = build_wasm(settings["wasm-pack"])
    optimize_wasm(pkg_dir / wasm_name, settings["wasm-opt"]["args"])
    dist = assemble_dist(settings["dist"], pkg_dir, out_name)
    write_offline_page(dist)
    if not check_budgets(dist, wasm_name, settings):
        if enforce:
            fail("size budget exceeded (budgets in wasm-pack.toml)")
        print("build: warning: size budget exceeded (see BENCHMARKS.md); `make bench` fails on it")
    print("build: %s ready" % dist.relative_to(ROOT))


if __name__ == "__main__":
    main()
