"""Every promise Gracious makes, kept: the outbox and what delivers it.

A decision that promises something (an email, a callback, a commitment to the
company's systems) writes an outbox row in the same transaction as the decision
itself (``enqueue``), so the promise exists the moment the sentence about it is
said. A worker delivers each row at least once, with retries and backoff; the
row's ``key`` (the idempotency key) makes a repeat harmless, so the effect is
once.
"""
