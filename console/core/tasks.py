"""Celery wiring: tasks run in the app context, by a worker or in-process in embedded mode."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from celery import Celery, Task
from flask import Flask, current_app, has_app_context

from console.core.config import Settings

log = logging.getLogger(__name__)


class AppTask(Task):
    """Runs in a fresh app context: the current app's (eager, in a request) or the registered one.

    Defined at module level so tasks declared before create_app() (e.g. `@periodic` ones,
    whose name is read at import) still get it.
    """

    def __call__(self, *args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        with app.app_context():
            return self.run(*args, **kwargs)


_app: Flask | None = None
celery = Celery("caseline", task_cls=AppTask)
# (interval, task name): run by beat in production, by an in-process timer when embedded.
PERIODIC: list[tuple[timedelta, str]] = []
_executor: ThreadPoolExecutor | None = None


def register_tasks(app: Flask, settings: Settings) -> None:
    """Configure Celery for this app and run every task inside its app context."""
    global _executor, _app

    _app = app
    celery.conf.update(
        broker_url=settings.redis_url or "memory://",
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=settings.tasks_mode == "eager",
        task_eager_propagates=True,
        task_acks_late=True,  # our tasks are idempotent, so redelivery after a crash is safe
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": 3600},
        beat_schedule={name: {"task": name, "schedule": every} for every, name in PERIODIC},
        timezone="UTC",
    )
    app.extensions["caseline.celery"] = celery
    if settings.tasks_mode == "thread" and _executor is None:
        _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="caseline-task")


def enqueue(task: Task, *args) -> None:
    """Run a task by id-only arguments: through the broker, or in-process when embedded."""
    mode = (celery.conf.task_always_eager and "eager") or ("thread" if _executor else "celery")
    if mode == "eager":
        task.apply(args=args, throw=True)
    elif mode == "thread":
        _executor.submit(_run_logged, task, args)
    else:
        task.apply_async(args=args)


def _run_logged(task: Task, args) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        log.exception("task %s%r failed", task.name, args)


def periodic(every: timedelta):
    """Declare a Celery task as periodic (beat in production, a timer when embedded)."""

    def decorator(task: Task) -> Task:
        PERIODIC.append((every, task.name))
        return task

    return decorator


def start_embedded_scheduler(stop: threading.Event | None = None) -> threading.Event:
    """Run PERIODIC tasks on timers in this process (embedded mode has no beat)."""
    stop = stop or threading.Event()

    def loop(every: timedelta, name: str):
        while not stop.wait(every.total_seconds()):
            _run_logged(celery.tasks[name], ())

    for every, name in PERIODIC:
        threading.Thread(target=loop, args=(every, name), daemon=True,
                         name=f"periodic-{name}").start()
    return stop
