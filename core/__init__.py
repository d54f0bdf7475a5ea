"""linli (邻里): a hub for one residential community."""

__version__ = "0.1.0"
