"""Termly reports: the core assembles the sections apps register (`registry.report_sections`),
renders them to one HTML document, and a Celery task turns it into a stored PDF and CSV pack."""
