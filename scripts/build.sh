#!/usr/bin/env bash
# The build step of a production install, also run by deploy/Dockerfile: compiles the French
# translations (.po -> .mo) and collects the static files (hashed, compressed) into STATIC_ROOT.
# Needs neither a database nor the production secret. Usage, from the checkout:
#   PYTHON=/opt/relais-dsi/venv/bin/python scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings}
# Production mode, so that the static files get the manifest storage's hashed names.
export DEBUG=0
export SECRET_KEY=${SECRET_KEY:-build-step-only-never-used-to-sign-anything-0123456789}
"$PYTHON" manage.py compile_translations
"$PYTHON" manage.py collectstatic --noinput -v0
echo "build: translations compiled, static files in $("$PYTHON" -c 'import django, os; django.setup(); from django.conf import settings; print(settings.STATIC_ROOT)' 2>/dev/null || echo STATIC_ROOT)"
