#!/usr/bin/env bash
# The secrets of docker-compose.yml in .env, readable by their owner only, never on a command line:
#   deploy/make-env.sh [TARGET]                  write TARGET (default .env beside docker-compose.yml) from
#                                                .env.example, every empty value a fresh random secret; refuses to
#                                                overwrite an existing file
#   deploy/make-env.sh --rotate NAME [TARGET]    give NAME (e.g. LADD_GATEWAY_ADMIN_KEY) a fresh random value in TARGET
# A secret is 32 random bytes, base64url (43 characters). Nothing secret is printed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
umask 077
secret() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

if [ "${1:-}" = "--rotate" ]; then
  name="${2:?usage: deploy/make-env.sh --rotate NAME [TARGET]}"
  target="${3:-$root/.env}"
  if ! grep -q "^$name=" "$target"; then
    echo "make-env: $target has no line $name=..." >&2
    exit 1
  fi
  tmp="$(mktemp "$target.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  value="$(secret)"
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" == "$name="* ]]; then printf '%s=%s\n' "$name" "$value"; else printf '%s\n' "$line"; fi
  done < "$target" > "$tmp"
  mv "$tmp" "$target"
  trap - EXIT
  echo "make-env: $name has a new value in $target"
  exit 0
fi

target="${1:-$root/.env}"
if [ -e "$target" ]; then
  echo "make-env: $target exists; not overwriting it (one secret: deploy/make-env.sh --rotate NAME)" >&2
  exit 1
fi
tmp="$(mktemp "$target.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
  if [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=$ ]]; then
    printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(secret)"
  else
    printf '%s\n' "$line"
  fi
done < "$root/.env.example" > "$tmp"
mv "$tmp" "$target"
trap - EXIT
echo "make-env: wrote $target (mode 600) with fresh secrets"
