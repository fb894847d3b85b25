"""Printable PDFs: teacher plans, handouts, scenario cards, letters home and packs."""
