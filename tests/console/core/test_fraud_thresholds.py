"""The red-flag rules' thresholds come from the environment."""

from datetime import date

import pytest

from console.core.config import ConfigError, Settings
from console.fraud.wiring import thresholds
from crm.fraud import flags
from crm.fraud.rules import Thresholds
from tests.fraud_support import claim, person


def test_thresholds_are_read_from_the_environment(tmp_path):
    settings = Settings.from_env({"FRAUD_LOSS_AFTER_START_DAYS": "7", "FRAUD_PRIOR_CLAIMS": "2",
                                  "FRAUD_REFERRAL_FLAGS": "5", "INSTANCE_PATH": str(tmp_path)})
    t = thresholds(settings)
    assert (t.loss_after_start_days, t.prior_claims, t.prior_claims_days, t.match_score,
            t.referral_flags) == (7, 2, 365, 90, 5)
    with pytest.raises(ConfigError, match="FRAUD_MATCH_SCORE"):
        Settings.from_env({"FRAUD_MATCH_SCORE": "101", "INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError, match="FRAUD_PRIOR_CLAIMS"):
        Settings.from_env({"FRAUD_PRIOR_CLAIMS": "three", "INSTANCE_PATH": str(tmp_path)})


def test_a_stricter_threshold_changes_what_fires(session, default_client):
    _, case = person(session, default_client.id, "Ike Strict")
    claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 11))
    assert [f.rule for f in flags.active_flags(session, case.id)] == ["loss_soon_after_cover"]
    flags.evaluate(session, case.id, Thresholds(loss_after_start_days=7))
    session.commit()
    assert flags.active_flags(session, case.id) == []


def test_risk_weights_are_read_from_the_environment(tmp_path):
    settings = Settings.from_env({"FRAUD_WEIGHT_SHARED_IDENTIFIER": "50",
                                  "FRAUD_WEIGHT_STATEMENT_MISMATCH": "0",
                                  "INSTANCE_PATH": str(tmp_path)})
    t = thresholds(settings)
    assert (t.weight("shared_identifier"), t.weight("statement_mismatch"),
            t.weight("loss_soon_after_cover"), t.weight("no_such_rule")) == (50, 0, 30, 0)
    with pytest.raises(ConfigError, match="FRAUD_WEIGHT_PRIOR_CLAIMS"):
        Settings.from_env({"FRAUD_WEIGHT_PRIOR_CLAIMS": "-5", "INSTANCE_PATH": str(tmp_path)})
