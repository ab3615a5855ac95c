#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database (DATABASE_URL: create it first,
# e.g. `createdb -O relais relais`) and an empty media folder (MEDIA_ROOT). Then run
# `python manage.py migrate` (nothing to do when the code is the backup's version) and start the portal.
set -euo pipefail
src=${1:?usage: deploy/restore.sh BACKUP_DIR}
url=${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}
media=${MEDIA_ROOT:?MEDIA_ROOT must name the (empty) media folder to restore into}
(cd "$src" && sha256sum --quiet -c SHA256SUMS)
mkdir -p "$media"
[ -z "$(ls -A "$media")" ] || { echo "restore: $media is not empty" >&2; exit 2; }
case "$url" in
  postgres://*|postgresql://*)
    pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$src/database.dump" ;;
  sqlite:///*)
    target=${url#sqlite://}
    [ ! -s "$target" ] || { echo "restore: $target exists; move it away first" >&2; exit 2; }
    cp "$src/database.sqlite3" "$target" ;;
  *) echo "restore: unsupported DATABASE_URL scheme: ${url%%:*}" >&2; exit 2 ;;
esac
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restore: database and media restored; now run: python manage.py migrate"
