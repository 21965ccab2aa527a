"""Portfolio imports: a CSV of customers and their debts, checked row by row and merged."""
