#!/bin/sh
# Sample recall script: "recalls" the backup from cold storage into the restore folder.
# Called as: recall.sh BACKUP PROVENANCE SBOM RESTORE_DIR
# (also available as BACKUP_PATH, PROVENANCE_PATH, SBOM_PATH, RESTORE_DIR).
set -eu
backup="$1"
restore_dir="$4"
echo "recalling $(basename "$backup") into $restore_dir"
mkdir -p "$restore_dir"
cp "$backup" "$restore_dir/"
echo "recall complete"
