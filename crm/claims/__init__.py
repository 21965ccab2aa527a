"""Insurance claims: the lifecycle from first notice of loss to closure, documents, sign-off."""
