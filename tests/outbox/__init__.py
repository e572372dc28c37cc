"""The outbox worker against real parts: an SMTP server and a webhook receiver on loopback, SQLite files."""
