"""Built-in scorer families; written only against the public API."""
