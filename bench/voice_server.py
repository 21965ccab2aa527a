"""The console as served, plus one bench-only route: a bare Socket.IO emit (the baselines)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from flask import request

from console.app import create_app
from console.core.extensions import socketio
from console.realtime.rooms import AGENT_NS, user_room
from console.server import run

BARE_EVENT = "bench.ping"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app()

    @app.post("/bench/emit")
    def bare_emit():
        body = request.get_json()
        # To one agent, or to a room (the fan-out bench pads the payload to the real size).
        to = body.get("room") or user_room(int(body["user_id"]))
        socketio.emit(BARE_EVENT, {"n": body["n"], "at": datetime.now(UTC).isoformat(),
                                   "pad": "x" * int(body.get("pad", 0))},
                      to=to, namespace=AGENT_NS)
        return "", 204

    run(app, "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
