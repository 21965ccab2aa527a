"""Settings from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: console/core/config.py
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'caseline.db'}"


class ConfigError(Exception):
    """The configuration cannot work; the message is one line fit to show an operator."""


@dataclass
class Settings:
    """Everything Caseline reads from the environment, with embedded-mode defaults."""

    env: str = "development"
    secret_key: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    public_base_url: str | None = None
    default_phone_region: str = "US"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_key_sid: str | None = None
    twilio_api_key_secret: str | None = None
    twilio_twiml_app_sid: str | None = None
    twilio_phone_number: str | None = None
    twilio_whatsapp_number: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    smtp_url: str | None = None
    imap_url: str | None = None
    email_from: str = "Caseline <cases@caseline.local>"
    inbound_email_token: str | None = None
    # Single sign-on with OpenID Connect (docs/sign-in.md): off unless a discovery URL is set.
    oidc_discovery_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_groups_claim: str = "groups"
    oidc_role_map: str = ""  # "idp-group=role,other-group=role"
    oidc_create_users: bool = False
    oidc_new_user_clients: str = ""  # client slugs a user created on first sign-in may see
    oidc_label: str = "Sign in with single sign-on"
    instance_path: str = str(ROOT / "instance")
    log_format: str = "text"
    simulator: bool = False
    # "thread" runs tasks in-process after commit, "eager" inline (tests), "celery" via broker.
    tasks_mode: str = "thread"
    # Collections: how short of its amount a promise may be and still be kept, the days after
    # its due day a payment still keeps it, and the settlement discount an agent may give alone.
    collections_promise_tolerance_cents: int = 100
    collections_promise_grace_days: int = 2
    collections_settlement_free_discount_pct: int = 10
    # Red-flag rules: a loss this many days after cover began, this many prior claims within
    # so many days, how alike (0-100) near-matching names and addresses are, and how many
    # active flags recommend a referral.
    fraud_loss_after_start_days: int = 30
    fraud_prior_claims: int = 3
    fraud_prior_claims_days: int = 365
    fraud_match_score: int = 90
    fraud_referral_flags: int = 3
    # Files attached in the composer but never sent are deleted after this many hours.
    upload_max_age_hours: int = 24
    # Risk points per active flag of each rule (crm.fraud.risk; the score is capped at 100).
    fraud_weight_loss_soon_after_cover: int = 30
    fraud_weight_prior_claims: int = 20
    fraud_weight_shared_identifier: int = 30
    fraud_weight_seen_on_confirmed_fraud: int = 40
    fraud_weight_statement_mismatch: int = 15
    extra: dict = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: Socket.IO, tasks and presence live in-process."""
        return not self.redis_url

    @property
    def production(self) -> bool:
        """True under CASELINE_ENV=production."""
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read settings from the environment and check they can work together."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            if f.name in ("extra", "env", "tasks_mode", "simulator", "log_format",
                          "oidc_create_users"):
                continue
            raw = env.get(f.name.upper())
            if raw not in (None, ""):
                values[f.name] = _whole(f.name, raw) if f.type == "int" else raw
        values["env"] = env.get("CASELINE_ENV", "development")
        values["log_format"] = env.get("LOG_FORMAT", "json" if values["env"] == "production"
                                       else "text")
        values["simulator"] = env.get("CASELINE_SIMULATOR", "") in ("1", "true", "yes")
        values["oidc_create_users"] = env.get("OIDC_CREATE_USERS", "") in ("1", "true", "yes")
        settings = cls(**values)
        settings.tasks_mode = env.get("CASELINE_TASKS", "thread" if settings.embedded else "celery")
        settings.validate(explicit_database="DATABASE_URL" in env)
        return settings

    def validate(self, explicit_database: bool = True) -> None:
        """Raise ConfigError for settings that cannot work."""
        if self.production:
            if not self.secret_key:
                raise ConfigError("SECRET_KEY must be set when CASELINE_ENV=production")
            if len(self.secret_key) < 32:
                raise ConfigError("SECRET_KEY must be at least 32 characters in production")
            if not explicit_database:
                raise ConfigError("DATABASE_URL must be set when CASELINE_ENV=production")
            if not self.public_base_url:
                raise ConfigError("PUBLIC_BASE_URL must be set when CASELINE_ENV=production")
        if self.fraud_match_score > 100:
            raise ConfigError("FRAUD_MATCH_SCORE must be at most 100 (a percentage)")
        if self.oidc_discovery_url and not (self.oidc_client_id and self.oidc_client_secret):
            raise ConfigError("OIDC_DISCOVERY_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET")
        if self.tasks_mode not in ("thread", "eager", "celery"):
            raise ConfigError("CASELINE_TASKS must be one of thread, eager, celery")
        if self.tasks_mode == "celery" and not self.redis_url:
            raise ConfigError("CASELINE_TASKS=celery needs REDIS_URL (the broker)")
        if not self.secret_key:
            # Development only: a per-instance key kept under instance/ so sessions survive
            # restarts without anyone committing a secret.
            self.secret_key = _instance_secret(Path(self.instance_path))

    def flask_config(self) -> dict:
        """The subset Flask and its extensions read."""
        return {
            "SECRET_KEY": self.secret_key,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.production,
            "REMEMBER_COOKIE_SECURE": self.production,
            "WTF_CSRF_CHECK_DEFAULT": False,
            "WTF_CSRF_TIME_LIMIT": None,
            # Every form and JSON body fits in far less; the two routes that take more (inbound
            # email, the composer's email) raise it for themselves (console.core.inputs).
            "MAX_CONTENT_LENGTH": 1024 * 1024,
            "JSON_SORT_KEYS": False,
        }


def _whole(name: str, raw: str) -> int:
    if not raw.strip().isdigit():
        raise ConfigError(f"{name.upper()} must be a whole number of 0 or more")
    return int(raw)


def _instance_secret(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
