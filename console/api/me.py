"""Who am I: the signed-in user."""

from pydantic import BaseModel

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import UserOut
from console.core import database
from crm.tenancy import preferences


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
