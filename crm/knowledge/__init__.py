"""The knowledge base: articles per client and line of work, searched and suggested from cases."""
