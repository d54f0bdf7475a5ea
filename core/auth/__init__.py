"""Accounts: users, their roles and passwords, login and tokens."""
