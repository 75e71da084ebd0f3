"""The wizard pages, one module each."""
