"""The onmicrosoft.com mail cap's arithmetic and recognising bounce reports (domain rules, no I/O)."""

from __future__ import annotations

from c2t_wizard.domain.mail_cap import (
    MOERA_CAP,
    InboxMessage,
    bounced_keys,
    is_capped_sender,
    is_external,
    plan_sends,
)

DOMAINS = ("contoso.onmicrosoft.com", "contoso.com")
NDR = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com"


def test_who_is_capped_and_who_is_external() -> None:
    assert is_capped_sender("admin@contoso.onmicrosoft.com")
    assert is_capped_sender("Admin@Contoso.OnMicrosoft.com ")
    assert not is_capped_sender("admin@contoso.com")
    assert is_external("anna@example.com", DOMAINS)
    assert not is_external("anna@CONTOSO.com", DOMAINS)
    assert not is_external("megan@contoso.onmicrosoft.com", DOMAINS)


def test_the_plan_keeps_to_what_is_left_and_never_counts_internal_people() -> None:
    people = [("a", "a@example.com"), ("b", "b@contoso.com"), ("c", "c@example.org"), ("d", "d@example.net")]
    plan = plan_sends("admin@contoso.onmicrosoft.com", DOMAINS, MOERA_CAP - 1, people)
    assert plan.capped
    assert plan.remaining == 1
    assert plan.within == ("a", "b")
    assert plan.beyond == ("c", "d")
    full = plan_sends("admin@contoso.onmicrosoft.com", DOMAINS, MOERA_CAP + 5, people)
    assert (full.remaining, full.within, full.beyond) == (0, ("b",), ("a", "c", "d"))
    fresh = plan_sends("admin@contoso.onmicrosoft.com", DOMAINS, 0, people)
    assert (fresh.remaining, fresh.beyond) == (MOERA_CAP, ())


def test_a_custom_domain_sender_is_not_capped() -> None:
    people = [("a", "a@example.com")]
    plan = plan_sends("admin@contoso.com", DOMAINS, 500, people)
    assert not plan.capped
    assert plan.remaining is None
    assert (plan.within, plan.beyond) == (("a",), ())


SUBJECTS = {
    "anna": "Your new Microsoft work account: Anna Müller (anna@contoso.onmicrosoft.com)",
    "jo": "Your new Microsoft work account: Jo Anna (jo@contoso.onmicrosoft.com)",
}
EMAILS = {"anna": "anna@example.com", "jo": "joanna@example.com"}


def test_bounce_reports_are_matched_by_the_original_subject_in_any_language() -> None:
    reports = [
        InboxMessage("Undeliverable: " + SUBJECTS["anna"], NDR),
        InboxMessage("Unzustellbar: " + SUBJECTS["jo"].upper(), NDR),
    ]
    assert bounced_keys(reports, SUBJECTS, EMAILS) == {"anna", "jo"}
    assert bounced_keys(
        [InboxMessage("Non remis : " + SUBJECTS["jo"], "postmaster@contoso.com")], SUBJECTS, EMAILS
    ) == {"jo"}


def test_only_bounce_reports_count() -> None:
    not_reports = [
        InboxMessage("Re: " + SUBJECTS["anna"], "anna@example.com"),  # a reply, not a bounce
        InboxMessage(SUBJECTS["anna"], NDR),  # no prefix
        InboxMessage("Undeliverable: something else", NDR),
        InboxMessage("A very long prefix that is no bounce prefix at all, really: " + SUBJECTS["anna"], NDR),
    ]
    assert bounced_keys(not_reports, SUBJECTS, EMAILS) == set()


def test_a_readable_body_names_the_failed_address_as_a_whole() -> None:
    report = InboxMessage(
        "Undeliverable: Hello",
        NDR,
        "Delivery has failed to these recipients:\r\njoanna@example.com (…) 550 5.7.236",
    )
    assert bounced_keys([report], SUBJECTS, EMAILS) == {"jo"}  # not anna@example.com inside joanna@…
