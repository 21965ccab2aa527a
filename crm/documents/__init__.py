"""Document summaries: text read locally from PDFs, Word documents and long emails."""
