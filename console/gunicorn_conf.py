"""gunicorn settings of `caseline serve` in production (read by gunicorn, not imported by us).

One gevent worker per web process: each socket is a greenlet, not one of a fixed pool of
threads, so thousands of idle agent sockets leave HTTP free (docs/production.md has the
measurement behind the choice). Flask-SocketIO needs exactly one worker per process; scale
with more processes behind nginx's sticky ip_hash and the Redis message queue.
"""

import os

bind = os.environ.get("CASELINE_BIND", "127.0.0.1:5000")
workers = 1
# gthread (100 threads) only to measure the old model against it (bench/bench_sockets.py).
worker_class = os.environ.get("CASELINE_WORKER_CLASS", "gevent")
threads = 100
# Open connections one process holds at once: agent sockets, unauthenticated sockets and
# requests together (the budget is 2,000 agents plus headroom).
worker_connections = int(os.environ.get("CASELINE_WORKER_CONNECTIONS", "5000"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = None
errorlog = "-"
# Several web processes share a host (and tests run many): no per-user control socket.
control_socket_disable = True
