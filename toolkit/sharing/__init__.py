"""Share links: a read-only link to a lesson or its slides for colleagues of the same school."""
