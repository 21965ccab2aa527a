"""Who am I: the signed-in user."""

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import UserOut


@api.route(bp, "/me", summary="The signed-in user", response=UserOut, tags=["users"])
def get_me():
    """The user behind this session or token."""
    return UserOut.model_validate(actor())
