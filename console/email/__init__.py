"""Email in the console: send and poll tasks, the email pages."""
