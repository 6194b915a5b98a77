"""The test suite: fast hashing, mail kept in memory, no background map tiles."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "test-demo-password")
WAGTAILADMIN_BASE_URL = "http://testserver"

# SpatiaLite tests run in memory, one database per test worker (Django still opens the
# configured file once, so its folder must exist).
VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("spatialite"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
