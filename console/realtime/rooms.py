"""Room names: one per agent, one per case, one for supervisors, one per browser sign-in."""

AGENT_NS = "/agent"
SUPERVISORS = "supervisors"


def user_room(user_id: int) -> str:
    """Everything addressed to one member of staff (all their tabs)."""
    return f"user:{user_id}"


def case_room(case_id: int) -> str:
    """Everyone watching one case."""
    return f"case:{case_id}"


def login_room(login_id: str) -> str:
    """The sockets one browser opened with one sign-in (all its tabs): signing out ends them."""
    return f"login:{login_id}"
