"""The test suite: fast hashing, mail kept in memory. The map tiles stay at their default
(an outside server) so the browser tests prove the site works when tiles are unreachable."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "test-demo-password")
WAGTAILADMIN_BASE_URL = "http://testserver"
MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
LEAFLET_CONFIG = {
    **LEAFLET_CONFIG,  # noqa: F405
    "TILES": [("Hintergrundkarte", MAP_TILES_URL, {"attribution": "OpenStreetMap"})],
}

# SpatiaLite tests run in memory, one database per test worker (Django still opens the
# configured file once, so its folder must exist).
VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("spatialite"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# Uploaded and published files of the tests go to a folder of their own, removed at exit.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="quartier-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
