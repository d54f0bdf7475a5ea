"""HTTP: the aiohttp server, token auth and the REST API."""
