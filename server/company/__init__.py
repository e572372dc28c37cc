"""The Rasa server's side of the company's systems: the outbox worker (worker.py), order events and the late-order check (events.py), the demo company's receiver (receiver.py)."""
