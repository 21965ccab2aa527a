"""The API's plumbing: the blueprint and its authentication, the route registry, schemas."""
