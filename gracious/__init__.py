"""Gracious's core: what the actions, the server plugins and the designer tools share."""
