#!/usr/bin/env python3
"""Build the page into dist/ and check its size budgets.

Steps: wasm-pack (Rust -> wasm + JS bindings), wasm-opt (shrink the wasm), copy www/ and the
bindings into dist/, write dist/offline.html (the page in one file), measure the gzip -9 sizes
against the budgets. Settings: wasm-pack.toml.
Needs the tools scripts/setup.sh installs. Python 3.11 standard library only.
"""

import base64
import fnmatch
import gzip
import hashlib
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WASM_OPT = ROOT / "node_modules" / ".bin" / "wasm-opt"
# Every setting in wasm-pack.toml, by table; load_settings refuses any missing or unknown key.
SETTINGS = {
    "wasm-pack": {"target", "out_dir", "out_name", "cargo_args"},
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
         "--no-typescript", "--no-pack",
         "--", *settings["cargo_args"]])
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


# ---- dist/offline.html: the page in one file --------------------------------------------------
#
# The ES modules are bundled into one inline module script: each module becomes a function that
# returns its exports, called in dependency order, its imports read from the modules before it.
# This understands the import and export forms www/ and wasm-bindgen's output use, and stops the
# build on any other, rather than bundling something it does not understand.

IMPORT = re.compile(r"^import\s+(?P<names>[^;]*?)\s+from\s+'(?P<path>[^']+)';[ \t]*$", re.M)
EXPORT_DECLARATION = re.compile(r"^export\s+(?=(?:async\s+function|function|class|const|let)\s+(?P<name>[\w$]+))", re.M)
EXPORT_LIST = re.compile(r"^export\s*\{(?P<names>[^}]*)\};?[ \t]*$", re.M)
ANY_IMPORT_OR_EXPORT = re.compile(r"^(?:import|export)\b|\bimport\s*\(", re.M)
OFFLINE_ENTRY = "page.js"  # its startPage({ wasm }) starts the page


def import_bindings(names, module_var):
    """`init, { a, b as c }` -> `const { default: init, a, b: c } = module_var;`"""
    default, _, braced = names.partition("{")
    default = default.strip().rstrip(",").strip()
    parts = ["default: " + default] if default else []
    for item in braced.rstrip("} \n").split(","):
        if item.strip():
            name, _, alias = item.strip().partition(" as ")
            parts.append(name.strip() + (": " + alias.strip() if alias else ""))
    if not parts or default.startswith("*"):
        fail("offline.html: unsupported import of %r" % names)
    return "const { %s } = %s;" % (", ".join(parts), module_var)


def bundle_module(text, name, module_var, var_of):
    """One module as `const module_var = (() => { ...; return { exports }; })();`."""
    exports = []

    def declaration(match):
        exports.append(match.group("name"))
        return ""

    def export_list(match):
        for item in match.group("names").split(","):
            if item.strip():
                local, _, exported = item.strip().partition(" as ")
                exports.append("%s: %s" % (exported.strip(), local.strip()) if exported else local.strip())
        return ""

    body = IMPORT.sub(lambda m: import_bindings(m.group("names"), var_of(name, m.group("path"))), text)
    body = EXPORT_DECLARATION.sub(declaration, body)
    body = EXPORT_LIST.sub(export_list, body)
    leftover = ANY_IMPORT_OR_EXPORT.search(body)
    if leftover:
        line = body[:leftover.start()].count("\n") + 1
        fail("offline.html: %s line %d: an import or export the bundler does not handle" % (name, line))
    return "const %s = (() => {\n%s\nreturn { %s };\n})();\n" % (module_var, body, ", ".join(exports))


def bundle(dist, entry):
    """The modules reachable from `entry` (a path relative to dist/) in one script; returns the
    script and the variable holding the entry's exports."""
    order, seen = [], set()

    def resolve(importer, path):
        if not path.startswith("."):
            fail("offline.html: %s imports %r, which is not a file of the page" % (importer, path))
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), path))

    def visit(name, trail):
        if name in trail:
            fail("offline.html: circular import through %s" % name)
        if name in seen:
            return
        path = dist / name
        if not path.is_file():
            fail("offline.html: %s is missing from %s" % (name, dist.relative_to(ROOT)))
        for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
            visit(resolve(name, match.group("path")), trail | {name})
        seen.add(name)
        order.append(name)

    visit(entry, frozenset())
    var = {name: "__module%d" % i for i, name in enumerate(order)}

    def var_of(importer, path):
        return var[resolve(importer, path)]

    parts = [bundle_module((dist / name).read_text(encoding="utf-8"), name, var[name], var_of) for name in order]
    return "".join(parts), var[entry]


def csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def replace_once(html, old, new):
    if html.count(old) != 1:
        fail("offline.html: index.html must contain %r once" % old)
    return html.replace(old, new)


def write_offline_page(dist, wasm_name):
    """dist/offline.html: index.html with the modules bundled into one inline module script, the
    stylesheet inlined and the wasm inlined as base64, so that it works opened from disk with no
    network. Its own CSP allows exactly its inline script and style (by hash) and data: images."""
    modules, entry = bundle(dist, OFFLINE_ENTRY)
    wasm_base64 = base64.b64encode((dist / "pkg" / wasm_name).read_bytes()).decode("ascii")
    script = (modules + "const wasm = Uint8Array.from(atob('%s'), (c) => c.charCodeAt(0));\n"
              "%s.startPage({ wasm });\n" % (wasm_base64, entry))
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
    enforce = "--enforce-budgets" in sys.argv[1:]
    settings = load_settings()
    out_name = settings["wasm-pack"]["out_name"]
    wasm_name = out_name + "_bg.wasm"
    pkg_dir = build_wasm(settings["wasm-pack"])
    optimize_wasm(pkg_dir / wasm_name, settings["wasm-opt"]["args"])
    dist = assemble_dist(settings["dist"], pkg_dir, out_name)
    write_offline_page(dist, wasm_name)
    if not check_budgets(dist, wasm_name, settings):
        if enforce:
            fail("size budget exceeded (budgets in wasm-pack.toml)")
        print("build: warning: size budget exceeded (see BENCHMARKS.md); `make bench` fails on it")
    print("build: %s ready" % dist.relative_to(ROOT))


if __name__ == "__main__":
    main()
