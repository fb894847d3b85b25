"""Administration: accounts, school settings, audit trail, library import, backups, coverage."""
