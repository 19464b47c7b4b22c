"""Where `essay publish` puts the files: a bucket of an S3-compatible store (boto3, with its
usual credentials: the environment, a profile, an instance role), or a folder.

Each file is written whole or not at all (an S3 PUT; a folder's file by rename) and carries
its SHA-256 (the object's `sha256` metadata; a folder's file is hashed), so a publish that
was killed is resumed by asking which files already stand as they should.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.base.cache import bytes_digest
from pipeline.base.errors import RenderError
from pipeline.base.files import read_file
from pipeline.publish.manifest import MAX_MANIFEST_BYTES
from pipeline.publish.upload import Upload
from pipeline.script.settings import Publish

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client  # type: ignore[import-not-found]

Sent = Callable[[int], None]  # told the bytes of each piece sent
_CHUNK = 1 << 20


class StoreError(RenderError):
    """The store refused or could not be reached: one line, naming no subscriber's path."""


class Store(Protocol):
    where: str  # the store, as the user wrote it

    def get(self, key: str) -> bytes | None: ...
    def names(self, under: str = "") -> set[str]: ...
    def holds(self, upload: Upload) -> bool: ...
    def put(self, upload: Upload, source: Path, sent: Sent) -> None: ...
    def delete(self, keys: Iterable[str]) -> None: ...


def store_for(settings: Publish, root: Path) -> Store:
    """The store `publish.to` names (a folder relative to the project at `root`)."""
    if settings.to.startswith("s3://"):
        return S3Store(settings)
    return FolderStore((root / settings.to).resolve(), settings.to)


class S3Store:
    def __init__(self, settings: Publish):
        try:  # with `essay publish` only: a tenth of a second to import
            import boto3
            from boto3.s3.transfer import TransferConfig
        except ImportError:
            raise StoreError(
                f"{settings.to}: publishing to a bucket needs boto3: pip install 'essay[publish]'"
            ) from None

        bucket, _, prefix = settings.to[len("s3://") :].partition("/")
        self.where, self.bucket = settings.to, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client: S3Client = boto3.client(
            "s3", endpoint_url=settings.endpoint, region_name=settings.region
        )
        self.transfer = TransferConfig()  # boto3's own: its multipart threshold and threads

    def get(self, key: str) -> bytes | None:
        with _said(self.where, key):
            try:
                found = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            except self.client.exceptions.NoSuchKey:
                return None
            return found["Body"].read(MAX_MANIFEST_BYTES + 1)

    def names(self, under: str = "") -> set[str]:
        """Every object's key under the prefix (and `under`), relative to the prefix."""
        found = set()
        pages = self.client.get_paginator("list_objects_v2")
        with _said(self.where, "", private=True):  # the keys may be subscribers'
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix + under):
                found |= {o["Key"][len(self.prefix) :] for o in page.get("Contents", [])}
        return found

    def holds(self, upload: Upload) -> bool:
        from botocore.exceptions import ClientError

        with _said(self.where, upload.path, upload.private):
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + upload.path)
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return False
                raise
        # metadata names are case-insensitive headers: some stores give `Sha256` back
        meta = {k.lower(): v for k, v in head.get("Metadata", {}).items()}
        same = meta.get("sha256") == upload.sha256
        return same and head.get("ContentLength") == upload.size

    def put(self, upload: Upload, source: Path, sent: Sent) -> None:
        extra = {
            "ContentType": upload.content_type,
            "CacheControl": upload.cache_control,
            "Metadata": {"sha256": upload.sha256},
        }
        with _said(self.where, upload.path, upload.private):
            self.client.upload_file(
                str(source), self.bucket, self.prefix + upload.path,
                ExtraArgs=extra, Callback=sent, Config=self.transfer,
            )  # fmt: skip

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for start in range(0, len(keys), 1000):  # S3's most per request
            batch = [{"Key": self.prefix + k} for k in keys[start : start + 1000]]
            with _said(self.where, "", private=True):  # the keys may be subscribers'
                done = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            if done.get("Errors"):
                code = done["Errors"][0].get("Code", "")
                raise StoreError(f"{self.where}: {len(done['Errors'])} files not deleted ({code})")


class FolderStore:
    """A folder (a mounted share, a web server's root): each file copied beside its place
    under a hidden name, then renamed into it."""

    def __init__(self, root: Path, where: str):
        self.root, self.where = root, where

    def get(self, key: str) -> bytes | None:
        path = self.root / key
        return read_file(path, MAX_MANIFEST_BYTES) if path.is_file() else None

    def names(self, under: str = "") -> set[str]:
        """Every file under the folder (and `under`), a killed copy's temporary too."""
        top = self.root / under
        if not top.is_dir():
            return set()
        return {p.relative_to(self.root).as_posix() for p in top.rglob("*") if not p.is_dir()}

    def holds(self, upload: Upload) -> bool:
        path = self.root / upload.path
        if not path.is_file() or path.stat().st_size != upload.size:
            return False
        return bytes_digest(path) == upload.sha256

    def put(self, upload: Upload, source: Path, sent: Sent) -> None:
        final = self.root / upload.path
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        try:
            with source.open("rb") as src, tmp.open("wb") as out:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)
                    sent(len(chunk))
            tmp.replace(final)
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            path = self.root / key
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # a folder left empty goes too
                for parent in path.relative_to(self.root).parents:
                    if parent != Path("."):
                        (self.root / parent).rmdir()


@contextlib.contextmanager
def _said(where: str, key: str, private: bool = False):
    """boto3's failures as one line: what was refused and why; a subscriber's key (its
    token) is never said, only that it was one."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    shown = "a subscriber's feed" if private else key or "the bucket"
    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message", "")
        said = f"{code}" if private else f"{code}: {message}".rstrip(": ")
        raise StoreError(f"{where}: {shown}: {said}") from None
    except (BotoCoreError, Boto3Error) as err:  # an upload's failure names its key: not said
        said = type(err).__name__ if private else str(err).split("\n")[0]
        raise StoreError(f"{where}: {shown}: {said}") from None
