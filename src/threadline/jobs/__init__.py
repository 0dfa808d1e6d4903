"""Background jobs: long work (loading an upload, resolving, analysing) started from the
workbench or the API and run outside the request by a worker, with progress to poll.

- `submit`, `get_job`, `list_jobs`, `cancel_job`: the queue as a user sees it (their own jobs;
  a supervisor, their agency's).
- `claim`, `run`, `work`: what a worker does (`threadline worker`, or the server's own thread).
"""

from threadline.jobs.queue import (
    KINDS,
    STALE,
    Job,
    cancel_job,
    claim,
    get_job,
    list_jobs,
    reap,
    submit,
)
from threadline.jobs.runner import run, work

__all__ = [
    "KINDS",
    "STALE",
    "Job",
    "cancel_job",
    "claim",
    "get_job",
    "list_jobs",
    "reap",
    "run",
    "submit",
    "work",
]
