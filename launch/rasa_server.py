"""Rasa's own command line, with our overrides installed first.

    python -m launch.rasa_server run --model ... --credentials ... --endpoints ...

The one way our launchers start Rasa (`make run`, `make shell`, `make cluster`,
the benchmark): ``overrides.install()`` checks the Rasa version and applies every
patch (overrides/__init__.py) in this process, then Rasa's ``main`` reads the
arguments as ``rasa`` would.

With GRACIOUS_PROFILE set to a file name, the server profiles itself with cProfile from
the moment it gets SIGUSR1 (after the model has loaded and a warm-up) and writes the
statistics there when it stops (`python -m bench.profile` does all this): for finding
where a turn's time goes, never in production.
"""

from __future__ import annotations

import logging
import os

import overrides

# Our own packages: their INFO lines ("catalog/policies.yml is accepted again", the outbox's
# deliveries) belong in the server's log, as the action server's log had them. Rasa sets its
# own logger's level from LOG_LEVEL and leaves the others at WARNING.
OURS = ("actions", "gracious", "launch", "overrides", "server")


def main() -> None:
    for name in OURS:
        logging.getLogger(name).setLevel(os.environ.get("LOG_LEVEL") or "INFO")
    overrides.install()
    from overrides import in_process, nlu_process

    in_process.prepare()  # the actions loaded now, when they run in this process (GRACIOUS_ACTIONS)
    nlu_process.prepare()  # messages parsed in worker processes beside this one (GRACIOUS_NLU_PROCESSES)
    from rasa.__main__ import main as rasa_main

    profile_to = os.environ.get("GRACIOUS_PROFILE")
    if not profile_to:
        rasa_main()
        return
    import cProfile
    import signal

    profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
    try:
        rasa_main()
    finally:
        profiler.disable()
        profiler.dump_stats(profile_to)


if __name__ == "__main__":
    main()
