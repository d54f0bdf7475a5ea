"""Storage: the hub's SQLAlchemy database, its tables and their migrations."""
