"""Invitations: who may invite whom, the email, the single-use expiring link
and its two steps, sending again and cancelling; a forged, used, superseded
or expired link is a 404 and changes nothing."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from outbox.models import LINK_MARK, Message
from people import services
from people.models import Invitation
from people.tokens import hash_token, invitation_for_token, token_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "plum orchard lantern 42"


def invite(world, users, *, by="manager", role=roles.ACTION_LEAD, **fields):
    values = {
        "email": "jo.lead@police.example.org",
        "full_name": "Jo Lead",
        "username": "",
    } | fields
    return services.invitation_create(actor=users[by], board=world.board, role=role, **values)


def link_in(message) -> str:
    found = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def accept(link: str, *, password: str = NEW_PASSWORD) -> Client:
    """The person opens the link, chooses a password and gives the first code."""
    client = Client()
    assert client.get(link).status_code == 200
    response = client.post(link, {"password": password, "again": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response["Location"])
    invitation = Invitation.objects.get(token_hash=hash_token(link.split("/")[2]))
    device = TOTPDevice.objects.get(user=invitation.user, confirmed=False)
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


# Who may invite whom ------------------------------------------------------------------


def test_a_business_manager_invites_an_action_lead_to_their_board(
    world, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, users)
    user = invitation.user
    assert user.username == "jo.lead@police.example.org"
    assert user.get_full_name() == "Jo Lead"
    assert not user.is_active
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.ACTION_LEAD]
    assert list(user.boards.all()) == [world.board]
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.expires_at == invitation.created_at + datetime.timedelta(days=7)
    [sent] = mail.outbox
    assert sent.to == ["jo.lead@police.example.org"]
    assert sent.subject == f"Your invitation to {world.board.name} on Assure"
    assert sent.from_email == f'"{world.board.name} (Assure)" <assure@localhost>'
    assert f"of {world.board.name}, as an Action lead" in sent.body
    assert "Your username is jo.lead@police.example.org." in sent.body
    assert token_for(invitation) in sent.body
    # The record keeps where the link goes, never the link.
    record = Message.objects.get()
    assert LINK_MARK in record.body
    assert token_for(invitation) not in record.body
    assert record.reason == Message.Reason.INVITATION
    assert record.queued_by == users["manager"]


def test_the_token_is_stored_only_as_its_hash(world, users):
    invitation = invite(world, users)
    token = token_for(invitation)
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.values().get())
    assert invitation_for_token(token) == invitation


@pytest.mark.parametrize("role", [roles.ADMIN, roles.BUSINESS_MANAGER, roles.INDEPENDENT_CHAIR])
def test_a_business_manager_cannot_invite_an_admin_a_manager_or_a_chair(role, world, users):
    with pytest.raises(ValidationError) as refused:
        invite(world, users, role=role)
    assert refused.value.message_dict["role"] == [
        f"You cannot invite someone as {role} to {world.board.name}."
    ]
    assert not User.objects.filter(email="jo.lead@police.example.org").exists()
    assert not Message.objects.exists()


def test_a_business_manager_cannot_invite_to_another_board(world, users):
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=users["manager"],
            board=world.other_board,
            role=roles.PARTNER,
            email="a@example.org",
            full_name="A Person",
        )


@pytest.mark.parametrize("role", roles.ALL)
def test_an_admin_invites_any_role_to_any_board(role, world, users):
    invitation = services.invitation_create(
        actor=users["admin"],
        board=world.other_board,
        role=role,
        email="new@example.org",
        full_name="New Person",
    )
    assert invitation.user.groups.get().name == role
    assert invitation.user.is_staff is (role == roles.ADMIN)


@pytest.mark.parametrize("name", ["chair", "partner", "lead"])
def test_nobody_else_invites(name, world, users):
    with pytest.raises(ValidationError):
        invite(world, users, by=name, role=roles.PARTNER)


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"email": "not-an-address"}, "email", "Enter an email address in the right form"),
        ({"email": "manager@example.org"}, "email", "already has an Assure account"),
        ({"full_name": "  "}, "full_name", "Enter the person's full name."),
        ({"username": "has spaces"}, "username", "A username uses letters"),
        ({"username": "chair"}, "username", "The username chair is taken"),
    ],
)
def test_a_bad_invitation_is_refused_with_its_reason_and_nothing_is_made(
    fields, field, problem, world, users
):
    users["chair"].email = "manager@example.org"
    users["chair"].save()
    before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        invite(world, users, **fields)
    assert problem in " ".join(refused.value.message_dict[field])
    assert User.objects.count() == before
    assert not Invitation.objects.exists()
    assert not Message.objects.exists()


def test_one_person_may_send_only_so_many_invitations_an_hour(world, users, settings):
    settings.ASSURE_INVITATIONS_PER_HOUR = 2
    invite(world, users, email="one@example.org")
    invite(world, users, email="two@example.org")
    with pytest.raises(ValidationError) as refused:
        invite(world, users, email="three@example.org")
    assert "in the last hour" in refused.value.messages[0]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61), tick=False):
        invite(world, users, email="three@example.org")


# The link ---------------------------------------------------------------------------


def test_the_person_chooses_a_password_and_sets_up_an_app_then_is_signed_in(
    world, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, users)
    link = link_in(mail.outbox[0])
    client = accept(link)
    invitation.refresh_from_db()
    user = invitation.user
    user.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.token_hash == ""
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=user).confirmed
    # Signed in, the code given: the recovery codes, then the lead's page.
    page = client.get(reverse("core:two_factor_recovery_codes") + "?next=/")
    assert page.status_code == 200
    assert len(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())) == 10
    home = client.post(reverse("core:two_factor_recovery_codes"), {"next": "/"}, follow=True)
    assert home.redirect_chain[-1][0] == reverse(
        "priorities:lead_home", kwargs={"board": world.board.slug}
    )
    # The link works once.
    assert Client().get(link).status_code == 404


def test_the_account_is_unchanged_until_the_app_gives_its_code(world, users):
    invitation = invite(world, users)
    link = reverse("invitations:accept", kwargs={"token": token_for(invitation)})
    client = Client()
    response = client.post(link, {"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert response.status_code == 302
    client.get(response["Location"])
    user = User.objects.get(pk=invitation.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    response = client.post(response["Location"], {"code": "000000"})
    if response.status_code == 302:  # one chance in a million that it was right
        pytest.skip("the wrong code was the right one")
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


@pytest.mark.parametrize(
    ("password", "again", "problem"),
    [
        ("", "", "Enter a password."),
        ("short", "short", "This password is too short."),
        ("password1234", "password1234", "This password is too common."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords are not the same."),
    ],
)
def test_a_weak_or_mistyped_password_is_refused(password, again, problem, world, users):
    invitation = invite(world, users)
    link = reverse("invitations:accept", kwargs={"token": token_for(invitation)})
    response = Client().post(link, {"password": password, "again": again})
    assert response.status_code == 400
    assert problem in response.content.decode()


def test_the_app_step_needs_the_password_step_first(world, users):
    invitation = invite(world, users)
    token = token_for(invitation)
    response = Client().get(reverse("invitations:authenticator", kwargs={"token": token}))
    assert response["Location"] == reverse("invitations:accept", kwargs={"token": token})


def fingerprint():
    return (
        list(User.objects.order_by("pk").values_list("password", "is_active", "last_login")),
        list(Invitation.objects.order_by("pk").values_list("status", "token_hash", "sends")),
        TOTPDevice.objects.count(),
    )


@pytest.mark.parametrize("step", ["invitations:accept", "invitations:authenticator"])
def test_a_forged_link_is_a_404_and_changes_nothing(step, world, users):
    invitation = invite(world, users)
    token = token_for(invitation)
    before = fingerprint()
    for forged in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{invitation.pk}-" + "A" * 43,
        "x" * 300,
        "1-",
    ):
        url = reverse(step, kwargs={"token": forged})
        assert Client().get(url).status_code == 404
        data = {"password": NEW_PASSWORD, "again": NEW_PASSWORD, "code": "123456"}
        assert Client().post(url, data).status_code == 404
    assert fingerprint() == before


def test_an_expired_link_is_a_404_and_changes_nothing(world, users, settings):
    invitation = invite(world, users)
    link = reverse("invitations:accept", kwargs={"token": token_for(invitation)})
    before = fingerprint()
    with time_machine.travel(invitation.expires_at, tick=False):
        assert Client().get(link).status_code == 404
    with time_machine.travel(invitation.expires_at - datetime.timedelta(seconds=1), tick=False):
        assert Client().get(link).status_code == 200
    assert fingerprint() == before


def test_the_link_expiry_is_configurable(world, users, settings):
    settings.ASSURE_INVITATION_DAYS = 3
    invitation = invite(world, users)
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=3)


def test_a_used_link_is_a_404_and_changes_nothing(world, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world, users)
    link = link_in(mail.outbox[0])
    accept(link)
    before = fingerprint()
    for step in ("invitations:accept", "invitations:authenticator"):
        url = reverse(step, kwargs={"token": link.split("/")[2]})
        assert Client().get(url).status_code == 404
        assert Client().post(url, {"password": "another one 2026", "again": "x"}).status_code == 404
    assert fingerprint() == before


def test_sending_again_stops_the_old_link_and_gives_the_full_days_again(
    world, users, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, users)
    old_link = link_in(mail.outbox[0])
    with time_machine.travel(start + datetime.timedelta(days=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(invitation=invitation, actor=users["manager"])
        new_link = link_in(mail.outbox[1])
        assert new_link != old_link
        assert Client().get(old_link).status_code == 404
        assert Client().get(new_link).status_code == 200
    invitation.refresh_from_db()
    assert invitation.sends == 2
    assert invitation.expires_at == invitation.sent_at + datetime.timedelta(days=7)
    changes = [h.history_user for h in invitation.history.order_by("history_date")]
    assert changes[-1] == users["manager"]


def test_an_invitation_is_sent_at_most_five_times_a_day(world, users):
    invitation = invite(world, users)
    for _ in range(services.SENDS_PER_DAY - 1):
        services.invitation_resend(invitation=invitation, actor=users["manager"])
    with pytest.raises(ValidationError) as refused:
        services.invitation_resend(invitation=invitation, actor=users["manager"])
    assert "the most Assure sends" in refused.value.messages[0]


def test_a_cancelled_link_is_a_404_and_its_queued_email_is_not_sent(
    world, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        invitation = invite(world, users)
    link = reverse("invitations:accept", kwargs={"token": token_for(invitation)})
    services.invitation_cancel(invitation=invitation, actor=users["manager"])
    for callback in waiting:
        callback()
    assert mail.outbox == []
    assert Message.objects.get().status == Message.Status.FAILED
    assert Client().get(link).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    assert invitation.cancelled_by == users["manager"]
    assert not invitation.user.is_active
    with pytest.raises(ValidationError):
        services.invitation_cancel(invitation=invitation, actor=users["manager"])


def test_a_manager_cannot_resend_or_cancel_an_invitation_an_admin_sent_to_an_admin(world, users):
    invitation = invite(world, users, by="admin", role=roles.ADMIN)
    with pytest.raises(PermissionDenied):
        services.invitation_resend(invitation=invitation, actor=users["manager"])
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, actor=users["manager"])
    services.invitation_cancel(invitation=invitation, actor=users["admin"])


def test_someone_signed_in_is_asked_to_sign_out_before_accepting(world, users, client_for):
    invitation = invite(world, users)
    link = reverse("invitations:accept", kwargs={"token": token_for(invitation)})
    response = client_for("chair").get(link)
    assert response.status_code == 403
    assert "Sign out to accept this invitation" in response.content.decode()


# The security review's finding -------------------------------------------------------


@pytest.mark.parametrize("name", ["manager", "chair", "admin", "lead"])
def test_a_role_that_needs_a_code_cannot_sign_in_with_a_password_before_setting_it_up(
    name, world, users
):
    """Whoever knew a new account's password could once sign in first and
    enrol their own authenticator app; now the app is set up only through
    the invitation's link."""
    client = Client()
    response = client.post(reverse("login"), {"username": name, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your account is not set up yet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.filter(user=users[name]).exists()


def test_the_set_up_page_refuses_someone_whose_role_needs_an_invitation(world, users):
    client = Client()
    client.force_login(users["partner"])
    users["partner"].groups.set([users["manager"].groups.get()])  # now a manager, no app
    response = client.get(reverse("core:two_factor_set_up"))
    assert response.status_code == 403
    assert "Your account is not set up yet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=users["partner"]).exists()
    assert "_auth_user_id" not in client.session


def test_an_existing_account_without_an_app_gets_a_set_up_link(
    world, users, django_capture_on_commit_callbacks
):
    lead = users["lead"]
    TOTPDevice.objects.filter(user=lead).delete()
    lead.email = "lead@example.org"
    lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_for_account(actor=users["manager"], user=lead, board=world.board)
    accept(link_in(mail.outbox[0]), password="a brand new passphrase")
    lead.refresh_from_db()
    assert lead.check_password("a brand new passphrase")
    assert TOTPDevice.objects.get(user=lead).confirmed


def test_an_admin_adds_people_by_invitation_not_in_the_django_admin(world, users, client_for):
    """The Django admin's "Add user" would make an account with a password the
    Admin typed; an Admin invites from a board's People page instead."""
    from django.contrib.auth.models import User as DjangoUser

    client = client_for("admin")
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "typed",
            "password1": "typed password 2026",
            "password2": "typed password 2026",
        },
    )
    assert response.status_code == 403
    assert not DjangoUser.objects.filter(username="typed").exists()
    root = DjangoUser.objects.create_superuser("root", "root@example.org", PASSWORD)
    root_client = Client()
    root_client.force_login(root)
    assert root_client.get(reverse("admin:auth_user_add")).status_code == 200


def test_without_a_site_address_no_invitation_is_sent_and_the_deploy_check_says_why(
    world, users, settings
):
    from core.checks import check_site_url

    settings.ASSURE_SITE_URL = ""
    with pytest.raises(ValidationError) as refused:
        invite(world, users)
    assert "until ASSURE_SITE_URL is set" in refused.value.messages[0]
    assert not Invitation.objects.exists()
    assert [error.id for error in check_site_url(None)] == ["assure.E004"]
