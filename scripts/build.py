#!/usr/bin/env python3
"""Build the page into dist/ and check its size budgets.

Steps: every policy file checked by `estimate --check` (its warnings shown), wasm-pack (Rust ->
wasm + JS bindings), wasm-opt (shrink the wasm), esbuild (each entry module of www/ bundled and
minified into one file in dist/, the bindings and the CSS minified), the HTML and the wasm copied,
dist/offline.html (the page in one file, bundled by esbuild too), then the gzip -9 sizes against
the budgets. Settings: wasm-pack.toml.
Needs the tools scripts/setup.sh installs. Python 3.11 standard library only.
"""

import base64
import fnmatch
import gzip
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WASM_OPT = ROOT / "node_modules" / ".bin" / "wasm-opt"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
# Every setting in wasm-pack.toml, by table; load_settings refuses any missing or unknown key.
SETTINGS = {
    "wasm-pack": {"target", "out_dir", "out_name", "cargo_args"},
    "wasm-opt": {"args"},
    "esbuild": {"target", "minify", "entries"},
    "dist": {"www_dir", "out_dir", "not_first_load"},
    "budget": {"wasm_gzip_kb", "first_load_gzip_kb"},
}


def fail(message):
    print("build: error: " + message, file=sys.stderr)
    sys.exit(1)


def run(command, cwd=ROOT):
    print("build: $ " + " ".join(str(part) for part in command), flush=True)
    try:
        result = subprocess.run(command, cwd=cwd)
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
    check_esbuild_settings(settings["esbuild"], ROOT / settings["dist"]["www_dir"])
    return settings


def check_esbuild_settings(settings, www):
    def bad(key, why):
        fail("wasm-pack.toml [esbuild] %s: %s" % (key, why))

    if not isinstance(settings["target"], str) or not re.fullmatch(r"[a-z0-9.]+(,[a-z0-9.]+)*", settings["target"]):
        bad("target", 'must be esbuild targets as text, e.g. "es2022" or "chrome111,firefox115"')
    if not isinstance(settings["minify"], bool):
        bad("minify", "must be true or false")
    entries = settings["entries"]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        bad("entries", "must be a list of file names")
    for entry in entries:
        # A bundle sits where its entry is. At the top of www/ its "./pkg/…" import and its
        # import.meta.url neighbours (style.css, embed.html, widget.js) stay right.
        if "/" in entry or not entry.endswith(".js") or not (www / entry).is_file():
            bad("entries", "%r is not a .js file at the top of %s" % (entry, www.relative_to(ROOT)))
    if len(set(entries)) != len(entries):
        bad("entries", "names a file twice")


def check_policy_files(folder):
    """Checks every policy and rule file in `folder` as `estimate --check` does, before the long
    wasm build: a problem stops the build with its file and line, and the warnings (figures that
    are valid but odd, such as a cap below the deductible) are shown. The page's own check
    (check-bundle.mjs) reads the files' JSON, which has neither lines nor warnings."""
    run(["cargo", "build", "--quiet", "--bin", "estimate"])
    files = sorted(folder.glob("*.toml")) + sorted(folder.glob("rules/*.toml"))
    warnings = 0
    for file in files:
        name = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
        result = subprocess.run(["cargo", "run", "--quiet", "--bin", "estimate", "--", "--check", name],
                                cwd=ROOT, capture_output=True, text=True)
        print(result.stderr, end="", file=sys.stderr, flush=True)
        if result.returncode != 0:
            fail("policy file %s does not read (above)" % name)
        warnings += result.stderr.count("estimate: warning: ")
    print("build: %s checked, %s" % (counted(len(files), "policy file"), counted(warnings, "warning")), flush=True)


def counted(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def build_wasm(settings):
    """Compile the crate and generate the JS bindings; returns the pkg/ folder."""
    out_dir = ROOT / settings["out_dir"]
    # --no-pack: no package.json, as pkg/ is not published to npm; wasm-pack's own wasm-opt is
    # off in Cargo.toml because it would download binaryen, so optimize_wasm runs it instead.
    run(["wasm-pack", "build", "--release",
         "--target", settings["target"],
         "--out-dir", out_dir,
         "--out-name", settings["out_name"],
         "--no-typescript", "--no-pack",
         "--", *settings["cargo_args"]])
    return out_dir


def optimize_wasm(wasm, args):
    if not WASM_OPT.exists():
        fail("%s missing; run scripts/setup.sh build" % WASM_OPT.relative_to(ROOT))
    before = wasm.stat().st_size
    run([WASM_OPT, *args, wasm, "-o", wasm])
    print("build: wasm-opt: %d -> %d bytes" % (before, wasm.stat().st_size))


def esbuild(stage, args):
    """Runs esbuild in `stage` (a copy of www/ with the bindings in pkg/)."""
    if not ESBUILD.exists():
        fail("%s missing; run scripts/setup.sh build" % ESBUILD.relative_to(ROOT))
    run([ESBUILD, *args], cwd=stage)


def esbuild_options(settings):
    """The options of every esbuild run, from wasm-pack.toml [esbuild]."""
    # utf8: the page's Chinese text as it is, not as \uXXXX escapes (twice the bytes). Browsers read
    # module scripts as UTF-8 whatever the server says, and the pages declare UTF-8 for the rest.
    options = ["--target=" + settings["target"], "--charset=utf8", "--log-level=warning"]
    return options + (["--minify"] if settings["minify"] else [])


def assemble_dist(settings, esbuild_settings, pkg_dir, out_name):
    """A fresh dist/: one bundle per entry of www/, the bindings and the wasm in dist/pkg/, the
    stylesheets minified, the other files of www/ (HTML) as they are, and offline.html."""
    www = ROOT / settings["www_dir"]
    dist = ROOT / settings["out_dir"]
    if not (www / "index.html").is_file():
        fail("%s has no index.html" % www.relative_to(ROOT))
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    bindings = "pkg/%s.js" % out_name
    wasm_name = out_name + "_bg.wasm"
    options = esbuild_options(esbuild_settings)

    # esbuild reads a copy of www/ with the bindings where the modules import them from (./pkg/),
    # as they are in dist/; its messages name the files by their names in www/.
    with tempfile.TemporaryDirectory(prefix="oe-build-") as temp:
        stage = Path(temp) / "www"
        shutil.copytree(www, stage)
        (stage / "pkg").mkdir(exist_ok=True)
        for name in [out_name + ".js", wasm_name]:
            shutil.copy2(pkg_dir / name, stage / "pkg" / name)

        # Each entry and the modules it imports in one ES module. The bindings stay a module of
        # their own (external), which every bundle imports: a page has one wasm-bindgen instance,
        # the one a test or the benchmark reaches with import('./pkg/estimator.js'). esbuild leaves
        # import.meta.url alone in ES module output, so it names the bundle's own place.
        esbuild(stage, [*esbuild_settings["entries"], "--bundle", "--format=esm",
                        "--external:./" + bindings, "--outdir=%s" % dist, *options])
        # The bindings and the stylesheets, each minified on its own (nothing to bundle).
        stylesheets = sorted(p.relative_to(www).as_posix() for p in www.rglob("*.css"))
        esbuild(stage, [bindings, *stylesheets, "--outbase=.", "--outdir=%s" % dist, *options])
        shutil.copy2(pkg_dir / wasm_name, dist / "pkg" / wasm_name)
        # The rest of www/ (the HTML pages) as it is; the other modules are inside the bundles.
        for path in sorted(www.rglob("*")):
            if path.is_file() and path.suffix not in {".js", ".css"}:
                target = dist / path.relative_to(www)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)

        write_offline_page(stage, dist, wasm_name, options)
    return dist


def csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def replace_once(html, old, new):
    if html.count(old) != 1:
        fail("offline.html: index.html must contain %r once" % old)
    return html.replace(old, new)


# dist/offline.html: the page in one file.
OFFLINE_PAGE = "page.js"  # its startPage({ wasm }) starts the page
OFFLINE_ENTRY = "offline-entry.js"  # written into the copy of www/ only
OFFLINE_BUNDLE = "offline-bundle.js"


def write_offline_page(stage, dist, wasm_name, options):
    """dist/offline.html: index.html with the page bundled into one inline module script, the
    stylesheet inlined and the wasm inlined as base64, so that it works opened from disk with no
    network. Its own CSP allows exactly its inline script and style (by hash) and data: images."""
    wasm_base64 = base64.b64encode((dist / "pkg" / wasm_name).read_bytes()).decode("ascii")
    if (stage / OFFLINE_ENTRY).exists():
        fail("offline.html: www/ must not have a file named %s" % OFFLINE_ENTRY)
    (stage / OFFLINE_ENTRY).write_text(
        "import { startPage } from './%s';\n"
        "startPage({ alone: true, wasm: Uint8Array.from(atob('%s'), (c) => c.charCodeAt(0)) });\n"
        % (OFFLINE_PAGE, wasm_base64), encoding="utf-8")
    # An ES module, as the inline script is one: share.js reads import.meta.url, which is the
    # file's own address there (an IIFE would have no import.meta).
    esbuild(stage, [OFFLINE_ENTRY, "--bundle", "--format=esm", "--outfile=" + OFFLINE_BUNDLE, *options])
    script = (stage / OFFLINE_BUNDLE).read_text(encoding="utf-8")
    style = (dist / "style.css").read_text(encoding="utf-8")
    for text, end_tag in [(script, "</script"), (style, "</style")]:
        if end_tag in text.lower() or "<!--" in text:
            fail("offline.html: the inlined code contains %r or '<!--', which would end it early" % end_tag)
    csp = ("default-src 'none'; script-src %s 'wasm-unsafe-eval'; style-src %s; img-src data:"
           % (csp_hash(script), csp_hash(style)))

    html = (dist / "index.html").read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
                  lambda _: '<meta http-equiv="Content-Security-Policy" content="%s">' % csp, html, count=1)
    if csp not in html:
        fail("offline.html: index.html has no Content-Security-Policy meta element to replace")
    html = replace_once(html, '<link rel="stylesheet" href="style.css">', "<style>" + style + "</style>")
    # The page's files are all inside it: nothing to preload (and nothing to fetch from disk).
    html, preloads = re.subn(r'<!-- Fetched at once[^>]*-->\n<link rel="modulepreload"[^>]*>\n<link rel="preload"[^>]*>\n', "", html)
    if preloads != 1:
        fail("offline.html: index.html must have its preload links once, as written")
    html = replace_once(html, '<script type="module" src="app.js"></script>', "<script type=\"module\">" + script + "</script>")
    (dist / "offline.html").write_text(html, encoding="utf-8")
    print("build: offline.html: %d bytes" % len(html.encode("utf-8")))


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
    args = sys.argv[1:]
    if args[:1] == ["--check-policies"]:
        # Only the first step, for a bureau's folder of files (by default policies/).
        check_policy_files(Path(args[1]).resolve() if args[1:] else ROOT / "policies")
        return
    enforce = "--enforce-budgets" in args
    settings = load_settings()
    check_policy_files(ROOT / "policies")
    out_name = settings["wasm-pack"]["out_name"]
    wasm_name = out_name + "_bg.wasm"
    pkg_dir = build_wasm(settings["wasm-pack"])
    optimize_wasm(pkg_dir / wasm_name, settings["wasm-opt"]["args"])
    dist = assemble_dist(settings["dist"], settings["esbuild"], pkg_dir, out_name)
    # A policy file that does not read would otherwise show only when the page is opened.
    run(["node", ROOT / "scripts" / "check-bundle.mjs", dist / "pkg", out_name])
    if not check_budgets(dist, wasm_name, settings):
        if enforce:
            fail("size budget exceeded (budgets in wasm-pack.toml)")
        print("build: warning: size budget exceeded (see BENCHMARKS.md); `make bench` fails on it")
    print("build: %s ready" % dist.relative_to(ROOT))


if __name__ == "__main__":
    main()
