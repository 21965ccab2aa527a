"""Clients (tenants), staff accounts, and which clients' data an actor may see."""
