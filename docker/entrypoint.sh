#!/usr/bin/env bash
# Container entrypoint of the Vigil image: configures one node from the environment alone, the way Patroni's
# docker/entrypoint.sh does, then runs the agent as a child, forwards SIGTERM/SIGINT to it and waits for it.
#
# Required: PATRONI_SCOPE; one DCS (PATRONI_ETCD3_HOSTS / PATRONI_ETCD3_HOST, PATRONI_ZOOKEEPER_HOSTS or
# PATRONI_CONSUL_HOST); the superuser and replication passwords, each from PATRONI_<USER>_PASSWORD or from a file
# named by PATRONI_<USER>_PASSWORD_FILE (Docker secrets). Every other PATRONI_* variable is read by the agent
# itself as Patroni reads it (docs/configuration.md §5.4).
#
# Defaults, as in Patroni's image: PATRONI_NAME = the hostname; listen on 0.0.0.0:8008 / 0.0.0.0:5432; connect
# addresses = the container's address (DOCKER_IP, else `hostname -i`) with the listen ports.
# Knobs of this script only: VIGIL_CONFIG_FILE (the generated bootstrap YAML), VIGIL_BIN (the launcher),
# VIGIL_TTL / VIGIL_LOOP_WAIT / VIGIL_RETRY_TIMEOUT (bootstrap.dcs), VIGIL_SOCKET_DIR, VIGIL_PG_HBA_NETWORK.
set -euo pipefail

die() {
  echo "vigil-entrypoint: $*" >&2
  exit 2
}

# PATRONI_X_FILE → PATRONI_X (the file's content without its trailing newline); both set is an error.
for var in PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD PATRONI_REWIND_PASSWORD \
           PATRONI_RESTAPI_PASSWORD PATRONI_ETCD3_PASSWORD PATRONI_CONSUL_TOKEN; do
  file_var="${var}_FILE"
  if [ -n "${!file_var:-}" ]; then
    [ -z "${!var:-}" ] || die "both $var and $file_var are set; use one"
    [ -r "${!file_var}" ] || die "$file_var names ${!file_var}, which cannot be read"
    export "$var"="$(cat "${!file_var}")"
    unset "$file_var"
  fi
done

[ -n "${PATRONI_SCOPE:-}" ] || die "PATRONI_SCOPE is not set (the cluster name, Patroni's scope)"
if [ -z "${PATRONI_ETCD3_HOSTS:-}${PATRONI_ETCD3_HOST:-}${PATRONI_ZOOKEEPER_HOSTS:-}${PATRONI_CONSUL_HOST:-}" ]; then
  die "no DCS is set: set PATRONI_ETCD3_HOSTS, PATRONI_ZOOKEEPER_HOSTS or PATRONI_CONSUL_HOST"
fi
[ -n "${PATRONI_SUPERUSER_PASSWORD:-}" ] || die "PATRONI_SUPERUSER_PASSWORD (or PATRONI_SUPERUSER_PASSWORD_FILE) is not set"
[ -n "${PATRONI_REPLICATION_PASSWORD:-}" ] || die "PATRONI_REPLICATION_PASSWORD (or PATRONI_REPLICATION_PASSWORD_FILE) is not set"

if [ -z "${DOCKER_IP:-}" ]; then
  DOCKER_IP="$(hostname -i 2>/dev/null | awk '{print $1}')" || true
  [ -n "$DOCKER_IP" ] || die "cannot find the container's address; set DOCKER_IP"
fi

export PATRONI_NAME="${PATRONI_NAME:-$(hostname)}"
export PATRONI_NAMESPACE="${PATRONI_NAMESPACE:-/service/}"
export PATRONI_RESTAPI_LISTEN="${PATRONI_RESTAPI_LISTEN:-0.0.0.0:8008}"
export PATRONI_RESTAPI_CONNECT_ADDRESS="${PATRONI_RESTAPI_CONNECT_ADDRESS:-$DOCKER_IP:${PATRONI_RESTAPI_LISTEN##*:}}"
export PATRONI_POSTGRESQL_LISTEN="${PATRONI_POSTGRESQL_LISTEN:-0.0.0.0:5432}"
export PATRONI_POSTGRESQL_CONNECT_ADDRESS="${PATRONI_POSTGRESQL_CONNECT_ADDRESS:-$DOCKER_IP:${PATRONI_POSTGRESQL_LISTEN##*:}}"
export PATRONI_POSTGRESQL_DATA_DIR="${PATRONI_POSTGRESQL_DATA_DIR:-/home/postgres/data}"
export PATRONI_POSTGRESQL_PGPASS="${PATRONI_POSTGRESQL_PGPASS:-/tmp/pgpass}"
export PATRONI_POSTGRESQL_BIN_DIR="${PATRONI_POSTGRESQL_BIN_DIR:-/usr/lib/postgresql/15/bin}"
export PATRONI_SUPERUSER_USERNAME="${PATRONI_SUPERUSER_USERNAME:-postgres}"
export PATRONI_REPLICATION_USERNAME="${PATRONI_REPLICATION_USERNAME:-replicator}"

config="${VIGIL_CONFIG_FILE:-/home/postgres/vigil.yml}"
hba_net="${VIGIL_PG_HBA_NETWORK:-0.0.0.0/0}"
# Only what has no PATRONI_* variable goes into the file; the environment overrides it anyway.
cat >"$config" <<YAML
# Written by the Vigil image's entrypoint at $(date -u +%FT%TZ); PATRONI_* variables override it.
bootstrap:
  dcs:
    ttl: ${VIGIL_TTL:-30}
    loop_wait: ${VIGIL_LOOP_WAIT:-10}
    retry_timeout: ${VIGIL_RETRY_TIMEOUT:-10}
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
  initdb:
  - encoding: UTF8
  - data-checksums
postgresql:
  pg_hba:
  - local all all trust
  - host replication ${PATRONI_REPLICATION_USERNAME} ${hba_net} scram-sha-256
  - host all all ${hba_net} scram-sha-256
  parameters:
    unix_socket_directories: '${VIGIL_SOCKET_DIR:-/var/run/postgresql}'
YAML

# The agent runs as a child (not exec'd) so that this shell, possibly PID 1 when no init is used, forwards the
# stop signals and reaps orphans: bash waits for any child, including re-parented ones.
child=0
forward() {
  # SIGINT of a background job is ignored by a non-interactive shell's children, so both become SIGTERM:
  # the agent's clean stop (demote, release the leader key, stop PostgreSQL).
  if [ "$child" -ne 0 ]; then
    kill -TERM "$child" 2>/dev/null || true
  fi
}
trap forward TERM INT
"${VIGIL_BIN:-/opt/vigil/bin/vigil}" "$config" &
child=$!
# wait returns early (>128) when a trapped signal arrives; keep waiting until the agent itself has exited
while true; do
  wait "$child" && status=0 || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
