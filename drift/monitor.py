"""`python -m drift monitor`: logged predictions of a window against the model's reference, with alerts.

Exit code: 0 no alert (or too few events to judge), 1 at least one alert fired, 2 the check could not run.
With --every, the check runs in a loop (a compose service) and each outcome is logged and written to the
status.
"""

from __future__ import annotations

import argparse
import logging
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from common.errors import UserError, load_settings
from common.logs import configure_logging
from drift import status_files as status_file
from drift.alerts import Alert, AlertStore, WebhookError, evaluate, log_alerts, post_webhook
from drift.checks import WindowChecks, missing_rates, refusal_rate
from drift.evidently_report import DriftReportDefinition, DriftRun
from drift.fairness import grant_rates_by_group
from drift.psi import psi
from drift.reference import Reference, ReferenceUnavailable, bundle_folder, load_reference
from drift.settings import DriftSettings, parse_duration
from drift.summary import summarize, top_features
from registry.bundle import BundleError
from training.features.protected import load_policy

log = logging.getLogger("drift.monitor")

EXIT_OK, EXIT_ALERT, EXIT_ERROR = 0, 1, 2
EventReader = Callable[[str, datetime, datetime], pd.DataFrame]
EventCounter = Callable[[str, datetime, datetime], int]


@dataclass
class Outcome:
    status: str
    message: str
    exit_code: int
    checks: WindowChecks | None = None
    alerts: list[Alert] = field(default_factory=list)
    events: int = 0
    webhook: str | None = None

    def to_status(
        self, window: tuple[datetime, datetime], version: str | None, report: str | None
    ) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "window": {"start": window[0].isoformat(), "end": window[1].isoformat()},
            "events": self.events,
            "model_version": version,
            "alerts": [a.to_dict() for a in self.alerts],
            "webhook": self.webhook,
            "checks": self.checks.to_dict() if self.checks else None,
            "report": report,
        }


def _default_reader(url: str, start: datetime, end: datetime) -> pd.DataFrame:
    from scoring_service.event_store import read_events

    return read_events(url, start, end)


def count_events(url: str, start: datetime, end: datetime) -> int:
    """Events with start <= event_time < end, counted in the database: a thin window is judged without
    loading it."""
    import sqlalchemy as sa

    from scoring_service.event_store import create_store_engine, ensure_schema, prediction_events

    engine = create_store_engine(url)
    try:
        ensure_schema(engine)
        naive = engine.dialect.name == "sqlite"  # SQLite stores naive UTC times
        low, high = (
            (t.astimezone(UTC).replace(tzinfo=None) if naive else t.astimezone(UTC)) for t in (start, end)
        )
        column = prediction_events.c.event_time
        query = sa.select(sa.func.count()).select_from(prediction_events).where(column >= low, column < high)
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


class Monitor:
    """Holds the report definition (built once per feature list) and runs one window at a time."""

    def __init__(
        self,
        settings: DriftSettings,
        read_events: EventReader = _default_reader,
        count_events: EventCounter = count_events,
    ) -> None:
        self.settings = settings
        self.read_events = read_events
        self.count_events = count_events
        self._definitions: dict[tuple[str, ...], DriftReportDefinition] = {}
        self.last_run: DriftRun | None = None  # the latest Evidently comparison, for its HTML

    def definition(self, reference: Reference) -> DriftReportDefinition:
        if reference.features not in self._definitions:
            self._definitions[reference.features] = DriftReportDefinition(
                reference.features,
                categorical=reference.categorical,
                method=self.settings.method,
                threshold=self.settings.method_threshold,
            )
        return self._definitions[reference.features]

    def check(self, reference: Reference, end: datetime) -> Outcome:
        """One window ending at `end`: read, compare, evaluate the rules, store and send the alerts."""
        start = end - self.settings.window
        events = self.read_window(reference, start, end)
        if isinstance(events, Outcome):  # too few events to judge
            return events
        checks = self.window_checks(reference, events, start, end)
        alerts = evaluate(checks, self.settings)
        if not alerts:
            message = f"No drift rule fired on {checks.events} scored requests."
            return Outcome(status_file.OK, message, EXIT_OK, checks, alerts, checks.events)
        return self.raise_alerts(checks, alerts)

    def read_window(self, reference: Reference, start: datetime, end: datetime) -> pd.DataFrame | Outcome:
        """The window's events, or the outcome that says there are too few to judge; events of another feature list
        are an error, of another version a warning."""
        settings = self.settings
        url = settings.resolved_event_store_url()
        count = self.count_events(url, start, end)
        if count < settings.min_events:
            return Outcome(
                status_file.INSUFFICIENT_DATA,
                f"Only {count} scored request(s) between {start:%Y-%m-%d %H:%M} and "
                f"{end:%Y-%m-%d %H:%M} UTC; at least {settings.min_events} are needed to judge drift "
                "(DRIFT_MIN_EVENTS). Nothing was compared.",
                EXIT_OK,
                events=count,
            )
        events = self.read_events(url, start, end)
        absent = [c for c in reference.features if c not in events.columns]
        if absent:
            raise ValueError(
                f"The logged events lack {len(absent)} feature(s) of model version {reference.version} "
                f"({', '.join(absent[:8])}): the window was scored by another model. "
                "Point DRIFT_MODEL_URI or DRIFT_BUNDLE_DIR at the model that scored it, "
                "or shorten the window."
            )
        versions = _versions(events)
        if versions and versions != (reference.version,):
            log.warning(
                "Events of model version(s) %s are compared with the reference of version %s.",
                ", ".join(versions),
                reference.version,
            )
        return events

    def window_checks(
        self, reference: Reference, events: pd.DataFrame, start: datetime, end: datetime
    ) -> WindowChecks:
        """Feature drift (Evidently), score PSI, refusal rate and missing rates of the window against the
        reference."""
        settings = self.settings
        current = events[list(reference.features)]
        run = self.definition(reference).run(reference.frame, current)
        self.last_run = run
        if "decision" in events.columns and events["decision"].notna().all():
            current_refusal = float((events["decision"] == "refused").mean())
        else:
            current_refusal = refusal_rate(events["probability"], reference.threshold)
        return WindowChecks(
            start=start,
            end=end,
            events=len(events),
            model_versions=_versions(events),
            drift=summarize(run.as_dict(), reference.importance, run.skipped),
            top_features=tuple(top_features(reference.importance, reference.features, settings.top_features)),
            score_psi=psi(
                reference.probabilities.to_numpy(), events["probability"].to_numpy(), bins=settings.psi_bins
            ).value,
            refusal_rate=current_refusal,
            reference_refusal_rate=refusal_rate(reference.probabilities, reference.threshold),
            threshold=reference.threshold,
            missing_rates=missing_rates(
                reference.frame, current, reference.features, reference.missing_token
            ),
            grant_rates=grant_rates_by_group(events, load_policy(), settings.fairness_min_group)
            if "decision" in events.columns
            else {},
        )

    def raise_alerts(self, checks: WindowChecks, alerts: list[Alert]) -> Outcome:
        """Store and log the alerts, and send them to the webhook when one is set."""
        settings = self.settings
        outcome = Outcome(
            status_file.ALERT,
            f"{len(alerts)} drift alert(s) on {checks.events} scored requests: "
            + " ".join(a.message for a in alerts),
            EXIT_ALERT,
            checks,
            alerts,
            checks.events,
        )
        store = AlertStore(settings.resolved_event_store_url())
        try:
            store.save(alerts, checks)
        finally:
            store.close()
        log_alerts(alerts)
        if settings.webhook_url:
            try:
                post_webhook(settings.webhook_url, alerts, checks, settings.webhook_timeout)
                outcome.webhook = "sent"
            except WebhookError as exc:
                log.error("%s", exc)
                outcome.webhook = f"failed: {exc}"
        return outcome


def _versions(events: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in events["model_version"].dropna()}))


def run_once(monitor: Monitor, end: datetime) -> Outcome:
    """Load the current reference, check the window, write the status files; errors become an 'error'
    status."""
    settings = monitor.settings
    folder = settings.resolved_status_dir()
    window = (end - settings.window, end)
    version: str | None = None
    report: str | None = None
    monitor.last_run = None
    try:
        with tempfile.TemporaryDirectory(prefix="drift-bundle-") as download_to:
            reference = load_reference(bundle_folder(settings, Path(download_to)))
        version = reference.version
        outcome = monitor.check(reference, end)
        if monitor.last_run is not None:
            folder.mkdir(parents=True, exist_ok=True)
            monitor.last_run.snapshot.save_html(str(folder / status_file.REPORT_HTML))
            report = status_file.REPORT_HTML
    except (SQLAlchemyError, OSError, ValueError, KeyError, BundleError, ReferenceUnavailable) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        outcome = Outcome(status_file.ERROR, f"The drift check could not run: {message}", EXIT_ERROR)
    level = {EXIT_OK: logging.INFO, EXIT_ALERT: logging.WARNING, EXIT_ERROR: logging.ERROR}[outcome.exit_code]
    log.log(level, "%s: %s", outcome.status, outcome.message)
    status_file.write_status(folder, outcome.to_status(window, version, report))
    return outcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--window", help="length of the window, e.g. 1h, 24h, 7d (default: DRIFT_WINDOW or 24h)"
    )
    parser.add_argument(
        "--end", help="end of the window, ISO date-time, UTC when no zone is given (default: now)"
    )
    parser.add_argument("--bundle", type=Path, help="a local model bundle folder (default: DRIFT_BUNDLE_DIR)")
    parser.add_argument("--model-uri", help="registry model URI (default: DRIFT_MODEL_URI)")
    parser.add_argument(
        "--event-store-url", help="SQLAlchemy URL of the event store (default: DRIFT_EVENT_STORE_URL)"
    )
    parser.add_argument(
        "--min-events", type=int, help="fewest events to judge drift (default: DRIFT_MIN_EVENTS)"
    )
    parser.add_argument(
        "--status-dir", type=Path, help="where latest.json/latest.html go (default: DRIFT_STATUS_DIR)"
    )
    parser.add_argument(
        "--every",
        type=float,
        metavar="SECONDS",
        help="run forever, one check every SECONDS (for a compose service)",
    )


def parse_end(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"--end '{text}' is not an ISO date-time such as 2026-01-31T00:00 or 2026-01-31T00:00+01:00."
        ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def settings_from_args(args: argparse.Namespace) -> DriftSettings:
    overrides: dict[str, Any] = {}
    for name in ("bundle", "model_uri", "event_store_url", "min_events", "status_dir"):
        value = getattr(args, name, None)
        if value is not None:
            overrides["bundle_dir" if name == "bundle" else name] = value
    if getattr(args, "window", None):
        overrides["window"] = parse_duration(args.window)
    return load_settings(lambda: DriftSettings(**overrides), "DRIFT_")


def run(args: argparse.Namespace) -> int:
    configure_logging()
    try:
        settings = settings_from_args(args)
        end = parse_end(args.end)
    except (ValueError, UserError) as exc:  # a refused setting or --end
        log.error("%s", exc)
        return EXIT_ERROR
    monitor = Monitor(settings)
    if not args.every:
        return run_once(monitor, end).exit_code
    if args.end is not None:
        log.error("--end and --every do not go together: a loop always checks the window that ends now.")
        return EXIT_ERROR
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    log.info("Checking drift every %.0f s over windows of %s.", args.every, settings.window)
    while not stop.is_set():
        run_once(monitor, datetime.now(UTC))
        stop.wait(timedelta(seconds=args.every).total_seconds())
    log.info("Drift monitor stopped.")
    return EXIT_OK
