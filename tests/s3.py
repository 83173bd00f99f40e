"""The tests' side of S3 storage (README: Storing files in S3).

With env S3_BUCKET set (`.ci/run` sets it and the other S3_ variables against a local
`moto_server`), aptem/settings.py puts the default storage on that bucket. The autouse
``s3_prefix`` fixture (tests/conftest.py) then creates the bucket once and gives every test a
prefix of its own inside it, so a test can prove what it stored, or that it stored nothing, as
it does with a fresh MEDIA_ROOT on the filesystem. Without S3_BUCKET nothing here runs.
"""

import contextlib
import os
import uuid
from pathlib import PurePosixPath

import boto3
from botocore.exceptions import ClientError

BUCKET = os.environ.get("S3_BUCKET", "")
ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
REGION = os.environ.get("S3_REGION") or None


class StoredObject(PurePosixPath):
    """An object's key in the bucket, read like the files a filesystem test finds."""

    def read_bytes(self) -> bytes:
        return client().get_object(Bucket=BUCKET, Key=str(self))["Body"].read()


def client():
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT_URL,
        region_name=REGION,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
    )


def ensure_bucket() -> None:
    """Create the bucket unless it is there (another pytest-xdist worker may be creating it)."""
    s3 = client()
    try:
        s3.head_bucket(Bucket=BUCKET)
        return
    except ClientError:
        pass
    options = {}
    if REGION and REGION != "us-east-1":  # us-east-1 refuses a location constraint
        options["CreateBucketConfiguration"] = {"LocationConstraint": REGION}
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=BUCKET, **options)


def new_prefix(storages: dict) -> str:
    """A fresh prefix for one test, under the configured S3_PREFIX if there is one."""
    base = storages["default"]["OPTIONS"]["location"]
    return "/".join(filter(None, [base, "tests", uuid.uuid4().hex]))


def with_prefix(storages: dict, prefix: str) -> dict:
    default = storages["default"]
    options = {**default["OPTIONS"], "location": prefix}
    return {**storages, "default": {**default, "OPTIONS": options}}


def stored_objects(prefix: PurePosixPath) -> list[StoredObject]:
    """Every object under ``prefix``, like ``rglob`` on a media folder."""
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{prefix}/")
    return [StoredObject(item["Key"]) for page in pages for item in page.get("Contents", [])]
