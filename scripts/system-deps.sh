#!/usr/bin/env bash
# Install the Debian packages the portal needs, when missing: `run` for serving and printing PDFs,
# `test` adds the real servers and browser the tests drive (Dovecot IMAP, Chromium, pdftotext, slapd).
# python-ldap (company sign-in) has no wheel: pip builds it with gcc, Python's and OpenLDAP's headers.
set -euo pipefail
mode=${1:-run}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2)
packages+=(gcc python3-dev libldap2-dev libsasl2-dev)
if [ "$mode" = test ]; then
  packages+=(dovecot-imapd chromium poppler-utils nginx-light openssl postgresql-client redis-tools gettext)
  packages+=(slapd)
fi
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install ${packages[*]} yourself"; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "system-deps: need root to install ${missing[*]}"; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
