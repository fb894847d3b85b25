"""Running on several machines: each process says who it is, and `toolkit check` compares them."""
