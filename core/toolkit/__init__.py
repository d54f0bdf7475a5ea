"""Tools for vendors and operators: scaffold, check, install and list integrations."""
