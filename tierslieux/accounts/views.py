"""Account pages: sign-up and its confirmation, password reset and change, invitations, the
account page. Views parse and render; the rules are in ``services``."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.accounts import selectors, services
from tierslieux.accounts.forms import (
    EmailChangeForm,
    InvitationForm,
    PasswordResetRequestForm,
    SignupForm,
)
from tierslieux.accounts.throttle import throttle_hit
from tierslieux.accounts.tokens import invitation_tokens
from tierslieux.core.forms import form_add_service_error
from tierslieux.core.http import client_ip
from tierslieux.core.permissions import permission_required, user_roles

# Log in with the model backend explicitly: other backends (a login throttle) may be listed.
MODEL_BACKEND = "tierslieux.accounts.backends.AccountBackend"
"""The backend a confirmed or invited user is logged in with (one of AUTHENTICATION_BACKENDS)."""


# --- account page ----------------------------------------------------------------------------


@login_required
def account_detail(request: HttpRequest) -> HttpResponse:
    roles = sorted(user_roles(request.user) - {services.Role.PUBLIC}, key=lambda r: r.label)
    return render(request, "accounts/account_detail.html", {"roles": roles})


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if throttle_hit(
            scope="email_change", key=str(request.user.pk), limit=settings.ACCOUNT_RESETS_PER_HOUR
        ):
            form.add_error(None, _("Too many requests. Try again in an hour."))
            return render(request, "accounts/email_change.html", {"form": form}, status=429)
        try:
            services.email_change_request(
                user=request.user, new_email=form.cleaned_data["new_email"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "We sent a link to %(email)s. Your address changes when you open it; until "
                    "then, your account keeps the current one."
                )
                % {"email": services.email_normalize(form.cleaned_data["new_email"])},
            )
            return redirect("accounts:account_detail")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token)
        except ValidationError:
            return _invalid_link(request)
        messages.success(request, _("Your e-mail address is changed."))
        if request.user.is_authenticated:
            return redirect("accounts:account_detail")
        return redirect("accounts:login")
    return render(request, "accounts/email_change_confirm.html")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account_detail")
    success_message = gettext_lazy("Your password is changed.")


# --- sign-up ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account_detail")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle_hit(
            scope="signup", key=client_ip(request), limit=settings.ACCOUNT_SIGNUPS_PER_HOUR
        ):
            form.add_error(
                None,
                _("Too many accounts were requested from your connection. Try again in an hour."),
            )
            status = 429
        else:
            try:
                services.user_register(
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                request.session["signup_email"] = services.email_normalize(
                    form.cleaned_data["email"]
                )
                return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")}
    )


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/link_invalid.html", status=400)


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links confirm nothing); POST confirms."""
    if request.method == "POST":
        try:
            user = services.user_confirm(uidb64=uidb64, token=token)
        except ValidationError:
            return _invalid_link(request)
        request.session.pop("signup_email", None)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Your account is confirmed. Welcome!"))
        return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/signup_confirm.html")


# --- password reset (Django's views, our form, templates and throttle) ------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        if throttle_hit(
            scope="password_reset",
            key=client_ip(self.request),
            limit=settings.ACCOUNT_RESETS_PER_HOUR,
        ):
            form.add_error(None, _("Too many requests from your connection. Try again in an hour."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- invitations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_roles")
def invitation_list(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.user_invite(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                region_code=form.cleaned_data.get("region_code", ""),
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invitation_list")
    return render(
        request,
        "accounts/invitation_list.html",
        {"form": form, "pending": selectors.invitation_list_pending(user=request.user)},
    )


def _invitation_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    if invitation is None:
        raise Http404
    try:
        action(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("accounts:invitation_list")


@require_POST
@permission_required("accounts.manage_roles")
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, services.invitation_resend, _("Invitation sent again to %(email)s.")
    )


@require_POST
@permission_required("accounts.manage_roles")
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, services.invitation_cancel, _("Invitation to %(email)s cancelled.")
    )


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-a-link view (the token leaves the address bar for the
    session), with the invitation's tokens; the password is set by ``invitation_accept``."""

    token_generator = invitation_tokens
    form_class = SetPasswordForm
    template_name = "accounts/invitation_accept.html"
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        return services.user_from_uidb64(uidb64)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            user = services.invitation_accept(
                user=self.user, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        login(self.request, user, backend=MODEL_BACKEND)
        messages.success(self.request, _("Your password is set: welcome!"))
        return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page django-axes answers while an account or an address is locked out."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
