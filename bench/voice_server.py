"""The console as served, plus one bench-only route: a bare Socket.IO emit (the baseline)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from flask import request

from console.app import create_app
from console.extensions import socketio
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
        socketio.emit(BARE_EVENT, {"n": body["n"], "at": datetime.now(UTC).isoformat()},
                      to=user_room(int(body["user_id"])), namespace=AGENT_NS)
        return "", 204

    import atexit, signal, statistics, sys, time
    from flask import g
    from crm import events
    marks = {"pre": [], "pop": [], "post": [], "bare_pre": [], "bare_emit": []}
    @app.before_request
    def _t0():
        g.t0 = time.perf_counter()
    orig_emit = socketio.emit
    def emit(name, *a, **k):
        if name in ("offer.created", "bench.ping"):
            try:
                marks["pop" if name == "offer.created" else "bare_emit"].append((time.perf_counter() - g.t0) * 1000)
            except Exception:
                pass
        return orig_emit(name, *a, **k)
    socketio.emit = emit
    import console.voice
    console.voice.socketio = socketio
    def dump(*_):
        with open("/tmp/perfprof/server_marks.txt", "w") as f:
            for k, v in marks.items():
                if v:
                    v = sorted(v)
                    f.write(f"{k}: n={len(v)} p50={statistics.median(v):.2f} p90={v[int(len(v)*.9)]:.2f} p99={v[int(len(v)*.99)-1]:.2f}\n")
        sys.exit(0)
    import collections, importlib
    acc = collections.defaultdict(list)
    def wrap(modname, fname):
        mod = importlib.import_module(modname); f = getattr(mod, fname)
        def w(*a, **k):
            t = time.perf_counter()
            try: return f(*a, **k)
            finally: acc[f"{modname}.{fname}"].append((time.perf_counter() - t) * 1000)
        setattr(mod, fname, w)
    for m, f in [("crm.calls", "land_inbound"), ("crm.calls", "queue_for"), ("crm.tenancy", "client_and_case"), ("crm.timeline", "record"),
                 ("crm.offers", "open_offer"), ("crm.routing", "route"), ("console.voice", "pop_parts"), ("crm.offers", "digest"),
                 ("console.voice", "screen_pop"), ("channels.twilio.signature", "is_valid"), ("channels.voice.twiml", "enqueue")]:
        wrap(m, f)
    importlib.import_module("crm.inbound").tenancy = importlib.import_module("crm.tenancy")
    from sqlalchemy.orm import Session
    oc = Session.commit
    def commit(self):
        t = time.perf_counter()
        try: return oc(self)
        finally: acc["Session.commit"].append((time.perf_counter() - t) * 1000)
    Session.commit = commit
    def dump2(*_):
        with open("/tmp/perfprof/server_sections.txt", "w") as f:
            for k, v in sorted(acc.items(), key=lambda kv: -sum(kv[1])):
                f.write(f"{k}: n={len(v)} median={statistics.median(v):.3f} mean={statistics.mean(v):.3f}\n")
        dump()
    signal.signal(signal.SIGTERM, dump2)
    run(app, "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
