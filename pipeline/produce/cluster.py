"""Episodes built on a Dask cluster: each episode's build a task on a worker, its segments
spread over every worker (base/cluster.py), the series' files written here, on the client,
from what the workers delivered. The workers see the project at the same path (a shared
file system) and write into its cache and output/ exactly as a build here does, so nothing
but small results crosses the network."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pipeline
from pipeline.base.cluster import ClusterRunner
from pipeline.base.errors import RenderError
from pipeline.base.progress import Job, Progress
from pipeline.base.runner import worker_name
from pipeline.produce.episode import Built, RanOn, build
from pipeline.publish.profiles import PROFILES, BuildProfile
from pipeline.script.project import Project


class ClusterError(RenderError):
    """The cluster cannot build this project: unreachable, another version, no project."""


# a scheduler's address as Dask's own tools print it: [protocol://]host:port
_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})"
)


def address_problem(address: str) -> str | None:
    """Why `address` is no scheduler's address (Dask, given one, fails with a traceback
    and then waits a minute to close), or None."""
    found = _ADDRESS.fullmatch(address)
    if found and 1 <= int(found.group(2)) <= 65535:
        return None
    return (
        f"{address!r} is not the address of a Dask scheduler; give it as tcp://HOST:PORT, "
        "as `dask scheduler` prints it, e.g. tcp://10.0.0.5:8786"
    )


@dataclass(frozen=True)
class _Seen:
    """A segment as the client's progress sees it."""

    name: str
    section: str
    frames: int


class Cluster:
    """A connection to a scheduler whose workers were checked for this build."""

    def __init__(self, client, topic: str):
        self.client, self.topic = client, topic
        self.futures: list = []

    def submit(self, path: Path, profile: BuildProfile, burn: bool, strict: bool, project: Project):
        # by name: the worker has the same code (checked), so the same profiles
        future = self.client.submit(
            remote_build, project.root, path, profile.name, burn, strict, self.topic, pure=False
        )
        self.futures.append(future)
        return future

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info()["workers"])


@contextmanager
def connected(address: str, roots: Sequence[Path], progress: Progress) -> Iterator[Cluster]:
    """Connect, check every worker (same code, the projects at the same paths), relay the
    workers' progress to `progress`; on leaving, nothing of this build is left running."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            '--scheduler needs Dask\'s distributed: pip install -e ".[dask]"'
        ) from None
    client = _client(Client, address)
    topic = f"essay-progress-{uuid.uuid4().hex}"
    cluster = Cluster(client, topic)
    try:
        _check(client, address, roots)
        client.subscribe_topic(topic, lambda event: _relayed(event[1], progress))
        yield cluster
    finally:
        _leave(client, cluster)


def _client(Client, address: str):  # Dask's class, imported by the caller
    """A client of the scheduler at `address`. Dask waits its connect timeout for one that
    does not answer, but for a server that answers in another protocol it waits for ever
    (and a client that failed halfway waits a minute more to close as the program ends):
    so it is made on a thread of its own, and let go of when it has not come in time."""
    import dask

    made: dict = {}

    def connect() -> None:
        try:
            made["client"] = Client(address, set_as_default=False)
        except Exception as err:  # of Dask's making, whatever it is: said in a line
            made["error"] = err

    seconds = _seconds(dask.config.get("distributed.comm.timeouts.connect")) + 15
    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(seconds)
    if "client" in made:
        return made["client"]
    why = made.get("error") or f"no answer as a Dask scheduler within {seconds:.0f} s"
    raise ClusterError(
        f"could not reach the Dask scheduler at {address} ({why}); start one with "
        "`dask scheduler` and workers with `dask worker <address>`"
    )


def _seconds(value: object) -> float:
    from dask.utils import parse_timedelta

    return float(parse_timedelta(value, default="seconds") or 30)


def _leave(client, cluster: Cluster) -> None:
    """Tell what still runs for this build to end, cancel it, and go: as far as a scheduler
    that may itself be gone allows."""
    from distributed import Event

    with contextlib.suppress(Exception):
        Event(f"{cluster.topic}-stop", client=client).set()
        client.cancel(cluster.futures, force=True)
        client.unsubscribe_topic(cluster.topic)
    client.close()


def _check(client, address: str, roots: Sequence[Path]) -> None:
    try:
        client.wait_for_workers(1, timeout=30)
    except TimeoutError:
        raise ClusterError(f"the Dask scheduler at {address} has no workers; start one with "
                           f"`dask worker {address}`") from None  # fmt: skip
    ours = fingerprint()
    other = sorted(w for w, f in client.run(fingerprint).items() if f != ours)
    if other:
        raise ClusterError(
            f"worker {other[0]}{f' and {len(other) - 1} more' if len(other) > 1 else ''} "
            f"runs another version of essay (this one is {ours}); install the same on every "
            "worker"
        )
    for root in roots:
        blind = sorted(w for w, seen in client.run(os.path.isdir, str(root)).items() if not seen)
        if blind:
            raise ClusterError(
                f"worker {blind[0]} cannot see the project at {root}; every worker needs "
                "it at the same path (a shared file system)"
            )


def fingerprint() -> str:
    """The package's version and a digest of its code: workers must run what the client
    runs, or the same keys would name other pictures."""
    digest = hashlib.sha256()
    package = Path(pipeline.__file__).parent
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".html", ".css") and file.is_file():
            digest.update(file.relative_to(package).as_posix().encode() + file.read_bytes())
    return f"{pipeline.__version__}+{digest.hexdigest()[:12]}"


def remote_build(
    root: Path, path: Path, profile: str, burn: bool, strict: bool, topic: str
) -> Built:
    """One episode's build, as a task on a worker."""
    from distributed import get_worker

    started = time.perf_counter()
    runner = ClusterRunner(get_worker().state.nthreads, f"{topic}-stop")
    project = Project.open(root, runner)
    relay = _Relay(topic, path.stem)
    built = build(path, PROFILES[profile], None, relay, burn, project, strict)
    seconds = time.perf_counter() - started
    return replace(built, ran_on=RanOn(worker_name(), round(seconds, 3), round(runner.waited, 3)))


class _Relay(Progress):
    """A worker's progress, sent to the client as events (each segment when it is done)."""

    def __init__(self, topic: str, slug: str):
        self.topic, self.slug = topic, slug

    def _say(self, **message) -> None:
        from distributed import get_worker

        get_worker().log_event(self.topic, {"slug": self.slug, **message})

    def note(self, text: str) -> None:
        self._say(kind="note", text=text)

    def start(self, todo: Sequence[Job], reused: Sequence[Job]) -> None:
        self._say(kind="start", todo=[_seen(j) for j in todo], reused=[_seen(j) for j in reused])

    def done(self, job: Job) -> None:
        self._say(kind="done", job=_seen(job))


def _seen(job) -> tuple[str, str, int]:
    return (job.name, job.section, job.frames)


def _relayed(message: dict, progress: Progress) -> None:
    slug = message["slug"]
    seen = lambda t: _Seen(f"{slug}: {t[0]}", t[1], t[2])  # noqa: E731
    if message["kind"] == "note":
        progress.note(f"{slug}: {message['text']}")
    elif message["kind"] == "start":
        progress.start([seen(t) for t in message["todo"]], [seen(t) for t in message["reused"]])
    else:
        progress.done(seen(message["job"]))
