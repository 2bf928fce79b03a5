"""Optional error tracking: with `SENTRY_DSN` set, unhandled exceptions (and records logged
at ERROR) go to Sentry or a compatible service, tagged with the tenant and the request id
that the log lines carry too. Without a DSN nothing is imported and nothing leaves the
server."""

from __future__ import annotations

from flask import Flask, has_request_context


def _tag(event: dict, hint: dict) -> dict:
    if has_request_context():
        from solidarna.core.logging import request_fields

        fields = request_fields()
        tags = event.setdefault("tags", {})
        tags.update(request_id=fields["request_id"], tenant=fields["tenant"])
        tags.setdefault("route", fields["route"])
        if fields["user_id"] != "-":  # the id only: no address or name leaves the server
            event.setdefault("user", {})["id"] = fields["user_id"]
    return event


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    from solidarna.core.backup import app_version

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config.get("SENTRY_ENVIRONMENT") or app.config["ENV_NAME"],
        release=f"solidarna@{app_version()}",
        traces_sample_rate=app.config.get("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,
        before_send=_tag,
    )
