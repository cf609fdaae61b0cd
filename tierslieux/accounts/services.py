"""Writes on accounts: roles, demo administrator, sign-up, invitations, one-time links.

E-mails leave after the commit (``emails.send_after_commit``), their links built from
``settings.SITE_URL``.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts import emails
from tierslieux.accounts.models import (
    Invitation,
    InvitationState,
    Organisation,
    OrganisationKind,
    User,
    UserOrigin,
)
from tierslieux.accounts.tokens import (
    email_change_read,
    email_change_token,
    invitation_tokens,
    signup_confirmation_tokens,
)
from tierslieux.core import clock
from tierslieux.core.logging import actor_id
from tierslieux.core.permissions import Actor, require, user_can, user_region_codes
from tierslieux.core.roles import ASSIGNABLE_ROLES, Role

logger = logging.getLogger(__name__)

# Printed in the README for development: never accepted when DEBUG is off (accounts.backends).
DEMO_ADMIN_DEFAULT_PASSWORD = "tiers-lieux-demo"


class DemoAdminRefused(Exception):
    """The demo administrator is a development convenience: refused in production."""


def roles_ensure() -> list[Group]:
    """Create the group of every assignable role if missing; return them in role order."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in ASSIGNABLE_ROLES]


@transaction.atomic
def user_set_roles(*, user: User, roles: list[Role], by: Actor = None) -> User:
    """Give ``user`` exactly ``roles`` (the audit log records the change of groups)."""
    roles_ensure()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    user.__dict__.pop("_role_cache", None)
    logger.info(
        "roles of user %s set to %s by user %s",
        user.pk,
        ",".join(r.value for r in roles) or "-",
        actor_id(by),
    )
    return user


@transaction.atomic
def demo_admin_ensure(*, username: str, password: str, email: str) -> tuple[User, bool]:
    """Create a superuser if the database has none; return it and whether it was created.

    Development only: refused when DEBUG is off, since its password is published.
    """
    if not settings.DEBUG:
        raise DemoAdminRefused(
            "The demo administrator is only created in development (DJANGO_DEBUG=true). "
            "In production create the first administrator with `manage.py createsuperuser`."
        )
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return existing, False
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_set_roles(user=user, roles=[Role.INSTRUCTOR])
    logger.info("demo administrator created: user %s", user.pk)
    return user, True


# --- self-registration -----------------------------------------------------------------------

HOLDER_SIGNUP_ROLE = Role.HOLDER
INVITABLE_ROLES: tuple[Role, ...] = (Role.NETWORK, Role.AUTHORITY, Role.READER)
"""Roles staff may invite; superusers may also invite instructors."""
ROLE_ORGANISATION_KINDS: dict[Role, tuple[str, ...]] = {
    Role.NETWORK: (OrganisationKind.NETWORK,),
    Role.AUTHORITY: (
        OrganisationKind.COMMUNE,
        OrganisationKind.EPCI,
        OrganisationKind.DEPARTEMENT,
        OrganisationKind.REGION,
        OrganisationKind.STATE,
    ),
}
"""Roles that act for an organisation (opinions are asked of it), and the kinds it may be."""


def _field_error(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def email_normalize(email: str) -> str:
    """The address as stored: trimmed and lowercased (addresses are compared without case)."""
    return email.strip().lower()


def _account_with_email(email: str) -> User | None:
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


def _send_confirmation(user: User) -> None:
    emails.send_after_commit(
        "signup_confirmation",
        to=user.email,
        context={
            "user": user,
            "link": emails.absolute_url(
                "accounts:signup_confirm",
                urlsafe_base64_encode(force_bytes(user.pk)),
                signup_confirmation_tokens.make_token(user),
            ),
            "max_age_hours": settings.ACCOUNT_CONFIRMATION_MAX_AGE // 3600,
        },
    )


def _send_existing_account(user: User) -> None:
    emails.send_after_commit(
        "signup_existing",
        to=user.email,
        context={"user": user, "reset_url": emails.absolute_url("accounts:password_reset")},
    )


@transaction.atomic
def user_register(*, email: str, first_name: str, last_name: str, password: str) -> User | None:
    """Create an inactive holder account for ``email`` and send it a confirmation link.

    The caller learns nothing about existing accounts: when the address already has one, its
    owner gets an e-mail saying so (or, for an account never confirmed, the confirmation link
    again, its password unchanged) and None is returned. The user name is the address.
    """
    email = email_normalize(email)
    existing = _account_with_email(email)
    if existing is None:
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_active=False,
            origin=UserOrigin.SIGNUP,
        )
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same address registered at the same moment
            existing = _account_with_email(email)
        else:
            _send_confirmation(user)
            logger.info("account registered: user %s (awaits confirmation)", user.pk)
            return user
    if existing is None:
        return None
    if existing.awaits_confirmation:
        _send_confirmation(existing)
    elif existing.email:
        _send_existing_account(existing)
    return None


def user_from_uidb64(uidb64: str) -> User | None:
    """The user a link's ``uidb64`` names, or None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk).first()


INVALID_LINK = _("This link is not valid: it was already used, or it is too old.")


@transaction.atomic
def user_confirm(*, uidb64: str, token: str, at: datetime | None = None) -> User:
    """Confirm a self-registered account: activate it and make it a project holder.

    Raises ``ValidationError`` (code ``invalid_link``) when the link is forged, used or old.
    """
    user = user_from_uidb64(uidb64)
    if (
        user is None
        or not user.awaits_confirmation
        or not signup_confirmation_tokens.check_token(user, token, at=at)
    ):
        raise ValidationError(INVALID_LINK, code="invalid_link")
    user.is_active = True
    user.email_confirmed_at = at or clock.now()
    user.full_clean()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    user.groups.add(Group.objects.get_or_create(name=HOLDER_SIGNUP_ROLE.value)[0])
    user.__dict__.pop("_role_cache", None)
    logger.info("account confirmed: user %s", user.pk)
    return user


@transaction.atomic
def user_purge_unconfirmed(*, at: datetime | None = None) -> int:
    """Delete the self-registered accounts never confirmed whose link has expired at ``at``;
    return how many. Someone who registered another person's address leaves nothing behind."""
    limit = (at or clock.now()) - timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
    stale = User.objects.filter(
        origin=UserOrigin.SIGNUP,
        email_confirmed_at__isnull=True,
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=limit,
    )
    count = 0
    for user in stale:
        user.delete()
        count += 1
    if count:
        logger.info("unconfirmed accounts purged: %s", count)
    return count


# --- password reset --------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Send a reset link to the active accounts of ``email`` with a password; to an account
    never confirmed, the confirmation link again. Nothing for other addresses (the page says
    the same thing whatever the address)."""
    email = email_normalize(email)
    for user in User.objects.filter(email__iexact=email).order_by("pk"):
        if user.is_active and user.has_usable_password():
            emails.send_after_commit(
                "password_reset",
                to=user.email,
                context={
                    "user": user,
                    "link": emails.absolute_url(
                        "accounts:password_reset_confirm",
                        urlsafe_base64_encode(force_bytes(user.pk)),
                        default_token_generator.make_token(user),
                    ),
                    "max_age_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
            )
        elif user.awaits_confirmation:
            _send_confirmation(user)


# --- invitations -----------------------------------------------------------------------------


def invitable_roles(by: Actor) -> tuple[Role, ...]:
    """The roles ``by`` may invite someone to."""
    if not user_can(by, "accounts.manage_roles"):
        return ()
    if by.is_superuser:
        return (*INVITABLE_ROLES, Role.INSTRUCTOR, Role.NATIONAL_READER)
    return INVITABLE_ROLES


def invitable_regions(by: Actor) -> tuple[str, ...]:
    """The served regions (``TERRITORY_REGIONS``) ``by`` may invite staff into: its own."""
    scope = user_region_codes(by)
    return tuple(c for c in settings.TERRITORY_REGIONS if scope is None or c in scope)


def _send_invitation(invitation: Invitation) -> None:
    user = invitation.user
    emails.send_after_commit(
        "invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "role": Role(invitation.role).label,
            "inviter": invitation.invited_by.get_full_name()
            or invitation.invited_by.get_username(),
            "link": emails.absolute_url(
                "accounts:invitation_accept",
                urlsafe_base64_encode(force_bytes(user.pk)),
                invitation_tokens.make_token(user),
            ),
            "max_age_days": settings.ACCOUNT_INVITATION_MAX_AGE // (24 * 3600),
        },
    )


@transaction.atomic
def user_invite(
    *,
    email: str,
    role: str,
    organisation: Organisation | None,
    by: Actor,
    at: datetime | None = None,
    region_code: str = "",
) -> Invitation:
    """Invite a partner: create their account inactive, without a usable password, and send
    them a link to set one. Only staff may invite; only superusers may invite instructors and
    national readers. The role is held for ``region_code`` (by default the inviter's own or
    the home region), one of the served regions the inviter reaches."""
    require(by, "accounts.manage_roles")
    try:
        role = Role(role)
    except ValueError:
        raise _field_error("role", _("Choose a role."), "role") from None
    if role not in invitable_roles(by):
        raise PermissionDenied("accounts.manage_roles")
    regions = invitable_regions(by)
    region_code = region_code or (
        by.region_code if by.region_code in regions else settings.TERRITORY_REGION_CODE
    )
    if region_code not in regions:
        raise _field_error(
            "region_code",
            _("You may invite people only into your own region(s): %(regions)s.")
            % {"regions": ", ".join(regions) or "-"},
            "region_scope",
        )
    kinds = ROLE_ORGANISATION_KINDS.get(role)
    if kinds and organisation is None:
        raise _field_error(
            "organisation",
            _("This role acts for an organisation: choose it."),
            "organisation_required",
        )
    if kinds and organisation is not None and organisation.kind not in kinds:
        raise _field_error(
            "organisation",
            _("This organisation is not of a kind this role acts for."),
            "organisation_kind",
        )
    email = email_normalize(email)
    if Invitation.objects.filter(email__iexact=email, state=InvitationState.PENDING).exists():
        raise _field_error(
            "email",
            _("An invitation to this address is pending: resend it from the list."),
            "pending",
        )
    if _account_with_email(email) is not None:
        raise _field_error(
            "email",
            _("An account already uses this address: give it the role in the administration."),
            "exists",
        )
    now = at or clock.now()
    user = User(
        username=email,
        email=email,
        is_active=False,
        origin=UserOrigin.INVITATION,
        organisation=organisation,
        region_code=region_code,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    invitation = Invitation(
        user=user,
        email=email,
        role=role.value,
        region_code=region_code,
        organisation=organisation,
        invited_by=by,
        sent_at=now,
    )
    invitation.full_clean()
    invitation.save()
    _send_invitation(invitation)
    logger.info(
        "invitation %s sent (role %s, user %s) by user %s",
        invitation.pk,
        invitation.role,
        user.pk,
        actor_id(by),
    )
    return invitation


def _pending(invitation: Invitation) -> None:
    if invitation.state != InvitationState.PENDING or invitation.user is None:
        raise ValidationError(_("This invitation is no longer pending."), code="not_pending")


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, by: Actor, at: datetime | None = None
) -> Invitation:
    """Send the invitation again with a new link (the previous link stops working)."""
    require(by, "accounts.manage_roles", invitation)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=invitation.pk)
    )
    _pending(invitation)
    user = invitation.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    invitation.sent_at = at or clock.now()
    invitation.send_count += 1
    invitation.save(update_fields=["sent_at", "send_count", "updated_at"])
    _send_invitation(invitation)
    logger.info("invitation %s sent again by user %s", invitation.pk, actor_id(by))
    return invitation


@transaction.atomic
def invitation_cancel(
    *, invitation: Invitation, by: Actor, at: datetime | None = None
) -> Invitation:
    """Cancel a pending invitation: its link stops working and the unused account is deleted."""
    require(by, "accounts.manage_roles", invitation)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=invitation.pk)
    )
    _pending(invitation)
    user = invitation.user
    invitation.state = InvitationState.CANCELLED
    invitation.ended_at = at or clock.now()
    invitation.user = None
    invitation.save(update_fields=["state", "ended_at", "user", "updated_at"])
    user.delete()
    logger.info("invitation %s cancelled by user %s", invitation.pk, actor_id(by))
    return invitation


def invitation_user_check(*, uidb64: str, token: str, at: datetime | None = None) -> User | None:
    """The invited user a link names, if the link is valid and the invitation pending."""
    user = user_from_uidb64(uidb64)
    if user is None or not invitation_tokens.check_token(user, token, at=at):
        return None
    invitation = Invitation.objects.filter(user=user, state=InvitationState.PENDING).first()
    return user if invitation is not None else None


@transaction.atomic
def invitation_accept(*, user: User, token: str, password: str, at: datetime | None = None) -> User:
    """Set the invited user's password from a valid link: the account becomes active, with the
    role it was invited to."""
    if not invitation_tokens.check_token(user, token, at=at):
        raise ValidationError(INVALID_LINK, code="invalid_link")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(user=user, state=InvitationState.PENDING)
        .first()
    )
    if invitation is None:
        raise ValidationError(INVALID_LINK, code="invalid_link")
    now = at or clock.now()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.email_confirmed_at = now
    user.save(update_fields=["password", "is_active", "email_confirmed_at"])
    user.groups.add(Group.objects.get_or_create(name=invitation.role)[0])
    user.__dict__.pop("_role_cache", None)
    invitation.state = InvitationState.ACCEPTED
    invitation.ended_at = now
    invitation.save(update_fields=["state", "ended_at", "updated_at"])
    logger.info("invitation %s accepted: user %s", invitation.pk, user.pk)
    return user


# --- change of e-mail address ----------------------------------------------------------------


@transaction.atomic
def email_change_request(*, user: User, new_email: str) -> None:
    """Send a link to ``new_email``; the address changes only when it is opened.

    If another account already uses the address, its owner is told instead (by e-mail to that
    address): the person asking learns nothing about other accounts.
    """
    new_email = email_normalize(new_email)
    if new_email == email_normalize(user.email):
        raise _field_error("new_email", _("This is already your address."), "same")
    other = _account_with_email(new_email)
    if other is not None and other.pk != user.pk:
        if other.email:
            _send_existing_account(other)
        return
    emails.send_after_commit(
        "email_change",
        to=new_email,
        context={
            "user": user,
            "new_email": new_email,
            "link": emails.absolute_url(
                "accounts:email_change_confirm", email_change_token(user=user, new_email=new_email)
            ),
            "max_age_hours": settings.ACCOUNT_EMAIL_CHANGE_MAX_AGE // 3600,
        },
    )


@transaction.atomic
def email_change_confirm(*, token: str, at: datetime | None = None) -> User:
    """Apply a change of address from the link sent to the new one (once: the link names the
    address it replaces). A user name that was the old address follows it."""
    data = email_change_read(token)
    user = User.objects.select_for_update().filter(pk=data["u"]).first() if data else None
    if user is None or user.email != data["from"]:
        raise ValidationError(INVALID_LINK, code="invalid_link")
    new_email = data["to"]
    other = _account_with_email(new_email)
    if other is not None and other.pk != user.pk:
        raise ValidationError(INVALID_LINK, code="invalid_link")
    old_email = user.email
    user.email = new_email
    if email_normalize(user.username) == email_normalize(old_email):
        user.username = new_email
    user.email_confirmed_at = at or clock.now()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email", "username", "email_confirmed_at"])
    if old_email:
        emails.send_after_commit(
            "email_changed", to=old_email, context={"user": user, "new_email": new_email}
        )
    logger.info("e-mail address changed: user %s", user.pk)
    return user
