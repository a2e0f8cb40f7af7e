#!/bin/sh
# What the test stand-in keeps of the upstream postgres image's docker-entrypoint.sh: on an empty
# PGDATA, initdb with POSTGRES_USER as the superuser and POSTGRES_PASSWORD as its password (scram),
# password logins from any host, and POSTGRES_DB created; then PostgreSQL as PID 1, listening on all
# addresses. Arguments are the server's command and options, as upstream (CMD ["postgres"]).
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD: the stand-in, like the upstream image, has no default}"
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "entrypoint: initialized $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
fi

if [ "${1:-postgres}" = postgres ]; then
  [ $# -gt 0 ] && shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
