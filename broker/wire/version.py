"""The version every device announces in its status (and the package's)."""

__version__ = "0.1.0"
