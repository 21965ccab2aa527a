"""Claims in the console: wiring the claim lifecycle's listeners into the app."""
