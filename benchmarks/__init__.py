"""Page benchmarks: a large-provider data generator and a timing runner (never unit tests)."""
