"""Customers: who they are, their contact points, search, merges and the customer pane."""
