#!/bin/sh
# Writes the secrets deploy/compose.yaml mounts, once, into deploy/secrets/ (owner-only). Existing files are kept:
# the session secret and the signing keys must stay the same for the life of the installation (a new audit key
# cannot sign for the old trail's checkpoints; a new session secret makes stored upstream secrets unreadable).
set -eu
cd "$(dirname "$0")"
# The directory is owner-only; the files inside are world-readable so the containers' unprivileged users can read
# the bind-mounted copies (Compose without Swarm ignores a secret's uid/mode). Nobody else on the host can reach
# them through the 0700 directory.
mkdir -p secrets
chmod 700 secrets
umask 022
keep() { [ -s "secrets/$1" ] && echo "kept    secrets/$1" && return 0; return 1; }
keep nextauth_secret || { openssl rand -base64 48 | tr -d '\n' > secrets/nextauth_secret; echo "wrote   secrets/nextauth_secret"; }
keep postgres_password || { openssl rand -hex 24 | tr -d '\n' > secrets/postgres_password; echo "wrote   secrets/postgres_password"; }
keep database_url || {
  printf 'postgresql://airlock:%s@postgres:5432/airlock' "$(cat secrets/postgres_password)" > secrets/database_url
  echo "wrote   secrets/database_url"
}
for key in audit_signing_key oauth_signing_key; do
  keep "$key.pem" || { openssl genpkey -algorithm ed25519 -out "secrets/$key.pem"; echo "wrote   secrets/$key.pem"; }
done
# Web Push (VAPID) keys: a P-256 key pair, raw and base64url as web-push wants them. The SEC1 DER of a
# prime256v1 key holds the 32-byte private scalar at offset 7 and the 65-byte public point at offset 56.
keep vapid_private_key || {
  b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  tmp=$(mktemp -d)
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/vapid.pem" 2>/dev/null
  openssl ec -in "$tmp/vapid.pem" -outform DER -out "$tmp/vapid.der" 2>/dev/null
  dd if="$tmp/vapid.der" bs=1 skip=7 count=32 2>/dev/null | b64url > secrets/vapid_private_key
  dd if="$tmp/vapid.der" bs=1 skip=56 count=65 2>/dev/null | b64url > secrets/vapid_public_key
  rm -rf "$tmp"
  echo "wrote   secrets/vapid_private_key, secrets/vapid_public_key"
}
chmod 644 secrets/*
echo "Back these files up with the database: see docs/production.md (Secrets)."
