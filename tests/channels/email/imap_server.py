"""A small in-process IMAP4rev1 server: just enough of RFC 3501 for imaplib and our poller."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Callable

_COMMAND = re.compile(rb"^(\S+) (?:UID )?(\S+)(?: (.*))?$", re.IGNORECASE)


class Mailbox:
    """Messages with UIDs and flags, and a log of what the client did."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.messages: dict[int, bytes] = {}
        self.flags: dict[int, set[str]] = {}
        self.log: list[tuple] = []
        self.on_store: Callable[[int], None] | None = None
        self.lock = threading.Lock()

    def add(self, raw: bytes) -> int:
        uid = max(self.messages, default=100) + 1
        self.messages[uid] = raw
        self.flags[uid] = set()
        return uid

    def seen(self, uid: int) -> bool:
        return "\\Seen" in self.flags[uid]


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        box: Mailbox = self.server.mailbox
        self.send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test IMAP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            match = _COMMAND.match(line.rstrip(b"\r\n"))
            if not match:
                self.send(b"* BAD unparseable")
                continue
            tag, verb, args = match.group(1), match.group(2).upper(), match.group(3) or b""
            if not self.dispatch(box, tag, verb, args):
                return

    def dispatch(self, box, tag, verb, args) -> bool:
        if verb == b"CAPABILITY":
            self.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN")
        elif verb == b"LOGIN":
            user, password = (a.strip(b'"').decode() for a in args.split(b" ", 1))
            if (user, password) != (box.user, box.password):
                self.send(tag + b" NO [AUTHENTICATIONFAILED] bad credentials")
                return True
        elif verb == b"SELECT":
            self.send(b"* %d EXISTS" % len(box.messages))
            self.send(b"* FLAGS (\\Seen)")
            self.send(tag + b" OK [READ-WRITE] SELECT completed")
            return True
        elif verb == b"SEARCH":
            with box.lock:
                unseen = [str(u).encode() for u in sorted(box.messages) if not box.seen(u)]
            self.send(b"* SEARCH " + b" ".join(unseen))
        elif verb == b"FETCH":
            uid = int(args.split(b" ", 1)[0])
            raw = box.messages[uid]
            box.log.append(("fetch", uid))
            self.wfile.write(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (uid, uid, len(raw)))
            self.wfile.write(raw + b")\r\n")
        elif verb == b"STORE":
            uid = int(args.split(b" ", 1)[0])
            if box.on_store:
                box.on_store(uid)
            with box.lock:
                box.flags[uid].add("\\Seen")
            box.log.append(("seen", uid))
            self.send(b"* %d FETCH (UID %d FLAGS (\\Seen))" % (uid, uid))
        elif verb == b"LOGOUT":
            self.send(b"* BYE logging out")
            self.send(tag + b" OK LOGOUT completed")
            return False
        else:
            self.send(tag + b" BAD unknown command")
            return True
        self.send(tag + b" OK " + verb + b" completed")
        return True

    def send(self, data: bytes) -> None:
        self.wfile.write(data + b"\r\n")
        self.wfile.flush()


class ImapServer(socketserver.ThreadingTCPServer):
    """Serve one Mailbox on a free localhost port."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        box = self.mailbox
        return f"imap://{box.user}:{box.password}@127.0.0.1:{self.server_address[1]}/INBOX"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
