"""A small OpenID Connect provider for tests, served over real HTTP on localhost.

It serves discovery, JWKS, authorize and token, and signs real RS256 id_tokens (joserfc):
Caseline's side (authlib) is exercised exactly as against a production identity provider.
The test sets who "signs in" next; /authorize approves them without a login page.
"""

from __future__ import annotations

import secrets
import threading
import time
from base64 import b64decode
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "caseline-test", "provider-shared-secret"


@dataclass
class Identity:
    """Who the provider vouches for on the next sign-in."""

    sub: str
    email: str | None
    groups: list[str] = field(default_factory=list)
    email_verified: bool = True


class Provider:
    """The provider's state: its key, the identity to approve next, codes it handed out."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.signing_key = self.key  # a test swaps this for a key the JWKS does not list
        self.identity: Identity | None = None
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.url = ""
        self.app = self._build()

    def _build(self) -> Flask:
        app = Flask("oidc-provider")
        app.add_url_rule("/.well-known/openid-configuration", view_func=self.discovery)
        app.add_url_rule("/jwks", view_func=self.jwks)
        app.add_url_rule("/authorize", view_func=self.authorize)
        app.add_url_rule("/token", view_func=self.token, methods=["POST"])
        return app

    def discovery(self):
        return jsonify({
            "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        })

    def jwks(self):
        return jsonify({"keys": [{**self.key.as_dict(private=False), "kid": "test-key",
                                  "use": "sig", "alg": "RS256"}]})

    def authorize(self):
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return "bad request", 400
        target = args["redirect_uri"]
        if self.identity is None:
            refusal = {"error": "access_denied", "state": args["state"],
                       "error_description": "the user said no"}
            return redirect(f"{target}?{urlencode(refusal)}")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": args.get("nonce"), "identity": self.identity,
                            "redirect_uri": target}
        return redirect(f"{target}?{urlencode({'code': code, 'state': args['state']})}")

    def token(self):
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        user, _, password = b64decode(encoded).decode().partition(":") if encoded else ("", "",
                                                                                        "")
        self.token_requests.append(dict(request.form))
        if scheme != "Basic" or (user, password) != (CLIENT_ID, CLIENT_SECRET):
            return jsonify({"error": "invalid_client"}), 401
        grant = self.codes.pop(request.form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return jsonify({"error": "invalid_grant"}), 400
        who: Identity = grant["identity"]
        now = int(time.time())
        claims = {"iss": self.url, "sub": who.sub, "aud": CLIENT_ID, "iat": now,
                  "exp": now + 300, "nonce": grant["nonce"], "groups": who.groups,
                  "email_verified": who.email_verified}
        if who.email:
            claims["email"] = who.email
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.signing_key)
        return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                        "expires_in": 300, "id_token": id_token})


class Served:
    """The provider on a free localhost port, in a thread, until stopped."""

    def __init__(self, provider: Provider):
        self.server = make_server("127.0.0.1", 0, provider.app, threaded=True)
        provider.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
