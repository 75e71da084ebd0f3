"""No record's ``repr`` shows a password or a token: a repr ends up in logs, tracebacks and test output."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from c2t_wizard.sandbox.state import Grant, Mail
from c2t_wizard.services.journal import PersonRecord, PersonState
from c2t_wizard.ui.pages.credentials import DeliveryRow
from c2t_wizard.ui.services import Services

SECRET = "Xq7!secret-Pa55word"


def person() -> PersonRecord:
    now = datetime.now(UTC)
    return PersonRecord(
        run_id="run",
        key="ada@contoso.onmicrosoft.com",
        position=0,
        upn="ada@contoso.onmicrosoft.com",
        display_name="Ada Lovelace",
        first_name="Ada",
        last_name="Lovelace",
        username="ada",
        domain="contoso.onmicrosoft.com",
        email="ada@example.com",
        mail_nickname="ada",
        state=next(iter(PersonState)),
        user_id=None,
        failure_code=None,
        failure_detail=None,
        attempts=1,
        in_doubt=False,
        first_sent_at=now,
        last_sent_at=now,
        created_at=now,
        updated_at=now,
        credentials_pending=True,
        credentials_delivered_at=None,
        delivery_method=None,
        invited_at=None,
        invite_role=None,
    )


def test_delivery_row_repr_never_shows_the_password() -> None:
    row = DeliveryRow(person(), SECRET)
    assert row.password == SECRET
    text = repr(row)
    assert SECRET not in text
    assert "Ada Lovelace" in text  # the rest is still there
    assert SECRET not in str(row)


def test_services_repr_never_shows_the_demo_password() -> None:
    nothing = cast(Any, None)
    services = Services(
        runner=nothing,
        backend=nothing,
        discovery=nothing,
        auth=nothing,
        graph=nothing,
        sandbox=True,
        demo_account=("admin@contoso.onmicrosoft.com", SECRET),
    )
    assert services.demo_account == ("admin@contoso.onmicrosoft.com", SECRET)
    assert SECRET not in repr(services)
    assert "sandbox=True" in repr(services)


def test_sandbox_grant_repr_never_shows_the_refresh_token() -> None:
    grant = Grant(key=SECRET, kind="refresh", user_id="u", data={}, expires=0.0, state="active")
    assert SECRET not in repr(grant)
    assert "refresh" in repr(grant)


def test_sandbox_outbox_mail_repr_never_shows_the_body() -> None:
    mail = Mail(
        "id",
        "t",
        "admin@contoso.onmicrosoft.com",
        {"to": ["ada@example.com"]},
        "Welcome",
        "html",
        f"Your temporary password: {SECRET}",
        "2024-01-01T00:00:00Z",
    )
    assert SECRET not in repr(mail)
    assert "Welcome" in repr(mail)
