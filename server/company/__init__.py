"""The Rasa server's side of the company's systems: the worker that delivers the outbox (worker.py)."""
