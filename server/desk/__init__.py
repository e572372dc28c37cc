"""The agent desk: accounts, sessions and the handoff queue people work from."""
