#!/bin/sh
# The production path in one place. The Dockerfile runs these steps, and CI runs exactly the same ones in a
# temporary folder (test/operations/production-path.test.ts), so what CI proves is what the image does.
#
#   scripts/release.sh build DEST   in a checkout with the dev dependencies (npm ci): compile with tsc, then
#                                   copy what runs (package files, dist/, migrations/, scripts/) into DEST
#   scripts/release.sh install      in DEST: the production dependencies only (npm ci --omit=dev)
#   scripts/release.sh start        in DEST: what npm start runs (no TypeScript needed), but with the server
#                                   as this process (exec), so SIGTERM reaches it and its exit code is the
#                                   process's; npm itself re-raises the signal and never exits 0
#   scripts/release.sh check [URL]  waits up to READY_WAIT_SECONDS (60) for URL/ready to answer 200
#                                   (default http://127.0.0.1:$PORT); the image's HEALTHCHECK asks once
set -eu

step=${1:-}
case "$step" in
  build)
    dest=${2:?usage: scripts/release.sh build DEST}
    cd "$(dirname "$0")/.."
    npm run build
    mkdir -p "$dest/dist" "$dest/scripts"
    cp package.json package-lock.json LICENSE "$dest/"
    cp -R migrations "$dest/"
    cp -R dist/src dist/plugins dist/routes dist/packages "$dest/dist/"
    cp scripts/release.sh scripts/prestart.mjs "$dest/scripts/"
    echo "release: built into $dest"
    ;;
  install)
    cd "$(dirname "$0")/.."
    npm ci --omit=dev --no-audit --no-fund
    ;;
  start)
    cd "$(dirname "$0")/.."
    node scripts/prestart.mjs
    MALLOC_MMAP_THRESHOLD_=4194304 exec node dist/src/server.js
    ;;
  check)
    url=${2:-http://127.0.0.1:${PORT:-3000}}
    # node, not curl: the runtime image is node:*-slim, which has no curl.
    exec node -e '
      const url = process.argv[1] + "/ready"
      const deadline = Date.now() + Number(process.env.READY_WAIT_SECONDS ?? 60) * 1000
      const attempt = () => fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.status === 200 ? (console.log(`release: ${url} answered 200`), process.exit(0)) : retry(`HTTP ${res.status}`),
        (err) => retry(err.message))
      const retry = (why) => Date.now() < deadline ? setTimeout(attempt, 250) : (console.error(`release: ${url}: ${why}`), process.exit(1))
      attempt()' "$url"
    ;;
  *)
    echo "usage: scripts/release.sh build DEST | install | start | check [URL]" >&2
    exit 2
    ;;
esac
