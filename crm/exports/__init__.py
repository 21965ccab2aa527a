"""Case file exports: a case's whole record as a PDF, or a ZIP with the PDF and its files."""
