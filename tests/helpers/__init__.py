"""Helpers several test packages share: imported by tests, never collected as tests themselves."""
