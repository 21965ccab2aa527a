"""A debt account's ageing, computed from the day it became delinquent."""

from datetime import timedelta

import pytest

from crm.collections import accounts
from crm.models import DebtAccount
from tests.crm.collections.conftest import TODAY


@pytest.mark.parametrize(("days", "bucket"), [
    (None, "current"), (-3, "current"), (0, "current"), (1, "1-30"), (30, "1-30"),
    (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+"), (2000, "90+")])
def test_the_bucket_follows_the_days_past_due(days, bucket):
    since = None if days is None else TODAY - timedelta(days=days)
    age = accounts.ageing(DebtAccount(delinquent_since=since), TODAY)
    assert age.bucket == bucket
    assert age.days_past_due == max(days or 0, 0)
