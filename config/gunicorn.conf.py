"""gunicorn settings of `make serve` (ADR 0013), read from the environment.

HOST, PORT: where to listen (127.0.0.1:8000; a reverse proxy in front terminates HTTPS).
WEB_CONCURRENCY: worker processes (default 2 x cores + 1).
GUNICORN_TIMEOUT: seconds before a silent worker is restarted (default 60).
GUNICORN_MAX_REQUESTS: requests before a worker is recycled (default 2000, with 10 % jitter).
GUNICORN_CONTROL_SOCKET: path of the control socket for `gunicornc` (default: none).
The access log goes through Python logging, so personal links (survey tokens) are redacted by
``tierslieux.core.logging.RedactSecretsFilter`` like every other log line.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Recycle workers now and then (bounded memory growth), not all at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Leave the forwarded headers to Django (TRUSTED_PROXY_COUNT, SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "tierslieux.core.logging.RedactSecretsFilter"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact_secrets"],
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["redact_secrets"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}

# gunicorn's control socket (`gunicornc`) defaults to one path per user ($HOME/.gunicorn), which
# two servers of one machine (two checkouts, the tests) would share: off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
