"""Everything only `make demo` needs: demo data and the channel simulator."""
