#!/usr/bin/env bash
# Checks the container setup where no Docker engine runs (as on this project's CI machine): the compose file
# validates, and the image's own entrypoint starts `serve` as an unprivileged user against fresh writable
# folders, with the credentials from the environment, exactly as the image would run it; a folder it cannot
# write is refused with one line. Needs root (to create and switch to the user), docker-compose and the jar.
#   docker/check-image.sh target/dr-drill.jar
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar="$(realpath "${1:-target/dr-drill.jar}")"
user=drdrill

echo "compose file:"
POSTGRES_PASSWORD=check DRDRILL_ADMIN_PASSWORD=check docker-compose -f docker/compose.yaml config -q
if POSTGRES_PASSWORD= DRDRILL_ADMIN_PASSWORD= docker-compose -f docker/compose.yaml config -q 2>/dev/null; then
  echo "compose accepted missing credentials" >&2; exit 1
fi
echo "  valid; refuses to start without POSTGRES_PASSWORD and DRDRILL_ADMIN_PASSWORD"

id -u "$user" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
home="$(mktemp -d /tmp/dr-drill-image.XXXXXX)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
pid=
install -m 0755 docker/entrypoint.sh "$home/entrypoint.sh"
install -m 0644 "$jar" "$home/dr-drill.jar"
mkdir -p "$home/data" && cp -r data/dr "$home/data/dr"
chmod 0755 "$home"

echo "entrypoint, folders not writable:"
mkdir -p "$home/var" "$home/artifacts"   # owned by root, as an unowned volume would be
if out=$(su -s /bin/sh "$user" -c "cd / && DRDRILL_HOME='$home' '$home/entrypoint.sh' serve" 2>&1); then
  echo "served with unwritable folders" >&2; exit 1
fi
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ "$out" == "[dr-drill] ERROR: $home/var is not writable"* ]] \
  || { echo "unexpected refusal: $out" >&2; exit 1; }
echo "  $out"

echo "entrypoint, serve as $user:"
chown "$user" "$home/var" "$home/artifacts"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="check-$RANDOM$RANDOM"
su -s /bin/sh "$user" -c "cd / && DRDRILL_HOME='$home' CAMUNDA_BPM_ADMIN_USER_ID=imageadmin \
  CAMUNDA_BPM_ADMIN_USER_PASSWORD='$password' exec '$home/entrypoint.sh' serve --server.port=$port \
  --server.address=127.0.0.1" >"$home/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "imageadmin:$password" \
    "http://127.0.0.1:$port/engine-rest/user/imageadmin/profile" || true)
  [ "$code" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$home/serve.log" >&2; echo "serve exited" >&2; exit 1; }
  sleep 1
done
[ "$code" = 200 ] || { tail -20 "$home/serve.log" >&2; echo "serve did not answer" >&2; exit 1; }
owner=$(stat -c %U "$home/var/h2")
[ "$owner" = "$user" ] || { echo "var/h2 is owned by $owner" >&2; exit 1; }
health=$(curl -s "http://127.0.0.1:$port/actuator/health")
[[ "$health" == *'"status":"UP"'* ]] || { echo "the image's health check would fail: $health" >&2; exit 1; }
anonymous=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/engine-rest/user/imageadmin/profile")
[ "$anonymous" = 401 ] || { echo "REST answered $anonymous without credentials" >&2; exit 1; }
echo "  serve answered as $user on port $port: /actuator/health UP, admin from the environment 200, anonymous 401;"
echo "  database in var/ owned by $user"
