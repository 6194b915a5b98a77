"""Local development: `make run`. Never use on a public server."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Password of the demo accounts created by `manage.py load_demo`; only development has one.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")
VAR_DIR.mkdir(exist_ok=True)
