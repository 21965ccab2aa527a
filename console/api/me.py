"""Who am I: the signed-in user."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import UserOut
from console.core import database
from crm.tenancy import notices, preferences


@api.route(bp, "/me", summary="The signed-in user", response=UserOut, tags=["users"])
def get_me():
    """The user behind this session or token."""
    return UserOut.model_validate(actor())


class NotificationsIn(BaseModel):
    """Desktop notifications for a ringing call and offered work, and their sound."""

    desktop: bool
    sound: bool


class NotificationsOut(NotificationsIn):
    """One's notification settings (off until turned on)."""


@api.route(bp, "/me/notifications", summary="My notification settings",
           response=NotificationsOut, tags=["users"])
def get_my_notifications():
    """Kept with the account, so every browser the person signs in to follows them."""
    return NotificationsOut(**preferences.notifications(actor()))


@api.route(bp, "/me/notifications", "PUT", body=NotificationsIn, response=NotificationsOut,
           summary="Change my notification settings", tags=["users"])
def set_my_notifications(body: NotificationsIn):
    """Audited."""
    session = database.session()
    out = NotificationsOut(**preferences.set_notifications(
        session, actor(), desktop=body.desktop, sound=body.sound))
    session.commit()
    return out


class NoticeOut(BaseModel):
    """One in-app notice. kind signoff_decided adds decision_id, status and label;
    task_assigned adds task_id and title."""

    model_config = ConfigDict(extra="allow")

    id: int
    kind: str
    case_id: int | None = None
    at: datetime
    read: bool


class NoticeList(BaseModel):
    """One's unread notices, newest first, and how many are unread in all."""

    items: list[NoticeOut]
    unread: int


class NoticesRead(BaseModel):
    """Which notices one has read: the ids named, else every one up to up_to, else all."""

    ids: list[int] | None = Field(default=None, max_length=500)
    up_to: int | None = None


class NoticesMarked(BaseModel):
    """How many notices were marked read."""

    marked: int


@api.route(bp, "/me/notices", summary="My unread in-app notices", response=NoticeList,
           tags=["users"])
def get_my_notices():
    """Kept until read, so a reload or another browser shows them too."""
    session = database.session()
    rows, count = notices.unread(session, actor())
    out = NoticeList(items=[NoticeOut(**notices.present(n)) for n in rows], unread=count)
    session.rollback()
    return out


@api.route(bp, "/me/notices/read", "POST", body=NoticesRead, response=NoticesMarked,
           summary="Mark my notices read", tags=["users"])
def read_my_notices(body: NoticesRead):
    """Only one's own notices; those already read stay as they were."""
    session = database.session()
    marked = notices.mark_read(session, actor(), ids=body.ids, up_to=body.up_to)
    session.commit()
    return NoticesMarked(marked=marked)
