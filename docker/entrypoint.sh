#!/bin/sh
# Entry point of the container image (and of the same check outside a container): runs dr-drill from its home
# folder, whose var/ (server database, admin credentials) and artifacts/ (evidence) must be writable by the
# unprivileged user the image runs as. A folder it cannot write is one clear line and exit 4, not a stack trace.
#   entrypoint.sh serve [--name=value ...] | run --manifest PATH [...]
set -eu
home="${DRDRILL_HOME:-/app}"
jar="${DRDRILL_JAR:-$home/dr-drill.jar}"
cd "$home"
if [ "$(id -u)" = 0 ] && [ "${DRDRILL_ALLOW_ROOT:-}" != "true" ]; then
  echo "[dr-drill] ERROR: refusing to run as root; run the image as its own user (drdrill)" >&2
  exit 4
fi
for dir in var artifacts; do
  mkdir -p "$dir" 2>/dev/null || true
  if [ ! -w "$dir" ]; then
    echo "[dr-drill] ERROR: $home/$dir is not writable by $(id -un 2>/dev/null || id -u); mount a volume it owns" >&2
    exit 4
  fi
done
# shellcheck disable=SC2086  # DR_DRILL_JAVA_OPTS holds several options
exec java ${DR_DRILL_JAVA_OPTS:-} -jar "$jar" "$@"
