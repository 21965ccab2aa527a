"""Demo timelines: episodes of calls, texts, WhatsApp, email threads, chats, notes and events."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from console.demo.data.people import OUR_EMAILS, OUR_NUMBERS, Person
from console.demo.data.work import CaseWork
from crm.fraud import visibility

# How often each kind of episode happens, per line of work.
EPISODE_WEIGHTS = {
    "insurance": {"call": 26, "sms": 12, "whatsapp": 14, "email": 22, "chat": 8, "note": 12,
                  "system": 6},
    "fraud": {"call": 30, "sms": 14, "whatsapp": 6, "email": 16, "chat": 4, "note": 22,
              "system": 8},
    "collections": {"call": 34, "sms": 24, "whatsapp": 12, "email": 10, "chat": 4, "note": 10,
                    "system": 6},
}
DISPOSITIONS = {
    "insurance": ["claim_update", "documents_requested", "fnol_taken", "assessor_booked",
                  "payout_explained"],
    "fraud": ["verification_passed", "verification_failed", "card_blocked", "escalated",
              "statement_taken"],
    "collections": ["promise_to_pay", "payment_taken", "refused_to_pay", "callback_requested",
                    "hardship_noted", "wrong_party"],
}
CALL_SUMMARIES = {
    "insurance": ["Customer asked when the assessor will visit about {claim}.",
                  "Explained the excess on {claim} and what the policy covers.",
                  "Took first notice of loss; photos to follow by WhatsApp.",
                  "Confirmed the repair quote for {claim} was received."],
    "fraud": ["Customer does not recognise three card payments; card blocked.",
              "Verified identity with security questions; statement taken for the review.",
              "Customer reports a call from someone claiming to be the bank.",
              "Explained how long the review takes; no new transactions."],
    "collections": ["Discussed the balance on {account} with {creditor}; promise to pay {amount}.",
                    "Customer lost their job; noted hardship, offered a payment plan.",
                    "Payment of {amount} taken over the phone on {account}.",
                    "Customer disputes the amount on {account}; evidence requested."],
}
CUSTOMER_TEXTS = {
    "insurance": ["Hi, any news on my claim {claim}?", "I've sent the photos of the damage.",
                  "The assessor didn't show up today.", "Thanks, the payment came through!",
                  "Can you call me after 5pm please?"],
    "fraud": ["I didn't make that payment!", "Is my card still blocked?",
              "Someone called me saying they were from your bank, is that real?",
              "I've changed all my passwords.", "When will I get my money back?"],
    "collections": ["I can pay {amount} on Friday.", "Can we set up a plan? Money is tight.",
                    "I already paid this last month.", "Please stop calling me at work.",
                    "Payment done, reference attached."],
}
AGENT_TEXTS = {
    "insurance": ["Hi {first}, your claim {claim} is with the assessor; we'll update you soon.",
                  "Please send photos of the damage and the repair quote.",
                  "Your payout for {claim} has been approved.",
                  "Reminder: the assessor visits tomorrow between 9 and 12."],
    "fraud": ["Hi {first}, we blocked your card to protect you. Please call us back.",
              "We will never ask for your PIN or one-time password.",
              "Your new card is on its way.", "Our review of your report is in progress."],
    "collections": ["Hi {first}, a reminder of your promised payment of {amount} due {due}.",
                    "Thanks {first}, we received your payment on {account}.",
                    "Please call us about your account with {creditor}.",
                    "Your payment plan is set up: {amount} monthly."],
}
EMAIL_SUBJECTS = {
    "insurance": ["Your claim {claim}", "Documents needed for {claim}", "Assessor appointment",
                  "Claim settlement letter"],
    "fraud": ["Security alert on your account", "Your statement for our review",
              "Your replacement card", "Please verify recent activity"],
    "collections": ["Your account {account}", "Payment plan confirmation",
                    "Statement of account from {creditor}", "Dispute received"],
}
NOTES = {
    "insurance": ["Reviewed photos; damage consistent with the description.",
                  "Excess waived per supervisor approval.", "Assessor report uploaded."],
    "fraud": ["Device fingerprint matches a known mule network.",
              "Customer voice matched previous calls; low risk.",
              "Do not discuss investigation details with third parties."],
    "collections": ["Income and expense form completed; plan affordable.",
                    "Customer asked not to be called at work before 17:00.",
                    "Third party answered; did not disclose the debt."],
}
SYSTEM_EVENTS = ["Case assigned to {agent_name}", "Priority changed to high",
                 "Customer record updated", "SMS opt-out recorded", "Consent for WhatsApp saved",
                 "Callback scheduled", "Case reopened after new contact"]


class HistoryMaker:
    """Generates interaction rows for one case from the shared seeded generator."""

    def __init__(self, rng: random.Random, now: datetime, client_id: int,
                 staff: dict[str, int], staff_names: dict[int, str]):
        self.rng, self.now, self.client_id = rng, now, client_id
        self.staff, self.staff_names = staff, staff_names

    def rows(self, case_id: int, person: Person, work: CaseWork) -> Iterator[dict]:
        """At least person.size interactions, oldest first, spread over the customer's years."""
        rng, episodes, total = self.rng, [], 0
        while total < person.size:
            line = rng.choice(person.lines)
            weights = EPISODE_WEIGHTS[line]
            kind = rng.choices(list(weights), list(weights.values()))[0]
            items = getattr(self, f"_{kind}")(person, work, line)
            episodes.append(items)
            total += len(items)
        span = (self.now - timedelta(hours=2) - person.since).total_seconds()
        starts = sorted(rng.random() for _ in episodes)
        latest = self.now - timedelta(minutes=1)
        for start, items in zip(starts, episodes, strict=True):
            at = person.since + timedelta(seconds=start * span)
            # Contact happens in working hours of the customer's day, roughly.
            at = at.replace(hour=rng.randint(7, 19), minute=rng.randint(0, 59))
            # An episode that would run into the future happened just before now instead.
            at = min(at, latest - timedelta(minutes=items[-1][0]))
            for minutes, fields in items:
                yield self._row(case_id, at + timedelta(minutes=minutes), fields)

    def _row(self, case_id: int, when: datetime, f: dict) -> dict:
        return {"client_id": self.client_id, "case_id": case_id, "medium": f["medium"],
                "direction": f["direction"], "status": f["status"],
                "provider_id": f.get("provider_id"), "thread_key": f.get("thread_key"),
                "subject": f.get("subject"), "body": f.get("body", ""),
                "from_addr": f.get("from_addr"), "to_addr": f.get("to_addr"),
                "agent_id": f.get("agent_id"), "disposition": f.get("disposition"),
                "duration_seconds": f.get("duration_seconds"), "status_seq": -1,
                "meta": f.get("meta", {}), "occurred_at": when, "created_at": when,
                "updated_at": when}

    # Episodes: lists of (minutes after the episode starts, interaction fields).

    def _call(self, p: Person, w: CaseWork, line: str) -> list:
        rng = self.rng
        inbound = rng.random() < 0.5
        agent = self._agent(line)
        answered = inbound or rng.random() < 0.6
        ours, theirs = OUR_NUMBERS[line], self._phone(p)
        fields = {"medium": "voice", "direction": "inbound" if inbound else "outbound",
                  "provider_id": "CA" + self._hex(), "agent_id": agent,
                  "from_addr": theirs if inbound else ours, "to_addr": ours if inbound else theirs}
        if answered:
            fields.update(status="completed", duration_seconds=int(rng.lognormvariate(5.5, 0.8)),
                          disposition=rng.choice(DISPOSITIONS[line]),
                          body=self._fill(rng.choice(CALL_SUMMARIES[line]), p, w))
        else:
            fields.update(status=rng.choice(["no-answer", "busy", "no-answer"]),
                          duration_seconds=0,
                          disposition=rng.choice(["no_answer", "voicemail_left"]))
        items = [(0, fields)]
        if answered and rng.random() < 0.45:
            items.append((rng.randint(3, 12), self._note_fields(p, w, line, agent)))
        return items

    def _sms(self, p: Person, w: CaseWork, line: str) -> list:
        return self._messages("sms", p, w, line, self._phone(p), OUR_NUMBERS[line],
                              self.rng.randint(1, 4))

    def _whatsapp(self, p: Person, w: CaseWork, line: str) -> list:
        return self._messages("whatsapp", p, w, line, "whatsapp:" + self._phone(p),
                              "whatsapp:" + OUR_NUMBERS[line], self.rng.randint(2, 6))

    def _messages(self, medium, p, w, line, theirs, ours, count) -> list:
        rng, agent = self.rng, self._agent(line)
        inbound, items, minute = rng.random() < 0.5, [], 0
        for _ in range(count):
            text = rng.choice(CUSTOMER_TEXTS[line] if inbound else AGENT_TEXTS[line])
            out_status = "read" if medium == "whatsapp" else "delivered"
            items.append((minute, {
                "medium": medium, "direction": "inbound" if inbound else "outbound",
                "status": "received" if inbound else rng.choice([out_status] * 9 + ["failed"]),
                "provider_id": "SM" + self._hex(), "body": self._fill(text, p, w),
                "from_addr": theirs if inbound else ours, "to_addr": ours if inbound else theirs,
                "agent_id": None if inbound else agent}))
            inbound = not inbound
            minute += rng.randint(1, 90)
        return items

    def _email(self, p: Person, w: CaseWork, line: str) -> list:
        rng, agent = self.rng, self._agent(line)
        email = p.email
        if email is None:
            return self._sms(p, w, line)
        subject = self._fill(rng.choice(EMAIL_SUBJECTS[line]), p, w)
        root = f"<{self._hex()[:20]}@mail.caseline.demo>"
        inbound, items, minute = rng.random() < 0.4, [], 0
        for k in range(rng.randint(1, 4)):
            msg_id = root if k == 0 else f"<{self._hex()[:20]}@mail.caseline.demo>"
            text = rng.choice(CUSTOMER_TEXTS[line] if inbound else AGENT_TEXTS[line])
            body = f"Dear {'team' if inbound else p.name.split()[0]},\n\n{self._fill(text, p, w)}"
            items.append((minute, {
                "medium": "email", "direction": "inbound" if inbound else "outbound",
                "status": "received" if inbound else "sent", "provider_id": msg_id,
                "thread_key": root, "subject": subject if k == 0 else f"Re: {subject}",
                "body": body, "from_addr": email if inbound else OUR_EMAILS[line],
                "to_addr": OUR_EMAILS[line] if inbound else email,
                "agent_id": None if inbound else agent,
                "meta": {} if k == 0 else {"in_reply_to": root}}))
            inbound = not inbound
            minute += rng.randint(30, 3000)
        return items

    def _chat(self, p: Person, w: CaseWork, line: str) -> list:
        rng, agent = self.rng, self._agent(line)
        session = f"chat-{self._hex()[:16]}"
        items, minute, inbound = [], 0, True
        for _ in range(rng.randint(3, 8)):
            text = rng.choice(CUSTOMER_TEXTS[line] if inbound else AGENT_TEXTS[line])
            items.append((minute, {
                "medium": "chat", "direction": "inbound" if inbound else "outbound",
                "status": "received" if inbound else "sent",
                "provider_id": f"{session}-{len(items)}", "thread_key": session,
                "body": self._fill(text, p, w), "agent_id": None if inbound else agent}))
            inbound = not inbound if rng.random() < 0.8 else inbound
            minute += rng.randint(0, 3)
        return items

    def _note(self, p: Person, w: CaseWork, line: str) -> list:
        return [(0, self._note_fields(p, w, line, self._agent(line)))]

    def _note_fields(self, p, w, line, agent) -> dict:
        fields = {"medium": "note", "direction": "internal", "status": "saved",
                  "body": self._fill(self.rng.choice(NOTES[line]), p, w), "agent_id": agent}
        if line == "fraud" and w.investigation_ids:
            # A note about the investigation is the investigation's: veiled as its details
            # are from everyone outside the fraud team (crm.fraud.visibility).
            fields["meta"] = {visibility.VEILED_BY: w.investigation_ids[-1], "step": "note"}
        return fields

    def _system(self, p: Person, w: CaseWork, line: str) -> list:
        agent = self._agent(line)
        text = self.rng.choice(SYSTEM_EVENTS).format(agent_name=self.staff_names[agent])
        return [(0, {"medium": "system", "direction": "internal", "status": "recorded",
                     "body": text})]

    def _agent(self, line: str) -> int:
        role = {"insurance": "claims", "fraud": "fraud", "collections": "collections"}[line]
        return self.staff[role] if self.rng.random() < 0.6 else self.staff["agent"]

    def _phone(self, p: Person) -> str:
        phones = [c.value for c in p.contacts if c.kind == "phone"]
        return phones[0] if len(phones) == 1 or self.rng.random() < 0.8 else phones[1]

    def _fill(self, text: str, p: Person, w: CaseWork) -> str:
        rng = self.rng
        return text.format(
            first=p.name.split()[0],
            claim=rng.choice(w.claims) if w.claims else "your claim",
            inv=rng.choice(w.investigations) if w.investigations else "the investigation",
            account=rng.choice(w.accounts) if w.accounts else "your account",
            creditor=rng.choice(w.creditors) if w.creditors else "the creditor",
            amount=f"${rng.randint(2, 80) * 25:,}",
            due=(self.now - timedelta(days=rng.randint(-10, 400))).strftime("%d %b"))

    def _hex(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"
