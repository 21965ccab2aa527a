"""Email: inbound by webhook and IMAP, outbound over SMTP, threaded onto the case."""

from channels import registry
from channels.email.outbound import EmailAdapter

registry.register("email", EmailAdapter)
