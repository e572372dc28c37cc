"""Tools for conversation designers: check the data, review real conversations, report."""
