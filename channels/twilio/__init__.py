"""What Twilio voice and messaging share: signature checks and the REST client."""
