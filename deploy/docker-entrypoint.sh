#!/bin/sh
# Container entrypoint: for each variable below, VAR_FILE (a Docker or Kubernetes secret mounted as a file)
# sets VAR from the file's content, so secrets stay out of `docker inspect` and the process listing.
# Setting both VAR and VAR_FILE is an error. Then runs the command (by default `airlock start --no-build`).
set -eu
for var in DATABASE_URL NEXTAUTH_SECRET REDIS_URL AIRLOCK_SMTP_URL AIRLOCK_METRICS_TOKEN AIRLOCK_VAPID_PUBLIC_KEY AIRLOCK_VAPID_PRIVATE_KEY; do
  file_var="${var}_FILE"
  eval "file=\${$file_var:-}"
  [ -n "$file" ] || continue
  eval "value=\${$var:-}"
  if [ -n "$value" ]; then
    echo "airlock: both $var and $file_var are set; set one" >&2
    exit 64
  fi
  if [ ! -r "$file" ]; then
    echo "airlock: $file_var: cannot read $file" >&2
    exit 66
  fi
  export "$var=$(cat "$file")"
  unset "$file_var"
done
exec "$@"
