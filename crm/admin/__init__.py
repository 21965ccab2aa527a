"""Administration: clients, their addresses, staff, queues, wrap-up codes and canned replies."""
