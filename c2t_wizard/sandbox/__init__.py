"""The embedded sandbox: a loopback stand-in for Microsoft identity, Microsoft Graph and a sign-up site.

It speaks the same wire protocols as the real services so the app's real MSAL, msgraph-sdk and httpx code runs
against it unchanged. It deliberately shares no code with the rest of ``c2t_wizard``.
Run it with ``python -m c2t_wizard.sandbox``.
"""
