"""Talk to Gracious in the terminal: `rasa shell` (and the action server, GRACIOUS_ACTIONS=server).

python -m launch.shell --model models/gracious-....tar.gz
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from launch.launcher import RASA, ROOT, Servers, newest_model, runtime_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    model = args.model or newest_model()
    env = runtime_env()
    servers = Servers(model, env, log_dir=Path(env["GRACIOUS_VAR_DIR"]) / "logs")
    try:
        if servers.actions_apart():
            servers.start_actions()
        subprocess.run(
            [
                *RASA,
                "shell",
                "--model",
                str(model),
                "--endpoints",
                str(ROOT / "endpoints.yml"),
                "--port",
                env["BOT_PORT"],
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
