"""gunicorn's settings for Assure (assure-web.service passes `-c` with this
file): gunicorn's own lines (starting, a worker restarting or timing out)
in the format Assure's lines use, so that with ASSURE_LOG_FORMAT=json every
line of the journal is one JSON object. The address and workers stay in
GUNICORN_CMD_ARGS, which is per server."""

import os

from core.logs import logging_config

logconfig_dict = logging_config(
    log_format=os.environ.get("ASSURE_LOG_FORMAT", "text").strip().lower() or "text",
    level=os.environ.get("LOG_LEVEL", "INFO"),
)
# gunicorn's own loggers write through Assure's handler rather than their own;
# its access log stays off (Assure's request log says more, with the id).
logconfig_dict["loggers"].update(
    {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    }
)
