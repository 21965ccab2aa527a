"""Channel adapters: one per medium, each parsing and verifying inbound and sending outbound."""
