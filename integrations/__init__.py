"""Built-in integrations, one folder per domain (``linli.integrations.<domain>``)."""
