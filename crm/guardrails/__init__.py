"""Send-time rules checked before anything goes out (the collections contact rules)."""
