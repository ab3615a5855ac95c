#!/usr/bin/env bash
# Back up Relais DSI: the database (pg_dump, or a copy of the SQLite file) then the media folder
# (attachments, raw mails, printed documents), into DEST with checksums. Reads DATABASE_URL and
# MEDIA_ROOT like the portal: `set -a; . /etc/relais-dsi/relais-dsi.env; set +a; deploy/backup.sh DEST`.
# The database is saved first: every file a saved row names is already in the media folder then.
set -euo pipefail
dest=${1:?usage: deploy/backup.sh DEST_DIR}
url=${DATABASE_URL:-sqlite:///$(cd "$(dirname "$0")/.." && pwd)/db.sqlite3}
media=${MEDIA_ROOT:?MEDIA_ROOT must be set (the folder of attachments, raw mails and printed documents)}
mkdir -p "$dest"
case "$url" in
  postgres://*|postgresql://*)
    pg_dump --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$url" ;;
  sqlite:///*)
    # SQLite's online backup: a consistent copy even while the portal writes.
    python3 -c 'import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close()' \
      "${url#sqlite://}" "$dest/database.sqlite3" ;;
  *) echo "backup: unsupported DATABASE_URL scheme: ${url%%:*}" >&2; exit 2 ;;
esac
tar -C "$media" -czf "$dest/media.tar.gz" .
(cd "$dest" && sha256sum database.* media.tar.gz > SHA256SUMS)
echo "backup: $(du -sh "$dest" | cut -f1) in $dest"
