"""gunicorn settings for the toolkit's web workers: `gunicorn -c deploy/gunicorn.conf.py`.

Run from the checkout with the same TOOLKIT_* settings as `toolkit worker` (the systemd unit
deploy/systemd/toolkit-web.service does). TOOLKIT_BIND, TOOLKIT_WEB_WORKERS and
TOOLKIT_WEB_THREADS override the defaults below.
"""

import multiprocessing
import os

from toolkit.observability.logs import gunicorn_logconfig


def setting(name: str, default: int) -> int:
    """Read a whole number from the environment, or give the default."""
    value = os.environ.get(name)
    return int(value) if value else default


wsgi_app = "toolkit:create_app()"
# Each worker builds its own app: a preloaded one would share database sockets across forks.
preload_app = False

# Only the reverse proxy on this machine talks to gunicorn (it terminates HTTPS).
bind = [os.environ.get("TOOLKIT_BIND") or "127.0.0.1:8000"]

# Web workers render nothing (the render pool is in `toolkit worker`): 2 per core + 1 keeps the
# cores busy while others wait on the database; 8 at most, as each takes ~160 MB and its own
# database connections (8 workers x 8 threads = 64, under PostgreSQL's default of 100).
workers = setting("TOOLKIT_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))

# Threads, because a download may hold one for TOOLKIT_EXPORT_WAIT_SECONDS (3 s) waiting for its
# first render: with 8, a worker keeps serving pages while a few downloads wait.
worker_class = "gthread"
threads = setting("TOOLKIT_WEB_THREADS", 8)

# The longest request is a lesson's bundle (zip), laid out synchronously within the render pool's
# time limit (TOOLKIT_EXPORT_TIME_LIMIT, 120 s): 30 s more for stamping and zipping. (A gthread
# worker's heartbeat comes from its main loop, so this bounds a stuck worker, not a request.)
timeout = int(float(os.environ.get("TOOLKIT_EXPORT_TIME_LIMIT") or 120)) + 30
# A restart or stop lets a bundle being made finish (systemd's TimeoutStopSec is longer still).
graceful_timeout = timeout
# The proxy reuses its connections to gunicorn: 5 s covers the gap between a page and its assets.
keepalive = 5

# systemd manages the server (reload: HUP); gunicorn 25.1+ would open a control socket in the
# home folder, which the unit keeps read-only.
control_socket_disable = True

# Workers' heartbeat files on a memory file system: a busy disk cannot stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (tmpfs, not /tmp)

# The app writes one line per request (toolkit/observability); gunicorn's access log would repeat
# it, with the query strings the app keeps out of its logs.
accesslog = None
# gunicorn's own lines (workers started, stopped, timed out) as JSON when the app logs JSON.
logconfig_dict = gunicorn_logconfig(os.environ)


def child_exit(server, worker):
    """Drop a dead worker's live gauges from prometheus_client's multiprocess files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Record each web worker for `toolkit check` as it starts, not at its first request."""
    from toolkit.deployment.registry import start_reporting

    start_reporting(worker.wsgi, "web")
