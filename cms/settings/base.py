"""Settings shared by every environment.

Everything that differs between machines comes from environment variables; the
environment-specific modules (dev, test, production) only change defaults.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("QUARTIER_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "participation",
    "opendata",
    "maps",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "leaflet",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "django_filters",
    "allauth",
    "allauth.account",
    "django.contrib.gis",
    "django.contrib.sitemaps",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Databases ---------------------------------------------------------------------------------
# DATABASE_URL picks the database: spatialite:///path (the embedded default) or
# postgis://user:password@host:port/name. Anything without spatial support is refused.
DEFAULT_DATABASE_URL = f"spatialite:///{VAR_DIR / 'quartier.sqlite3'}"
SPATIAL_ENGINES = {
    "django.contrib.gis.db.backends.spatialite",
    "django.contrib.gis.db.backends.postgis",
}


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] not in SPATIAL_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL must use spatialite:// or postgis://, not {url.split(':', 1)[0]}://"
        )
    if config["ENGINE"].endswith("postgis"):
        # Parallel workers cost more than they save on small machines and tile-sized queries.
        workers = os.environ.get("PG_MAX_PARALLEL_WORKERS_PER_GATHER", "0")
        config.setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={workers}"
        )
    return config


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "participation.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: German first, English too -------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "cms" / "locale"]
LANGUAGE_COOKIE_NAME = "quartier_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work ---------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "quartier@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail -----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("QUARTIER_SITE_NAME", "Quartier")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILEMBEDS_FINDERS: list = []  # no oEmbed provider may be contacted behind editors' backs

# Accounts (django-allauth) -----------------------------------------------------------------
# Residents sign in with their e-mail address and are shown publicly only by the display name
# they choose; usernames are random and internal (participation/accounts.py).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3  # templates/account/verification_sent.html says so
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account: changing it replaces it once confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or address changes
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{WAGTAIL_SITE_NAME}] "
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "account_email"
ACCOUNT_LOGOUT_ON_GET = False  # a link must never sign anyone out: logout is a POST
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"  # no CAPTCHA: it would exclude people
ACCOUNT_ADAPTER = "participation.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "participation.accounts.LoginForm",
    "signup": "participation.accounts.SignupForm",
    "add_email": "participation.accounts.ChangeEmailForm",
    "change_password": "participation.accounts.ChangePasswordForm",
    "set_password": "participation.accounts.SetPasswordForm",
    "reset_password": "participation.accounts.ResetPasswordForm",
    "reset_password_from_key": "participation.accounts.ResetPasswordKeyForm",
    "reauthenticate": "participation.accounts.ReauthenticateForm",
}
ACCOUNT_USER_DISPLAY = str  # the display name (participation.User.__str__), never the username

# REST API ----------------------------------------------------------------------------------
# Public data is the same for everyone, so its responses may be cached by proxies. Writing
# (creating a contribution) needs an API key (Authorization: Bearer <key>) or the site's login
# session with its CSRF token. Errors are JSON objects with a `detail` message.
# Rates are "<number>/<second|minute|hour|day>": per client address for anonymous requests,
# per account otherwise; contributions created through the API have a rate of their own.
# API_NUM_PROXIES is how many reverse proxies stand in front of the site (their
# X-Forwarded-For entries are skipped to find the client's address); 0 here, where the site is
# served directly (X-Forwarded-For would be the client's to invent), 1 in production.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "participation.api.authentication.APIKeyAuthentication",
        "participation.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "maps.api.throttling.AnonRateThrottle",
        "maps.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        "contributions": os.environ.get("API_THROTTLE_CONTRIBUTIONS", "30/hour"),
    },
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "maps.api.pagination.PageNumberPagination",
    "EXCEPTION_HANDLER": "maps.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quartier API",
    "DESCRIPTION": (
        "The public data of the platform: consultations, their proposals and published "
        "contributions, groups' statements and the administration's answers, the areas of the "
        "LOR hierarchy, and the open data catalogue's datasets with their files. Places are "
        "GeoJSON in WGS 84 (EPSG:4326); lists are paged with page and page_size (at most 500). "
        "Everything can be read without an account. Creating a contribution needs an API key "
        "from the account page, sent as Authorization: Bearer <key> (or, in a browser, the "
        "site's login session with the CSRF token in X-CSRFToken). Errors are JSON objects "
        "whose detail names the problem; too many requests are answered with 429 and a "
        "Retry-After header. No personal data is published: of a participant, only the name "
        "they chose to show."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["cms.api_urls.api_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api_urls.common_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ResourceKindEnum": "opendata.models.Resource.Kind",
        "LicenceEnum": "opendata.models.Licence",
    },
}

# Open data ---------------------------------------------------------------------------------
# Uploads above this size are refused with HTTP 413 (bytes; default 100 MB).
OPENDATA_MAX_UPLOAD_BYTES = int(os.environ.get("OPENDATA_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
# Versions fetched from a web address: only public addresses, unless ALLOW_PRIVATE is set for
# an intranet data server (never where cloud metadata or internal services are reachable).
# TIMEOUT is the whole fetch, redirects included, in seconds.
OPENDATA_FETCH_ALLOW_PRIVATE = env_bool("OPENDATA_FETCH_ALLOW_PRIVATE")
OPENDATA_FETCH_TIMEOUT = float(os.environ.get("OPENDATA_FETCH_TIMEOUT", "30"))
# The DCAT-AP.de catalogue names its datasets' contributor (the portal that delivers them to
# GovData) with an IRI of http://dcat-ap.de/def/contributors; Berlin's administrations are
# "Berlin Open Data".
OPENDATA_DCAT_CONTRIBUTOR_ID = os.environ.get(
    "OPENDATA_DCAT_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/berlinOpenData"
)
# A consultation's result is published in the data catalogue under this licence (an identifier
# of opendata.models.Licence, DCAT-AP.de's licence list).
RESULT_DATASET_LICENCE = os.environ.get("RESULT_DATASET_LICENCE", "dl-by-de/2.0")
# A group's statement may carry one PDF document of at most this size (bytes; default 10 MB).
STATEMENT_MAX_UPLOAD_BYTES = int(os.environ.get("STATEMENT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Disclosure control for aggregated personal data: counts from 1 to THRESHOLD - 1 are
# suppressed (shown as "."), with secondary suppression against recomputation from totals.
DISCLOSURE_THRESHOLD = int(os.environ.get("DISCLOSURE_THRESHOLD", "3"))

# Maps --------------------------------------------------------------------------------------
# The background map. The site works without it: areas are drawn from our own data, and an
# unreachable tile server only leaves the background blank. An empty URL drops the layer.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende',
)
# Credit for the area outlines drawn on every map (shown on the map and below it).
MAP_DATA_ATTRIBUTION = os.environ.get(
    "MAP_DATA_ATTRIBUTION",
    "Umrisse: Geoportal Berlin / Amt für Statistik Berlin-Brandenburg, dl-de/by-2-0",
)
# Area outlines must lie within these bounds (min lon, min lat, max lon, max lat): a file in
# the wrong coordinate system is caught even when its numbers look like longitude/latitude.
CITY_BOUNDS = tuple(
    float(value) for value in os.environ.get("CITY_BOUNDS", "13.0,52.3,13.8,52.7").split(",")
)
MAP_DEFAULT_CENTER = (52.5186, 13.4081)  # lat, lon (Berlin, Rotes Rathaus)
MAP_DEFAULT_ZOOM = 10
LEAFLET_CONFIG = {
    "TILES": (
        [(_("Base map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})]
        if MAP_TILES_URL
        else []
    ),
    "ATTRIBUTION_PREFIX": '<a href="https://leafletjs.com">Leaflet</a>',
    "DEFAULT_CENTER": MAP_DEFAULT_CENTER,
    "DEFAULT_ZOOM": MAP_DEFAULT_ZOOM,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "SCALE": "metric",
    "NO_GLOBALS": True,
}

# GDAL 3.6 cannot be told to refuse file and network access (gis.W001). Quartier never hands
# GDAL a path, URL or spatial-reference string from outside: GeoJSON is parsed in Python and
# single geometries go to GEOS; an uploaded GeoPackage or Shapefile is opened only from GDAL's
# in-memory filesystem, by its one driver, with network and SQLite extensions switched off
# (opendata/sources/gdal_files.py); coordinate systems are accepted as EPSG numbers only.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Security defaults that hold everywhere ----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
