"""The version of infolens (one place; ``infolens.__version__`` re-exports it)."""

__version__ = "0.1.0"
