"""Model clients: the protocol, the litellm client and the built-in offline models."""
