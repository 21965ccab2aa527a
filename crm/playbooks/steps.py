"""A playbook's steps as submitted: checked, normalised and stored as a version's list.

A step's trigger names the work that completes it by itself:
- `field:claim.<column>` or `field:debt.<column>`: the case's claim / debt holds a value there;
- `document`: a document or attachment was sent to the customer on the case;
- `disposition` or `disposition:<code>`: a call on the case was wrapped up (with that code).
"""

from __future__ import annotations

import re

from crm.admin.checks import Problems
from crm.models.playbooks import STEP_KINDS

MAX_STEPS = 50
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
TRIGGER = re.compile(r"(field:(claim|debt)\.[a-z_]{1,40}|document|disposition(:[a-z0-9_]{1,64})?)")
FIELDS = {
    "claim": ("policy_number", "policy_start", "loss_date", "claim_type",
              "reported_amount_cents", "reserve_cents", "bank_account", "description"),
    "debt": ("validation_notice_sent_on", "validated_on", "delinquent_since",
             "attorney_name", "attorney_phone", "stop_reason"),
}


def checked(raw) -> list[dict]:
    """The steps in order, or Invalid naming each one at fault (steps[2].key, ...)."""
    problems = Problems()
    if not isinstance(raw, list) or not raw:
        problems.add("steps", "Give at least one step.")
        problems.raise_any()
    if len(raw) > MAX_STEPS:
        problems.add("steps", f"At most {MAX_STEPS} steps.")
        problems.raise_any()
    out, seen = [], set()
    for n, item in enumerate(raw):
        at = f"steps[{n}]"
        if not isinstance(item, dict):
            problems.add(at, "A step is an object with a key and a title.")
            continue
        out.append(_step(problems, at, item, seen))
    problems.raise_any()
    return out


def _step(problems: Problems, at: str, item: dict, seen: set) -> dict:
    key = str(item.get("key") or "").strip().lower()
    if not KEY.fullmatch(key):
        problems.add(f"{at}.key", "Use lower-case letters, digits, - and _ (at most 64).")
    elif key in seen:
        problems.add(f"{at}.key", f"The key {key} is used twice.")
    seen.add(key)
    title = " ".join(str(item.get("title") or "").split())
    if not title or len(title) > 200:
        problems.add(f"{at}.title", "A title of 1-200 characters.")
    kind = item.get("kind") or "checklist"
    if kind not in STEP_KINDS:
        problems.add(f"{at}.kind", f"Choose one of: {', '.join(STEP_KINDS)}.")
    required = item.get("required", True)
    if not isinstance(required, bool):
        problems.add(f"{at}.required", "true or false.")
    body = str(item.get("body") or "").strip()
    if len(body) > 4000:
        problems.add(f"{at}.body", "At most 4000 characters.")
    trigger = item.get("trigger") or None
    if trigger is not None and not _trigger_ok(trigger):
        problems.add(f"{at}.trigger", "field:claim.<field>, field:debt.<field>, document, "
                                      "disposition or disposition:<code>.")
    article_id = item.get("article_id")
    if article_id is not None and (isinstance(article_id, bool)
                                   or not isinstance(article_id, int) or article_id < 1):
        problems.add(f"{at}.article_id", "The id of an article.")
    return {"key": key, "title": title, "kind": kind, "required": required, "body": body,
            "trigger": trigger, "article_id": article_id}


def _trigger_ok(trigger) -> bool:
    if not isinstance(trigger, str) or not TRIGGER.fullmatch(trigger):
        return False
    if trigger.startswith("field:"):
        record, column = trigger[6:].split(".")
        return column in FIELDS[record]
    return True
