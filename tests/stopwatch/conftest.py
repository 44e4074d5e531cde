from tests.store.conftest import bundled_dir, data_dir, store  # noqa: F401  (shared fixtures)
