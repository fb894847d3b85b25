"""IMS Common Cartridge export of a lesson or a unit, for Moodle (1.1) and Canvas (1.3)."""
