"""Local stand-in servers used by the test suite."""
