from tests.builder.conftest import library  # noqa: F401  (the same small library fixture)
