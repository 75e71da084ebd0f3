"""The onboarding the partner is going through: which path, and what each page has settled so far."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from c2t_wizard.domain.roles import TenantFacts
    from c2t_wizard.domain.users import NewUser


class StartChoice(Enum):
    """What the partner chose on the Welcome page."""

    NEW_TENANT = "new_tenant"
    EXISTING_TENANT = "existing_tenant"
    DEMO = "demo"


class JourneyStep(Enum):
    """The steps of an onboarding run, in order (each has its page)."""

    CREATE = "create"
    DELIVER = "deliver"
    INVITE = "invite"
    SUMMARY = "summary"


class Onboarding:
    """Shared by the pages of one wizard run; pages read what earlier pages settled.

    A plain class, not a dataclass: it is built before the first paint, which then needn't wait for
    ``dataclasses`` (about 2 ms to import, and more for the generated methods).
    """

    def __init__(
        self,
        choice: StartChoice = StartChoice.NEW_TENANT,
        *,
        organisation_name: str = "",
        tenant_prefix: str = "",
    ) -> None:
        self.choice = choice
        self.organisation_name = organisation_name
        self.tenant_prefix = tenant_prefix
        self.tenant_id: str | None = None
        """Known once the tenant exists (discovery answered "taken" after sign-up, or after sign-in)."""
        self.signed_in_username = ""
        """Who signed in on the Sign-in page (their user principal name)."""
        self.tenant_facts: TenantFacts | None = None
        """The tenant, its domains and the role check, as read after sign-in."""
        self.user_run_ids: list[str] = []
        """The journal runs the Users page created people in (oldest first)."""
        self.created_users: list[NewUser] = []
        """People who now have a user in the tenant: created by us, or already there (reported, not
        changed)."""
        self.passwords: dict[str, str] = {}
        """Lower-cased UPN -> temporary password of each user created in this process. Memory only: never
        persisted, logged or shown outside the credentials step."""
        self.credentials_delivery: dict[str, str] = {}
        """Lower-cased UPN -> how the Credentials page delivered that person's password (``DeliveryMethod``
        value: "sendmail", "mailto", "clipboard", "pdf"). Delivered passwords are dropped from
        ``passwords``."""
        self.resume_tenant_id: str | None = None
        """Continuing an unfinished run (offered on the Welcome page): its tenant, whom Sign-in targets."""
        self.resume_domain = ""
        """The domain the continued run's people have, or the remembered account's for "Onboard more people"
        in a new session: names the organisation to sign in to."""
        self.resume_step: JourneyStep | None = None
        """The continued run's first step with work left: the page the wizard goes to after sign-in."""
        self.resume_answered = False
        """The partner already answered the offer of an unfinished run (continued, closed it, or chose to
        onboard more people): the Users page does not offer it a second time."""

    def continue_run(self, run_id: str, tenant_id: str, domain: str, step: JourneyStep) -> None:
        """Continue an unfinished run: its people on every page, its tenant for sign-in."""
        self.choice = StartChoice.EXISTING_TENANT
        self.user_run_ids = [run_id]
        self.resume_tenant_id = tenant_id
        self.resume_domain = domain
        self.resume_step = step
        self.resume_answered = True

    def start_new_run(self) -> None:
        """ "Onboard more people": same tenant and sign-in, a new list of people (a new run)."""
        self.choice = StartChoice.EXISTING_TENANT
        self.user_run_ids = []
        self.created_users = []
        self.passwords = {}
        self.credentials_delivery = {}
        self.resume_tenant_id = None
        self.resume_domain = ""
        self.resume_step = None
        self.resume_answered = True

    def __repr__(self) -> str:
        # Never the passwords: how many are still to deliver is enough.
        return (
            f"Onboarding(choice={self.choice}, organisation_name={self.organisation_name!r}, "
            f"tenant_prefix={self.tenant_prefix!r}, tenant_id={self.tenant_id!r}, "
            f"signed_in_username={self.signed_in_username!r}, users={len(self.created_users)}, "
            f"passwords_to_deliver={len(self.passwords)})"
        )

    @property
    def tenant_domain(self) -> str:
        return f"{self.tenant_prefix}.onmicrosoft.com" if self.tenant_prefix else ""
