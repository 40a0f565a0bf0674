#!/bin/sh
# Recall script of the PostgreSQL sample: restores the pg_dump archive into a scratch database on the local
# PostgreSQL (127.0.0.1:5432, user postgres, no password: trust authentication), dropped and created anew on
# every drill. The database is named after the restore folder (the last segment of RESTORE_DIR), so that
# drills with different output_dir folders never share one.
# Called as: recall.sh BACKUP PROVENANCE SBOM RESTORE_DIR
set -eu
backup="$1"
restore_dir="$4"
db=$(basename "$restore_dir")
case "$db" in
  ''|*[!a-z0-9_]*) echo "restore folder name '$db' is not a plain database name ([a-z0-9_])" >&2; exit 2 ;;
esac
mkdir -p "$restore_dir"
cp "$backup" "$restore_dir/"
echo "restoring $(basename "$backup") into database $db"
psql -X -q -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""
pg_restore -h 127.0.0.1 -U postgres -d "$db" --no-owner --no-privileges --exit-on-error \
  "$restore_dir/$(basename "$backup")"
echo "restore complete"
