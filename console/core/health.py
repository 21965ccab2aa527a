"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from console.core.config import ConfigError
from console.core.database import get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """The database (and Redis, when configured) answer."""
    checks: dict[str, str] = {}
    try:
        get_db().check()
        checks["database"] = "ok"
    except ConfigError as exc:
        checks["database"] = str(exc)
    redis_url = current_app.config["CASELINE"].redis_url
    if redis_url:
        checks["redis"] = _redis_status(redis_url)
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )


def _redis_status(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except redis.RedisError as exc:
        return f"cannot reach Redis: {exc}"
