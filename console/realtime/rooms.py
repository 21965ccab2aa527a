"""Room names: one per agent, one per case, one per client's supervisors, one per sign-in."""

AGENT_NS = "/agent"


def user_room(user_id: int) -> str:
    """Everything addressed to one member of staff (all their tabs)."""
    return f"user:{user_id}"


def case_room(case_id: int) -> str:
    """Everyone watching one case."""
    return f"case:{case_id}"


def login_room(login_id: str) -> str:
    """The sockets one browser opened with one sign-in (all its tabs): signing out ends them."""
    return f"login:{login_id}"


def supervisors_room(client_id: int) -> str:
    """The supervisors of one client (a supervisor of two clients is in both rooms): what
    they see of agents and queues never crosses to another client's supervisors."""
    return f"supervisors:{client_id}"


def supervisors_rooms(client_ids) -> list[str]:
    """The supervisors' rooms of these clients."""
    return [supervisors_room(c) for c in sorted(set(client_ids))]


def staff_room(client_id: int) -> str:
    """Everyone who works for one client: colleagues' states (who can take a transfer)."""
    return f"staff:{client_id}"
