#!/usr/bin/env bash
# Makes a PostgreSQL (15 or newer, from Debian's packages) server available for the tests and
# exports MLOPS_TEST_POSTGRES_URL. Idempotent: safe to source again on a machine that has it.
# Source it (". .ci/postgres.sh") so the variable reaches the caller.
set -euo pipefail

PG_DB=${PG_DB:-mlops_test}
PG_USER=${PG_USER:-mlops}
PG_PASSWORD=${PG_PASSWORD:-mlops}
PG_PORT=${PG_PORT:-5432}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  echo "postgres: installing from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi

read -r PG_VERSION PG_CLUSTER _ <<<"$(pg_lsclusters -h | sort -rn | head -1)"
if [ "${PG_VERSION%%.*}" -lt 15 ]; then
  echo "postgres: version $PG_VERSION found; the tests need PostgreSQL 15 or newer" >&2
  return 1 2>/dev/null || exit 1
fi
if [ "$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}')" != "online" ]; then
  echo "postgres: starting cluster $PG_VERSION/$PG_CLUSTER"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi
PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')

for _ in $(seq 1 30); do
  as_root runuser -u postgres -- pg_isready -q -p "$PG_PORT" && break
  sleep 1
done

psql_admin() { as_root runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
# Superuser, because the fault tests terminate backends and close the database to connections.
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
  psql_admin -c "CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi

export MLOPS_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB?user=$PG_USER&password=$PG_PASSWORD"
echo "postgres: $PG_VERSION/$PG_CLUSTER on port $PG_PORT, database $PG_DB (MLOPS_TEST_POSTGRES_URL exported)"
