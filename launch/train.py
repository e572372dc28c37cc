"""`rasa train`, with the training override installed first (overrides/training.py).

    python -m launch.train --fixed-model-name NAME --out DIR     # in the project folder

scripts/model.py (`make train`) runs this instead of the plain `rasa train`: the same
command line, the same model, with a new action in a rule retraining only the policy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from overrides.patch import check_version
from overrides.training import install


def main() -> None:
    check_version()
    install(Path("config.yml"))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "train", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
