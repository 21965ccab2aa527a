"""Email: sending from a case and landing inbound mail, threads and bounces."""
