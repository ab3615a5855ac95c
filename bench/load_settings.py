"""Settings for bench/load_bench.py: the real production settings, with static files collected elsewhere.

Only STATIC_ROOT moves (to the bench's temporary folder), so that `collectstatic` does not write into
the shared checkout's var/static while others use it; everything else is portal/settings.py, read from
the environment the bench sets (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, BEHIND_TLS_PROXY...).
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
