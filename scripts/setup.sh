#!/usr/bin/env bash
# Installs what the build needs, and with "test" also what the browser tests need. Safe to run
# again: each step checks first, so on a ready machine it takes about a second.
#
#   scripts/setup.sh build   Rust's wasm target, wasm-bindgen, wasm-pack, npm dev tools
#   scripts/setup.sh test    the same, plus rustfmt and clippy (make lint), and Chromium, its
#                            driver and CJK fonts (Debian packages)
#
# Nothing here downloads from outside the package registries: wasm-pack would fetch
# wasm-bindgen and binaryen from the web, so both are installed from crates.io and npm first.
set -euo pipefail
cd "$(dirname "$0")/.."

# cargo install puts its tools here; rustup's installer adds it to PATH only for login shells.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

WASM_PACK_VERSION=0.15.1
APT_PACKAGES_FOR_TESTS=(chromium chromium-driver fonts-noto-cjk)

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

mode=${1:-}
[[ $mode == build || $mode == test ]] || die "usage: scripts/setup.sh build|test"

for tool in rustup cargo node npm python3; do
    command -v "$tool" >/dev/null || die "$tool not found (need rustup's Rust, Node 20+, Python 3.11+)"
done
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "need Python 3.11+ (tomllib)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' || die "need Node 20+"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's command must be exactly the version of the crate, which Cargo.toml pins ("=x.y.z").
wasm_bindgen_version=$(python3 - <<'EOF'
import tomllib
manifest = tomllib.load(open("Cargo.toml", "rb"))
tables = [manifest.get("dependencies", {})]
tables += [target.get("dependencies", {}) for target in manifest.get("target", {}).values()]
for table in tables:
    spec = table.get("wasm-bindgen")
    version = spec.get("version", "") if isinstance(spec, dict) else spec or ""
    if version.startswith("="):
        print(version[1:])
EOF
)
[[ -n $wasm_bindgen_version ]] || die 'Cargo.toml must pin wasm-bindgen exactly: wasm-bindgen = "=x.y.z"'
if [[ $(wasm-bindgen --version 2>/dev/null) != "wasm-bindgen $wasm_bindgen_version" ]]; then
    say "installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes)"
    # Not --locked: the Cargo.lock it ships names a dependency version the registry lacks.
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if ! command -v wasm-pack >/dev/null; then
    say "installing wasm-pack $WASM_PACK_VERSION (a few minutes)"
    cargo install wasm-pack --version "$WASM_PACK_VERSION"
fi

# npm writes node_modules/.package-lock.json after each install: older than package-lock.json
# (or missing) means node_modules is stale. --ignore-scripts: none of the tools needs one.
if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
    say "installing npm dev tools"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [[ $mode == test ]]; then
    # rustup's default profile has both; a minimal one does not.
    for component in rustfmt clippy; do
        if ! rustup component list --installed | grep -q "^$component"; then
            say "adding Rust component $component"
            rustup component add "$component"
        fi
    done

    missing=()
    for package in "${APT_PACKAGES_FOR_TESTS[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing+=("$package")
    done
    if ((${#missing[@]})); then
        sudo=""
        [[ $(id -u) == 0 ]] || sudo=sudo
        say "installing ${missing[*]} (Debian packages)"
        $sudo apt-get update -q
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    fi
fi

say "ready for $mode"
