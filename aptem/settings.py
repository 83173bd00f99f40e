"""Settings for the learner portal, read from environment variables.

Development works with no environment at all (SQLite, console email, DEBUG on). Production sets
DJANGO_DEBUG=false, which makes DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS mandatory and turns on
every secure-transport setting. The README lists every variable.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    # A fixed key is acceptable only because DEBUG deployments never face the internet.
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "treebeard",
    "auditlog",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "aptem",
    "users",
    "audit",
    "programmes",
    "crm",
    "activity",
    "documents",
    "signing",
    "reporting",
    "compliance",
    "reviews",
    "trackers",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aptem.query_guard.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user as verified once a one-time code from a device has been accepted.
    "django_otp.middleware.OTPMiddleware",
    # The user itself on request.user rather than a lazy stand-in (hundreds of reads a page).
    "aptem.middleware.concrete_user_middleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After LoginRequiredMiddleware: a user with two-factor sign-in who has not yet given a code
    # (or an administrator who must set it up) reaches only the pages that finish signing in.
    "users.two_factor.TwoFactorMiddleware",
    # After authentication, so it knows whether the response may carry personal data.
    "aptem.middleware.private_no_store_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # One correlation id per request, so the trail shows the entries of one save together.
    "audit.middleware.correlation_middleware",
    # After authentication, so every audit entry written during the request carries the actor.
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as axes requires: turns a sign-in refused for a locked account into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aptem.urls"
WSGI_APPLICATION = "aptem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# A kept connection is checked before a request reuses it, so a database restart or a dropped
# connection costs one quick reconnect, not a failed request. No cost while CONN_MAX_AGE is 0.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Production on PostgreSQL: psycopg's pool (Django's "pool" option) in each web process, so a
# request does not pay a new connection (about 10 ms, most of a trivial page's time). Each
# gunicorn sync worker serves one request at a time, so a small pool per process is enough;
# README "Production" sizes it against --workers and max_connections. 0 (the default) is off.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if DATABASE_POOL_MAX_SIZE:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL_MAX_SIZE needs a PostgreSQL DATABASE_URL.")
    if DATABASES["default"]["CONN_MAX_AGE"]:
        # Django refuses both at once: the pool already keeps the connections.
        raise ImproperlyConfigured("Set DATABASE_POOL_MAX_SIZE or DATABASE_CONN_MAX_AGE, not both.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env.int("DATABASE_POOL_MIN_SIZE", default=1), DATABASE_POOL_MAX_SIZE),
        "max_size": DATABASE_POOL_MAX_SIZE,
        # A request waiting longer than this for a free connection fails (a 500) rather than
        # hanging until gunicorn's 30-second timeout kills the worker.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        # Connections are replaced after an hour, and closed after 10 idle minutes above
        # min_size, so a quiet night gives connections back to PostgreSQL.
        "max_lifetime": 3600.0,
        "max_idle": 600.0,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # First, as axes requires: refuses a locked account before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "users.backends.PortalBackend",
]
LOGIN_URL = "login"
# "/" sends each user to their start page (users.access.start_page); the sign-in views use
# that directly.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An expired or missing CSRF token explained in the portal's layout (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "aptem.views.csrf_failure"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "aptem.validators.PasswordComplexityValidator"},
    {"NAME": "aptem.validators.PasswordContainsNameValidator"},
]

# Sessions: server-side, HttpOnly, end when the browser closes and after 8 hours at most.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True

# Lockout (django-axes): this many wrong passwords for one account from one address lock that
# account from that address for the cool-off time; a Supervisor can unlock it from the profile.
# Keyed on account and address together, so a typo-prone colleague on the office network does
# not lock everyone else out, and an attacker elsewhere cannot lock out a real user.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("PORTAL_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's field, which LoginForm has already lower-cased (emails are case-blind).
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "users.lockout.lockout_response"
# A failure during the lock would otherwise restart the cool-off: the page says when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "users.lockout.client_address"
# Behind a proxy (DJANGO_BEHIND_PROXY=true) the client's address is the one the proxy appended
# to X-Forwarded-For; otherwise every user would share the proxy's address.
CLIENT_ADDRESS_FROM_PROXY = False

# Two-factor sign-in (django-otp): TOTP from an authenticator app plus one-time recovery codes.
# True sends every administrator without an authenticator app to set one up before anything else.
PORTAL_REQUIRE_2FA_FOR_ADMINS = env.bool("PORTAL_REQUIRE_2FA_FOR_ADMINS", default=False)
OTP_TOTP_ISSUER = env("PORTAL_2FA_ISSUER", default="Learner portal")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Uploaded files are private: stored outside the web root and served only through views that
# check access, so there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# The largest upload accepted for a learner's document (mandates and later kinds), in bytes.
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Office and OpenDocument files are zip archives: what one may expand to when opened, and how
# much one part may compress (real documents stay far below both; zip bombs do not).
DOCUMENT_MAX_UNCOMPRESSED_BYTES = env.int(
    "DOCUMENT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
DOCUMENT_MAX_COMPRESSION_RATIO = env.int("DOCUMENT_MAX_COMPRESSION_RATIO", default=200)

# Files at scale (README: Storing files in S3): with S3_BUCKET set, documents, evidence, ILR
# imports and exports go to that bucket (AWS S3 or any S3-compatible service) instead of
# MEDIA_ROOT; static files stay on WhiteNoise. The objects stay private: no ACL of their own (the
# bucket's, which must block public access), no public URL; downloads still pass through the
# views that check access and log them. Without keys boto3 uses its own chain (an instance role).
S3_BUCKET = env("S3_BUCKET", default="")
# Answer a download, after the access check and the log, with a signed URL valid for
# S3_URL_EXPIRE_SECONDS instead of streaming the file through the web process.
S3_DOWNLOAD_REDIRECT = bool(S3_BUCKET) and env.bool("S3_DOWNLOAD_REDIRECT", default=False)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default="").strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE_SECONDS", default=60),
            # A second file of the same name gets a name of its own, as on the filesystem.
            "file_overwrite": False,
            # A download is fetched whole before it is streamed: past this size it is spooled
            # to a temporary file rather than held in the web process's memory.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@example.org")
# Where links in emails sent by background jobs point (a task has no request to ask): the
# address people use to reach the portal. Invitations sent from a page use that page's address.
SITE_URL = env("SITE_URL", default="http://localhost:8000")
# Seconds a worker waits on the mail server: a send ends (and is retried) well within
# TASKS_STALLED_AFTER instead of hanging its worker (Django's default is to wait for ever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# A temporary mail failure (server down, timeout, 4xx reply) is tried again this much later.
EMAIL_RETRY_DELAY = datetime.timedelta(seconds=env.int("EMAIL_RETRY_DELAY_SECONDS", default=60))

# Audit: every learner-related change goes to audit.AuditEntry (see audit/models.py).
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The request's (or service run's) own id, not a client-sent header: see audit/context.py.
AUDITLOG_CID_GETTER = "audit.context.current_cid"
AUDITLOG_INCLUDE_ALL_MODELS = False

# Content security policy: no inline scripts or styles anywhere, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("DJANGO_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        CLIENT_ADDRESS_FROM_PROXY = True

# The provider's own details, used on documents and in ILR files.
PROVIDER_NAME = env("PROVIDER_NAME", default="Demo Training Provider")
PROVIDER_UKPRN = env("PROVIDER_UKPRN", default="99999999")

# Electronic signatures (signing app, docs in README): links work SIGNING_LINK_DAYS days; the
# final PDF is sealed with the provider's PKCS#12 certificate SIGNING_CERT_FILE (its password
# SIGNING_CERT_PASSWORD). Without one a self-signed development certificate is made on first use
# in SIGNING_DEV_CERT_DIR and reused (a warning is logged when DEBUG is off).
SIGNING_LINK_DAYS = env.int("SIGNING_LINK_DAYS", default=14)
SIGNING_CERT_FILE = env("SIGNING_CERT_FILE", default="")
SIGNING_CERT_PASSWORD = env("SIGNING_CERT_PASSWORD", default="")
SIGNING_DEV_CERT_DIR = env.path("SIGNING_DEV_CERT_DIR", default=BASE_DIR / "var" / "signing")

# Background work (Django's task framework through the django-tasks backport): queued in the
# database and run by `manage.py db_worker` (`make run` starts one). TASKS_IMMEDIATE runs every
# task inside the code that queues it, with no worker (tests about something else).
if env.bool("TASKS_IMMEDIATE", default=False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# One policy for every background job (ILR export and import, file exports, emails): a running
# job whose worker has recorded no heartbeat for TASKS_STALLED_AFTER lost its worker; it is
# started again until it has been started TASKS_MAX_ATTEMPTS times, then failed with the reason.
TASKS_STALLED_AFTER = datetime.timedelta(minutes=env.int("TASKS_STALLED_AFTER_MINUTES", default=3))
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=3)

# Scale-out: with REDIS_URL set, tasks wait in Redis for RQ workers (`manage.py rqworker default`,
# any number on any number of machines), and the cache and sessions live on the same Redis, so
# every web process shares them. Without it: database queue, local-memory cache, DB sessions.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    if not env.bool("TASKS_IMMEDIATE", default=False):
        TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            # RQ stops a job after this long (its default, 3 minutes, would cut big ILR imports
            # and exports short); a worker that vanishes is caught sooner by the job's heartbeat.
            "DEFAULT_TIMEOUT": env.int("TASKS_RQ_JOB_TIMEOUT_MINUTES", default=120) * 60,
        }
    }
    # RQ workers must run django-tasks' own job class, which calls the task's function.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    # No RQ dashboard in the Django admin: it shows jobs' arguments and tracebacks outside the
    # portal's access rules (ScopedAdmin); the jobs' own pages show their progress and failures.
    RQ_SHOW_ADMIN_LINK = False
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Apart from RQ's own "rq:" keys in the same database.
            "KEY_PREFIX": "portal",
        }
    }
    # Sessions read from Redis and written through to the database, so a Redis restart signs
    # nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Long lists (the Users page) count their rows up to this many, then say "more than" and page by
# cursors (aptem.pagination.paginate_capped): an exact count of a broad search at a million
# learners would cost more than the page itself.
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=10_000)

# How long the small lists many pages draw (programmes, case owners, all groups) are kept in the
# cache (aptem/shared_lists.py). They are forgotten as soon as one of their rows changes; this
# bounds how long another process without the shared Redis cache may draw an older list.
SHARED_LISTS_SECONDS = env.int("SHARED_LISTS_SECONDS", default=300)

# CSV exports (reporting app): one of at most EXPORT_INLINE_MAX_ROWS rows streams in the request;
# a larger one is written to a file by a task (a request must never outlast gunicorn's timeout
# and arrive cut), kept for EXPORT_FILE_DAYS, then deleted.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
EXPORT_FILE_DAYS = env.int("EXPORT_FILE_DAYS", default=7)

# A batch of mandates (Users page, Mandates (PDF)) renders one PDF per learner in a task; a search
# with more learners than this is refused and must be narrowed.
PDF_BATCH_MAX_LEARNERS = env.int("PDF_BATCH_MAX_LEARNERS", default=2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Axes logs every attempt at INFO; its warnings (failures, lockouts) are the useful part.
    "loggers": {"axes": {"level": "WARNING"}},
}
