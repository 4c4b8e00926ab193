#!/usr/bin/env bash
# End-to-end check of the Compose cluster, for a machine with a Docker engine (it was not run where Vigil is
# developed: that machine has none; see README "What was verified where").
#   docker/e2e.sh [compose file]      default: docker/docker-compose.yml
# Brings the cluster up, waits for one leader and two streaming replicas seen through HAProxy, kills the leader's
# container, checks that a write through HAProxy's primary port lands on a new leader, then `down -v`.
# Needs docker (compose v2) and psql on the host.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-$here/docker-compose.yml}"
dc() { docker compose -f "$file" "$@"; }
export PGPASSWORD="$(cat "$here/secrets/superuser_password")"
psql_ha() { # PORT SQL
  psql -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$2"
}
fail() {
  echo "e2e: FAILED: $*" >&2
  dc ps >&2 || true
  dc logs --tail 30 >&2 || true
  exit 1
}
cleanup() { dc down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT

# until CONDITION-COMMAND succeeds, at most N seconds
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no $what within ${seconds}s"
    sleep 2
  done
  echo "e2e: $what after ${SECONDS}s"
}

dc up -d --build --wait --wait-timeout 300 || fail "compose up"

leader_is_streaming_to_two() {
  [ "$(psql_ha 5000 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 2 ]
}
wait_for "one leader with two streaming replicas through HAProxy :5000" 180 leader_is_streaming_to_two
[ "$(psql_ha 5001 'SELECT pg_is_in_recovery()')" = t ] || fail "port 5001 does not reach a replica"

old_leader="$(psql_ha 5000 'SELECT inet_server_addr()')"
old_name="$(dc exec -T vigil1 vigilctl -c /home/postgres/vigil.yml list -f json \
  | python3 -c 'import json,sys; print([m["Member"] for m in json.load(sys.stdin) if m["Role"]=="Leader"][0])')" \
  || fail "vigilctl list inside a container"
echo "e2e: leader is $old_name ($old_leader); killing its container"
psql_ha 5000 "CREATE TABLE IF NOT EXISTS e2e(id serial primary key, at timestamptz default now())" || fail "create table"
dc kill -s SIGKILL "$old_name"

write_on_new_leader() {
  local addr
  addr="$(psql_ha 5000 'INSERT INTO e2e DEFAULT VALUES; SELECT inet_server_addr()')" || return 1
  [ -n "$addr" ] && [ "$addr" != "$old_leader" ]
}
wait_for "a write through HAProxy :5000 on a new leader" 120 write_on_new_leader
echo "e2e: OK (rows written: $(psql_ha 5000 'SELECT count(*) FROM e2e'))"
