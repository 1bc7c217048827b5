#!/usr/bin/env bash
# Generate an Alembic revision for the model changes in the work tree:
#   scripts/new_migration.sh "what changed"
# It upgrades a throw-away database to the current head, then autogenerates against it.
# A lock keeps two people on one machine from creating two heads at once.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/lms-new-migration.lock
flock 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LMS_INSTANCE_PATH="$tmp" .venv/bin/lms db upgrade >/dev/null
LMS_INSTANCE_PATH="$tmp" .venv/bin/lms db migrate -m "$1"
