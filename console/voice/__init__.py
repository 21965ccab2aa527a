"""Voice in the console: screen pops, accepting calls and connecting them."""
