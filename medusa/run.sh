#!/usr/bin/env bash
# Start Shopkeeper's local Medusa store (`make medusa`); prints the server's URL once /health answers.
#
#   medusa/run.sh           install (first time), create + migrate + seed the database (first time),
#                           start the server unless it is already running, print its URL
#   medusa/run.sh --fresh   the same, but first restore the database to the just-seeded store
#   medusa/run.sh --stop    stop the server this script started
#
# Idempotent: a second run finds everything in place and only checks /health. The seeded database is
# kept as a template (`<db>_seeded`), so `--fresh` is a file copy, not a re-seed. Everything it writes
# outside PostgreSQL lives in medusa/.runtime/ (gitignored): the admin API key (`api_key`), the
# server's pid, port and log. Settings (environment): MEDUSA_PORT (9000; the next free port when taken
# by something else), MEDUSA_DB (shopkeeper_medusa), PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres),
# PYTHON (python3; writes the seed from the demo catalog).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
RUNTIME=$HERE/.runtime
mkdir -p "$RUNTIME"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGOPTIONS=--client-min-messages=warning
DB=${MEDUSA_DB:-shopkeeper_medusa}
TEMPLATE=${DB}_seeded
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export NODE_ENV=production MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
MEDUSA=(node "$HERE/node_modules/@medusajs/cli/cli.js")
log() { echo "medusa: $*" >&2; }
seconds() { date +%s; }

healthy() {  # python3 rather than curl: it is here anyway (the seed is written by it)
  "${PYTHON:-python3}" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
    "http://127.0.0.1:$1/health" >/dev/null 2>&1
}
running_port() {  # the port of the server this script started, if it is alive and healthy
  [[ -f $RUNTIME/server.pid && -f $RUNTIME/port ]] || return 1
  kill -0 "$(cat "$RUNTIME/server.pid")" 2>/dev/null || return 1
  local port; port=$(cat "$RUNTIME/port")
  healthy "$port" && echo "$port"
}
stop() {
  if [[ -f $RUNTIME/server.pid ]]; then
    local pid; pid=$(cat "$RUNTIME/server.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -- "-$pid" 2>/dev/null || kill "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      log "stopped the server (pid $pid)"
    fi
    rm -f "$RUNTIME/server.pid"
  fi
}
sql() { psql -X -q -t -A -d postgres -c "$1"; }
db_exists() { [[ $(sql "SELECT 1 FROM pg_database WHERE datname = '$1'") == 1 ]]; }

if [[ ${1:-} == --stop ]]; then stop; exit 0; fi
command -v node >/dev/null || { log "Node.js is not installed"; exit 2; }
pg_isready -q || { log "PostgreSQL is not answering at $PGHOST:$PGPORT"; exit 2; }

# 1. Install from the lockfile, the first time (or when the lockfile changed).
if [[ ! -f node_modules/.installed || package-lock.json -nt node_modules/.installed ]]; then
  t=$(seconds); log "installing Medusa from package-lock.json (npm ci; a few minutes the first time)"
  npm ci --no-audit --no-fund --loglevel=error >"$RUNTIME/npm.log" 2>&1 || { cat "$RUNTIME/npm.log" >&2; exit 1; }
  touch node_modules/.installed; log "installed in $(( $(seconds) - t ))s"
fi

# 2. The seeded template: create, migrate, seed once (and again when the lockfile or the seed changed).
stamp=$(cat package-lock.json seed_data.py src/scripts/seed.js ../src/shopkeeper/store/demo_catalog.py | sha256sum | cut -c1-16)
if ! db_exists "$TEMPLATE" || [[ $(cat "$RUNTIME/template.stamp" 2>/dev/null) != "$stamp" || ! -s $RUNTIME/api_key ]]; then
  stop
  sql "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"; sql "DROP DATABASE IF EXISTS \"$TEMPLATE\" WITH (FORCE)"
  sql "CREATE DATABASE \"$DB\""
  t=$(seconds); log "migrating $DB"
  "${MEDUSA[@]}" db:migrate >"$RUNTIME/migrate.log" 2>&1 || { tail -40 "$RUNTIME/migrate.log" >&2; exit 1; }
  log "migrated in $(( $(seconds) - t ))s"
  # Order numbers from 1001: four digits read as an order number, never as a quantity or a zip code.
  psql -X -q -d "$DB" -c "SELECT setval('order_display_id_seq', 1000)" >/dev/null
  t=$(seconds); log "seeding (products, customers, orders through Medusa's workflows)"
  PYTHONPATH="$HERE/../src${PYTHONPATH:+:$PYTHONPATH}" "${PYTHON:-python3}" seed_data.py >"$RUNTIME/seed.json"
  rm -f "$RUNTIME/api_key"
  SEED_FILE=$RUNTIME/seed.json API_KEY_FILE=$RUNTIME/api_key "${MEDUSA[@]}" exec ./src/scripts/seed.js \
    >"$RUNTIME/seed.log" 2>&1 || { tail -40 "$RUNTIME/seed.log" >&2; exit 1; }
  log "seeded in $(( $(seconds) - t ))s"
  sql "CREATE DATABASE \"$TEMPLATE\" TEMPLATE \"$DB\""
  echo "$stamp" >"$RUNTIME/template.stamp"
elif [[ ${1:-} == --fresh ]] || ! db_exists "$DB"; then
  stop
  sql "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
  sql "CREATE DATABASE \"$DB\" TEMPLATE \"$TEMPLATE\""
  log "restored $DB from $TEMPLATE"
fi

# 3. Start the server unless it already runs; wait for /health.
if port=$(running_port); then
  echo "http://127.0.0.1:$port"; exit 0
fi
stop
port=${MEDUSA_PORT:-9000}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
t=$(seconds); log "starting the server on port $port"
PORT=$port setsid "${MEDUSA[@]}" start >"$RUNTIME/server.log" 2>&1 </dev/null &
echo $! >"$RUNTIME/server.pid"; echo "$port" >"$RUNTIME/port"
for _ in $(seq 1 180); do
  healthy "$port" && { log "ready in $(( $(seconds) - t ))s"; echo "http://127.0.0.1:$port"; exit 0; }
  kill -0 "$(cat "$RUNTIME/server.pid")" 2>/dev/null || break
  sleep 1
done
tail -40 "$RUNTIME/server.log" >&2; log "the server did not become healthy"; stop; exit 1
