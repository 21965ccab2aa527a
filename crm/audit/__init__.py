"""Reading the audit trail: search and export, each read itself audited."""
