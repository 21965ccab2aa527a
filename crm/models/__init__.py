"""All Caseline models, importable from one place (Alembic reads Base.metadata here)."""

from crm.models.audit import AuditEvent
from crm.models.authority import SigningAuthority, SignoffRequirement
from crm.models.base import Base, utcnow
from crm.models.chat import ChatVisit
from crm.models.claims import ClaimDocument, CoverChange
from crm.models.collections import Import, ImportReject, Payment, PaymentPlan, Settlement
from crm.models.customers import Case, ContactPoint, Customer
from crm.models.documents import DocumentSummary
from crm.models.exports import CaseExport
from crm.models.fraud import Evidence, FraudIdentifier, LinkSuggestion, RedFlag
from crm.models.guardrails import BlockedAttempt, ContactRestriction
from crm.models.hours import BusinessHours
from crm.models.messaging import CannedReply, MessageTemplate, Upload
from crm.models.notices import Notice
from crm.models.playbooks import (
    Article,
    ArticleRating,
    Playbook,
    PlaybookRun,
    PlaybookStepState,
    PlaybookVersion,
)
from crm.models.routing import RoutingQueue
from crm.models.security import PasswordReset, RecoveryCode, SignIn
from crm.models.tenancy import (
    ROLES,
    ApiToken,
    Client,
    InboundAddress,
    Team,
    User,
    user_clients,
)
from crm.models.timeline import Attachment, Interaction, Task
from crm.models.voice import DispositionCode, Offer
from crm.models.work import (
    Claim,
    CustomerLink,
    DebtAccount,
    Decision,
    Investigation,
    Promise,
)
from crm.models.workspace import CustomerNameKey, RecentCase, SavedView

__all__ = [
    "ROLES",
    "ApiToken",
    "Article",
    "ArticleRating",
    "Attachment",
    "AuditEvent",
    "Base",
    "BlockedAttempt",
    "BusinessHours",
    "CannedReply",
    "Case",
    "CaseExport",
    "ChatVisit",
    "Claim",
    "ClaimDocument",
    "Client",
    "ContactPoint",
    "ContactRestriction",
    "CoverChange",
    "Customer",
    "CustomerLink",
    "CustomerNameKey",
    "DebtAccount",
    "Decision",
    "DispositionCode",
    "DocumentSummary",
    "Evidence",
    "FraudIdentifier",
    "Import",
    "ImportReject",
    "InboundAddress",
    "Interaction",
    "Investigation",
    "LinkSuggestion",
    "MessageTemplate",
    "Notice",
    "Offer",
    "PasswordReset",
    "Payment",
    "PaymentPlan",
    "Playbook",
    "PlaybookRun",
    "PlaybookStepState",
    "PlaybookVersion",
    "Promise",
    "RecentCase",
    "RecoveryCode",
    "RedFlag",
    "RoutingQueue",
    "SavedView",
    "Settlement",
    "SignIn",
    "SigningAuthority",
    "SignoffRequirement",
    "Task",
    "Team",
    "Upload",
    "User",
    "user_clients",
    "utcnow",
]
