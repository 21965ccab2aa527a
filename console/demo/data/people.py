"""Demo customers: names (accents included), regions, phones, emails, timezones, languages."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crm.customers.identity import search_key

LONG_NAME = "Nomvula Mahlangu"
LONG_PHONE = "+14155550142"
# Our own lines; no customer gets one of these numbers.
OUR_NUMBERS = {"insurance": "+14155550100", "fraud": "+14155550110",
               "collections": "+14155550120"}
OUR_EMAILS = {"insurance": "claims@caseline.demo", "fraud": "security@caseline.demo",
              "collections": "accounts@caseline.demo"}

# Each region: given names, family names, and (timezone, language) pairs that go together.
REGIONS = {
    "US": {
        "first": ["José", "Chloé", "Zoë", "Renée", "André", "Inés", "Mateo", "Ava", "Jamal",
                  "Grace", "Ethan", "Lucía", "Noah", "Madison", "Darnell", "Sofía", "Tyler",
                  "Camila", "Brandon", "Aaliyah", "Miguel", "Hannah", "DeShawn", "Emily"],
        "last": ["García", "López", "Nuñez", "O'Brien", "Johnson", "Williams", "Ramírez",
                 "Washington", "Nguyen", "Kowalski", "Peña", "Brooks", "Sánchez", "Miller",
                 "Chen", "Rodríguez", "Thompson", "Ortíz", "Jackson", "Castañeda"],
        "tz": [("America/New_York", "en"), ("America/Chicago", "en"), ("America/Denver", "en"),
               ("America/Los_Angeles", "es"), ("America/Los_Angeles", "en"),
               ("America/Phoenix", "en"), ("America/New_York", "es")],
    },
    "ZA": {
        "first": ["Thandiwe", "Sipho", "Lerato", "Bongani", "Zanele", "Xolani", "Thabo",
                  "Naledi", "Kagiso", "Ayanda", "Lindiwe", "Mpho", "Refilwe", "Sibusiso",
                  "Anri", "Pieter", "Ruché", "Karabo", "Nandi", "Tshepo"],
        "last": ["Dlamini", "Khumalo", "Naidoo", "Mokoena", "Nkosi", "Ndlovu",
                 "van der Merwe", "Botha", "Pillay", "Zulu", "Molefe", "Du Plessis", "Mthembu",
                 "Govender", "Sithole", "Coetzée"],
        "tz": [("Africa/Johannesburg", lang) for lang in ("en", "en", "zu", "af", "xh", "st")],
    },
    "GB": {
        "first": ["Günther", "Søren", "Björn", "François", "Élodie", "Łukasz", "Siobhán",
                  "Aoife", "Oliver", "Amelia", "Priya", "Mohammed", "Niamh", "Rhys", "Zoltán",
                  "Małgorzata", "Oisín", "Agnieszka", "Jürgen", "Hélène"],
        "last": ["Müller", "Dvořák", "Kowalczyk", "Ó Súilleabháin", "Smith", "Patel",
                 "Jones", "Lefèvre", "Nowak", "Brontë", "Hughes", "Khan", "Wiśniewski",
                 "Søndergaard", "MacLeòid", "Fernández"],
        "tz": [("Europe/London", "en"), ("Europe/London", "en"), ("Europe/Dublin", "en"),
               ("Europe/Dublin", "ga"), ("Europe/Warsaw", "pl"), ("Europe/Paris", "fr"),
               ("Europe/Berlin", "de")],
    },
}
REGION_WEIGHTS = [("US", 5), ("ZA", 3), ("GB", 2)]
US_AREAS = ["212", "312", "415", "503", "617", "713", "305", "206", "404", "720"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com"]
LINES = ["insurance", "fraud", "collections"]
LINE_WEIGHTS = [45, 20, 35]


@dataclass
class Contact:
    """One contact point of a demo customer."""

    kind: str
    value: str
    label: str
    opt_outs: dict = field(default_factory=dict)
    consents: dict = field(default_factory=dict)


@dataclass
class Person:
    """A demo customer before it is written: who they are and how big their history is."""

    name: str
    region: str
    timezone: str
    language: str
    lines: list[str]
    since: datetime
    contacts: list[Contact]
    size: int
    external_ref: str | None = None
    merged_names: list[str] = field(default_factory=list)

    @property
    def phone(self) -> str:
        """The main phone number (E.164)."""
        return next(c.value for c in self.contacts if c.kind == "phone")

    @property
    def email(self) -> str | None:
        """The main email address, if any."""
        return next((c.value for c in self.contacts if c.kind == "email"), None)


class People:
    """Draws unique, believable customers from one seeded random generator."""

    def __init__(self, rng: random.Random, now: datetime, taken: set[str] = frozenset()):
        self.rng, self.now = rng, now
        # Contact points already in the database (say, from the simulator) stay someone else's.
        self.phones: set[str] = {LONG_PHONE, *OUR_NUMBERS.values(), *taken}
        self.emails: set[str] = set(taken)
        self.names: set[str] = {LONG_NAME}

    def long_customer(self, size: int) -> Person:
        """Nomvula Mahlangu: years of insurance and collections work, every medium."""
        self.emails.add("nomvula.mahlangu@example.com")
        self.phones.add("+27825550142")
        contacts = [
            Contact("phone", LONG_PHONE, "mobile", consents=self._iso_for(["sms", "whatsapp",
                                                                            "voice"])),
            Contact("phone", "+27825550142", "family (ZA)", opt_outs=self._iso_for(["sms"])),
            Contact("email", "nomvula.mahlangu@example.com", "personal",
                    consents=self._iso_for(["email"])),
            Contact("chat", "visitor-nomvula-7f3a", "web chat"),
        ]
        return Person(LONG_NAME, "US", "America/Los_Angeles", "en", ["insurance", "collections"],
                      self.now - timedelta(days=6 * 365 + 40), contacts, size,
                      external_ref="CUST-100142")

    def person(self, index: int) -> Person:
        """A random customer with one or two lines of work."""
        rng = self.rng
        region = rng.choices([r for r, _ in REGION_WEIGHTS], [w for _, w in REGION_WEIGHTS])[0]
        spec = REGIONS[region]
        name = self._unique_name(spec)
        lines = [rng.choices(LINES, LINE_WEIGHTS)[0]]
        if rng.random() < 0.2:
            lines.append(rng.choice([x for x in LINES if x != lines[0]]))
        years = rng.choice([0.3, 1, 1.5, 2, 3, 4, 5, 7])
        since = self.now - timedelta(days=int(365 * years) + rng.randint(0, 60))
        contacts = [Contact("phone", self._phone(region), "mobile")]
        if rng.random() < 0.15:
            contacts.append(Contact("phone", self._phone(region), rng.choice(["home", "work"])))
        if rng.random() < 0.8:
            contacts.append(Contact("email", self._email(name), rng.choice(["personal", "work"])))
        if rng.random() < 0.2:
            contacts.append(Contact("chat", f"visitor-{rng.getrandbits(40):010x}", "web chat"))
        for c in contacts:
            self._preferences(c)
        size = int(rng.lognormvariate(4.3, 0.7))  # median ~75, a long tail of busy customers
        tz, language = rng.choice(spec["tz"])
        return Person(name, region, tz, language, lines,
                      since, contacts, max(8, min(size, 900)),
                      external_ref=f"CUST-{200000 + index * 37}")

    def duplicate_name(self, person: Person) -> str:
        """How a duplicate record of the same person was typed (accents lost, initials)."""
        first, _, last = person.name.partition(" ")
        return self.rng.choice([search_key(person.name).title(), f"{first[0]}. {last}",
                                person.name.upper()])

    def _unique_name(self, spec) -> str:
        while True:
            name = f"{self.rng.choice(spec['first'])} {self.rng.choice(spec['last'])}"
            if name not in self.names:
                self.names.add(name)
                return name

    def _phone(self, region: str) -> str:
        rng = self.rng
        while True:
            if region == "US":
                number = f"+1{rng.choice(US_AREAS)}55501{rng.randint(0, 99):02d}"
            elif region == "ZA":
                number = f"+27{rng.choice(['82', '83', '72', '61'])}555{rng.randint(0, 9999):04d}"
            else:
                number = f"+447700900{rng.randint(0, 999):03d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _email(self, name: str) -> str:
        local = ".".join(search_key(name).replace("'", "").split())
        domain = self.rng.choice(EMAIL_DOMAINS)
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.emails.add(candidate)
        return candidate

    def _preferences(self, contact: Contact) -> None:
        rng = self.rng
        media = {"phone": ["sms", "whatsapp", "voice"], "email": ["email"]}.get(contact.kind, [])
        for medium in media:
            roll = rng.random()
            if roll < 0.08:
                contact.opt_outs[medium] = self._iso_ago(rng.randint(5, 700))
            elif roll < 0.6:
                contact.consents[medium] = self._iso_ago(rng.randint(30, 1500))

    def _iso_for(self, media: list[str]) -> dict:
        return {m: self._iso_ago(self.rng.randint(100, 1500)) for m in media}

    def _iso_ago(self, days: int) -> str:
        return (self.now - timedelta(days=days)).isoformat(timespec="seconds")
