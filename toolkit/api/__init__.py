"""A small, versioned JSON API for school platforms, with personal access tokens."""
