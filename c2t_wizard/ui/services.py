"""What the wizard's pages talk to, built once by the app (after the first paint) or by a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from c2t_wizard.services.auth import AuthService
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.delivery import DeliveryService
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.graph import GraphSession
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.portal import PortalBackend
    from c2t_wizard.services.tenant_discovery import TenantDiscovery
    from c2t_wizard.ui.runner import ServiceRunner


@dataclass
class Services:
    """Everything the pages talk to, built once by the app (or a test) and injected."""

    runner: ServiceRunner
    backend: Backend
    discovery: TenantDiscovery
    auth: AuthService
    graph: GraphSession
    sandbox: bool = False
    demo_account: tuple[str, str] | None = field(default=None, repr=False)
    """Sandbox only: the demo administrator's username and password (from the sandbox's ready line);
    ``repr`` leaves it out."""
    directory: DirectoryService | None = None
    journal: Journal | None = None
    """Both opened by the app on the service thread after the first paint (``set_users_services``)."""
    delivery: DeliveryService | None = None
    """Hands the new users their credentials (Credentials page); None: the page is left out."""
    portal: PortalBackend | None = None
    """The Call2Teams portal backend (the portal API when set up); None: the wizard guides the partner
    through the portal in the browser (``GuidedPortal``)."""
