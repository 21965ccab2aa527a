"""Playbooks: the ordered steps of a line of work, versioned, worked through on each case."""
