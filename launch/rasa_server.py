"""Rasa's own command line, with our overrides installed first.

    python -m launch.rasa_server run --model ... --credentials ... --endpoints ...

The one way our launchers start Rasa (`make run`, `make shell`, `make cluster`,
the benchmark): ``overrides.install()`` checks the Rasa version and applies every
patch (overrides/__init__.py) in this process, then Rasa's ``main`` reads the
arguments as ``rasa`` would.
"""

from __future__ import annotations

import overrides


def main() -> None:
    overrides.install()
    from overrides import in_process

    in_process.prepare()  # the actions loaded now, when they run in this process (GRACIOUS_ACTIONS)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
