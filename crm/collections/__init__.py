"""Collections work on a debt account: ageing, payments, promises, plans and settlements."""
