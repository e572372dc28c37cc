"""`make cluster`: the multi-instance deployment on this machine, stopped by Ctrl-C.

python -m launch.cluster [--instances 2] [--model models/gracious-....tar.gz]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gracious.settings import ROOT, settings
from launch.cluster.deployment import DATABASES, Cluster
from launch.launcher import newest_model, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=settings().instances)
    parser.add_argument("--model", type=Path, help="model file (default: the newest in models/)")
    args = parser.parse_args()
    if args.instances < 1:
        parser.error("--instances must be at least 1")
    port = settings().bot_port
    workdir = settings().cluster_dir
    cluster = Cluster(args.model or newest_model(), workdir, args.instances, port=port, models_dir=ROOT / "models")
    instances = ", ".join(cluster.instance_url(i) for i in range(args.instances))
    banner = (
        "\nGracious is running as a cluster, on loopback only.\n"
        f"  Through nginx:   {cluster.url}/demo/  (the chat is in the corner), {cluster.url}/desk/\n"
        f"  Rasa instances:  {instances}\n"
        f"  PostgreSQL:      127.0.0.1:{cluster.postgres.port} (databases {', '.join(DATABASES.values())})\n"
        f"  Redis:           {cluster.redis.url} (locks, socket.io between instances, sender limits)\n"
        f"  Logs:            {workdir / 'logs'}, {workdir / 'nginx' / 'logs'}\n"
        "The databases live only as long as the cluster: `make run` keeps conversations in var/.\n"
        "Press Ctrl-C to stop everything.\n"
    )
    print(
        f"Starting PostgreSQL, Redis, the action server, {args.instances} Rasa instances and nginx (about a minute)...",
        flush=True,
    )
    serve(cluster.start, banner, cluster.exited, cluster.stop)


if __name__ == "__main__":
    main()
